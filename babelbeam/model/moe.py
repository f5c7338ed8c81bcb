"""Global-batch load-balancing loss for Qwen3 MoE (Qiu et al. 2025, "Demons in the Detail"; FACTS.md 5).

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


def expert_counts(router_logits: list[torch.Tensor], top_k: int) -> torch.Tensor:
    """Routed slots per expert, [num_layers, E] (float32, no gradient): how many tokens chose each expert
    among their top-k, per MoE layer. Uses the same softmax-then-top-k as the MoE block."""
    rows = []
    with torch.no_grad():
        for logits in router_logits:
            chosen = torch.topk(F.softmax(logits, dim=-1, dtype=torch.float32), top_k, dim=-1).indices  # [N, k]
            rows.append(torch.bincount(chosen.reshape(-1), minlength=logits.shape[-1]).float())
    return torch.stack(rows)


def load_balancing_loss(router_logits: list[torch.Tensor], counts: torch.Tensor) -> torch.Tensor:
    """``E * sum_i f_i * p_i`` averaged over layers, with ``f`` from ``counts`` [L, E] (any batch: local,
    accumulated or global) and ``p`` the mean router probability over ``router_logits`` (one [N, E] per layer)."""
    if len(router_logits) != counts.shape[0]:
        raise ValueError(f"{len(router_logits)} router_logits tensors but counts for {counts.shape[0]} layers")
    num_experts = counts.shape[-1]
    f = counts / counts.sum(dim=-1, keepdim=True).clamp_min(1.0)  # [L, E], slot share per expert
    p = torch.stack([F.softmax(lg, dim=-1, dtype=torch.float32).mean(dim=0) for lg in router_logits])  # [L, E]
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
        """Add this micro-batch's counts, summed over the data-parallel group, and return the running total."""
        local = expert_counts(router_logits, self.top_k)
        if local.shape[-1] != self.num_experts:
            raise ValueError(f"router_logits have {local.shape[-1]} experts, balancer expects {self.num_experts}")
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
        """The accumulated slot share per expert [L, E] (sums to 1 per layer), for logging; None after reset."""
        if self.counts is None:
            return None
        return self.counts / self.counts.sum(dim=-1, keepdim=True).clamp_min(1.0)
