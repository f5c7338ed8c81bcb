"""Greedy and sampled decoding with a KV cache, so a trained model can be looked at."""

from __future__ import annotations

import torch

from babelbeam.model.qwen3 import KVCache, Qwen3ForCausalLM


def sample_next(logits: torch.Tensor, temperature: float = 0.0, top_k: int | None = None,
                top_p: float | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """Pick one token per row from ``logits`` [B, V] -> [B]. ``temperature == 0`` is greedy (argmax);
    otherwise softmax(logits / temperature) restricted to the ``top_k`` largest and to the smallest set whose
    probability reaches ``top_p`` (nucleus), sampled with ``generator``."""
    if temperature <= 0.0:
        return logits.argmax(dim=-1)
    logits = logits.float() / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]  # [B, 1]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        sorted_logits, sorted_idx = torch.sort(logits, dim=-1, descending=True)
        cum = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        # Keep tokens until the probability mass before them reaches p.
        drop = cum - sorted_logits.softmax(dim=-1) >= top_p
        sorted_logits = sorted_logits.masked_fill(drop, float("-inf"))
        logits = torch.full_like(logits, float("-inf")).scatter(-1, sorted_idx, sorted_logits)
    probs = logits.softmax(dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


@torch.no_grad()
def generate(model: Qwen3ForCausalLM, input_ids: torch.Tensor, max_new_tokens: int, temperature: float = 0.0,
             top_k: int | None = None, top_p: float | None = None, eos_token_id: int | None = None,
             seed: int | None = None, use_cache: bool = True) -> torch.Tensor:
    """Continue each prompt row of ``input_ids`` [B, T] (equal lengths, no padding) by up to
    ``max_new_tokens`` tokens; returns [B, T + n]. Rows that emitted ``eos_token_id`` keep emitting it, and
    decoding stops early once every row has. Sampling draws from a generator seeded with ``seed`` (0 if None),
    so the same call gives the same tokens. ``use_cache=False`` recomputes the whole prefix each step
    (the reference the cached path is tested against)."""
    model.eval()
    device = input_ids.device
    generator = None
    if temperature > 0.0:
        generator = torch.Generator(device=device).manual_seed(0 if seed is None else seed)
    b, t = input_ids.shape
    cache = None
    if use_cache:
        dtype = model.output_weight().dtype
        cache = KVCache(model.config, b, t + max_new_tokens, device=device, dtype=dtype)
    out = input_ids
    step_input = input_ids
    finished = torch.zeros(b, dtype=torch.bool, device=device)
    for _ in range(max_new_tokens):
        logits = model(step_input if use_cache else out, kv_cache=cache).logits[:, -1]  # [B, V]
        nxt = sample_next(logits, temperature, top_k, top_p, generator)
        if eos_token_id is not None:
            nxt = torch.where(finished, torch.full_like(nxt, eos_token_id), nxt)
            finished |= nxt == eos_token_id
        out = torch.cat([out, nxt[:, None]], dim=1)
        step_input = nxt[:, None]
        if eos_token_id is not None and bool(finished.all()):
            break
    return out
