"""Train the bundled Qwen3 model on babelbeam token shards (one process, or many under torchrun).

Single process:

    babelbeam train --config train.yaml --manifest out/demo --output out/train

One node, 8 GPUs (FSDP2 on NCCL; on CPU the same command runs on gloo):

    torchrun --nproc_per_node=8 -m babelbeam.model.train_cli --config train.yaml --manifest out/demo

``--set section.key=value`` overrides any config field (values parsed as YAML); ``--resume`` continues
from the newest complete checkpoint under ``OUTPUT/checkpoints``. See docs/training.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from babelbeam.console import add_console_arguments, console_from_args
from babelbeam.model.checkpoint_errors import CheckpointError
from babelbeam.model.train_config import TrainConfig
from babelbeam.schemas.config_base import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="YAML training config (sections model, data, optimizer, schedule, "
                        "checkpoint, parallel, logging); defaults when omitted")
    parser.add_argument("--manifest", action="append", default=[], metavar="DIR",
                        help="babelbeam output directory or its manifest.json; repeat to pool several "
                        "(replaces data.manifests)")
    parser.add_argument("--output", help="output directory for checkpoints, metrics.jsonl and loss.png "
                        "(output_dir)")
    parser.add_argument("--preset", help="model preset, e.g. tiny, tiny-moe, qwen3-0.6b (model.preset)")
    parser.add_argument("--steps", type=int, help="optimizer steps in total (steps)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from the newest complete checkpoint (checkpoint.resume)")
    parser.add_argument("--stop-after", type=int, metavar="STEP",
                        help="stop (with a checkpoint) at this step without changing the schedule, e.g. "
                        "to fit a job's time limit; resume later with --resume")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override a config field, e.g. --set data.seq_len=4096 --set optimizer.lr=3e-4")
    add_console_arguments(parser)


def build_config(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig from ``--config`` plus the named flags and ``--set`` overrides (flags win)."""
    overrides = list(args.overrides)
    if args.manifest:
        overrides.append("data.manifests=[" + ", ".join(repr(m) for m in args.manifest) + "]")
    if args.output:
        overrides.append(f"output_dir={args.output!r}")
    if args.preset:
        overrides.append(f"model.preset={args.preset}")
    if args.steps is not None:
        overrides.append(f"steps={args.steps}")
    if args.resume:
        overrides.append("checkpoint.resume=true")
    return TrainConfig.from_yaml(args.config, overrides)


def main(args: argparse.Namespace) -> int:
    try:
        config = build_config(args)
    except ConfigError as e:
        print(f"babelbeam train: {e}", file=sys.stderr)
        return 2
    from babelbeam.model.train import train

    console = console_from_args(args)
    try:
        with console.logging():
            result = train(config, stop_after=args.stop_after, console=console)
    except CheckpointError as e:  # --resume from a corrupt or crafted checkpoint
        print(f"babelbeam train: {e}", file=sys.stderr)
        return 2
    if result.validation and os.environ.get("RANK", "0") == "0":
        first, last = min(result.validation), max(result.validation)
        console.print(f"validation loss {result.validation[first]:.4f} at step {first} -> "
                      f"{result.validation[last]:.4f} at step {last}")
    return 0


if __name__ == "__main__":
    # torchrun entry point: ``torchrun ... -m babelbeam.model.train_cli ARGS``.
    _parser = argparse.ArgumentParser(prog="babelbeam train", description=__doc__.splitlines()[0])
    _parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    add_arguments(_parser)
    _args = _parser.parse_args()
    logging.basicConfig(level=logging.INFO if _args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main(_args))
