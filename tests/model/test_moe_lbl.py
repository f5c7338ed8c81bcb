"""Global-batch load-balancing loss: normalisation, accumulation over micro-batches, all-reduce over ranks."""

import json
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from babelbeam.model.moe import GlobalLoadBalancer, expert_counts, load_balancing_loss

torch.set_num_threads(1)
E, K = 8, 2


def _prefer(pairs: list[tuple[int, int]], strength: float = 4.0) -> torch.Tensor:
    """Router logits [N, E] where token n strongly prefers the two experts in ``pairs[n]``."""
    logits = torch.zeros(len(pairs), E)
    for n, (a, b) in enumerate(pairs):
        logits[n, a] = logits[n, b] = strength
    return logits


def test_perfectly_balanced_router_scores_one_and_collapse_scores_e_over_k() -> None:
    balanced = _prefer([(i, (i + 1) % E) for i in range(E)])  # every expert chosen twice, same mean prob
    for layers in (1, 3):
        loss = GlobalLoadBalancer(E, K).loss([balanced] * layers)
        assert loss.item() == pytest.approx(1.0, abs=1e-6)
    collapsed = _prefer([(0, 1)] * E, strength=50.0)
    assert GlobalLoadBalancer(E, K).loss([collapsed]).item() == pytest.approx(E / K, rel=1e-4)


def test_counts_accumulate_over_micro_batches_until_reset() -> None:
    first = _prefer([(0, 1)] * 4 + [(2, 3)] * 4)  # experts 0-3 only
    second = _prefer([(4, 5)] * 4 + [(6, 7)] * 4)  # experts 4-7 only
    balancer = GlobalLoadBalancer(E, K)
    first = first.clone().requires_grad_()
    second = second.clone().requires_grad_()
    loss1 = balancer.loss([first])
    loss2 = balancer.loss([second])
    assert torch.equal(balancer.counts, expert_counts([first], K) + expert_counts([second], K))
    assert torch.equal(balancer.counts[0], torch.full((E,), 4.0))
    # Each micro-batch alone is unbalanced (local LBL ~ 2), but over the step the counts are uniform.
    local2 = load_balancing_loss([second], expert_counts([second], K))
    assert local2.item() > 1.9 and loss2.item() < 1.05 and loss1.item() > 1.9
    (loss1 + loss2).backward()
    # The gradient flows through p only: non-zero while f is skewed, exactly zero once f is uniform
    # (sum_i p_i = 1 makes the loss constant in p then).
    assert first.grad.abs().sum() > 1e-3 and second.grad.abs().max() < 1e-7
    assert torch.allclose(balancer.expert_load(), torch.full((1, E), 1 / E))
    balancer.reset()
    assert balancer.counts is None and balancer.expert_load() is None
    assert balancer.loss([second.detach()]).item() == pytest.approx(local2.item())


def test_dense_model_has_zero_loss_and_mismatch_is_reported() -> None:
    assert GlobalLoadBalancer(E, K).loss([]).item() == 0.0
    with pytest.raises(ValueError, match="experts"):
        GlobalLoadBalancer(E + 1, K).loss([_prefer([(0, 1)])])


def _rank_logits(rank: int) -> torch.Tensor:
    # Rank 0 routes to experts 0-3, rank 1 to experts 4-7: only the all-reduced counts are balanced.
    return _prefer([(0, 1), (2, 3)] * 3) if rank == 0 else _prefer([(4, 5), (6, 7)] * 3)


def _worker(rank: int, world: int, init_file: str, out_dir: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        balancer = GlobalLoadBalancer(E, K)
        loss = balancer.loss([_rank_logits(rank)])
        balancer.loss([_rank_logits(rank)])  # second micro-batch of the same step
        result = {"counts": balancer.counts.tolist(), "first_loss": loss.item()}
        with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
            json.dump(result, f)
    finally:
        dist.destroy_process_group()


def test_counts_are_summed_across_data_parallel_ranks(tmp_path) -> None:
    mp.spawn(_worker, args=(2, str(tmp_path / "init"), str(tmp_path)), nprocs=2, join=True)
    global_counts = 2 * (expert_counts([_rank_logits(0)], K) + expert_counts([_rank_logits(1)], K))
    for rank in (0, 1):
        result = json.loads((tmp_path / f"rank{rank}.json").read_text())
        assert torch.equal(torch.tensor(result["counts"]), global_counts)
        # Globally uniform counts make the loss ~1, though each rank alone would score ~2.
        local = load_balancing_loss([_rank_logits(rank)], expert_counts([_rank_logits(rank)], K)).item()
        assert local > 1.9 and result["first_loss"] < 1.05
