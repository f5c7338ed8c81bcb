"""WARC and WET input: what each record becomes, damage and resync, HTML in JSONL/Parquet, and a whole run."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import write_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from warc_builder import Crawl, http_response, page, record_id, warc_record  # noqa: E402
from web_pages import ARTICLES  # noqa: E402

from babelbeam.cli import main as cli_main  # noqa: E402
from babelbeam.pipeline.sources import file_format, read_file  # noqa: E402
from babelbeam.pipeline.warc import read_warc_file  # noqa: E402
from babelbeam.schemas import Document, RejectedRecord, SkippedRecord  # noqa: E402
from babelbeam.schemas.config import RunConfig  # noqa: E402

READERS = ["fastwarc", "warcio"]


def _html_block(article) -> bytes:
    head = f'<meta charset="{article.label}">' if article.declared == "meta" else ""
    body = page(article.name, list(article.paragraphs), lang=article.lang, head=head).encode(article.charset)
    content_type = f"text/html; charset={article.label}" if article.declared == "http" else "text/html"
    return http_response(body, content_type)


def build_crawl() -> Crawl:
    """A crawl like Common Crawl's: warcinfo, then request/response/metadata per fetch, and the odd ones."""
    crawl = Crawl().add("warcinfo", warc_record("warcinfo", "", b"software: test-crawler\r\n"))
    for article in ARTICLES:
        crawl.fetch(
            article.name, f"https://{article.name}.example.org/news/{article.name}.html", _html_block(article)
        )
    eng = ARTICLES[0]
    blocked = page("Casino", [p.replace("river", "canal") for p in eng.paragraphs])
    crawl.fetch("blocked", "https://www.casino-spam.test/win", http_response(blocked.encode()))
    crawl.fetch(
        "image", "https://img.example.org/logo.png", http_response(b"\x89PNG\r\n\x1a\n" * 20, "image/png")
    )
    crawl.fetch("pdf", "https://docs.example.org/a.pdf", http_response(b"%PDF-1.4 ...", "application/pdf"))
    crawl.fetch(
        "missing",
        "https://eng.example.org/gone",
        http_response(b"<html>Not found</html>", status="404 Not Found"),
    )
    crawl.fetch(
        "moved",
        "https://eng.example.org/old",
        http_response(b"", status="301 Moved Permanently", headers=("Location: /new",)),
    )
    crawl.fetch("empty", "https://eng.example.org/empty", http_response(b""))
    crawl.fetch(
        "navonly",
        "https://eng.example.org/menu",
        http_response(
            b"<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
        ),
    )
    crawl.fetch("binary", "https://eng.example.org/blob", http_response(bytes(range(256)) * 30))
    crawl.add(
        "revisit",
        warc_record(
            "revisit",
            "https://eng.example.org/news/eng.html",
            http_response(b"", status="304 Not Modified"),
            name="revisit",
            extra=("WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",),
        ),
    )
    return crawl


EXPECTED_SKIPPED = {
    "warc_warcinfo": 1,
    "warc_request": 16,
    "warc_metadata": 16,
    "warc_revisit": 1,
    "not_html": 2,
    "http_status_404": 1,
    "http_status_301": 1,
    "empty_body": 1,
    "no_main_text": 1,
}
EXPECTED_DOCUMENTS = [a.name for a in ARTICLES] + ["blocked"]


def _config(reader: str = "fastwarc", engine: str = "resiliparse") -> RunConfig:
    config = RunConfig()
    config.input.web.warc_reader, config.input.web.engine = reader, engine
    return config


def _sorted_items(items: list) -> tuple[dict, Counter, list]:
    docs = {d.id: d for d in items if isinstance(d, Document)}
    skipped = Counter(s.reason for s in items if isinstance(s, SkippedRecord))
    rejected = [(r.error, r.position) for r in items if isinstance(r, RejectedRecord)]
    return docs, skipped, rejected


@pytest.mark.parametrize("reader", READERS)
def test_every_record_becomes_a_document_a_skip_or_a_rejection(tmp_path, reader) -> None:
    crawl = build_crawl()
    offsets = crawl.write(tmp_path / "crawl.warc.gz")
    items = list(read_warc_file(str(tmp_path / "crawl.warc.gz"), _config(reader).input))
    assert len(items) == len(crawl.records)
    docs, skipped, rejected = _sorted_items(items)
    assert sorted(docs) == sorted(record_id(name) for name in EXPECTED_DOCUMENTS)
    assert dict(skipped) == EXPECTED_SKIPPED
    assert rejected == [("html_undecodable", offsets["binary"])]
    for article in ARTICLES:
        doc = docs[record_id(article.name)]
        for paragraph in article.paragraphs:
            assert paragraph in doc.text, (article.name, article.charset)
        assert "Accept all cookies" not in doc.text and "Copyright 2024" not in doc.text
        assert doc.url == f"https://{article.name}.example.org/news/{article.name}.html"
        assert doc.metadata["domain"] == f"{article.name}.example.org"
        assert doc.metadata["crawl_date"] == "2024-05-01T12:00:00Z"
    assert docs[record_id("rus")].metadata["charset"] == "cp1251"
    assert docs[record_id("jpn")].metadata["charset"] == "cp932"


@pytest.mark.parametrize("reader", READERS)
def test_a_broken_gzip_member_and_a_cut_record_cost_only_themselves(tmp_path, reader) -> None:
    crawl = build_crawl()
    path = tmp_path / "damaged.warc.gz"
    offsets = crawl.write(path, corrupt=("rus",), cut={"kor": 40})
    items = list(read_warc_file(str(path), _config(reader).input))
    docs, skipped, rejected = _sorted_items(items)
    assert sorted(docs) == sorted(record_id(n) for n in EXPECTED_DOCUMENTS if n not in ("rus", "kor"))
    assert dict(skipped) == EXPECTED_SKIPPED  # the records around the damage are all still read
    assert sorted(rejected) == sorted(
        [
            ("html_undecodable", offsets["binary"]),
            ("damaged_record", offsets["rus"]),
            ("truncated_record", offsets["kor"]),
        ]
    )
    assert all(r.source == str(path) for r in items if isinstance(r, RejectedRecord))


@pytest.mark.parametrize("reader", READERS)
def test_uncompressed_warc_resyncs_after_a_record_cut_short(tmp_path, reader) -> None:
    crawl = build_crawl()
    path = tmp_path / "plain.warc"
    offsets = crawl.write(path, gzip_members=False, cut={"jpn": 25})
    docs, skipped, rejected = _sorted_items(list(read_warc_file(str(path), _config(reader).input)))
    assert sorted(docs) == sorted(record_id(n) for n in EXPECTED_DOCUMENTS if n != "jpn")
    assert dict(skipped) == EXPECTED_SKIPPED
    assert sorted(rejected) == sorted(
        [("html_undecodable", offsets["binary"]), ("truncated_record", offsets["jpn"])]
    )


@pytest.mark.parametrize("reader", READERS)
def test_a_file_cut_mid_record_keeps_what_came_before(tmp_path, reader) -> None:
    crawl = Crawl().add("warcinfo", warc_record("warcinfo", "", b"software: x\r\n"))
    crawl.fetch("eng", "https://eng.example.org/a", _html_block(ARTICLES[0]))
    crawl.add(
        "last", warc_record("response", "https://eng.example.org/b", _html_block(ARTICLES[1]), name="last")
    )
    path = tmp_path / "cut.warc.gz"
    offsets = crawl.write(path)
    path.write_bytes(path.read_bytes()[:-120])  # the last gzip member loses its end
    docs, skipped, rejected = _sorted_items(list(read_warc_file(str(path), _config(reader).input)))
    assert list(docs) == [record_id("eng")]
    assert dict(skipped) == {"warc_warcinfo": 1, "warc_request": 1, "warc_metadata": 1}
    assert len(rejected) == 1 and rejected[0][1] == offsets["last"]
    assert rejected[0][0] in ("truncated_record", "damaged_record")


@pytest.mark.parametrize("reader", READERS)
def test_wet_conversion_records_are_documents(tmp_path, reader) -> None:
    crawl = Crawl().add("warcinfo", warc_record("warcinfo", "", b"software: x\r\n"))
    for article in ARTICLES[:3]:
        crawl.add(
            article.name,
            warc_record(
                "conversion",
                f"https://{article.name}.example.org/",
                "\n".join(article.paragraphs).encode(),
                name=article.name,
                extra=(f"WARC-Refers-To: {record_id(article.name + 'x')}",),
            ),
        )
    crawl.add(
        "latin", warc_record("conversion", "https://x.example.org/", "café".encode("latin-1"), name="latin")
    )
    path = tmp_path / "CC-MAIN-0001.warc.wet.gz"
    offsets = crawl.write(path)
    assert file_format(str(path)) == "warc"
    docs, skipped, rejected = _sorted_items(list(read_file(str(path), _config(reader).input)))
    assert sorted(docs) == sorted(record_id(a.name) for a in ARTICLES[:3])
    assert docs[record_id("rus")].text == "\n".join(ARTICLES[1].paragraphs)
    assert dict(skipped) == {"warc_warcinfo": 1}
    assert rejected == [("invalid_utf8", offsets["latin"])]


def test_html_field_in_jsonl_and_parquet(tmp_path) -> None:
    eng, rus = ARTICLES[0], ARTICLES[1]
    write_jsonl(
        tmp_path / "pages.jsonl",
        [
            {"id": "a", "url": "https://eng.example.org/a", "html": page("A", list(eng.paragraphs))},
            {"id": "b", "text": "no html here"},
            {"id": "c", "html": "<html><body><nav>Home</nav></body></html>"},
            {"id": "d", "html": 42},
        ],
    )
    config = _config().input
    config.html_field = "html"
    docs, skipped, rejected = _sorted_items(list(read_file(str(tmp_path / "pages.jsonl"), config)))
    assert list(docs) == ["a"] and all(p in docs["a"].text for p in eng.paragraphs)
    assert "Accept all cookies" not in docs["a"].text and docs["a"].url == "https://eng.example.org/a"
    assert dict(skipped) == {"no_main_text": 1}
    assert rejected == [("missing_html", 2), ("html_not_string", 4)]
    table = pa.table({"id": ["r"], "html": [page("R", list(rus.paragraphs)).encode("cp1251")]})
    pq.write_table(table, tmp_path / "pages.parquet")
    docs, _, _ = _sorted_items(list(read_file(str(tmp_path / "pages.parquet"), config)))
    assert all(p in docs["r"].text for p in rus.paragraphs)  # bytes: the charset is detected


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_babelbeam_run_on_warc_files_end_to_end(tmp_path, capsys) -> None:
    crawl_dir = tmp_path / "crawl"
    crawl = build_crawl()
    offsets = crawl.write(crawl_dir / "CC-00000.warc.gz", corrupt=("zht",))
    second = Crawl().add("warcinfo2", warc_record("warcinfo", "", b"software: x\r\n", name="warcinfo2"))
    second.fetch(
        "eng2",
        "https://eng.example.org/b",
        http_response(
            page(
                "B",
                [
                    "A second crawl file holds one more article about the harbour, where the fishing "
                    "boats come in "
                    "before dawn and the market opens at six with fresh fish, bread and strong coffee "
                    "for the workers.",
                    "The harbour master said that the new pier will be finished next year, so that "
                    "larger ships can "
                    "bring tourists to the old town without waiting outside the harbour for the tide.",
                ],
            ).encode()
        ),
    )
    second.write(crawl_dir / "CC-00001.warc.gz")
    (tmp_path / "blocklist.txt").write_text("casino-spam.test\n")
    (tmp_path / "config.yaml").write_text(
        "input:\n  web: {engine: resiliparse}\nlangid: {threshold: 0.3}\n"
        f"quality: {{url_blocklist: {tmp_path / 'blocklist.txt'}}}\noutput: {{buckets: 2}}\n"
    )
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        args = [
            "run",
            "--input",
            str(crawl_dir / "*.warc.gz"),
            "--output",
            str(out),
            "--config",
            str(tmp_path / "config.yaml"),
            "--runner=FnApiRunner",
        ]
        assert cli_main(args) == 0
        outputs.append(out)
    assert ", skipped " in capsys.readouterr().out  # the closing summary counts the skipped records
    stats = json.loads((outputs[0] / "stats.json").read_text())
    c = stats["conservation"]
    assert c["holds"] and c["input"] == len(crawl.records) + len(second.records)
    expected_skipped = dict(EXPECTED_SKIPPED)
    for reason in ("warc_warcinfo", "warc_request", "warc_metadata"):
        expected_skipped[reason] += 1
    assert stats["skipped"] == dict(sorted(expected_skipped.items()))
    assert stats["rejected"] == {"damaged_record": 1, "html_undecodable": 1}
    assert stats["removed"].get("url_blocklisted") == 1
    assert stats["documents_read"] == len(EXPECTED_DOCUMENTS) - 1 + 1  # zht lost to damage, eng2 added
    rejected = [
        json.loads(line) for f in sorted((outputs[0] / "rejected").glob("*.jsonl")) for line in f.open()
    ]
    assert {(r["error"], r["position"], Path(r["source"]).name) for r in rejected} == {
        ("damaged_record", offsets["zht"], "CC-00000.warc.gz"),
        ("html_undecodable", offsets["binary"], "CC-00000.warc.gz"),
    }
    assert c["kept"] >= 6
    assert _tree(outputs[0]) == _tree(outputs[1])  # byte-identical rerun


def test_web_input_doc_matches_the_code(tmp_path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "web-input.md").read_text(encoding="utf-8")
    for reason in EXPECTED_SKIPPED:
        assert f"`{reason}`" in doc or reason.startswith("http_status_"), reason
    for kind in ("truncated_record", "damaged_record", "html_undecodable", "missing_html", "html_not_string"):
        assert f"`{kind}`" in doc, kind
    yaml_block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "c.yaml").write_text(yaml_block)
    config = RunConfig.from_yaml(tmp_path / "c.yaml")
    assert config.input.html_field == "html" and config.input.web.engine == "trafilatura_fast"
    assert RunConfig().input.web.engine in doc.split("| `input.web.engine` | `", 1)[1][:20]
