"""`score --model` and `run --scorer` refuse a crafted training checkpoint before any work, in one line.

The checkpoint's ``.metadata`` would run ``touch MARKER`` if unpickled (tests/unsafe_checkpoints.py).
"""

from __future__ import annotations

import pytest
from conftest import FNAPI, write_jsonl
from unsafe_checkpoints import crafted_checkpoint

from babelbeam.cli import main as cli_main

DOCS = [{"id": f"d{i}", "text": f"A plain English document, number {i}, long enough for the filters. " * 3}
        for i in range(3)]


@pytest.mark.parametrize("command", ["score", "run"])
def test_a_crafted_scorer_checkpoint_is_refused_before_any_work(tmp_path, capsys, command):
    marker = tmp_path / "pwned"
    checkpoint = crafted_checkpoint(tmp_path / "model" / "checkpoints" / "step_00000001", marker)
    docs = write_jsonl(tmp_path / "docs.jsonl", DOCS)
    out, model = tmp_path / "out", str(tmp_path / "model")
    if command == "score":
        argv = ["score", "--input", str(docs), "--model", model, "--output", str(out), "--no-langid", *FNAPI]
    else:
        argv = ["run", "--input", str(docs), "--output", str(out), "--scorer", model, *FNAPI]
    assert cli_main(argv) != 0
    assert not marker.exists()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"babelbeam {command}: {checkpoint / '.metadata'}: refused")
    assert not out.exists()  # refused before the output directory was touched
