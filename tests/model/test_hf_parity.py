"""Parity with transformers' Qwen3ForCausalLM / Qwen3MoeForCausalLM in fp32, both directions through
safetensors."""

import json

import pytest
import torch
import transformers
from safetensors import safe_open

from babelbeam.model.config import Qwen3Config
from babelbeam.model.hf import load_hf_checkpoint, save_hf_checkpoint
from babelbeam.model.qwen3 import Qwen3ForCausalLM

torch.set_num_threads(2)
VOCAB = 384
# head_dim 24 != hidden/heads = 12: the projection widths differ from the residual width, as in Qwen3.
COMMON = dict(vocab_size=VOCAB, hidden_size=48, intermediate_size=80, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2, head_dim=24, rms_norm_eps=1e-6,
              max_position_embeddings=256)
MOE = dict(num_experts=8, num_experts_per_tok=2, moe_intermediate_size=40, norm_topk_prob=True)
CASES = {
    "dense-tied": (transformers.Qwen3Config, transformers.Qwen3ForCausalLM, dict(tie_word_embeddings=True)),
    "dense-untied": (transformers.Qwen3Config, transformers.Qwen3ForCausalLM,
                     dict(tie_word_embeddings=False)),
    "moe-untied": (transformers.Qwen3MoeConfig, transformers.Qwen3MoeForCausalLM,
                   dict(tie_word_embeddings=False, **MOE)),
    "moe-tied-unnormalised": (transformers.Qwen3MoeConfig, transformers.Qwen3MoeForCausalLM,
                              dict(tie_word_embeddings=True, **{**MOE, "norm_topk_prob": False})),
}


def _randomise(model: torch.nn.Module, seed: int) -> None:
    """Weights large enough that logits are O(1) (default inits give ~1e-3 logits, hiding errors)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))


def _hf_model(case: str, seed: int = 0) -> transformers.PreTrainedModel:
    cfg_cls, model_cls, extra = CASES[case]
    cfg = cfg_cls(**COMMON, **extra, rope_parameters={"rope_type": "default", "rope_theta": 1e6},
                  attn_implementation="eager")
    model = model_cls(cfg).eval()
    _randomise(model, seed)
    return model


def _inputs(seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, VOCAB, (2, 19), generator=g)
    # Non-trivial positions: row 1 restarts at 0 mid-row, as for packed documents.
    pos = torch.stack([torch.arange(19), torch.cat([torch.arange(7), torch.arange(12)])])
    return ids, pos


@pytest.mark.parametrize("case", list(CASES))
def test_transformers_checkpoint_loads_with_identical_logits(case: str, tmp_path) -> None:
    hf = _hf_model(case)
    hf.save_pretrained(tmp_path)
    with safe_open(str(tmp_path / "model.safetensors"), "pt") as f:
        keys = set(f.keys())
    assert ("lm_head.weight" in keys) == ("untied" in case)
    if "moe" in case:
        assert "model.layers.1.mlp.experts.7.down_proj.weight" in keys
        assert "model.layers.0.mlp.gate.weight" in keys
    ours = load_hf_checkpoint(tmp_path)
    assert ours.config.is_moe == ("moe" in case)
    ids, pos = _inputs()
    with torch.no_grad():
        expected = hf(ids, position_ids=pos).logits
        got = ours(ids, position_ids=pos).logits
        assert expected.abs().mean() > 0.1  # logits are O(1), so 1e-5 is a real bound
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)
        torch.testing.assert_close(ours(ids).logits, hf(ids).logits, atol=1e-5, rtol=0)
    if "moe" in case:
        out = ours(ids)
        assert len(out.router_logits) == 2 and out.router_logits[0].shape == (2 * 19, 8)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("max_shard_bytes", [5 * 1024**3, 100_000])
def test_babelbeam_export_loads_in_transformers(case: str, max_shard_bytes: int, tmp_path) -> None:
    _, model_cls, extra = CASES[case]
    cfg = Qwen3Config(**COMMON, **extra)
    torch.manual_seed(3)
    ours = Qwen3ForCausalLM(cfg)
    _randomise(ours, seed=4)
    written = save_hf_checkpoint(ours, tmp_path, max_shard_bytes=max_shard_bytes)
    sharded = (tmp_path / "model.safetensors.index.json").exists()
    assert sharded == (max_shard_bytes < 1_000_000) and len(written) > (3 if sharded else 1)
    hf_json = json.loads((tmp_path / "config.json").read_text())
    assert hf_json["model_type"] == ("qwen3_moe" if cfg.is_moe else "qwen3")
    assert hf_json["torch_dtype"] == "float32"
    assert not list(tmp_path.glob("*.bin")) and not list(tmp_path.glob("*.pt"))
    theirs = model_cls.from_pretrained(tmp_path, attn_implementation="eager").eval()
    ids, pos = _inputs(seed=5)
    with torch.no_grad():
        torch.testing.assert_close(theirs(ids, position_ids=pos).logits, ours(ids, position_ids=pos).logits,
                                   atol=1e-5, rtol=0)
    # And back again: the round trip is lossless.
    again = load_hf_checkpoint(tmp_path)
    pairs = zip(sorted(ours.state_dict().items()), sorted(again.state_dict().items()), strict=True)
    for (k, a), (k2, b) in pairs:
        assert k == k2 and torch.equal(a, b)


def test_sharded_transformers_checkpoint_and_dtype_conversion(tmp_path) -> None:
    hf = _hf_model("moe-untied", seed=7)
    hf.save_pretrained(tmp_path, max_shard_size="60KB")
    assert (tmp_path / "model.safetensors.index.json").exists()
    ours = load_hf_checkpoint(tmp_path, dtype=torch.bfloat16)
    assert {p.dtype for p in ours.parameters()} == {torch.bfloat16}
    ours32 = load_hf_checkpoint(tmp_path)
    ids, _ = _inputs()
    with torch.no_grad():
        torch.testing.assert_close(ours32(ids).logits, hf(ids).logits, atol=1e-5, rtol=0)


def test_missing_expert_is_reported(tmp_path) -> None:
    cfg = Qwen3Config(**COMMON, **MOE)
    model = Qwen3ForCausalLM(cfg)
    model.init_weights()
    save_hf_checkpoint(model, tmp_path)
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(tmp_path / "model.safetensors"))
    del tensors["model.layers.0.mlp.experts.3.up_proj.weight"]
    save_file(tensors, str(tmp_path / "model.safetensors"), metadata={"format": "pt"})
    with pytest.raises(KeyError, match=r"experts.*\[3\]"):
        load_hf_checkpoint(tmp_path)
