"""Qwen3 model configuration: one dataclass, the published presets, and Hugging Face ``config.json`` interop.

Shapes come from the released ``config.json`` files (docs/qwen3-reference.md). Every released Qwen3 model
uses ``head_dim = 128`` independently of ``hidden_size / num_attention_heads``, ``rope_theta = 1e6`` and
``rms_norm_eps = 1e-6``; the MoE models make every layer MoE (128 experts, 8 active, no shared expert).

Validation is the house's (``babelbeam.schemas.config_base``): each field's range rides on its annotation,
the rules between fields are ``problems()``, and ``check_config`` raises ``ConfigError`` naming the field.
A config is checked where it enters: ``replace`` (what ``model.overrides`` goes through) and
``from_hf_config``; the presets are checked by the tests.

To add a preset, add an entry to ``PRESETS`` with the shape from the model's released ``config.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from babelbeam.schemas.config_base import (
    ConfigError,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    check_config,
)

# Qwen3 tokenizer ids (docs/qwen3-reference.md): <|endoftext|> doubles as BOS/EOS/pad in the base models.
ENDOFTEXT_ID = 151643


@dataclass
class Qwen3Config:
    """Shape and numerics of one Qwen3 model (dense when ``num_experts == 0``, MoE otherwise)."""

    vocab_size: PositiveInt = 151936
    """Rows of the embedding table (the 151,669 tokenizer ids padded to 151,936)."""
    hidden_size: PositiveInt = 1024
    """Width of the residual stream."""
    intermediate_size: NonNegativeInt = 3072
    """Hidden width of the dense SwiGLU MLP (unused by MoE layers, kept for config round trips)."""
    num_hidden_layers: PositiveInt = 28
    """Number of decoder layers."""
    num_attention_heads: PositiveInt = 16
    """Query heads."""
    num_key_value_heads: PositiveInt = 8
    """Key/value heads (grouped-query attention); must divide ``num_attention_heads``."""
    head_dim: PositiveInt = 128
    """Width of one attention head; independent of ``hidden_size / num_attention_heads`` in Qwen3."""
    rms_norm_eps: PositiveFloat = 1e-6
    """Epsilon inside every RMSNorm's rsqrt."""
    rope_theta: PositiveFloat = 1_000_000.0
    """RoPE base frequency."""
    max_position_embeddings: PositiveInt = 40960
    """Longest sequence the model is meant for (positions are computed on the fly, so this is advisory)."""
    tie_word_embeddings: bool = True
    """Whether the output head reuses the input embedding matrix."""
    num_experts: NonNegativeInt = 0
    """Routed experts per MoE layer; 0 means a dense model."""
    num_experts_per_tok: NonNegativeInt = 0
    """Experts each token is routed to (top-k)."""
    moe_intermediate_size: NonNegativeInt = 0
    """Hidden width of one expert's SwiGLU MLP."""
    norm_topk_prob: bool = True
    """Renormalise the top-k router probabilities to sum to 1 (true in every released Qwen3 MoE)."""
    initializer_range: NonNegativeFloat = 0.02
    """Standard deviation of the normal initialisation."""

    def problems(self) -> Iterator[tuple[str, str]]:
        """Rules between fields (the ranges of single fields ride on their annotations)."""
        if self.num_attention_heads % self.num_key_value_heads:
            yield "num_key_value_heads", (f"{self.num_key_value_heads} does not divide "
                                          f"num_attention_heads={self.num_attention_heads}")
        if self.head_dim % 2:
            yield "head_dim", f"RoPE needs an even head_dim, got {self.head_dim}"
        if self.is_moe:
            if not 0 < self.num_experts_per_tok <= self.num_experts:
                yield "num_experts_per_tok", (f"must be in 1..num_experts={self.num_experts}, "
                                              f"got {self.num_experts_per_tok}")
            if self.moe_intermediate_size <= 0:
                yield "moe_intermediate_size", "must be positive for an MoE model"
        elif self.intermediate_size <= 0:
            yield "intermediate_size", "must be positive for a dense model"

    @property
    def is_moe(self) -> bool:
        """True when every layer's MLP is a routed mixture of experts."""
        return self.num_experts > 0

    # ----------------------------------------------------------------------------------------- counting
    def _layer_params(self, active: bool) -> tuple[int, int]:
        """(matmul weights, norm weights) of one decoder layer; ``active`` counts only top-k experts."""
        h, d = self.hidden_size, self.head_dim
        q_out, kv_out = self.num_attention_heads * d, self.num_key_value_heads * d
        attn = h * q_out + 2 * h * kv_out + q_out * h
        if self.is_moe:
            experts = self.num_experts_per_tok if active else self.num_experts
            mlp = self.num_experts * h + experts * 3 * h * self.moe_intermediate_size  # router + experts
        else:
            mlp = 3 * h * self.intermediate_size
        norms = 2 * h + 2 * d  # input/post-attention RMSNorm, q_norm/k_norm
        return attn + mlp, norms

    def num_params(self, active: bool = False) -> int:
        """Number of parameters, as a checkpoint stores them (tied embeddings counted once).

        ``active=True`` counts what one token touches: only ``num_experts_per_tok`` experts per MoE
        layer (the router, embeddings, attention and norms are all counted). Equal to the total for a
        dense model. Qwen3-0.6B gives 596,049,920.
        """
        matmul, norms = self._layer_params(active)
        embed = self.vocab_size * self.hidden_size
        head = 0 if self.tie_word_embeddings else embed
        return self.num_hidden_layers * (matmul + norms) + embed + head + self.hidden_size

    def num_matmul_params(self, active: bool = True) -> int:
        """Weights that take part in a matrix multiply per token: every layer's projections (active experts
        only when ``active``), the routers, and the output head (counted even when tied to the embedding,
        because the head matmul is computed either way). Excludes the embedding lookup and all norm
        weights."""
        matmul, _ = self._layer_params(active)
        return self.num_hidden_layers * matmul + self.vocab_size * self.hidden_size

    def flops_per_token(self, seq_len: int) -> float:
        """Training FLOPs per token (forward + backward), torchtitan's and PaLM's convention
        (docs/qwen3-reference.md):
        ``6 * N + 12 * L * n_heads * head_dim * seq_len`` with ``N = num_matmul_params(active=True)``.

        N excludes the input embedding table (a lookup, not a matmul) and the norm weights, and includes
        the output head and, for MoE, the routers and only the top-k experts. The attention term counts the
        full ``seq_len x seq_len`` score and value matmuls (no discount for causal or document masking).
        """
        n = self.num_matmul_params(active=True)
        return 6.0 * n + 12.0 * self.num_hidden_layers * self.num_attention_heads * self.head_dim * seq_len

    # ------------------------------------------------------------------------------------ HF interop
    def to_hf_config(self) -> dict[str, Any]:
        """The ``config.json`` dict transformers (and vLLM / llama.cpp converters) read for this model."""
        out: dict[str, Any] = {
            "architectures": ["Qwen3MoeForCausalLM" if self.is_moe else "Qwen3ForCausalLM"],
            "model_type": "qwen3_moe" if self.is_moe else "qwen3",
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "intermediate_size": self.intermediate_size,
            "num_hidden_layers": self.num_hidden_layers,
            "num_attention_heads": self.num_attention_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "head_dim": self.head_dim,
            "hidden_act": "silu",
            "rms_norm_eps": self.rms_norm_eps,
            # Both spellings: transformers 4.x and the released files use rope_theta, 5.x rope_parameters.
            "rope_theta": self.rope_theta,
            "rope_parameters": {"rope_type": "default", "rope_theta": self.rope_theta},
            "rope_scaling": None,
            "max_position_embeddings": self.max_position_embeddings,
            "tie_word_embeddings": self.tie_word_embeddings,
            "attention_bias": False,
            "attention_dropout": 0.0,
            "use_sliding_window": False,
            "sliding_window": None,
            "initializer_range": self.initializer_range,
            "use_cache": True,
            "bos_token_id": ENDOFTEXT_ID,
            "eos_token_id": ENDOFTEXT_ID,
        }
        if self.is_moe:
            out.update({
                "num_experts": self.num_experts,
                "num_experts_per_tok": self.num_experts_per_tok,
                "moe_intermediate_size": self.moe_intermediate_size,
                "norm_topk_prob": self.norm_topk_prob,
                "decoder_sparse_step": 1,
                "mlp_only_layers": [],
                "output_router_logits": False,
                "router_aux_loss_coef": 0.001,
            })
        return out

    @classmethod
    def from_hf_config(cls, path_or_dict: str | os.PathLike[str] | dict[str, Any]) -> Qwen3Config:
        """Build from a Hugging Face ``config.json`` (a path to the file, to its directory, or the parsed
        dict).

        Raises ConfigError naming the ``config.json`` key for features babelbeam's Qwen3 does not implement
        (sliding window, attention bias, RoPE scaling, dense layers inside an MoE model) rather than silently
        computing something else, and for shapes that cannot work.
        """
        if isinstance(path_or_dict, dict):
            hf = path_or_dict
        else:
            path = os.fspath(path_or_dict)
            if os.path.isdir(path):
                path = os.path.join(path, "config.json")
            with open(path, encoding="utf-8") as f:
                hf = json.load(f)
        model_type = hf.get("model_type", "qwen3")
        if model_type not in ("qwen3", "qwen3_moe"):
            raise ConfigError(f"config.json model_type: expected qwen3 or qwen3_moe, got {model_type!r}")
        if hf.get("attention_bias", False):
            raise ConfigError("config.json attention_bias: Qwen3 has no attention bias")
        if hf.get("use_sliding_window", False):
            raise ConfigError("config.json use_sliding_window: sliding-window attention is not implemented")
        rope_params = hf.get("rope_parameters") or {}
        rope_scaling = hf.get("rope_scaling") or {}
        scaling_type = rope_scaling.get("rope_type", rope_scaling.get("type", "default"))
        rope_type = rope_params.get("rope_type", scaling_type)
        if rope_type != "default":
            raise ConfigError(f"config.json rope type {rope_type!r}: only default RoPE is implemented")
        rope_theta = hf.get("rope_theta", rope_params.get("rope_theta", 1_000_000.0))
        num_experts = 0
        if model_type == "qwen3_moe":
            num_experts = int(hf.get("num_experts", hf.get("num_local_experts", 0)))
        if num_experts:
            if hf.get("mlp_only_layers") or int(hf.get("decoder_sparse_step", 1)) != 1:
                raise ConfigError("config.json mlp_only_layers/decoder_sparse_step: mixed dense/MoE stacks "
                                 "are not implemented (every released Qwen3 MoE is MoE in every layer)")
        hidden, heads = int(hf["hidden_size"]), int(hf["num_attention_heads"])
        config = cls(
            vocab_size=int(hf.get("vocab_size", 151936)),
            hidden_size=hidden,
            intermediate_size=int(hf.get("intermediate_size", 0) or 0),
            num_hidden_layers=int(hf["num_hidden_layers"]),
            num_attention_heads=heads,
            num_key_value_heads=int(hf.get("num_key_value_heads") or heads),
            head_dim=int(hf.get("head_dim") or hidden // heads),
            rms_norm_eps=float(hf.get("rms_norm_eps", 1e-6)),
            rope_theta=float(rope_theta),
            max_position_embeddings=int(hf.get("max_position_embeddings", 40960)),
            tie_word_embeddings=bool(hf.get("tie_word_embeddings", False)),
            num_experts=num_experts,
            num_experts_per_tok=int(hf.get("num_experts_per_tok", 0)) if num_experts else 0,
            moe_intermediate_size=int(hf.get("moe_intermediate_size", 0)) if num_experts else 0,
            norm_topk_prob=bool(hf.get("norm_topk_prob", False)) if num_experts else True,
            initializer_range=float(hf.get("initializer_range", 0.02)),
        )
        check_config(config, "config.json ")
        return config

    def replace(self, **changes: Any) -> Qwen3Config:
        """A checked copy with some fields changed, e.g.
        ``preset("qwen3-0.6b").replace(num_hidden_layers=2)``; ConfigError names an unknown or wrong field."""
        known = {f.name for f in dataclasses.fields(self)}
        for name in changes:
            if name not in known:
                raise ConfigError(f"{name}: not a Qwen3Config field (known: {', '.join(sorted(known))})")
        config = dataclasses.replace(self, **changes)
        check_config(config)
        return config


# Published shapes (docs/qwen3-reference.md, from each model's config.json). The MoE models keep the dense
# intermediate_size their config.json carries although no layer uses it.
PRESETS: dict[str, Qwen3Config] = {
    "qwen3-0.6b": Qwen3Config(hidden_size=1024, intermediate_size=3072, num_hidden_layers=28,
                              num_attention_heads=16, num_key_value_heads=8, tie_word_embeddings=True),
    "qwen3-1.7b": Qwen3Config(hidden_size=2048, intermediate_size=6144, num_hidden_layers=28,
                              num_attention_heads=16, num_key_value_heads=8, tie_word_embeddings=True),
    "qwen3-4b": Qwen3Config(hidden_size=2560, intermediate_size=9728, num_hidden_layers=36,
                            num_attention_heads=32, num_key_value_heads=8, tie_word_embeddings=True),
    "qwen3-8b": Qwen3Config(hidden_size=4096, intermediate_size=12288, num_hidden_layers=36,
                            num_attention_heads=32, num_key_value_heads=8, tie_word_embeddings=False),
    "qwen3-14b": Qwen3Config(hidden_size=5120, intermediate_size=17408, num_hidden_layers=40,
                             num_attention_heads=40, num_key_value_heads=8, tie_word_embeddings=False),
    "qwen3-32b": Qwen3Config(hidden_size=5120, intermediate_size=25600, num_hidden_layers=64,
                             num_attention_heads=64, num_key_value_heads=8, tie_word_embeddings=False),
    "qwen3-30b-a3b": Qwen3Config(hidden_size=2048, intermediate_size=6144, num_hidden_layers=48,
                                 num_attention_heads=32, num_key_value_heads=4, tie_word_embeddings=False,
                                 num_experts=128, num_experts_per_tok=8, moe_intermediate_size=768),
    "qwen3-235b-a22b": Qwen3Config(hidden_size=4096, intermediate_size=12288, num_hidden_layers=94,
                                   num_attention_heads=64, num_key_value_heads=4, tie_word_embeddings=False,
                                   num_experts=128, num_experts_per_tok=8, moe_intermediate_size=1536),
    # Test presets: the real vocabulary (so they train on real babelbeam shards) and a tiny body.
    # head_dim 32 != hidden/heads = 16 on purpose, as in the released models.
    "tiny": Qwen3Config(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                        num_key_value_heads=2, head_dim=32, max_position_embeddings=4096,
                        tie_word_embeddings=True),
    "tiny-moe": Qwen3Config(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                            num_key_value_heads=2, head_dim=32, max_position_embeddings=4096,
                            tie_word_embeddings=False, num_experts=8, num_experts_per_tok=2,
                            moe_intermediate_size=64),
}


def preset(name: str) -> Qwen3Config:
    """A fresh copy of the named preset; KeyError lists the known names."""
    try:
        return dataclasses.replace(PRESETS[name])
    except KeyError:
        raise KeyError(f"unknown Qwen3 preset {name!r}; known: {', '.join(PRESETS)}") from None
