"""The Qwen3 model family (dense and MoE) in one readable file, leaf to root.

Exactly the architecture of Hugging Face's ``Qwen3ForCausalLM`` / ``Qwen3MoeForCausalLM``
(docs/qwen3-reference.md): pre-norm decoder layers, RMSNorm computed in fp32, grouped-query attention without
bias and with a per-head RMSNorm on q and k before rotary embeddings, SwiGLU MLPs. For MoE presets every
layer's MLP is ``moe.MoE`` (router, top-k, stacked experts), which lives beside this file with its
load-balancing loss. Module and parameter names mirror the Hugging Face checkpoint keys
(``model.layers.{i}.self_attn.q_proj.weight`` ...) except the MoE experts, which are stored stacked
(``mlp.experts.gate_proj`` is ``[E, F, H]``); ``hf.py`` maps them to per-expert keys. Parallelism
(FSDP2/DDP, activation checkpointing, compile) is applied from outside by ``parallelize.py``.

Packed rows: ``document_ids`` (same id = same document) restricts attention to causal-and-same-document, and
the caller passes ``position_ids`` that restart at 0 for each document.

Lifecycle: build (also under ``torch.device("meta")``), ``to_empty(device=...)``, ``init_weights()``; or
``babelbeam.model.hf.load_hf_checkpoint``. A tied model has no ``lm_head`` module at all (the head reads
``model.embed_tokens.weight``), so tying survives ``to_empty``, FSDP and state-dict round trips.
"""
from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from babelbeam.model.config import Qwen3Config
from babelbeam.model.moe import MoE

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------------------ norm


class RMSNorm(nn.Module):
    """Root-mean-square norm: computed in fp32, cast back to the input dtype, then scaled by the weight."""

    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x32 = x.float()
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        # Cast before the weight multiply, as Qwen/HF do: in bf16 this rounding step is part of the model.
        return self.weight * x32.to(dtype)


# ------------------------------------------------------------------------------------------------ rope


def rope_cos_sin(position_ids: torch.Tensor, head_dim: int, theta: float, dtype: torch.dtype
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotary tables for arbitrary (per-document) positions: ([B, T, head_dim], [B, T, head_dim]) in
    ``dtype``.

    Computed in fp32 on every call (a few flops per position) instead of cached, so any position works and
    nothing has to be re-materialised after meta-device construction.
    """
    device = position_ids.device
    # Same expression as HF (int64 arange cast to float) so fp32 tables agree bit for bit.
    exponents = torch.arange(0, head_dim, 2, dtype=torch.int64, device=device).float() / head_dim
    inv_freq = 1.0 / (theta ** exponents)  # [head_dim/2]
    freqs = position_ids.float()[..., None] * inv_freq  # [B, T, head_dim/2]
    emb = torch.cat((freqs, freqs), dim=-1)  # [B, T, head_dim]: rotate-half layout
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    """[x1, x2] -> [-x2, x1] over the last dim (the GPT-NeoX / Llama / Qwen convention)."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate ``x`` [B, heads, T, head_dim] by tables [B, T, head_dim]."""
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)  # [B, 1, T, head_dim], broadcast over heads
    return x * cos + rotate_half(x) * sin


# ------------------------------------------------------------------------------------------------ kv cache


class KVCache:
    """Preallocated keys and values for incremental decoding: per layer [B, n_kv_heads, max_len, head_dim].

    ``length`` is the number of positions already stored; the model's forward appends the new positions
    and advances it.
    """

    def __init__(self, config: Qwen3Config, batch_size: int, max_len: int,
                 device: torch.device | str | None = None, dtype: torch.dtype = torch.float32) -> None:
        shape = (batch_size, config.num_key_value_heads, max_len, config.head_dim)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(config.num_hidden_layers)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(config.num_hidden_layers)]
        self.max_len = max_len
        self.length = 0

    def update(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store k, v [B, n_kv, T, head_dim] at positions ``length..length+T``; return everything stored so
        far."""
        t = k.shape[2]
        end = self.length + t
        if end > self.max_len:
            raise ValueError(f"KVCache full: {end} positions > max_len={self.max_len}")
        self.k[layer][:, :, self.length:end] = k
        self.v[layer][:, :, self.length:end] = v
        return self.k[layer][:, :, :end], self.v[layer][:, :, :end]


# ------------------------------------------------------------------------------------------------ attention


@dataclass
class AttentionMask:
    """How the attention of one forward is masked; built once per forward, shared by every layer."""

    mask: torch.Tensor | None = None
    """Boolean [B or 1, 1, T, S], True = may attend; None with ``is_causal`` or for single-token decoding."""
    is_causal: bool = False
    """Plain causal attention over the whole row (lets SDPA pick its fastest kernel)."""
    block_mask: object | None = None
    """A flex-attention BlockMask for document masking; when set, ``document_ids`` is set too."""
    document_ids: torch.Tensor | None = None
    """[B, T] document ids, kept so a dense mask can be built if flex attention is unavailable."""

    def dense(self) -> torch.Tensor | None:
        """The boolean mask for SDPA, building (once) the causal-and-same-document mask if needed."""
        if self.mask is None and self.document_ids is not None:
            self.mask = document_causal_mask(self.document_ids)
        return self.mask


def document_causal_mask(document_ids: torch.Tensor) -> torch.Tensor:
    """[B, 1, T, T] boolean: query i may attend key j iff j <= i and both lie in the same document."""
    t = document_ids.shape[1]
    causal = torch.ones(t, t, dtype=torch.bool, device=document_ids.device).tril()  # [T, T]
    same_doc = document_ids[:, :, None] == document_ids[:, None, :]  # [B, T, T]
    return (causal & same_doc).unsqueeze(1)


_compiled_flex = None
_flex_failed = False


def _attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, attn: AttentionMask,
            scale: float) -> torch.Tensor:
    """softmax(q k^T * scale + mask) v for q [B, nh, T, hd], k/v [B, nkv, S, hd] -> [B, nh, T, hd].

    Flex attention when a BlockMask was built: compiled on CUDA (uncompiled flex materialises the scores),
    eager elsewhere. If flex fails (e.g. no compiler toolchain), warn once and use SDPA with a dense mask.
    """
    global _compiled_flex, _flex_failed
    gqa = q.shape[1] != k.shape[1]
    if attn.block_mask is not None and not _flex_failed:
        from torch.nn.attention.flex_attention import flex_attention

        try:
            if q.device.type == "cuda":
                if _compiled_flex is None:
                    _compiled_flex = torch.compile(flex_attention, dynamic=False)
                return _compiled_flex(q, k, v, block_mask=attn.block_mask, scale=scale, enable_gqa=gqa)
            with warnings.catch_warnings():
                # torch warns that eager flex is unfused: known, and fine here
                warnings.simplefilter("ignore")
                return flex_attention(q, k, v, block_mask=attn.block_mask, scale=scale, enable_gqa=gqa)
        except Exception:  # noqa: BLE001 -- any failure of the optional fast path falls back to the exact one
            log.warning("flex attention failed; using SDPA with a dense document mask from now on",
                        exc_info=True)
            _flex_failed = True
    return F.scaled_dot_product_attention(q, k, v, attn_mask=attn.dense(), is_causal=attn.is_causal,
                                          scale=scale, enable_gqa=gqa)


class Attention(nn.Module):
    """Grouped-query self-attention with q/k RMSNorm over head_dim, RoPE, no biases."""

    def __init__(self, config: Qwen3Config, layer_idx: int) -> None:
        super().__init__()
        self.layer_idx = layer_idx
        self.n_heads, self.n_kv, self.head_dim = (config.num_attention_heads, config.num_key_value_heads,
                                                  config.head_dim)
        h = config.hidden_size
        self.q_proj = nn.Linear(h, self.n_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(h, self.n_kv * self.head_dim, bias=False)
        self.v_proj = nn.Linear(h, self.n_kv * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.n_heads * self.head_dim, h, bias=False)
        # One weight of size head_dim shared by all heads, applied before RoPE (Qwen3's QK-norm).
        self.q_norm = RMSNorm(self.head_dim, config.rms_norm_eps)
        self.k_norm = RMSNorm(self.head_dim, config.rms_norm_eps)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, attn: AttentionMask,
                kv_cache: KVCache | None = None) -> torch.Tensor:
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.n_heads, self.head_dim)  # [B, T, nh, hd]
        k = self.k_proj(x).view(b, t, self.n_kv, self.head_dim)  # [B, T, nkv, hd]
        q = self.q_norm(q).transpose(1, 2)  # [B, nh, T, hd]
        k = self.k_norm(k).transpose(1, 2)  # [B, nkv, T, hd]
        v = self.v_proj(x).view(b, t, self.n_kv, self.head_dim).transpose(1, 2)  # [B, nkv, T, hd]
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if kv_cache is not None:
            k, v = kv_cache.update(self.layer_idx, k, v)  # [B, nkv, S, hd], S = cached + T
        y = _attend(q, k, v, attn, scale=self.head_dim ** -0.5)  # [B, nh, T, hd]
        y = y.transpose(1, 2).reshape(b, t, self.n_heads * self.head_dim)  # [B, T, nh*hd]
        return self.o_proj(y)


# ------------------------------------------------------------------------------------------------ mlp


class MLP(nn.Module):
    """SwiGLU: down(silu(gate(x)) * up(x)), no biases."""

    def __init__(self, hidden: int, intermediate: int) -> None:
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


# ------------------------------------------------------------------------------------------------ blocks


class DecoderLayer(nn.Module):
    """Pre-norm block: h = x + attn(norm(x)); out = h + mlp(norm(h))."""

    def __init__(self, config: Qwen3Config, layer_idx: int) -> None:
        super().__init__()
        self.input_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.self_attn = Attention(config, layer_idx)
        self.post_attention_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.mlp: nn.Module = (MoE(config) if config.is_moe
                               else MLP(config.hidden_size, config.intermediate_size))

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, attn: AttentionMask,
                kv_cache: KVCache | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        h = x + self.self_attn(self.input_layernorm(x), cos, sin, attn, kv_cache)
        if isinstance(self.mlp, MoE):
            m, router_logits = self.mlp(self.post_attention_layernorm(h))
            return h + m, router_logits
        return h + self.mlp(self.post_attention_layernorm(h)), None


class Qwen3Model(nn.Module):
    """Embedding, decoder stack, final norm (Hugging Face's ``model.`` prefix)."""

    def __init__(self, config: Qwen3Config) -> None:
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(config, i) for i in range(config.num_hidden_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps)


@dataclass
class Qwen3Output:
    """What ``Qwen3ForCausalLM.forward`` returns."""

    logits: torch.Tensor
    """[B, T, vocab_size], in the model's dtype."""
    router_logits: list[torch.Tensor] = field(default_factory=list)
    """One [B*T, num_experts] tensor per MoE layer (pre-softmax, with gradient); empty for a dense model."""


def build_attention_mask(batch: int, t: int, device: torch.device, document_ids: torch.Tensor | None,
                         past: int, backend: str) -> AttentionMask:
    """The mask for queries at positions ``past..past+t`` over keys ``0..past+t`` of each row."""
    if document_ids is not None:
        if past:
            raise ValueError("document_ids cannot be combined with a non-empty KV cache")
        if backend == "flex" or (backend == "auto" and device.type == "cuda"):
            from torch.nn.attention.flex_attention import create_block_mask

            docs = document_ids

            def same_doc_causal(b: torch.Tensor, h: torch.Tensor, q: torch.Tensor,
                                kv: torch.Tensor) -> torch.Tensor:
                return (q >= kv) & (docs[b, q] == docs[b, kv])

            block_mask = create_block_mask(same_doc_causal, batch, None, t, t, device=device)
            return AttentionMask(block_mask=block_mask, document_ids=document_ids)
        return AttentionMask(mask=document_causal_mask(document_ids))
    if past == 0:
        return AttentionMask(is_causal=t > 1)
    if t == 1:
        return AttentionMask()  # one new token sees the whole cache
    q_pos = torch.arange(past, past + t, device=device)[:, None]
    k_pos = torch.arange(past + t, device=device)[None, :]
    return AttentionMask(mask=(k_pos <= q_pos)[None, None])  # [1, 1, T, S]


class Qwen3ForCausalLM(nn.Module):
    """A Qwen3 causal language model, dense or MoE, tied or untied head."""

    def __init__(self, config: Qwen3Config) -> None:
        super().__init__()
        self.config = config
        self.model = Qwen3Model(config)
        self.lm_head = (None if config.tie_word_embeddings
                        else nn.Linear(config.hidden_size, config.vocab_size, bias=False))
        self.attn_backend = "auto"
        """"auto": flex attention for document masks on CUDA, SDPA otherwise; "sdpa" or "flex" to force
        one."""

    def output_weight(self) -> torch.Tensor:
        """The [vocab, hidden] matrix of the output head (the embedding matrix when tied)."""
        return self.model.embed_tokens.weight if self.lm_head is None else self.lm_head.weight

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor | None = None,
                document_ids: torch.Tensor | None = None, kv_cache: KVCache | None = None) -> Qwen3Output:
        """Logits for ``input_ids`` [B, T].

        ``position_ids`` [B, T]: RoPE positions, default ``arange`` (offset by the cache length when
        decoding); for packed rows pass positions that restart at 0 per document. ``document_ids`` [B, T]:
        equal ids mark one document; attention is then causal and within-document. ``kv_cache``: a ``KVCache``
        to read and extend (advanced by T on return).
        """
        x, router_logits = self.hidden_states(input_ids, position_ids, document_ids, kv_cache)
        logits = F.linear(x, self.output_weight())  # [B, T, V]
        return Qwen3Output(logits=logits, router_logits=router_logits)

    def hidden_states(self, input_ids: torch.Tensor, position_ids: torch.Tensor | None = None,
                      document_ids: torch.Tensor | None = None, kv_cache: KVCache | None = None
                      ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The final-norm hidden states [B, T, H] and the router logits, without the output head (for scorers
        and chunked losses that never materialise [B, T, V]). Arguments as ``forward``."""
        b, t = input_ids.shape
        past = kv_cache.length if kv_cache is not None else 0
        if position_ids is None:
            position_ids = torch.arange(past, past + t, device=input_ids.device).expand(b, t)
        x = self.model.embed_tokens(input_ids)  # [B, T, H]
        cos, sin = rope_cos_sin(position_ids, self.config.head_dim, self.config.rope_theta, x.dtype)
        attn = build_attention_mask(b, t, input_ids.device, document_ids, past, self.attn_backend)
        router_logits = []
        for layer in self.model.layers:
            x, r = layer(x, cos, sin, attn, kv_cache)
            if r is not None:
                router_logits.append(r)
        if kv_cache is not None:
            kv_cache.length += t
        return self.model.norm(x), router_logits

    @torch.no_grad()
    def init_weights(self) -> None:
        """Qwen/torchtitan initialisation, in place, from torch's global RNG (seed it first).

        Every matrix and the embedding ~ N(0, initializer_range); the residual-stream outputs (``o_proj``,
        ``down_proj`` and the experts' ``down_proj``) ~ N(0, initializer_range / sqrt(2 * num_layers)) so the
        residual's variance does not grow with depth (GPT-2); every norm weight = 1. Call after
        ``to_empty(device=...)`` when the model was built on the meta device.
        """
        std = self.config.initializer_range
        resid_std = std / math.sqrt(2 * self.config.num_hidden_layers)
        for name, p in self.named_parameters():
            leaf = name.rsplit(".", 2)
            if name.endswith("norm.weight"):
                nn.init.ones_(p)
            elif "o_proj" in leaf or "down_proj" in leaf:
                nn.init.normal_(p, mean=0.0, std=resid_std)
            else:
                nn.init.normal_(p, mean=0.0, std=std)

    def num_params(self, exclude_embedding: bool = False) -> int:
        """Parameters actually held (a tied head is not counted twice); optionally without the input
        embedding."""
        n = sum(p.numel() for p in self.parameters())
        return n - self.model.embed_tokens.weight.numel() if exclude_embedding else n
