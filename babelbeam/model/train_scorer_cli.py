"""Train a quality regression head (FineWeb-Edu style) on a Qwen3 backbone from JSONL (text, score) labels.

    babelbeam train-scorer --labels labels.jsonl --init out/hf --output out/scorer
    babelbeam run ... --scorer out/scorer

``--init`` is the backbone: a Hugging Face Qwen3 directory, a ``babelbeam train`` run or checkpoint, or a
preset name (random weights: for tests). The output directory holds the backbone, ``head.safetensors`` and
``scorer.json``; ``babelbeam score`` and the pipeline's scoring stage load it. Prints the held-out MSE and
Spearman correlation as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, fields

from babelbeam.console import add_console_arguments, console_from_args
from babelbeam.model.checkpoint_errors import CheckpointError
from babelbeam.model.train_config import TrainScorerConfig
from babelbeam.schemas.config_base import ConfigError, attribute_docs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--labels", required=True,
                        help="JSONL file of {\"text\": ..., \"score\": ...} records")
    parser.add_argument("--output", required=True, help="directory to write the scorer into")
    defaults = TrainScorerConfig()
    docs = attribute_docs(TrainScorerConfig)  # each flag's help is its config field's docstring
    for f in fields(TrainScorerConfig):
        if f.name in ("labels", "output"):
            continue
        value = getattr(defaults, f.name)
        flag = "--" + f.name.replace("_", "-")
        text = f"{docs[f.name][1]} (default {value})".replace("%", "%%")
        if isinstance(value, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=value, help=text)
        else:
            parser.add_argument(flag, type=type(value), default=value, help=text)
    add_console_arguments(parser)


def main(args: argparse.Namespace) -> int:
    from babelbeam.model.train_scorer import train_scorer

    values = {f.name: getattr(args, f.name) for f in fields(TrainScorerConfig)}
    console = console_from_args(args)
    try:
        config = TrainScorerConfig.from_dict(values)
    except ConfigError as e:
        # The config's keys are the flags' names: say the flag the user typed ("--batch-size: ...").
        key, _, problem = str(e).partition(": ")
        print(f"babelbeam train-scorer: --{key.replace('_', '-')}: {problem}", file=sys.stderr)
        return 2
    try:
        with console.logging():
            result = train_scorer(config, console)
    except (ConfigError, CheckpointError, FileNotFoundError, ValueError) as e:
        print(f"babelbeam train-scorer: {e}", file=sys.stderr)
        return 2
    print(json.dumps(asdict(result), indent=2, sort_keys=True))
    return 0
