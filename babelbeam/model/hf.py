"""Hugging Face checkpoint interop: ``config.json`` + ``*.safetensors`` in, the same layout out.

Only safetensors are read or written; nothing is ever unpickled. Keys are the Hugging Face ones
(docs/qwen3-reference.md). babelbeam stores MoE experts stacked (``mlp.experts.gate_proj`` [E, F, H]); on disk
each expert has its own keys ``mlp.experts.{j}.{gate,up,down}_proj.weight``. transformers 5's fused in-memory
layout (``mlp.experts.gate_up_proj`` [E, 2F, H], ``mlp.experts.down_proj`` [E, H, F]) is also accepted on
load. A tied checkpoint has no ``lm_head.weight``; if one is present anyway it is ignored.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import uuid
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from babelbeam.model.config import Qwen3Config
from babelbeam.model.qwen3 import Qwen3ForCausalLM

log = logging.getLogger(__name__)

_EXPERT_KEY = re.compile(
    r"^(model\.layers\.\d+\.mlp\.experts)\.(\d+)\.(gate_proj|up_proj|down_proj)\.weight$")
_PROJS = ("gate_proj", "up_proj", "down_proj")


def _read_safetensors(path: Path) -> dict[str, torch.Tensor]:
    """All tensors of a checkpoint directory (single file or sharded with
    ``model.safetensors.index.json``)."""
    index = path / "model.safetensors.index.json"
    if index.exists():
        weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
        files = sorted(set(weight_map.values()))
    elif (path / "model.safetensors").exists():
        files = ["model.safetensors"]
    else:
        files = sorted(p.name for p in path.glob("*.safetensors"))
    if not files:
        raise FileNotFoundError(f"no *.safetensors in {path}")
    tensors: dict[str, torch.Tensor] = {}
    for name in files:
        with safe_open(str(path / name), framework="pt", device="cpu") as f:
            for key in f.keys():
                tensors[key] = f.get_tensor(key)
    return tensors


def _new_file_mode(directory: Path) -> int:
    """The permission bits ``open()`` gives a new file in ``directory``: 0666 less the umask (or as a default
    ACL says). Found by creating an empty file, which, unlike reading the umask, is safe with threads."""
    probe = directory / f".mode-probe-{uuid.uuid4().hex}"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        return stat.S_IMODE(os.fstat(fd).st_mode)
    finally:
        os.close(fd)
        probe.unlink()


def save_safetensors(tensors: dict[str, torch.Tensor], path: str | os.PathLike[str],
                     metadata: dict[str, str] | None = None) -> Path:
    """``safetensors.torch.save_file``, leaving the file with the permissions of any other file written here.

    safetensors writes a temporary file, mode 0600, and renames it into place, so without this an exported
    ``model.safetensors`` is unreadable to the group while the ``config.json`` beside it follows the umask.
    """
    path = Path(path)
    save_file(tensors, str(path), metadata=metadata)
    os.chmod(path, _new_file_mode(path.parent))
    return path


def hf_to_babelbeam(tensors: dict[str, torch.Tensor], config: Qwen3Config) -> dict[str, torch.Tensor]:
    """Map a Hugging Face state dict to babelbeam's (stack per-expert weights, drop a tied ``lm_head``)."""
    out: dict[str, torch.Tensor] = {}
    experts: dict[str, dict[str, dict[int, torch.Tensor]]] = {}
    for key, t in tensors.items():
        m = _EXPERT_KEY.match(key)
        if m:
            experts.setdefault(m.group(1), {p: {} for p in _PROJS})[m.group(3)][int(m.group(2))] = t
        elif key.endswith("mlp.experts.gate_up_proj"):  # transformers 5 fused layout: [E, 2F, H]
            gate, up = t.chunk(2, dim=1)
            out[key[: -len("gate_up_proj")] + "gate_proj"] = gate
            out[key[: -len("gate_up_proj")] + "up_proj"] = up
        elif key == "lm_head.weight" and config.tie_word_embeddings:
            log.info("ignoring lm_head.weight: the config ties it to model.embed_tokens.weight")
        elif key.endswith("rotary_emb.inv_freq"):
            continue  # old exports saved RoPE buffers; babelbeam computes them
        else:
            out[key] = t
    for prefix, per_proj in experts.items():
        for proj, by_idx in per_proj.items():
            missing = sorted(set(range(config.num_experts)) - set(by_idx))
            if missing:
                raise KeyError(f"{prefix}.{{j}}.{proj}.weight missing for experts {missing[:8]}")
            out[f"{prefix}.{proj}"] = torch.stack([by_idx[j] for j in range(config.num_experts)])
    return out


def babelbeam_to_hf(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Map babelbeam's state dict to Hugging Face keys (one tensor per expert), each tensor contiguous."""
    out: dict[str, torch.Tensor] = {}
    for key, t in state.items():
        prefix, _, proj = key.rpartition(".")
        if prefix.endswith("mlp.experts") and proj in _PROJS:
            for j, w in enumerate(t.unbind(0)):
                out[f"{prefix}.{j}.{proj}.weight"] = w.contiguous()
        else:
            out[key] = t.contiguous()
    return out


def load_hf_checkpoint(path: str | os.PathLike[str], dtype: torch.dtype | None = None,
                       device: torch.device | str = "cpu") -> Qwen3ForCausalLM:
    """Load a Hugging Face Qwen3 / Qwen3-MoE directory (``config.json`` + safetensors) into babelbeam.

    ``dtype``: convert every tensor (default: keep the checkpoint's dtype). The model is built on the meta
    device and the loaded tensors are assigned, so no memory is spent on a throwaway random init.
    Raises KeyError naming missing or unexpected keys.
    """
    path = Path(path)
    config = Qwen3Config.from_hf_config(path / "config.json")
    state = hf_to_babelbeam(_read_safetensors(path), config)
    state = {k: v.to(device=device, dtype=dtype or v.dtype) for k, v in state.items()}
    with torch.device("meta"):
        model = Qwen3ForCausalLM(config)
    expected = set(model.state_dict())
    if set(state) != expected:
        missing = sorted(expected - set(state))[:8]
        raise KeyError(f"checkpoint {path} does not match {config}: missing {missing}, "
                       f"unexpected {sorted(set(state) - expected)[:8]}")
    model.load_state_dict(state, strict=True, assign=True)
    return model


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def save_hf_checkpoint(model: Qwen3ForCausalLM, path: str | os.PathLike[str],
                       max_shard_bytes: int = 5 * 1024**3) -> list[Path]:
    """Write ``model`` as a Hugging Face checkpoint directory; returns the files written.

    ``config.json`` (architectures/model_type for dense or MoE, ``torch_dtype``), then ``model.safetensors``
    or, when the tensors exceed ``max_shard_bytes``, ``model-0000i-of-0000n.safetensors`` plus
    ``model.safetensors.index.json``. Tensors are written in the model's dtype, keys in file order as
    the state dict, each shard filled greedily (a single tensor larger than a shard gets its own shard).
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    tensors = babelbeam_to_hf({k: v.detach().cpu() for k, v in model.state_dict().items()})
    dtype = next(iter(model.parameters())).dtype
    hf_config = model.config.to_hf_config()
    hf_config["torch_dtype"] = _dtype_name(dtype)
    hf_config["dtype"] = _dtype_name(dtype)  # transformers 5 spelling
    (path / "config.json").write_text(json.dumps(hf_config, indent=2, sort_keys=True) + "\n",
                                      encoding="utf-8")

    shards: list[dict[str, torch.Tensor]] = [{}]
    size = 0
    for key, t in tensors.items():
        nbytes = t.numel() * t.element_size()
        if shards[-1] and size + nbytes > max_shard_bytes:
            shards.append({})
            size = 0
        shards[-1][key] = t
        size += nbytes
    written = [path / "config.json"]
    metadata = {"format": "pt"}  # transformers checks this header field
    if len(shards) == 1:
        save_safetensors(shards[0], path / "model.safetensors", metadata=metadata)
        written.append(path / "model.safetensors")
        return written
    weight_map: dict[str, str] = {}
    for i, shard in enumerate(shards, start=1):
        name = f"model-{i:05d}-of-{len(shards):05d}.safetensors"
        save_safetensors(shard, path / name, metadata=metadata)
        weight_map.update(dict.fromkeys(shard, name))
        written.append(path / name)
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (path / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    written.append(path / "model.safetensors.index.json")
    return written
