"""How the single-device Qwen3 model runs on many devices: process group, activation checkpointing, compile,
FSDP2 or DDP, and the compute dtype.

As in torchtitan, the model file (``qwen3.py``) knows nothing of this: ``parallelize`` applies, in this order,
activation checkpointing, ``torch.compile`` and data parallelism to a model whose weights are already
initialised, and the trainer only calls it. Every change here patches modules in place or wraps the model,
so parameter names, and with them checkpoints and the Hugging Face export, stay those of ``qwen3.py``.

One process runs without a process group (the model is returned as it is); ``torchrun`` sets
``WORLD_SIZE`` and the same code runs on NCCL (GPU) or gloo (CPU).
"""

from __future__ import annotations

import functools
import os

import torch
import torch.distributed as dist
from torch import nn

from babelbeam.model.qwen3 import Qwen3ForCausalLM
from babelbeam.model.train_config import ParallelSection

DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}
"""The dtype names ``parallel.param_dtype`` and ``parallel.reduce_dtype`` accept."""


def setup_distributed() -> tuple[int, int, torch.device]:
    """Join the process group torchrun describes (if any); returns (rank, world size, device)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo", device_id=device if cuda else None)
    rank = dist.get_rank() if dist.is_initialized() else 0
    return rank, world, device


def apply_activation_checkpointing(model: Qwen3ForCausalLM) -> None:
    """Recompute every decoder layer in backward. Patches each layer's ``forward`` so that parameter names
    (and so checkpoints and the Hugging Face export) stay unchanged."""
    from torch.utils.checkpoint import checkpoint

    for layer in model.model.layers:
        layer.forward = functools.partial(checkpoint, layer.forward, use_reentrant=False)


def apply_compile(model: Qwen3ForCausalLM) -> None:
    """``torch.compile`` each decoder layer in place (as torchtitan does): one small graph reused by every
    layer instead of one graph of the whole model."""
    for layer in model.model.layers:
        layer.compile()


def apply_fsdp(model: Qwen3ForCausalLM, parallel: ParallelSection, device: torch.device) -> Qwen3ForCausalLM:
    """FSDP2: ``fully_shard`` each decoder layer, then the root (embedding, final norm, head)."""
    from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

    if device.type == "cuda":
        mp = MixedPrecisionPolicy(param_dtype=DTYPES[parallel.param_dtype],
                                  reduce_dtype=DTYPES[parallel.reduce_dtype])
    else:
        mp = MixedPrecisionPolicy()  # CPU computes in fp32
    n = len(model.model.layers)
    for i, layer in enumerate(model.model.layers):
        # The last layer's parameters are needed again at once by backward: keep them unsharded after forward.
        fully_shard(layer, mp_policy=mp, reshard_after_forward=i < n - 1)
    fully_shard(model, mp_policy=mp)
    return model


def parallelize(model: Qwen3ForCausalLM, parallel: ParallelSection, world: int, device: torch.device,
                activation_checkpointing: bool = False, compile: bool = False) -> nn.Module:
    """Activation checkpointing and compile when asked, then FSDP2 (``parallel.fsdp``) or DDP across
    ``world`` ranks; the model itself for one rank. ``model`` must already hold its initial weights."""
    if activation_checkpointing:
        apply_activation_checkpointing(model)
    if compile:
        apply_compile(model)
    if world == 1:
        return model
    if parallel.fsdp:
        return apply_fsdp(model, parallel, device)
    return nn.parallel.DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None)


def autocast_dtype(parallel: ParallelSection, world: int, device: torch.device) -> torch.dtype | None:
    """The dtype the forward autocasts to, or None: one GPU and DDP compute under autocast to
    ``parallel.param_dtype``; FSDP casts the parameters itself; the CPU stays in fp32."""
    fsdp = world > 1 and parallel.fsdp
    if device.type == "cuda" and not fsdp and parallel.param_dtype != "float32":
        return DTYPES[parallel.param_dtype]
    return None
