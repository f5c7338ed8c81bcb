"""The MoE layer (moe.py): grouped matmul equals the per-expert loop, routing equals a per-token reference."""

import pytest
import torch

from babelbeam.model.config import preset
from babelbeam.model.moe import MoE, grouped_mm_ok

torch.set_num_threads(2)


def _moe_pair(impl_a: str, impl_b: str, hidden: int, dtype: torch.dtype) -> tuple[MoE, MoE]:
    cfg = preset("tiny-moe").replace(hidden_size=hidden, moe_intermediate_size=48)
    torch.manual_seed(0)
    a = MoE(cfg).to(dtype)
    with torch.no_grad():
        for p in a.parameters():
            p.normal_(0, 0.3)
    b = MoE(cfg).to(dtype)
    b.load_state_dict(a.state_dict())
    a.experts.impl, b.experts.impl = impl_a, impl_b
    return a, b


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_grouped_mm_equals_per_expert_loop(dtype: torch.dtype) -> None:
    grouped, loop = _moe_pair("grouped_mm", "loop", hidden=64, dtype=dtype)
    assert grouped_mm_ok(torch.zeros(1, 64, dtype=dtype), grouped.experts.gate_proj)
    x = torch.randn(3, 11, 64, dtype=dtype)
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    ya, ra = grouped(xa)
    yb, rb = loop(xb)
    tol = {"atol": 1e-5, "rtol": 1e-5} if dtype == torch.float32 else {"atol": 2e-2, "rtol": 2e-2}
    torch.testing.assert_close(ya, yb, **tol)
    torch.testing.assert_close(ra, rb)
    g = torch.randn_like(ya)
    ya.backward(g)
    yb.backward(g)
    torch.testing.assert_close(xa.grad, xb.grad, **tol)
    for (name, pa), pb in zip(grouped.named_parameters(), loop.parameters(), strict=True):
        torch.testing.assert_close(pa.grad, pb.grad, **tol, msg=name)


def test_moe_equals_dense_reference_per_token() -> None:
    """Each token's output is the renormalised top-k-weighted sum of its experts' SwiGLU outputs."""
    moe, _ = _moe_pair("auto", "loop", hidden=40, dtype=torch.float32)  # 160 bytes rows: grouped_mm path
    x = torch.randn(1, 9, 40)
    with torch.no_grad():
        y, logits = moe(x)
        e = moe.experts
        for t in range(9):
            probs = logits[t].softmax(-1)
            w, idx = probs.topk(2)
            w = w / w.sum()
            ref = sum(wj * (torch.nn.functional.silu(e.gate_proj[j] @ x[0, t]) * (e.up_proj[j] @ x[0, t])) @
                      e.down_proj[j].T for wj, j in zip(w, idx.tolist(), strict=True))
            torch.testing.assert_close(y[0, t], ref, atol=1e-5, rtol=1e-5)


def test_grouped_mm_refused_for_misaligned_rows() -> None:
    # 36 fp32 = 144 bytes is aligned; 42 fp32 = 168 bytes is not: "auto" must fall back to the loop.
    auto, loop = _moe_pair("auto", "loop", hidden=42, dtype=torch.float32)
    assert not grouped_mm_ok(torch.zeros(1, 42), auto.experts.gate_proj)
    x = torch.randn(2, 5, 42)
    with torch.no_grad():
        torch.testing.assert_close(auto(x)[0], loop(x)[0])
