"""The whole graph end to end: conservation, determinism, bad input, and the runners users reach for."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_jsonl

from babelbeam.cli import main as cli_main
from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import derived_id
from babelbeam.schemas.config import RunConfig
from babelbeam.tokenize import tokenizer as tokenizer_module
from babelbeam.tokenize.shards import open_shard, read_manifest, validate

TEXTS = {
    "eng_Latn": "The river flooded the lower town after three days of rain. Families moved their furniture "
                "upstairs and waited for the water to fall. By Sunday the streets were dry again.",
    "fra_Latn": "Le marché du samedi attire beaucoup de monde. On y trouve des légumes frais, du fromage "
                "de la région et du pain encore chaud. Les enfants adorent les crêpes au sucre.",
    "deu_Latn": "Im Winter fahren viele Familien in die Berge. Die Kinder lernen Ski fahren, und am Abend "
                "gibt es heiße Suppe in der Hütte. Der Schnee bleibt oft bis zum April liegen.",
    "rus_Cyrl": "Вчера в нашем городе открылась новая библиотека. В ней много книг для детей и взрослых, "
                "а по субботам там проходят встречи с писателями и бесплатные занятия.",
    "jpn_Jpan": "昨日は朝から雨が降っていましたが、午後には晴れてきました。駅の近くの公園で子どもたちが"
                "元気に遊んでいて、私は友だちと一緒にコーヒーを飲みながら話をしました。",
    "arb_Arab": "افتتحت البلدية حديقة جديدة في وسط المدينة، وفيها أشجار كثيرة وملعب للأطفال. يأتي الناس "
                "إليها في المساء للمشي والجلوس مع العائلة بعد يوم طويل من العمل.",
}


def _corpus(tmp_path: Path) -> Path:
    records = [{"id": f"{lang}-1", "text": text} for lang, text in TEXTS.items()]
    records.append({"id": "zz-copy", "text": TEXTS["eng_Latn"].upper()})  # an exact duplicate after folding
    records.append({"id": "empty", "text": "   \n  "})
    records.append("{broken")
    records.append({"text": TEXTS["fra_Latn"] + " Encore une phrase pour la route."})  # a near duplicate
    write_jsonl(tmp_path / "in" / "a.jsonl", records)
    (tmp_path / "in" / "empty.jsonl").write_bytes(b"")
    return tmp_path / "in"


def _config(**output) -> RunConfig:
    config = RunConfig()
    config.langid.threshold = 0.3
    config.quality.enabled = False  # the texts here are deliberately short; tests/filters covers quality
    config.output.shard_tokens = 100
    config.output.buckets = 3
    for k, v in output.items():
        setattr(config.output, k, v)
    return config


def test_run_end_to_end_conserves_every_record(tmp_path, monkeypatch):
    inputs = _corpus(tmp_path)
    loads = []
    load = tokenizer_module._load_tokenizer
    monkeypatch.setattr(tokenizer_module, "_LOADED", {})
    monkeypatch.setattr(tokenizer_module, "_load_tokenizer", lambda name: loads.append(name) or load(name))
    stats = run_pipeline([str(inputs / "*.jsonl")], str(tmp_path / "out"), _config())
    assert loads == ["qwen3"]  # the write phase and the manifest share one load in this process
    c = stats["conservation"]
    assert c["holds"] and c["input"] == 10
    assert (c["kept"], c["duplicates"], c["rejected"]) == (6, 2, 1)
    assert stats["removed"] == {"normalize_empty": 1}
    assert stats["duplicates"] == {"exact_duplicate": 1, "minhash_duplicate": 1}
    manifest = read_manifest(tmp_path / "out")
    assert manifest.totals["documents"] == 6 and len(manifest.shards) >= 3
    assert manifest.totals["languages"]["fra_Latn"] == 1
    assert validate(tmp_path / "out") == []
    langs = {lang for s in manifest.shards for lang in open_shard(s.path).langs}
    assert langs == set(TEXTS)
    removed = [json.loads(line) for f in (tmp_path / "out" / "removed").glob("*.jsonl") for line in f.open()]
    # The near pair's representative is the smaller id: the derived (hex) id of the record without one.
    near = derived_id("a.jsonl", 10)  # derived below the inputs' common directory
    assert near < "fra_Latn-1"
    assert sorted((r["id"], r["removed_reason"]) for r in removed) == [
        ("empty", "normalize_empty"), ("fra_Latn-1", "minhash_duplicate"), ("zz-copy", "exact_duplicate")]
    assert next(r for r in removed if r["id"] == "fra_Latn-1")["dup_cluster"] == near
    assert list((tmp_path / "out" / "minhash").glob("*.parquet")), "signatures persisted for --dedup-index"
    rejected = [json.loads(line)
                for line in (tmp_path / "out" / "rejected" / "wave-00000-00000.jsonl").open()]
    assert [(r["error"], r["position"]) for r in rejected] == [("invalid_json", 9)]


def test_two_runs_give_byte_identical_shards_and_manifest(tmp_path):
    inputs = _corpus(tmp_path)
    for name in ("one", "two"):
        run_pipeline([str(inputs / "*.jsonl")], str(tmp_path / name), _config())
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(tmp_path / "two")
                                     for p in (tmp_path / "two").rglob("*") if p.is_file())
    for rel in files:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel


def test_empty_input_writes_an_empty_manifest(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    stats = run_pipeline([str(tmp_path / "empty.jsonl")], str(tmp_path / "out"), _config())
    assert stats["conservation"] == {"input": 0, "kept": 0, "removed": 0, "duplicates": 0, "rejected": 0,
                                     "skipped": 0, "holds": True}
    assert read_manifest(tmp_path / "out").shards == []


def test_a_50_mb_document_goes_through(tmp_path):
    paragraph = TEXTS["eng_Latn"] + "\n"
    big = paragraph * (50 * 1024 * 1024 // len(paragraph) + 1)
    write_jsonl(tmp_path / "big.jsonl",
                [{"id": "big", "text": big}, {"id": "small", "text": TEXTS["deu_Latn"]}])
    config = _config(shard_tokens=10_000_000, buckets=1)
    stats = run_pipeline([str(tmp_path / "big.jsonl")], str(tmp_path / "out"), config)
    assert stats["conservation"]["holds"] and stats["kept"] == 2
    assert stats["by_language"]["eng_Latn"]["tokens"] > 5_000_000


def test_refuses_to_overwrite_a_finished_run(tmp_path, capsys):
    inputs = _corpus(tmp_path)
    args = ["run", "--input", str(inputs / "a.jsonl"), "--output", str(tmp_path / "out")]
    assert cli_main(args) == 0
    assert cli_main(args) == 2
    assert "already holds a run" in capsys.readouterr().err
    assert cli_main(args + ["--overwrite"]) == 0


def test_multi_processing_runner_with_two_workers(tmp_path):
    inputs = _corpus(tmp_path)
    beam_args = ["--runner=FnApiRunner", "--direct_running_mode=multi_processing", "--direct_num_workers=2"]
    stats = run_pipeline([str(inputs / "*.jsonl")], str(tmp_path / "mp"), _config(), beam_args)
    run_pipeline([str(inputs / "*.jsonl")], str(tmp_path / "local"), _config())
    assert stats["conservation"]["holds"] and stats["kept"] == 6
    assert ((tmp_path / "mp" / "manifest.json").read_bytes()
            == (tmp_path / "local" / "manifest.json").read_bytes())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_portable_runner_against_the_local_job_service(tmp_path):
    """The job API that Spark and Flink runners speak, against Beam's local job service."""
    inputs = _corpus(tmp_path)
    port = _free_port()
    service = subprocess.Popen(
        [sys.executable, "-m", "apache_beam.runners.portability.local_job_service_main", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("localhost", port)) == 0:
                    break
            time.sleep(0.2)
        beam_args = ["--runner=PortableRunner", f"--job_endpoint=localhost:{port}",
                     "--environment_type=LOOPBACK"]
        stats = run_pipeline([str(inputs / "*.jsonl")], str(tmp_path / "portable"), _config(), beam_args)
    finally:
        service.terminate()
        service.wait(timeout=30)
    assert stats["conservation"]["holds"] and stats["kept"] == 6


@pytest.mark.parametrize("flag", ["--json", "--validate"])
def test_inspect_cli(tmp_path, capsys, flag):
    inputs = _corpus(tmp_path)
    run_pipeline([str(inputs / "*.jsonl")], str(tmp_path / "out"), _config())
    capsys.readouterr()
    assert cli_main(["inspect", str(tmp_path / "out"), flag, "--show", "1"]) == 0
    out = capsys.readouterr().out
    assert "eng_Latn" in out and "<|endoftext|>" in out
    shard = sorted((tmp_path / "out" / "shards").glob("*.arrow"))[0]
    shard.write_bytes(shard.read_bytes()[:-40])
    assert cli_main(["inspect", str(tmp_path / "out"), "--validate"]) == 1
    assert shard.name in capsys.readouterr().err


def test_ids_and_tokens_do_not_depend_on_where_the_corpus_lies(tmp_path):
    import shutil

    inputs = _corpus(tmp_path)
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(inputs, moved)
    runs = {}
    for name, where in (("here", inputs), ("there", moved)):
        run_pipeline([str(where / "*.jsonl")], str(tmp_path / name), _config())
        runs[name] = [(s.documents, s.tokens, open_shard(s.path).ids)
                      for s in read_manifest(tmp_path / name).shards]
    assert runs["here"] == runs["there"]


def test_inspect_on_an_unfinished_run_says_so_and_suggests_resume(tmp_path, capsys):
    from babelbeam.pipeline.phases.plan import plan_run

    inputs = _corpus(tmp_path)
    plan_run([str(inputs / "*.jsonl")], str(tmp_path / "out"), _config(), None, resume=False, overwrite=False)
    assert cli_main(["inspect", str(tmp_path / "out")]) == 1  # planned, never finished: no manifest yet
    err = capsys.readouterr().err
    assert "unfinished" in err and "work/plan.json" in err and "--resume" in err
    assert cli_main(["inspect", str(tmp_path / "in")]) == 1  # not a run at all: says how to make one
    err = capsys.readouterr().err
    assert "not a babelbeam output directory" in err and "babelbeam run" in err
