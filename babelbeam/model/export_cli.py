"""Export a training checkpoint as a Hugging Face Qwen3 directory (config.json + safetensors).

    babelbeam export-hf out/train/checkpoints/step_00001000 out/hf
    babelbeam export-hf out/train out/hf        # the newest complete checkpoint of a run

The result loads with ``transformers.AutoModelForCausalLM.from_pretrained`` and with
``babelbeam.model.hf.load_hf_checkpoint``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from babelbeam.console import Console, add_console_arguments, console_from_args, format_duration, format_mb
from babelbeam.model.checkpoint_errors import CheckpointError
from babelbeam.schemas.config_base import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checkpoint", help="a checkpoint directory (step_XXXXXXXX) or a training output "
                        "directory (its newest complete checkpoint is used)")
    parser.add_argument("out", help="directory to write config.json and *.safetensors into")
    parser.add_argument("--dtype", choices=["float32", "bfloat16", "float16"], default="bfloat16",
                        help="dtype of the exported weights (default bfloat16, as Qwen3 is released)")
    add_console_arguments(parser)


def resolve_checkpoint(path: str | Path) -> Path:
    """``path`` itself when it is a complete checkpoint, else the newest complete one beneath it."""
    from babelbeam.model.checkpoint import COMPLETE, latest_checkpoint

    path = Path(path)
    if (path / COMPLETE).is_file():
        return path
    for candidate in (path / "checkpoints", path):
        latest = latest_checkpoint(candidate)
        if latest is not None:
            return latest
    raise FileNotFoundError(f"{path}: no complete checkpoint here (looked for {COMPLETE} markers)")


def export(checkpoint: str | Path, out: str | Path, dtype: str = "bfloat16",
           console: Console | None = None) -> list[Path]:
    """Load the model weights of ``checkpoint`` on the CPU and write them with ``save_hf_checkpoint``; each
    step is reported on ``console`` when given."""
    import torch

    from babelbeam.model.checkpoint import CONFIG_NAME, load_model_weights
    from babelbeam.model.hf import save_hf_checkpoint
    from babelbeam.model.qwen3 import Qwen3ForCausalLM
    from babelbeam.model.train_config import TrainConfig

    console = console or Console(quiet=True)
    started = time.monotonic()
    path = resolve_checkpoint(checkpoint)
    config = TrainConfig.from_yaml(path / CONFIG_NAME)
    with torch.device("meta"):
        model = Qwen3ForCausalLM(config.model.qwen3_config())
    n_params = sum(p.numel() for p in model.parameters())
    model.to_empty(device="cpu")
    load_model_weights(path, model)  # each step is reported once done: a refused checkpoint is one line only
    console.print(f"export-hf: read {path} ({config.model.preset}, {n_params:,} parameters) in "
                  f"{format_duration(time.monotonic() - started)}")
    model.to(getattr(torch, dtype))
    files = save_hf_checkpoint(model, out)
    console.print(f"export-hf: wrote {len(files)} files to {out} ({dtype}, "
                  f"{format_mb(n_params * getattr(torch, dtype).itemsize)}) in "
                  f"{format_duration(time.monotonic() - started)} in all")
    return files


def main(args: argparse.Namespace) -> int:
    console = console_from_args(args)
    try:
        files = export(args.checkpoint, args.out, args.dtype, console)
    except (FileNotFoundError, CheckpointError, ConfigError) as e:
        print(f"babelbeam export-hf: {e}", file=sys.stderr)
        return 2
    if not console.quiet:
        for f in files:
            print(f)
    return 0
