"""Run under torchrun by test_train_distributed.py: train a few steps and record what each rank saw.

Usage::

    python -m torch.distributed.run --nproc_per_node=2 tests/model/train_dist_worker.py OUT_DIR CONFIG.json...

For each config (run one after the other in the same process group) writes OUT_DIR/<config stem>/rank_<r>.json
with per-step losses, the global samples this rank read, and for MoE the balancer's global expert counts next
to this rank's local counts of every micro-batch, then the step restored from the run's final checkpoint; rank
0 also writes the final full weights as weights.pt.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
import torch.distributed as dist


def run(config_dict: dict, out_dir: Path) -> None:
    """Train ``config_dict`` for its ``steps`` and write the records described in the module docstring."""
    torch.set_num_threads(1)
    from babelbeam.model import moe
    from babelbeam.model.train import Trainer
    from babelbeam.model.train_config import TrainConfig

    config = TrainConfig.from_dict(config_dict)
    out_dir.mkdir(parents=True, exist_ok=True)
    trainer = Trainer(config, show_progress=False)
    record: dict = {"losses": [], "samples": [], "global_counts": [], "local_counts": [],
                    "world": trainer.world}
    local_this_step: list[list[list[float]]] = []
    if trainer.balancer is not None:
        original = trainer.balancer.update

        def observed_update(router_logits):
            # Observe this rank's own micro-batch counts (the real function), then let the balancer reduce
            # them.
            local_this_step.append(moe.expert_counts(router_logits, trainer.balancer.top_k).tolist())
            return original(router_logits)

        trainer.balancer.update = observed_update
    for _ in range(config.steps):
        batches = trainer.loader.next_step()
        record["samples"].append([i for b in batches for i in b.sample_ids])
        local_this_step.clear()
        result = trainer.train_step(batches)
        record["losses"].append(result.loss)
        if trainer.balancer is not None:
            record["global_counts"].append(result.expert_counts)
            record["local_counts"].append([list(c) for c in local_this_step])
    weights = {k: (v.full_tensor() if hasattr(v, "full_tensor") else v).detach().clone()
               for k, v in trainer.raw_model.state_dict().items()}
    rank = dist.get_rank() if dist.is_initialized() else 0
    if rank == 0:
        torch.save(weights, Path(out_dir, "weights.pt"))
    # This layout's checkpoint (FSDP2, DDP or one process) loads back on every rank through the restricted
    # metadata reader, as --resume does.
    checkpoint = trainer.save_checkpoint()
    record["checkpoint"] = str(checkpoint)
    record["restored_step"] = trainer.checkpointer.load(checkpoint, trainer.model, trainer.optimizer)["step"]
    Path(out_dir, f"rank_{rank}.json").write_text(json.dumps(record))
    if dist.is_initialized():
        dist.barrier()


if __name__ == "__main__":
    for path in sys.argv[2:]:
        run(json.loads(Path(path).read_text()), Path(sys.argv[1]) / Path(path).stem)
    if dist.is_initialized():
        dist.destroy_process_group()
