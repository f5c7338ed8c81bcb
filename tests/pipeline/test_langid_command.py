"""``babelbeam langid --input``: reads what ``run`` reads, rejects with a kind, writes atomically, counts.

Through the real CLI entry and the bundled lid.176; the inputs are written here in every format ``run`` reads.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from babelbeam.cli import main
from babelbeam.pipeline.langid_cli import atomic_files, rejected_path
from babelbeam.pipeline.sources import read_file
from babelbeam.schemas.config import InputConfig

GOOD = [
    {"id": "en", "text": "We stayed at home all weekend because the rain never stopped falling.", "n": 1},
    {"id": "de", "text": "Wir sind das ganze Wochenende zu Hause geblieben, weil es immer regnete.", "n": 2},
]
BAD_LINES = {  # one line each, with the kind the shared reader (or the writer) gives it
    b'{"id": "cut", "text": "this line was cut off': "invalid_json",
    b"[1, 2, 3]": "not_an_object",
    b'{"id": "no-text", "url": "https://example.org/x"}': "missing_text",
    b'{"id": "number", "text": 12345}': "text_not_string",
    b'{"id": "latin1", "text": "caf\xe9 au lait"}': "invalid_utf8",
    b'{"id": "lone", "text": "a lone \\udc00 surrogate"}': "invalid_utf8",
    # The text is fine; another field cannot be written as UTF-8 JSON: rejected by the writer, not lost.
    b'{"id": "field", "text": "Ein ganz normaler deutscher Satz mit genug Buchstaben.", "note": "\\udc00"}':
        "invalid_utf8",
}


def jsonl_bytes(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_bad_lines_are_rejected_with_their_kind_and_counted(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "mixed.jsonl"
    bad = list(BAD_LINES)
    src.write_bytes(jsonl_bytes(GOOD[:1]) + b"\n".join(bad[:4]) + b"\n" + jsonl_bytes(GOOD[1:])
                    + b"\n".join(bad[4:]) + b"\n")
    out = tmp_path / "out" / "annotated.jsonl"
    counts_json = tmp_path / "counts.json"
    assert main(["langid", "--input", str(src), "--output", str(out), "--json", str(counts_json)]) == 0
    annotated = lines(out)
    assert [(r["id"], r["lang"], r["n"]) for r in annotated] == [("en", "eng_Latn", 1), ("de", "deu_Latn", 2)]
    rejected = lines(tmp_path / "out" / "annotated.rejected.jsonl")
    assert sorted(r["error"] for r in rejected) == sorted(BAD_LINES.values())
    assert all(r["source"] == src.name for r in rejected)  # below the inputs' common directory
    assert [r["position"] for r in rejected] == [2, 3, 4, 5, 7, 8, 9]
    counts = json.loads(counts_json.read_text())
    assert counts == {"input": 9, "annotated": 2, "marked_removed": 0, "holds": True, "skipped": {},
                      "rejected": {"invalid_json": 1, "invalid_utf8": 3, "missing_text": 1,
                                   "not_an_object": 1, "text_not_string": 1}}
    assert "9 records: 2 annotated (0 with a removed_reason), 7 rejected (invalid_json 1, invalid_utf8 3" in (
        capsys.readouterr().out)


def _write_all_formats(root: Path) -> list[Path]:
    root.mkdir()
    (root / "a.jsonl.gz").write_bytes(gzip.compress(jsonl_bytes(GOOD)))
    (root / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(jsonl_bytes(GOOD)))
    pq.write_table(pa.Table.from_pylist(GOOD), root / "c.parquet")
    (root / "d.txt").write_text("Un texte français assez long pour que la langue soit reconnue sans peine.\n",
                                encoding="utf-8")
    whole = gzip.compress(jsonl_bytes([{"id": f"t{i}", "text": GOOD[i % 2]["text"]} for i in range(200)]))
    (root / "e.jsonl.gz").write_bytes(whole[: len(whole) * 6 // 10])  # cut: a damaged tail
    return sorted(root.iterdir())


def test_reads_every_format_run_reads_through_the_same_reader(tmp_path: Path) -> None:
    files = _write_all_formats(tmp_path / "in")
    out = tmp_path / "all.jsonl"
    assert main(["langid", "--input", str(tmp_path / "in" / "*"), "--output", str(out)]) == 0
    annotated, rejected = lines(out), lines(rejected_path(out))
    # Independently: what the pipeline's reader yields for each file, documents and rejections alike.
    items = [item for path in files for item in read_file(str(path), InputConfig())]
    documents = [i for i in items if not hasattr(i, "error")]
    assert len(annotated) == len(documents) and len(rejected) == len(items) - len(documents)
    expected_ids = [None if d.source.endswith(".txt") else d.id for d in documents]
    assert [r.get("id") for r in annotated] == expected_ids
    assert {r["lang"] for r in annotated} == {"eng_Latn", "deu_Latn", "fra_Latn"}
    assert [r["n"] for r in annotated[:6]] == [1, 2, 1, 2, 1, 2]  # gz, zst, Parquet rows keep their fields
    assert len(rejected) >= 1 and all(r["source"].endswith("e.jsonl.gz") for r in rejected)


def test_needs_output_and_a_matching_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.jsonl").write_bytes(jsonl_bytes(GOOD))
    assert main(["langid", "--input", str(tmp_path / "a.jsonl")]) == 2
    assert "--output" in capsys.readouterr().err
    missing = str(tmp_path / "nothing*.jsonl")
    assert main(["langid", "--input", missing, "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "matches no files" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_a_failure_leaves_no_partial_output_and_the_old_output_intact(tmp_path: Path) -> None:
    out, rejected = tmp_path / "o.jsonl", tmp_path / "o.rejected.jsonl"
    out.write_text("earlier output\n")
    with pytest.raises(KeyboardInterrupt), atomic_files(rejected, out) as (rejected_file, out_file):
        out_file.write(b"half of a new output\n")
        rejected_file.write(b"{}\n")
        raise KeyboardInterrupt  # Ctrl-C (or disk full, or a bug) half-way
    assert out.read_text() == "earlier output\n" and not rejected.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.jsonl"]  # no temporary file left behind
    with atomic_files(rejected, out) as (rejected_file, out_file):
        out_file.write(b"new\n")
    assert out.read_text() == "new\n" and rejected.read_text() == ""


def test_rejected_path_sits_beside_the_output() -> None:
    assert rejected_path(Path("d/out.jsonl")) == Path("d/out.rejected.jsonl")
    assert rejected_path(Path("d/out")) == Path("d/out.rejected.jsonl")
    assert rejected_path(Path("d/out.json")) == Path("d/out.rejected.jsonl")
