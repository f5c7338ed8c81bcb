"""The dedup phase's MinHash graph on the FnApiRunner (Signatures, DedupDecisions, DedupSignatures as the run
uses them): clusters, representatives, recall, determinism, index dedup; ConnectedComponents on its own."""

from __future__ import annotations

import dataclasses
import json
import os
import random
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from babelbeam.filters.minhash import MinHasher, band_hashes, jaccard, shingles
from babelbeam.pipeline import near_dedup
from babelbeam.pipeline.near_dedup import MINHASH_DUPLICATE, ConnectedComponents, check_index
from babelbeam.pipeline.phases.annotate import SIGNATURE_SCHEMA, Signatures, signature_row
from babelbeam.pipeline.phases.dedup import Decision, DedupDecisions, DedupSignatures, read_decisions
from babelbeam.pipeline.workdir import INDEX_DIR, INDEX_PREFIX, WorkDir, parquet_bytes
from babelbeam.schemas import Document
from babelbeam.schemas.config import ConfigError, ExactDedupConfig, RunConfig
from babelbeam.schemas.minhash_config import MinHashConfig

RUNNER = ["--runner=FnApiRunner"]
TWO_WORKERS = ["--runner=FnApiRunner", "--direct_running_mode=multi_processing", "--direct_num_workers=2"]


def _config(**overrides: object) -> MinHashConfig:
    # Whitespace words: these tests are about the graph, not about segmentation.
    return MinHashConfig(segment_words=False, cc_rounds=3, **overrides)


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(n)]


def near_copy(words: list[str], target: float, rng: random.Random, ngram: int = 5) -> list[str]:
    """A copy of ``words`` whose shingle set has Jaccard about ``target`` with the original's.

    The copy keeps a prefix and replaces the rest with new words: ``s`` shared shingles out of ``N`` each
    gives ``J = s / (2N - s)``, so ``s = 2NJ / (1 + J)``.
    """
    total = len(words) - ngram + 1
    shared = round(2 * total * target / (1 + target))
    keep = shared + ngram - 1
    return words[:keep] + _words(rng, len(words) - keep)


def _run_config(minhash: MinHashConfig) -> RunConfig:
    # Exact dedup off: these tests are about MinHash (with it on, exact copies never reach MinHash).
    return RunConfig(minhash=minhash, exact_dedup=ExactDedupConfig(enabled=False))


def _counters(result: beam.runners.runner.PipelineResult) -> dict[str, int]:
    return {c.key.metric.name: c.committed
            for c in result.metrics().query(MetricsFilter().with_namespace("babelbeam"))["counters"]}


def _run(docs: list[Document], config: MinHashConfig, out: Path, options: list[str] = RUNNER,
         hook=None) -> dict:
    """Signatures and DedupDecisions as the dedup phase runs them; the decisions (id -> Decision) and counters
    read back as plain data (works across worker processes)."""
    out.mkdir(parents=True, exist_ok=True)
    run = _run_config(config)
    p = TestPipeline(options=PipelineOptions(options))
    docs_in = p | beam.Create(docs)
    if hook is not None:
        docs_in = docs_in | "Hook" >> beam.Map(hook)
    decided = docs_in | Signatures(run) | DedupDecisions(run)
    _ = (decided["decisions"] | beam.Map(lambda kv: json.dumps([kv[0], *kv[1]]))
         | beam.io.WriteToText(str(out / "decisions"), num_shards=1, shard_name_template=""))
    result = p.run()
    result.wait_until_finish()
    lines = (out / "decisions").read_text().splitlines()
    decisions = {row[0]: Decision(*row[1:]) for row in map(json.loads, lines)}
    return {"decisions": decisions, "counters": _counters(result), "ids": [d.id for d in docs]}


def _clusters(rows: dict) -> dict[str, str]:
    """Every document's dup_cluster: a document without a decision is a cluster of its own."""
    return {i: rows["decisions"][i].cluster if i in rows["decisions"] else i for i in rows["ids"]}


def _band_agreements(x: list[str], y: list[str]) -> int:
    hasher = MinHasher(112, 1)
    bx, by = (band_hashes(hasher.signature(shingles(" ".join(w), segment=False)), 14, 8) for w in (x, y))
    return sum(i == j for i, j in zip(bx, by, strict=True))


def _chain() -> tuple[list[str], list[str], list[str]]:
    """a~b and b~c share an LSH band, a and c share none and are below the threshold (first such seed)."""
    for seed in range(100):
        rng = random.Random(seed)
        a = _words(rng, 200)
        b = a[:180] + _words(rng, 20)
        c = b[:20] + _words(rng, 16) + b[36:]
        if _band_agreements(a, b) and _band_agreements(b, c) and not _band_agreements(a, c):
            return a, b, c
    raise AssertionError("no chain found")


def test_chain_is_one_cluster(tmp_path: Path) -> None:
    a, b, c = _chain()
    sets = [set(shingles(" ".join(w), segment=False)) for w in (a, b, c)]
    assert jaccard(sets[0], sets[1]) > 0.8 and jaccard(sets[1], sets[2]) > 0.8
    assert jaccard(sets[0], sets[2]) < 0.72
    docs = [Document(id=i, text=" ".join(w)) for i, w in (("c", c), ("a", a), ("b", b))]
    docs.append(Document(id="z", text=" ".join(_words(random.Random(99), 200))))
    rows = _run(docs, _config(), tmp_path)
    assert _clusters(rows) == {"a": "a", "b": "a", "c": "a", "z": "z"}
    assert rows["decisions"] == {"a": Decision(None, "a", 3), "b": Decision(MINHASH_DUPLICATE, "a", 3),
                                 "c": Decision(MINHASH_DUPLICATE, "a", 3)}


def test_representative_is_highest_quality(tmp_path: Path) -> None:
    rng = random.Random(2)
    words = _words(rng, 100)
    docs = [
        Document(id="a", text=" ".join(words), quality_score=0.2),
        Document(id="b", text=" ".join(words), quality_score=0.9),
        Document(id="c", text=" ".join(words)),
    ]
    rows = _run(docs, _config(), tmp_path)
    assert rows["decisions"] == {"a": Decision(MINHASH_DUPLICATE, "a", 3), "b": Decision(None, "a", 3),
                                 "c": Decision(MINHASH_DUPLICATE, "a", 3)}


def generated_corpus(seed: int, originals: int = 60) -> tuple[list[Document], list[tuple[str, str, float]]]:
    """Originals plus near copies at Jaccard 0.3..0.95 and exact copies; returns docs and (a, b, true J)
    pairs."""
    rng = random.Random(seed)
    docs, pairs = [], []
    levels = [0.3, 0.4, 0.5, 0.8, 0.85, 0.9, 0.95, 1.0]
    for i in range(originals):
        words = _words(rng, rng.randint(150, 400))
        original = f"d{i:04d}"
        docs.append(Document(id=original, text=" ".join(words)))
        level = levels[i % len(levels)]
        copy = words if level == 1.0 else near_copy(words, level, rng)
        docs.append(Document(id=f"{original}-copy", text=" ".join(copy)))
        pairs.append((original, f"{original}-copy", jaccard(set(shingles(" ".join(words), segment=False)),
                                                            set(shingles(" ".join(copy), segment=False)))))
    return docs, pairs


def test_planted_duplicates_recall_and_false_positives(tmp_path: Path) -> None:
    docs, pairs = generated_corpus(seed=3)
    rows = _run(docs, _config(), tmp_path)
    clusters = _clusters(rows)
    high = [clusters[a] == clusters[b] for a, b, j in pairs if j >= 0.8]
    low = [clusters[a] == clusters[b] for a, b, j in pairs if j <= 0.5]
    recall, false_positive_rate = sum(high) / len(high), sum(low) / len(low)
    print(f"planted pairs: recall at J>=0.8 {recall:.3f} ({len(high)} pairs), FP rate at J<=0.5 "
          f"{false_positive_rate:.3f} ({len(low)} pairs)")
    assert recall >= 0.9
    assert false_positive_rate <= 0.1
    # Unrelated originals never merge.
    originals = {clusters[d.id] for d in docs if not d.id.endswith("-copy")}
    assert len(originals) == len([d for d in docs if not d.id.endswith("-copy")])


def test_jaccard_check_drops_edges_below_threshold(tmp_path: Path) -> None:
    rng = random.Random(4)
    words = _words(rng, 300)
    copy = near_copy(words, 0.85, rng)
    docs = [Document(id="a", text=" ".join(words)), Document(id="b", text=" ".join(copy))]
    unchecked = _run(docs, _config(), tmp_path / "off")
    assert _clusters(unchecked) == {"a": "a", "b": "a"}
    strict = _run(docs, _config(jaccard_check=True, jaccard_threshold=0.95), tmp_path / "strict")
    assert _clusters(strict) == {"a": "a", "b": "b"}
    assert strict["counters"]["minhash.jaccard_rejected"] == 1
    loose = _run(docs, _config(jaccard_check=True, jaccard_threshold=0.7), tmp_path / "loose")
    assert _clusters(loose) == {"a": "a", "b": "a"}


def test_hot_bucket_cap(tmp_path: Path) -> None:
    text = " ".join(_words(random.Random(5), 50))
    docs = [Document(id=f"x{i}", text=text) for i in range(4)]
    rows = _run(docs, _config(max_bucket_size=2), tmp_path)
    # Every bucket holds all four; capped at 2, only the two smallest ids link.
    assert _clusters(rows) == {"x0": "x0", "x1": "x0", "x2": "x2", "x3": "x3"}
    assert rows["counters"]["minhash.hot_buckets"] == 14
    assert rows["counters"]["minhash.hot_bucket_docs_dropped"] == 28


def test_band_entries_in_many_groups_and_batches_decide_the_same(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    docs, _ = generated_corpus(seed=7, originals=24)
    docs += [Document(id=f"hot{i}", text=docs[0].text) for i in range(4)]  # capped buckets in every group
    config = _config(max_bucket_size=3)
    one_group = _run(docs, config, tmp_path / "one")
    assert near_dedup.band_groups(len(docs), config.bands) == 1
    # About 40 entries a group and batches of 50: the buckets of one key meet from many batches.
    monkeypatch.setattr(near_dedup, "ENTRIES_PER_GROUP", 40)
    monkeypatch.setattr(near_dedup, "BATCH_ENTRIES", 50)
    p = TestPipeline(options=PipelineOptions(RUNNER))
    run = _run_config(config)
    groups = (p | beam.Create(docs) | Signatures(run) | beam.Map(lambda r: (r["id"], r["bands"]))
              | beam.ParDo(near_dedup._BandBatchesFn(near_dedup.band_groups(len(docs), config.bands)))
              | beam.Keys())

    def many_groups_and_batches(seen: list[int]) -> None:
        assert len(set(seen)) > 10 and len(seen) > len(set(seen)), seen

    assert_that(groups, many_groups_and_batches)
    p.run().wait_until_finish()
    many = _run(docs, config, tmp_path / "many")
    assert many["decisions"] == one_group["decisions"]
    assert many["counters"] == one_group["counters"]
    assert one_group["counters"]["minhash.hot_buckets"] > 0


def test_same_result_across_runs_and_workers(tmp_path: Path) -> None:
    docs, _ = generated_corpus(seed=6, originals=24)
    first = _run(docs, _config(), tmp_path / "one")
    second = _run(list(reversed(docs)), _config(), tmp_path / "again")
    assert first["decisions"] == second["decisions"]

    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()

    def record_pid(doc: Document) -> Document:
        (pid_dir / str(os.getpid())).touch()
        return doc

    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    copies = [dataclasses.replace(d) for d in shuffled]
    two = _run(copies, _config(), tmp_path / "two", TWO_WORKERS, record_pid)
    assert two["decisions"] == first["decisions"]
    pids = {int(name) for name in os.listdir(pid_dir)}
    assert pids and os.getpid() not in pids, "multi_processing mode must run the DoFns in worker processes"


def _dedup_phase(docs: list[Document], config: MinHashConfig, output_dir: Path) -> dict:
    """DedupSignatures over a work directory holding ``docs``' signatures (one wave, one bucket), as phase 2
    runs it: its decision files and counters read back, and the MinHash index left under ``output_dir``."""
    run = _run_config(config)
    workdir = WorkDir(str(output_dir))
    hasher = MinHasher.from_config(config)
    rows = [signature_row(d, config, hasher, exact=False) for d in docs]
    Path(workdir.signatures(0, 0)).parent.mkdir(parents=True)
    table = pa.Table.from_pylist(rows, schema=SIGNATURE_SCHEMA)
    Path(workdir.signatures(0, 0)).write_bytes(parquet_bytes(table))
    p = TestPipeline(options=PipelineOptions(RUNNER))
    _ = p | DedupSignatures(str(output_dir), run)
    result = p.run()
    result.wait_until_finish()
    decisions = {}
    for bucket in range(run.output.buckets):
        decisions.update(read_decisions(workdir, bucket))
    return {"decisions": decisions, "counters": _counters(result)}


def test_dedup_against_index(tmp_path: Path) -> None:
    rng = random.Random(8)
    old_words = [_words(rng, 200) for _ in range(3)]
    old = [Document(id=f"old{i}", text=" ".join(w)) for i, w in enumerate(old_words)]
    index = tmp_path / "index"
    first = _dedup_phase(old, _config(), index)
    assert first["decisions"] == {}
    assert list((index / INDEX_DIR).glob(f"{INDEX_PREFIX}*.parquet"))

    new_words = _words(rng, 200)
    new = [
        Document(id="new-dup-of-old0", text=" ".join(old_words[0][:190] + _words(rng, 10))),
        Document(id="new-unique", text=" ".join(new_words)),
        Document(id="new-unique-copy", text=" ".join(new_words)),
    ]
    second = _dedup_phase(new, _config(index_dir=str(index)), tmp_path / "second")
    # The old documents stay where they are and get no decision; the new duplicate of one is removed.
    assert second["decisions"] == {
        "new-dup-of-old0": Decision(MINHASH_DUPLICATE, "new-dup-of-old0", 2),
        "new-unique": Decision(None, "new-unique", 2),
        "new-unique-copy": Decision(MINHASH_DUPLICATE, "new-unique", 2),
    }
    assert second["counters"]["minhash.index_duplicates"] == 1

    with pytest.raises(ConfigError, match="rows"):
        DedupDecisions(_run_config(_config(index_dir=str(index), bands=16, rows=7)))
    with pytest.raises(ConfigError, match="no signature files"):
        DedupSignatures(str(tmp_path / "out"), _run_config(_config(index_dir=str(tmp_path / "missing"))))


def _write_index(directory: Path, metadata: dict[str, str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field("id", pa.string()), pa.field("bands", pa.list_(pa.int64()))],
                       metadata={f"babelbeam.minhash.{k}": v for k, v in metadata.items()})
    (directory / INDEX_DIR).mkdir(parents=True)
    pq.write_table(pa.table({"id": ["a"], "bands": [[1, 2]]}, schema=schema),
                   directory / INDEX_DIR / f"{INDEX_PREFIX}-00000.parquet")


def test_index_of_another_shingle_hash_is_refused(tmp_path: Path) -> None:
    """The signature index records its shingle hash and version: an xxh3 run never reads sha1 band hashes (the
    default before xxh3), and says how to read them."""
    sha1 = _config(hash_function="sha1")
    _write_index(tmp_path / "sha1", sha1.index_params())
    with pytest.raises(ConfigError, match=r"hash_function: index 'sha1' vs run 'xxh3'.*signature_version.*"
                                          r"set minhash.hash_function to 'sha1'"):
        check_index(str(tmp_path / "sha1"), _config())
    assert check_index(str(tmp_path / "sha1"), sha1).endswith(".parquet")
    # written before the version existed: its sha1 hashes are version 1, readable by a sha1 run only
    before = {k: v for k, v in sha1.index_params().items() if k != "signature_version"}
    _write_index(tmp_path / "before", before)
    assert check_index(str(tmp_path / "before"), sha1).endswith(".parquet")
    with pytest.raises(ConfigError, match="can never match"):
        check_index(str(tmp_path / "before"), _config())
    # same hash function, another version of its definition: refused too
    _write_index(tmp_path / "future", {**_config().index_params(), "signature_version": "xxh3-words-2"})
    with pytest.raises(ConfigError, match="signature_version: index 'xxh3-words-2' vs run 'xxh3-words-1'"):
        check_index(str(tmp_path / "future"), _config())


@pytest.mark.parametrize("rounds", [0, 1, 3])
def test_connected_components_on_paths_and_stars(rounds: int) -> None:
    rng = random.Random(rounds)
    # A long path with shuffled labels (the hard case for star rounds), a star and a separate pair.
    labels = [f"n{i:03d}" for i in range(40)]
    rng.shuffle(labels)
    edges = [(min(a, b), max(a, b)) for a, b in zip(labels, labels[1:], strict=False)]
    edges += [("s0", f"s{i}") for i in range(1, 6)] + [("p1", "p2")]
    expected = ([(n, min(labels)) for n in labels] + [(f"s{i}", "s0") for i in range(6)]
                + [("p1", "p1"), ("p2", "p1")])
    with TestPipeline(options=PipelineOptions(RUNNER)) as p:
        out = p | beam.Create(edges) | ConnectedComponents(rounds, max_residual_edges=1000)
        assert_that(out, equal_to(expected))


def test_connected_components_residual_is_bounded() -> None:
    edges = [(f"n{i:02d}", f"n{i + 1:02d}") for i in range(30)]
    p = TestPipeline(options=PipelineOptions(RUNNER))
    _ = p | beam.Create(edges) | ConnectedComponents(0, max_residual_edges=5)
    with pytest.raises(Exception, match="max_residual_edges"):
        p.run().wait_until_finish()
