"""Qwen3ForCausalLM internals: document masking, init, meta build, KV cache (the MoE layer: test_moe.py)."""

import math

import pytest
import torch

from babelbeam.model import qwen3
from babelbeam.model.config import preset
from babelbeam.model.qwen3 import KVCache, Qwen3ForCausalLM

torch.set_num_threads(2)


def _model(name: str, seed: int = 0, **changes) -> Qwen3ForCausalLM:
    torch.manual_seed(seed)
    model = Qwen3ForCausalLM(preset(name).replace(vocab_size=512, **changes))
    model.init_weights()
    # Larger weights than the 0.02 init so attention is far from uniform and mistakes show.
    with torch.no_grad():
        for name_, p in model.named_parameters():
            if not name_.endswith("norm.weight"):
                p.mul_(10.0)
    return model.eval()


@pytest.mark.parametrize("name", ["tiny", "tiny-moe"])
def test_document_masking_equals_separate_documents(name: str) -> None:
    model = _model(name)
    g = torch.Generator().manual_seed(0)
    lengths = [[5, 3, 8], [1, 15]]
    ids = torch.randint(0, 512, (2, 16), generator=g)
    doc = torch.stack([torch.repeat_interleave(torch.arange(len(ls)), torch.tensor(ls)) for ls in lengths])
    pos = torch.stack([torch.cat([torch.arange(n) for n in ls]) for ls in lengths])
    with torch.no_grad():
        packed = model(ids, position_ids=pos, document_ids=doc).logits
        for row, ls in enumerate(lengths):
            start = 0
            for n in ls:
                alone = model(ids[row:row + 1, start:start + n]).logits[0]
                torch.testing.assert_close(packed[row, start:start + n], alone, atol=1e-5, rtol=1e-5)
                start += n
        # Without the document mask the later documents see earlier ones: the test can fail.
        unmasked = model(ids, position_ids=pos).logits
    assert (unmasked[0, 5:] - packed[0, 5:]).abs().max() > 1e-3


def test_document_mask_backward_and_forced_sdpa() -> None:
    model = _model("tiny").train()
    model.attn_backend = "sdpa"
    ids = torch.randint(0, 512, (2, 12))
    doc = torch.tensor([[0] * 6 + [1] * 6, [0] * 12])
    pos = torch.tensor([list(range(6)) * 2, list(range(12))])
    model(ids, position_ids=pos, document_ids=doc).logits.logsumexp(-1).mean().backward()
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


def test_init_weights_statistics() -> None:
    torch.manual_seed(0)
    model = Qwen3ForCausalLM(preset("tiny-moe"))
    model.init_weights()
    layers = model.config.num_hidden_layers
    attn = model.model.layers[0].self_attn
    assert abs(attn.q_proj.weight.std().item() - 0.02) < 0.002
    assert abs(attn.o_proj.weight.std().item() - 0.02 / math.sqrt(2 * layers)) < 0.001
    experts = model.model.layers[1].mlp.experts
    assert abs(experts.down_proj.std().item() - 0.02 / math.sqrt(2 * layers)) < 0.001
    assert abs(model.model.layers[1].mlp.experts.up_proj.std().item() - 0.02) < 0.002
    assert torch.equal(attn.q_norm.weight, torch.ones(32))
    assert torch.equal(model.model.norm.weight, torch.ones(64))
    # Same seed, same weights.
    torch.manual_seed(0)
    again = Qwen3ForCausalLM(preset("tiny-moe"))
    again.init_weights()
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters(), strict=True))


def test_meta_build_then_materialise_keeps_tying() -> None:
    with torch.device("meta"):
        big = Qwen3ForCausalLM(preset("qwen3-235b-a22b"))
        tiny = Qwen3ForCausalLM(preset("tiny"))
    assert big.num_params() == 235_093_634_560
    tiny.to_empty(device="cpu")
    torch.manual_seed(0)
    tiny.init_weights()
    assert tiny.lm_head is None and tiny.output_weight() is tiny.model.embed_tokens.weight
    logits = tiny(torch.tensor([[9707, 1879]])).logits
    assert logits.shape == (1, 2, 151936) and torch.isfinite(logits).all()


@pytest.mark.parametrize("name", ["tiny", "tiny-moe"])
def test_kv_cache_incremental_equals_full_forward(name: str) -> None:
    model = _model(name)
    ids = torch.randint(0, 512, (2, 10))
    cache = KVCache(model.config, batch_size=2, max_len=10)
    with torch.no_grad():
        full = model(ids).logits
        parts = [model(ids[:, :4], kv_cache=cache).logits, model(ids[:, 4:7], kv_cache=cache).logits]
        parts += [model(ids[:, t:t + 1], kv_cache=cache).logits for t in range(7, 10)]
    assert cache.length == 10
    torch.testing.assert_close(torch.cat(parts, dim=1), full, atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="full"):
        model(ids[:, :1], kv_cache=cache)


def test_flex_attention_backend_equals_sdpa_on_cpu() -> None:
    model = _model("tiny-moe")
    ids = torch.randint(0, 512, (2, 16))
    doc = torch.tensor([[0] * 5 + [1] * 11, [3] * 9 + [4] * 7])
    pos = torch.tensor([list(range(5)) + list(range(11)), list(range(9)) + list(range(7))])
    with torch.no_grad():
        model.attn_backend = "sdpa"
        dense = model(ids, position_ids=pos, document_ids=doc).logits
        model.attn_backend = "flex"
        flex = model(ids, position_ids=pos, document_ids=doc).logits
    torch.testing.assert_close(flex, dense, atol=1e-5, rtol=1e-5)
    assert not qwen3._flex_failed  # flex really ran; it did not fall back to SDPA


def test_hidden_states_times_head_is_forward() -> None:
    model = _model("tiny-moe")
    ids = torch.randint(0, 512, (1, 8))
    with torch.no_grad():
        hidden, routers = model.hidden_states(ids)
        out = model(ids)
    torch.testing.assert_close(hidden @ model.output_weight().T, out.logits)
    assert len(routers) == len(out.router_logits) == 2
