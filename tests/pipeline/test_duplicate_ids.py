"""Records with one id: which is kept is decided by ``record_order`` (id, source, position), on every runner.

The corpus holds an id in two files, an id twice in one file, ``1`` beside ``"1"``, and a second record of a
duplicate id whose text equals a third record's: only the kept record's signature may take part in dedup,
else that third record would be removed as a copy of a text that is in no shard.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import write_jsonl

from babelbeam.pipeline.phases.annotate import _WriteWaveBucketFn, bucket_batch
from babelbeam.pipeline.phases.dedup import Decision, merge_decisions
from babelbeam.pipeline.phases.write import ID_DUPLICATE
from babelbeam.pipeline.run import run_pipeline
from babelbeam.pipeline.sources import typed_id
from babelbeam.pipeline.workdir import WorkDir
from babelbeam.schemas import Document
from babelbeam.schemas.config import RunConfig
from babelbeam.schemas.document import record_order
from babelbeam.tokenize import load_tokenizer
from babelbeam.tokenize.shards import open_shard, read_manifest

TEXTS = [
    "The river flooded the lower town after three days of rain. Families moved their furniture upstairs and "
    "waited for the water to fall. By Sunday the streets were dry again.",
    "A small bakery on the corner sells bread before dawn. The baker starts at three, shapes the loaves by "
    "hand and opens the shutters when the first bus goes past.",
    "Our school library lends board games as well as books. Students borrow chess sets for the weekend and "
    "bring them back on Monday with stories about long matches.",
    "The mountain road closes every winter when snow covers the pass. Drivers take the valley route, which "
    "is longer but passes three villages with good cafes.",
    "Volunteers planted two hundred trees along the canal last spring. Most of them survived the dry summer "
    "because neighbours carried buckets of water every evening.",
    "The night train to the coast leaves at eleven. Passengers sleep in narrow bunks and wake up to the "
    "smell of salt and the noise of gulls over the harbour.",
]


def _corpus(root: Path) -> list[Path]:
    a = write_jsonl(root / "in" / "a.jsonl", [
        {"id": "dup", "text": TEXTS[0]},        # line 1: kept ("a.jsonl" sorts before "b.jsonl")
        {"id": "twice", "text": TEXTS[1]},      # line 2: kept (the earlier line of one file)
        {"id": "twice", "text": TEXTS[2]},      # line 3: input_id_duplicate
        {"id": 1, "text": TEXTS[3]},            # the integer 1 is id "#1" ...
    ])
    b = write_jsonl(root / "in" / "b.jsonl", [
        {"id": "dup", "text": TEXTS[4]},        # input_id_duplicate; its text is also "zzz"'s
        {"id": "1", "text": TEXTS[5]},          # ... and the string "1" is id "1": both kept
        {"id": "zzz", "text": TEXTS[4]},        # kept: the other record with this text is not kept
    ])
    return [a, b]


def _config() -> RunConfig:
    config = RunConfig()
    config.langid.threshold = 0.3
    config.quality.enabled = False  # short texts; tests/filters covers quality
    config.output.shard_tokens = 60
    config.output.buckets = 2
    return config


def _kept_texts(out: Path) -> dict[str, str]:
    tokenizer = load_tokenizer("qwen3")
    kept = {}
    for entry in read_manifest(out).shards:
        shard = open_shard(entry.path)
        for i, doc_id in enumerate(shard.ids):
            kept[doc_id] = tokenizer.decode(shard.document_tokens(i)[:-1].tolist())  # without EOS
    return kept


def _output_bytes(out: Path) -> dict[str, bytes]:
    files = [out / "manifest.json", *sorted((out / "shards").glob("*"))]
    files += sorted((out / "removed").glob("dedup-*.jsonl"))
    return {str(p.relative_to(out)): p.read_bytes() for p in files}


# ------------------------------------------------------------------------------------------------------------
# The order itself


def test_record_order_is_id_then_source_then_position():
    docs = [Document(id="b", text="", source="a.jsonl", position=1),
            Document(id="a", text="", source="b.jsonl", position=1),
            Document(id="a", text="", source="a.jsonl", position=10),
            Document(id="a", text="", source="a.jsonl", position=2)]
    assert [record_order(d) for d in sorted(docs, key=record_order)] == [
        ("a", "a.jsonl", 2), ("a", "a.jsonl", 10), ("a", "b.jsonl", 1), ("b", "a.jsonl", 1)]


def test_record_order_of_a_signature_row_matches_its_document():
    doc = Document(id="x", text="t", source="dir/f.parquet", position=7)
    assert (record_order({"id": "x", "source": "dir/f.parquet", "position": 7, "bands": []})
            == record_order(doc))


def test_readers_set_the_position(tmp_path):
    from babelbeam.pipeline.sources import read_file
    from babelbeam.schemas.config import InputConfig

    path = write_jsonl(tmp_path / "f.jsonl", [{"id": "a", "text": "one"}, "", {"id": "b", "text": "two"}])
    assert [(d.id, d.position) for d in read_file(str(path), InputConfig())] == [("a", 1), ("b", 3)]
    (tmp_path / "t.txt").write_text("a text file is one document")
    assert [d.position for d in read_file(str(tmp_path / "t.txt"), InputConfig())] == [0]


def test_json_ids_keep_their_type():
    assert typed_id(1) == ("#1", None)
    assert typed_id("1") == ("1", None)
    assert typed_id("#1") == ("##1", None)  # no string can take an integer's id


def test_wave_bucket_files_do_not_depend_on_arrival_order(tmp_path):
    docs = [Document(id=i, text=t, source=s, position=p)
            for i, t, s, p in [("dup", "x", "b.jsonl", 1), ("dup", "y", "a.jsonl", 4),
                               ("dup", "z", "a.jsonl", 2), ("one", "w", "a.jsonl", 9)]]
    pairs = [(d, {"id": d.id, "source": d.source, "position": d.position, "exact_key": d.text, "bands": [],
                  "quality_score": None, "shingles": None}) for d in docs]
    written = []
    for n, order in enumerate([pairs, pairs[::-1], random.Random(3).sample(pairs, len(pairs))]):
        out = tmp_path / str(n)
        workdir = WorkDir(str(out))
        # the bucket's documents arrive in batches (one per bundle), in any order
        batches = [bucket_batch(order[:1]), bucket_batch(order[1:3]), bucket_batch(order[3:])]
        list(_WriteWaveBucketFn(workdir, 0).process((0, batches[n % 2 :] + batches[: n % 2])))
        written.append((Path(workdir.wave_docs(0, 0)).read_bytes(),
                        Path(workdir.signatures(0, 0)).read_bytes()))
    assert written[0] == written[1] == written[2]
    texts = pq.read_table(WorkDir(str(tmp_path / "0")).wave_docs(0, 0)).column("text").to_pylist()
    assert texts == ["z", "y", "x", "w"]


def test_merged_decisions_do_not_depend_on_arrival_order():
    # an exact group and a MinHash cluster, one size
    decisions = [Decision(None, "a", 2), Decision(None, "b", 2)]
    assert merge_decisions(("a", decisions)) == merge_decisions(("a", decisions[::-1])) == ("a", decisions[0])


# ------------------------------------------------------------------------------------------------------------
# Whole runs


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reference")
    files = _corpus(root)
    run_pipeline([str(p) for p in files], str(root / "out"), _config(), ["--runner=FnApiRunner"])
    return root / "out"


def test_the_first_record_in_record_order_is_kept(reference):
    kept = _kept_texts(reference)
    assert kept == {"dup": TEXTS[0], "twice": TEXTS[1], "#1": TEXTS[3], "1": TEXTS[5], "zzz": TEXTS[4]}
    removed = [json.loads(line) for p in sorted((reference / "removed").glob("*.jsonl")) for line in p.open()]
    assert sorted((r["id"], r["source"], r["text"], r["removed_reason"]) for r in removed) == [
        ("dup", "b.jsonl", TEXTS[4], ID_DUPLICATE), ("twice", "a.jsonl", TEXTS[2], ID_DUPLICATE)]
    stats = json.loads((reference / "stats.json").read_text())
    assert stats["conservation"]["holds"] and stats["duplicates"] == {ID_DUPLICATE: 2}


MULTI_PROCESSING = ["--runner=FnApiRunner", "--direct_running_mode=multi_processing",
                    "--direct_num_workers=2"]


@pytest.mark.parametrize(("runner", "files_per_wave"), [
    pytest.param(MULTI_PROCESSING, None, id="multi-processing-2-workers"),
    pytest.param(["--runner=FnApiRunner"], 1, id="fnapi-one-file-per-wave"),
])
def test_same_bytes_on_every_runner_and_input_order(reference, tmp_path, runner, files_per_wave):
    files = _corpus(tmp_path)
    run_pipeline([str(p) for p in files[::-1]], str(tmp_path / "out"), _config(), runner,
                 files_per_wave=files_per_wave)
    assert _output_bytes(tmp_path / "out") == _output_bytes(reference)
