"""Export a training checkpoint as a Hugging Face Qwen3 directory (config.json + safetensors).

    babelbeam export-hf out/train/checkpoints/step_00001000 out/hf
    babelbeam export-hf out/train out/hf        # the newest complete checkpoint of a run

The result loads with ``transformers.AutoModelForCausalLM.from_pretrained`` and with
``babelbeam.model.hf.load_hf_checkpoint``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babelbeam.model.checkpoint_errors import CheckpointError
from babelbeam.schemas.config import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checkpoint", help="a checkpoint directory (step_XXXXXXXX) or a training output "
                        "directory (its newest complete checkpoint is used)")
    parser.add_argument("out", help="directory to write config.json and *.safetensors into")
    parser.add_argument("--dtype", choices=["float32", "bfloat16", "float16"], default="bfloat16",
                        help="dtype of the exported weights (default bfloat16, as Qwen3 is released)")


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


def export(checkpoint: str | Path, out: str | Path, dtype: str = "bfloat16") -> list[Path]:
    """Load the model weights of ``checkpoint`` on the CPU and write them with ``save_hf_checkpoint``."""
    import torch

    from babelbeam.model.checkpoint import CONFIG_NAME, load_model_weights
    from babelbeam.model.hf import save_hf_checkpoint
    from babelbeam.model.qwen3 import Qwen3ForCausalLM
    from babelbeam.model.train import build_model_config
    from babelbeam.model.train_config import TrainConfig

    path = resolve_checkpoint(checkpoint)
    config = TrainConfig.from_yaml(path / CONFIG_NAME)
    with torch.device("meta"):
        model = Qwen3ForCausalLM(build_model_config(config))
    model.to_empty(device="cpu")
    load_model_weights(path, model)
    model.to(getattr(torch, dtype))
    return save_hf_checkpoint(model, out)


def main(args: argparse.Namespace) -> int:
    try:
        files = export(args.checkpoint, args.out, args.dtype)
    except (FileNotFoundError, CheckpointError, ConfigError) as e:
        print(f"babelbeam export-hf: {e}", file=sys.stderr)
        return 2
    for f in files:
        print(f)
    return 0
