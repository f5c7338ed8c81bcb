"""Qwen3Config: presets, parameter counts (checked against transformers on the meta device), HF
config.json."""

import json

import pytest
import torch
import transformers

from babelbeam.model.config import PRESETS, Qwen3Config, preset
from babelbeam.model.qwen3 import Qwen3ForCausalLM
from babelbeam.schemas.config_base import ConfigError, check_config

torch.set_num_threads(2)

# Published model-card figures, in billions: (total, non-embedding, activated or None), to the digits printed.
MODEL_CARDS = {
    "qwen3-0.6b": (0.6, 0.44, None),
    "qwen3-1.7b": (1.7, 1.4, None),
    "qwen3-4b": (4.0, 3.6, None),
    "qwen3-8b": (8.2, 6.95, None),
    "qwen3-14b": (14.8, 13.2, None),
    "qwen3-32b": (32.8, 31.2, None),
    "qwen3-30b-a3b": (30.5, 29.9, 3.3),
    "qwen3-235b-a22b": (235, 234, 22),
}


def _agrees(count: int, card: float) -> bool:
    """Whether ``count`` parameters print as ``card`` billions, rounded or truncated (cards do both:
    Qwen3-30B-A3B's 3.35B activated is printed 3.3B)."""
    digits = len(repr(card).split(".")[1]) if "." in repr(card) else 0
    return abs(count / 1e9 - card) < 10.0 ** -digits


def test_qwen3_0_6b_count_is_exact() -> None:
    # 28 layers x 15,730,944 + tied embedding 151936 x 1024 counted once + final norm 1024.
    assert preset("qwen3-0.6b").num_params() == 596_049_920


@pytest.mark.parametrize("name", list(MODEL_CARDS))
def test_preset_counts_match_model_cards(name: str) -> None:
    cfg = preset(name)
    total, non_emb, active = MODEL_CARDS[name]
    embed = cfg.vocab_size * cfg.hidden_size * (1 if cfg.tie_word_embeddings else 2)
    assert _agrees(cfg.num_params(), total)
    assert _agrees(cfg.num_params() - embed, non_emb)
    if active is None:
        assert cfg.num_params(active=True) == cfg.num_params()
    else:
        assert _agrees(cfg.num_params(active=True), active)


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_builds_on_meta_with_counts_equal_to_transformers(name: str) -> None:
    cfg = preset(name)
    with torch.device("meta"):
        ours = Qwen3ForCausalLM(cfg)
        hf_cfg = cfg.to_hf_config()
        kwargs = {k: v for k, v in hf_cfg.items() if k not in ("architectures", "model_type")}
        if cfg.is_moe:
            theirs = transformers.Qwen3MoeForCausalLM(transformers.Qwen3MoeConfig(**kwargs))
        else:
            theirs = transformers.Qwen3ForCausalLM(transformers.Qwen3Config(**kwargs))
    assert all(p.is_meta for p in ours.parameters())
    assert ours.num_params() == cfg.num_params() == sum(p.numel() for p in theirs.parameters())


def test_flops_per_token_torchtitan_convention() -> None:
    cfg = preset("qwen3-0.6b")
    embed = cfg.vocab_size * cfg.hidden_size
    # Tied head still costs a matmul; the embedding lookup and the norm weights do not.
    norms = cfg.num_hidden_layers * (2 * cfg.hidden_size + 2 * cfg.head_dim) + cfg.hidden_size
    n_matmul = cfg.num_params() - embed - norms + embed
    assert cfg.flops_per_token(4096) == 6 * n_matmul + 12 * 28 * 16 * 128 * 4096
    moe = preset("qwen3-30b-a3b")
    assert moe.num_matmul_params(active=True) < moe.num_matmul_params(active=False)
    assert moe.flops_per_token(0) == 6 * moe.num_matmul_params(active=True)


def test_hf_config_round_trip_and_released_spelling(tmp_path) -> None:
    for name in PRESETS:
        cfg = preset(name)
        assert Qwen3Config.from_hf_config(cfg.to_hf_config()) == cfg
    # The released Qwen3-30B-A3B config.json spells things the 4.x way.
    released = {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 2048,
                "intermediate_size": 6144, "num_hidden_layers": 48, "num_attention_heads": 32,
                "num_key_value_heads": 4, "head_dim": 128, "rope_theta": 1000000.0, "rope_scaling": None,
                "max_position_embeddings": 40960, "tie_word_embeddings": False, "num_experts": 128,
                "num_experts_per_tok": 8, "moe_intermediate_size": 768, "norm_topk_prob": True,
                "decoder_sparse_step": 1, "mlp_only_layers": [], "vocab_size": 151936, "rms_norm_eps": 1e-06,
                "use_sliding_window": False, "attention_bias": False}
    (tmp_path / "config.json").write_text(json.dumps(released))
    assert Qwen3Config.from_hf_config(tmp_path) == preset("qwen3-30b-a3b")


def test_unsupported_hf_features_are_refused() -> None:
    base = preset("tiny").to_hf_config()
    for change in ({"use_sliding_window": True}, {"attention_bias": True},
                   {"rope_parameters": {"rope_type": "yarn", "factor": 4.0}}, {"model_type": "llama"}):
        with pytest.raises(ConfigError, match="config.json"):
            Qwen3Config.from_hf_config({**base, **change})
    with pytest.raises(ConfigError, match="config.json num_key_value_heads: 3 does not divide"):
        Qwen3Config.from_hf_config({**base, "num_key_value_heads": 3})


def test_preset_lookup_and_validation() -> None:
    with pytest.raises(KeyError, match="qwen3-0.6b"):
        preset("qwen3-7b")
    assert preset("tiny") is not PRESETS["tiny"]
    for config in PRESETS.values():
        check_config(config)
    with pytest.raises(ConfigError, match="^num_key_value_heads: 5 does not divide num_attention_heads=16"):
        preset("qwen3-0.6b").replace(num_key_value_heads=5)
    with pytest.raises(ConfigError, match="^num_experts_per_tok: must be in 1..num_experts=4"):
        preset("tiny").replace(num_experts=4, num_experts_per_tok=5, moe_intermediate_size=8)
    with pytest.raises(ConfigError, match="^hidden_size: must be at least 1, got 0"):
        preset("tiny").replace(hidden_size=0)
    with pytest.raises(ConfigError, match="^num_layers: not a Qwen3Config field"):
        preset("tiny").replace(num_layers=2)
