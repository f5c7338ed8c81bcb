"""Qwen3's mixture-of-experts layer and the global-batch load-balancing loss that trains its router.

**The layer** (``MoE``, used by ``qwen3.DecoderLayer`` in place of the dense MLP when ``num_experts > 0``):
a router ``gate`` (Linear(hidden, E), no bias) scores every expert; softmax over all E in fp32, top-k,
renormalise the k weights (``norm_topk_prob``), then the weighted sum of the k experts' SwiGLU outputs. No
shared expert, no capacity limit, no dropped tokens (docs/qwen3-reference.md). The E experts are stored
stacked (``GroupedExperts``: ``gate_proj`` [E, F, H] ...) and run as one grouped matmul where the kernel
supports the operands, else one matmul per expert; ``hf.py`` maps the stacked weights to Hugging Face's
per-expert keys.

**The loss**, after Qiu et al. 2025, "Demons in the Detail" (docs/qwen3-reference.md):

``LBL = E * sum_i f_i * p_i``, averaged over MoE layers, where

- ``f_i`` is the share of routed (token, expert) slots that went to expert ``i``, counted over the *global*
  batch: the expert counts of every micro-batch of the current optimizer step so far, summed over the
  data-parallel group (``all_reduce(SUM)`` when ``torch.distributed`` is initialised). Detached.
- ``p_i`` is the mean router probability of expert ``i`` over the tokens of the *current* micro-batch on
  this rank. It carries the gradient.

With this (Megatron-LM) normalisation a perfectly balanced router scores 1.0 and the worst collapse scores
``E / k``. The micro-batch LBL is the special case of one micro-batch on one rank.

How the trainer calls it::

    balancer = GlobalLoadBalancer(config.num_experts, config.num_experts_per_tok, group=dp_group)
    for step in ...:
        for micro_batch in accumulation_steps:
            out = model(input_ids, position_ids, document_ids)
            loss = ce(out.logits, labels) + aux_coef * balancer.loss(out.router_logits)
            (loss / accumulation_steps).backward()
        optimizer.step(); optimizer.zero_grad()
        balancer.reset()          # start counting afresh for the next optimizer step

Every rank must call ``loss`` the same number of times per step (it is a collective when distributed).
"""

from __future__ import annotations

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from babelbeam.model.config import Qwen3Config

# ------------------------------------------------------------------------------------------------ routing


def top_k_routing(router_logits: torch.Tensor, top_k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax over all experts in fp32, then top-k: (probabilities [N, k] fp32, expert ids [N, k]).

    The one routing rule: the layer weights its experts with it and the load balancer counts with it.
    """
    probs = F.softmax(router_logits, dim=-1, dtype=torch.float32)  # [N, E]
    return torch.topk(probs, top_k, dim=-1)


# ------------------------------------------------------------------------------------------------ experts


def grouped_mm_ok(x: torch.Tensor, w: torch.Tensor) -> bool:
    """Whether ``torch._grouped_mm(x, w.transpose(-2, -1), offs=...)`` runs for these operands here.

    Checked on CPU (torch 2.13): fp32 and bf16, forward and backward, but every row stride must be a multiple
    of 16 bytes. On CUDA the kernel needs bf16 on compute capability >= 9.0 (Hopper).
    """
    if not hasattr(torch, "_grouped_mm") or x.dtype != w.dtype:
        return False
    elt = x.element_size()
    if (x.shape[-1] * elt) % 16 or (w.shape[-2] * elt) % 16:
        return False
    if x.device.type == "cpu":
        return x.dtype in (torch.float32, torch.bfloat16)
    if x.device.type == "cuda":
        return x.dtype == torch.bfloat16 and torch.cuda.get_device_capability(x.device) >= (9, 0)
    return False


class GroupedExperts(nn.Module):
    """E SwiGLU experts stored stacked, applied to tokens already sorted by expert.

    ``gate_proj``/``up_proj``: [E, F, H] and ``down_proj``: [E, H, F] -- each slice is the matching
    ``nn.Linear.weight`` of a Hugging Face expert, so export is ``unbind(0)``.
    """

    def __init__(self, num_experts: int, hidden: int, intermediate: int) -> None:
        super().__init__()
        self.gate_proj = nn.Parameter(torch.empty(num_experts, intermediate, hidden))
        self.up_proj = nn.Parameter(torch.empty(num_experts, intermediate, hidden))
        self.down_proj = nn.Parameter(torch.empty(num_experts, hidden, intermediate))
        self.impl = "auto"
        """"auto" (grouped matmul where ``grouped_mm_ok``), "grouped_mm" (always) or "loop" (per expert)."""

    def forward(self, x: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
        """x: [M, H] rows sorted by expert, ``counts[e]`` rows for expert e -> [M, H]."""
        use_grouped = self.impl == "grouped_mm" or (self.impl == "auto" and grouped_mm_ok(x, self.gate_proj))
        if use_grouped:
            offs = counts.cumsum(0).to(torch.int32)  # end row of each expert's group
            g = torch._grouped_mm(x, self.gate_proj.transpose(-2, -1), offs=offs)  # [M, F]
            u = torch._grouped_mm(x, self.up_proj.transpose(-2, -1), offs=offs)  # [M, F]
            return torch._grouped_mm(F.silu(g) * u, self.down_proj.transpose(-2, -1), offs=offs)  # [M, H]
        out = []
        for e, xe in enumerate(torch.split(x, counts.tolist())):  # host sync: fine for a fallback
            out.append(F.linear(F.silu(F.linear(xe, self.gate_proj[e])) * F.linear(xe, self.up_proj[e]),
                                self.down_proj[e]))
        return torch.cat(out)


# ------------------------------------------------------------------------------------------------ layer


class MoE(nn.Module):
    """Sparse MoE: softmax over all experts in fp32, top-k, renormalise, weighted sum; no drops, no shared
    expert."""

    def __init__(self, config: Qwen3Config) -> None:
        super().__init__()
        self.num_experts, self.top_k = config.num_experts, config.num_experts_per_tok
        self.norm_topk_prob = config.norm_topk_prob
        self.gate = nn.Linear(config.hidden_size, config.num_experts, bias=False)  # the router
        self.experts = GroupedExperts(config.num_experts, config.hidden_size, config.moe_intermediate_size)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: [B, T, H] -> (out [B, T, H], router_logits [B*T, E])."""
        b, t, h = x.shape
        x = x.reshape(b * t, h)  # [N, H]
        router_logits = self.gate(x)  # [N, E]
        weights, experts = top_k_routing(router_logits, self.top_k)  # [N, k] each
        if self.norm_topk_prob:
            weights = weights / weights.sum(dim=-1, keepdim=True)
        weights = weights.to(x.dtype)
        # Sort the N*k (token, expert) slots by expert so each expert sees one contiguous block.
        flat_experts = experts.reshape(-1)  # [N*k]
        order = torch.argsort(flat_experts, stable=True)  # [N*k]
        token_idx = order // self.top_k  # [N*k] source token of each sorted slot
        counts = torch.bincount(flat_experts, minlength=self.num_experts)  # [E]
        y = self.experts(x[token_idx], counts)  # [N*k, H]
        y = y * weights.reshape(-1)[order].unsqueeze(-1)
        out = torch.zeros_like(x).index_add_(0, token_idx, y)  # [N, H]: sum over each token's k experts
        return out.view(b, t, h), router_logits


# --------------------------------------------------------------------------------------------- load balancing


def expert_counts(router_logits: list[torch.Tensor], top_k: int) -> torch.Tensor:
    """Routed slots per expert, [num_layers, E] (float32, no gradient): how many tokens chose each expert
    among their top-k, per MoE layer, routed by ``top_k_routing`` as the layer routes."""
    rows = []
    with torch.no_grad():
        for logits in router_logits:
            _, chosen = top_k_routing(logits, top_k)  # [N, k]
            rows.append(torch.bincount(chosen.reshape(-1), minlength=logits.shape[-1]).float())
    return torch.stack(rows)


def load_balancing_loss(router_logits: list[torch.Tensor], counts: torch.Tensor) -> torch.Tensor:
    """``E * sum_i f_i * p_i`` averaged over layers, with ``f`` from ``counts`` [L, E] (any batch: local,
    accumulated or global) and ``p`` the mean router probability over ``router_logits`` (one [N, E] per
    layer)."""
    if len(router_logits) != counts.shape[0]:
        raise ValueError(f"{len(router_logits)} router_logits tensors but counts for {counts.shape[0]} "
                         "layers")
    num_experts = counts.shape[-1]
    f = counts / counts.sum(dim=-1, keepdim=True).clamp_min(1.0)  # [L, E], slot share per expert
    # [L, E], mean router probability per expert
    p = torch.stack([F.softmax(lg, dim=-1, dtype=torch.float32).mean(dim=0) for lg in router_logits])
    return num_experts * (f.detach() * p).sum(dim=-1).mean()


class GlobalLoadBalancer:
    """Accumulates per-layer expert counts over the micro-batches of one optimizer step and the data-parallel
    group, and turns them into the global-batch load-balancing loss (see the module docstring)."""

    def __init__(self, num_experts: int, top_k: int, group: dist.ProcessGroup | None = None) -> None:
        """``group``: the data-parallel process group (None = the default group, when distributed)."""
        self.num_experts, self.top_k, self.group = num_experts, top_k, group
        self.counts: torch.Tensor | None = None
        """Global routed-slot counts [L, E] of the current optimizer step so far (None right after reset)."""

    def reset(self) -> None:
        """Forget the counts; call once after every ``optimizer.step()``."""
        self.counts = None

    def update(self, router_logits: list[torch.Tensor]) -> torch.Tensor:
        """Add this micro-batch's counts, summed over the data-parallel group, and return the running
        total."""
        local = expert_counts(router_logits, self.top_k)
        if local.shape[-1] != self.num_experts:
            raise ValueError(f"router_logits have {local.shape[-1]} experts, balancer expects "
                             f"{self.num_experts}")
        if dist.is_available() and dist.is_initialized():
            dist.all_reduce(local, op=dist.ReduceOp.SUM, group=self.group)
        self.counts = local if self.counts is None else self.counts + local
        return self.counts

    def loss(self, router_logits: list[torch.Tensor]) -> torch.Tensor:
        """The global-batch LBL for this micro-batch (scalar fp32 with gradient through ``router_logits``);
        0 for a dense model (no router logits)."""
        if not router_logits:
            return torch.zeros((), dtype=torch.float32)
        return load_balancing_loss(router_logits, self.update(router_logits))

    def expert_load(self) -> torch.Tensor | None:
        """The accumulated slot share per expert [L, E] (sums to 1 per layer), for logging; None after
        reset."""
        if self.counts is None:
            return None
        return self.counts / self.counts.sum(dim=-1, keepdim=True).clamp_min(1.0)
