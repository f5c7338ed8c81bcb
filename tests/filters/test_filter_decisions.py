"""Every quality-chain decision on the demo corpus equals the one recorded before the filters were rebuilt.

``demo_decisions.tsv`` holds ``scripts/compare_filter_decisions.py``'s lines for the demo corpus (three
settings: the demo config, with measurements, and with every rule on), written by the filters as they were
before they were built from their config sections. A change that means to alter a decision rewrites it::

    .venv/bin/python scripts/compare_filter_decisions.py --bench-docs 0 --out tests/filters/demo_decisions.tsv

``--against main`` compares the 20k-document benchmark corpus as well (minutes, so not a test).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).with_name("demo_decisions.tsv")


def test_demo_corpus_decisions_unchanged(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("compare_filter_decisions",
                                                  REPO / "scripts" / "compare_filter_decisions.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "decisions.tsv"
    script.write_decisions(out, bench_docs=0)
    got = out.read_text(encoding="utf-8").splitlines()
    want = RECORDED.read_text(encoding="utf-8").splitlines()
    assert len(got) == len(want) == 3 * 166
    assert [line for line in got if line not in set(want)] == []
    assert got == want
