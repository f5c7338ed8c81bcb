"""Web input: main-text extraction against gold snippets, WARC parsing speed, and WARC -> text vs datatrove.

    .venv/bin/python benchmarks/bench_web.py                 # the extraction table and the WARC figures
    .venv/bin/python benchmarks/bench_web.py --json out.json

The evaluation pages are real pages from two registry packages, fetched with pip
at benchmark time (and cached): trafilatura 1.1.0's sdist (``tests/cache/``,
the pages of trafilatura's own evaluation; the gold snippets that must and must
not appear are those of its ``tests/evaldata.py``, comment snippets counted as
must-not because babelbeam extracts without comments; three pages without an
evaldata entry take the snippets of its ``tests/realworld_tests.py``) and
newspaper4k 0.9.6's sdist (``tests/data/html`` with the expected article text
in ``tests/data/txt``: the must snippets are the first 40 characters of the
first, middle and last paragraph of at least 40 characters; the must-not
snippets are site chrome picked by hand from the page's header and footer,
listed below). No engine option was tuned on these pages.

Scores follow trafilatura's evaluation: a must snippet found is a true
positive, one missing a false negative; a must-not snippet found is a false
positive. Matching ignores whitespace differences and soft hyphens. Speed is
pages per CPU second of the engine alone (the page already decoded).

The WARC figures use one ``.warc.gz`` built from the same pages with warcio's
writer the way Common Crawl lays a fetch out (request, response, metadata), with
``copies`` of each page so a file holds enough records to time.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from memory import run_measured  # noqa: E402
from peers import require  # noqa: E402

from babelbeam.filters.html import MainTextExtractor, decode_html  # noqa: E402
from babelbeam.schemas.web_config import ENGINES  # noqa: E402

log = logging.getLogger("bench_web")
GOLD = REPO / "benchmarks" / "data" / "html_gold_trafilatura.json"
SDISTS = {"trafilatura": "1.1.0", "newspaper4k": "0.9.6"}
SOURCE_NOTES = {
    "trafilatura": "trafilatura 1.1.0 sdist, tests/cache (pages of its evaluation; gold from its "
    "evaldata.py: "
    "the data trafilatura is developed against)",
    "newspaper4k": "newspaper4k 0.9.6 sdist (MIT), tests/data/html + txt (must: from its expected text; "
    "must-not: site chrome picked by hand)",
}

# Site chrome in newspaper4k's test pages (header, navigation, footer lines), picked from the full page text
# before any engine ran on these pages.
NEWSPAPER_WITHOUT = {
    "arabic_article": [
        "© 2013 Cable News Network. Turner Broadcasting System, Inc. All Rights Reserved.",
        "شروط الخدمة | بيان الخصوصية | الإعلانات | من نحن؟",
        "CNN International TV | CNN US TV",
    ],
    "article_with_br": [
        "Welcome to Sott.net",
        "Donate once - or every month!",
        "To submit an article for publication, see our Submission Guidelines",
    ],
    "article_with_divs": [
        "Crafted with by TemplatesYard",
        "LinkNaija | Nigeria's popular news platform",
        "Menu Footer Widget",
    ],
    "burmese_article": ["Accessibility links", "BBC မြန်မာ လမ်းညွှန်", "Get Personalised Newsletters"],
    "chinese_article": ["bbc.co.uk navigation", "BBC © 2014 非本网站内容BBC概不负责", "BBC中文网合作伙伴"],
    "chinese_article_001": ["China Daily Homepage", "京ICP备13028878号-6", "Content@chinadaily.com.cn"],
    "chinese_article_002": [
        "新华全媒头条丨黄河流域文物保护传承观察",
        "卫星影像：2022，变局中的世界",
        "2022，敬平凡又不凡的每一天",
    ],
    "cnn_001": [
        "CNN values your feedback",
        "Terms of Use Privacy Policy Ad Choices",
        "© 2023 Cable News Network. A Warner Bros. Discovery Company.",
    ],
    "cnn_002": [
        "CNN values your feedback",
        "Terms of Use Privacy Policy Ad Choices",
        "© 2023 Cable News Network. A Warner Bros. Discovery Company.",
    ],
    "cnn_article": [
        "Set edition preference",
        "Loading weather data ...",
        "© 2014 Cable News Network. Turner Broadcasting System, Inc.",
    ],
    "cnn_test_nlp": [
        "CNN values your feedback",
        "Terms of Use Privacy Policy Ad Choices",
        "© 2024 Cable News Network. A Warner Bros. Discovery Company.",
    ],
    "fox13now_001": [
        "1 weather alerts 1 closings/delays",
        "Closed Captioning Contact",
        "© 2023 Scripps Media, Inc",
    ],
    "japanese_article": [
        "Nikkei Asian Review (English)",
        "日本経済新聞 電子版について",
        "NIKKEI Nikkei Inc. No reproduction without permission.",
    ],
    "japanese_article2": [
        "国際ニュース：AFPBB News",
        "AFPBB Newsに掲載している写真・見出し・記事の無断使用を禁じます。",
        "サイトに関するお問い合わせ",
    ],
    "latvian_article": [
        "Vārda dienas: Ringolds, Miervalda, Miervaldis",
        "Piesakies LSM pasta saņemšanai!",
        "Pieņemt un turpināt",
    ],
    "spanish_article": ["Suscríbete a Ultima Hora", "Contratar Publicidad", "Majorca daily bulletin"],
    "thai_article": [
        "เกี่ยวกับประชาไท | ติดต่อประชาไท | ประมวลจริยธรรม",
        "RSS Feed | Twitter: @prachatai",
        "คลิกเข้าเว็บ ประชาไท",
    ],
    "time_001": [
        "Sign Up for Our Ideas Newsletter",
        "Modern Slavery Statement",
        "U.S. & Canada Customer Care",
    ],
    "video_article_02": [
        "Your data is managed in accordance with our privacy policy",
        "ONE Esports - The Home of Esports Heroes",
        "You'll also receive a monthly newsletter and other goodies!",
    ],
    "wired_001": [
        "To revist this article, visit My Profile, then View saved stories.",
        "Select international site",
        "Condé Nast Store",
    ],
    "yna_co_kr": [
        "Go to Contents Go to Navigation",
        "Copyright (c) Yonhap News Agency. All Rights Reserved.",
        "Thanks for your feedback!",
    ],
}


@dataclass
class EvalPage:
    name: str
    source: str
    html: bytes
    must: list[str]
    must_not: list[str]


_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """What snippet matching compares: soft hyphens and zero-width characters dropped, spaces collapsed."""
    return _SPACE.sub(" ", text.replace("\u00ad", "").replace("\u200b", "")).strip()


def fetch_sdist(name: str, version: str, cache: Path) -> Path:
    """The package's source archive from the registry (pip), downloaded once into ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob(f"{name}-{version}.tar.gz"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                f"{name}=={version}",
                "-d",
                str(cache),
            ],
            check=True,
        )
        found = sorted(cache.glob(f"{name}-{version}.tar.gz"))
    return found[0]


def newspaper_must(expected: str) -> list[str]:
    """First 40 characters of the first, middle and last paragraph of 40 characters or more."""
    paragraphs = [p for p in (normalize(line) for line in expected.split("\n")) if len(p) >= 40]
    picks = sorted({0, len(paragraphs) // 2, len(paragraphs) - 1}) if paragraphs else []
    return [paragraphs[i][:40] for i in picks]


def load_pages(cache: Path) -> list[EvalPage]:
    """Every evaluation page with its gold snippets (downloads the two sdists on first use)."""
    pages: list[EvalPage] = []
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with tarfile.open(fetch_sdist("trafilatura", SDISTS["trafilatura"], cache)) as tar:
        for file, (must, must_not) in gold.items():
            member = tar.extractfile(f"trafilatura-{SDISTS['trafilatura']}/tests/cache/{file}")
            assert member is not None, file
            pages.append(EvalPage(file, "trafilatura", member.read(), must, must_not))
    root = f"newspaper4k-{SDISTS['newspaper4k']}/tests/data"
    with tarfile.open(fetch_sdist("newspaper4k", SDISTS["newspaper4k"], cache)) as tar:
        for name, must_not in NEWSPAPER_WITHOUT.items():
            html = tar.extractfile(f"{root}/html/{name}.html").read()  # type: ignore[union-attr]
            expected = tar.extractfile(f"{root}/txt/{name}.txt").read().decode("utf-8")  # type: ignore[union-attr]
            pages.append(EvalPage(name, "newspaper4k", html, newspaper_must(expected), must_not))
    return pages


def score_engine(pages: list[EvalPage], engine: str) -> dict:
    """Precision, recall and F1 of gold snippets over ``pages``, per source too, and pages per CPU second."""
    extractor = MainTextExtractor(engine)
    decoded = [decode_html(p.html).text for p in pages]
    extractor.extract(decoded[0])  # warm-up: lazy imports and caches outside the timing
    started = time.process_time()
    texts = [normalize(extractor.extract(html)) for html in decoded]
    cpu = time.process_time() - started
    result: dict = {
        "engine": engine,
        "pages": len(pages),
        "cpu_s": round(cpu, 3),
        "pages_per_s_core": round(len(pages) / max(cpu, 1e-9), 1),
    }
    for source in [None, *SDISTS]:
        tp = fn = fp = 0
        for page, text in zip(pages, texts, strict=True):
            if source is not None and page.source != source:
                continue
            found = [normalize(s) in text for s in page.must]
            tp, fn = tp + sum(found), fn + len(found) - sum(found)
            fp += sum(normalize(s) in text for s in page.must_not)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        key = "all" if source is None else source
        result[key] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "tp": tp,
            "fn": fn,
            "fp": fp,
        }
    return result


def pick_default(rows: list[dict], margin: float = 0.05) -> str:
    """The fastest engine whose F1 is within ``margin`` (relative) of the best engine's F1."""
    best = max(r["all"]["f1"] for r in rows)
    eligible = [r for r in rows if r["all"]["f1"] >= (1 - margin) * best]
    return max(eligible, key=lambda r: r["pages_per_s_core"])["engine"]


# ------------------------------------------------------------------------------------------------------------
# WARC files


def write_warc(pages: list[tuple[str, bytes]], path: Path, copies: int = 1) -> int:
    """A Common-Crawl-like ``.warc.gz`` (one gzip member per record) of the pages, each ``copies`` times,
    written with warcio; returns the number of records. Ids and dates are fixed: the same file every time."""
    import hashlib
    import io
    import uuid

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    records = 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for copy in range(copies):
            for name, html in pages:
                uri = f"https://{name.replace('_', '-')}.example/{copy}/index.html"

                def ids(kind: str, uri: str = uri) -> dict[str, str]:
                    digest = hashlib.md5(f"{kind}{uri}".encode()).hexdigest()
                    return {
                        "WARC-Record-ID": f"<urn:uuid:{uuid.UUID(digest)}>",
                        "WARC-Date": "2024-05-01T12:00:00Z",
                    }

                request = StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", uri.split("/")[2])], is_http_request=True
                )
                writer.write_record(
                    writer.create_warc_record(
                        uri, "request", http_headers=request, warc_headers_dict=ids("request")
                    )
                )
                http = StatusAndHeaders(
                    "200 OK",
                    [("Content-Type", "text/html"), ("Content-Length", str(len(html)))],
                    protocol="HTTP/1.1",
                )
                warc = {**ids("response"), "WARC-Identified-Payload-Type": "text/html"}
                writer.write_record(
                    writer.create_warc_record(
                        uri, "response", payload=io.BytesIO(html), http_headers=http, warc_headers_dict=warc
                    )
                )
                meta = io.BytesIO(b"fetchTimeMs: 100\r\n")
                writer.write_record(
                    writer.create_warc_record(
                        uri,
                        "metadata",
                        payload=meta,
                        warc_content_type="application/warc-fields",
                        warc_headers_dict=ids("metadata"),
                    )
                )
                records += 3
    return records


def parse_rate(path: Path, reader: str) -> dict:
    """Records per CPU second parsing the whole file (every header, every payload read) with one parser."""
    started = time.process_time()
    records = payload = 0
    with open(path, "rb") as f:
        if reader == "fastwarc":
            from fastwarc.warc import ArchiveIterator

            for record in ArchiveIterator(f, parse_http=True):
                payload += len(record.reader.read())
                records += 1
        else:
            from warcio.archiveiterator import ArchiveIterator as WarcioIterator

            for record in WarcioIterator(f):
                payload += len(record.content_stream().read())
                records += 1
    cpu = time.process_time() - started
    return {
        "reader": reader,
        "records": records,
        "payload_mb": round(payload / 1e6, 2),
        "cpu_s": round(cpu, 3),
        "records_per_s_core": round(records / max(cpu, 1e-9), 1),
    }


def warc_to_text(impl: str, path: Path) -> dict:
    """Child-process body: every document's text from one WARC file, the way ``impl`` does it."""
    documents = chars = 0
    if impl == "datatrove":
        from datatrove.pipeline.extractors import Trafilatura
        from datatrove.pipeline.readers import WarcReader

        reader = WarcReader(str(path.parent), glob_pattern=path.name)
        for doc in Trafilatura(favour_precision=True).run(reader.run()):
            documents, chars = documents + 1, chars + len(doc.text)
    else:
        from babelbeam.pipeline.warc import read_warc_file
        from babelbeam.schemas import Document
        from babelbeam.schemas.config import RunConfig

        config = RunConfig().input
        if ":" in impl:
            config.web.engine = impl.split(":", 1)[1]
        for item in read_warc_file(str(path), config):
            if isinstance(item, Document):
                documents, chars = documents + 1, chars + len(item.text)
    return {"impl": impl, "documents": documents, "chars": chars}


def measure_warc_to_text(impl: str, path: Path, log_dir: Path) -> dict:
    """``warc_to_text`` in a child process: documents per CPU second of its whole tree, peak RSS."""
    out = log_dir / f"warc-text-{impl.replace(':', '-')}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "warc-text", impl, str(path), "--json", str(out)]
    m = run_measured(cmd, log_path=log_dir / f"warc-text-{impl.replace(':', '-')}.log")
    if m.returncode != 0:
        raise RuntimeError(f"{impl} failed: see {log_dir}")
    result = json.loads(out.read_text())
    result.update(
        cpu_s=round(m.cpu_s, 2),
        wall_s=round(m.wall_s, 2),
        peak_rss_mb=round(m.peak_rss_mb, 1),
        docs_per_s_core=round(result["documents"] / max(m.cpu_s, 1e-9), 2),
    )
    return result


def run_all(
    cache: Path,
    out_dir: Path,
    copies: int = 2,
    pages: list[EvalPage] | None = None,
    engines: tuple[str, ...] = ENGINES,
    datatrove: bool = True,
) -> dict:
    """The extraction table, the parser rates and the WARC -> text comparison; ``pages`` replaces the download
    (the smoke test passes a few pages it made)."""
    pages = pages if pages is not None else load_pages(cache)
    rows = [score_engine(pages, engine) for engine in engines]
    for r in rows:
        log.info(
            "%-17s P %.3f R %.3f F1 %.3f  %7.1f pages/s/core",
            r["engine"],
            r["all"]["precision"],
            r["all"]["recall"],
            r["all"]["f1"],
            r["pages_per_s_core"],
        )
    results: dict = {
        "pages": len(pages),
        "sources": {s: sum(p.source == s for p in pages) for s in SDISTS},
        "extraction": rows,
        "default_by_rule": pick_default(rows),
    }
    warc = out_dir / f"web-eval-x{copies}.warc.gz"
    results["warc_records"] = write_warc([(p.name, p.html) for p in pages], warc, copies)
    results["warc_mb"] = round(warc.stat().st_size / 1e6, 2)
    results["parse"] = [parse_rate(warc, reader) for reader in ("fastwarc", "warcio")]
    impls = ["babelbeam", "babelbeam:trafilatura"] + (["datatrove"] if datatrove else [])
    results["warc_to_text"] = [measure_warc_to_text(impl, warc, out_dir) for impl in impls]
    # Memory per file: the same pages in a file four times as long must not need more memory.
    long = out_dir / f"web-eval-x{copies * 4}.warc.gz"
    write_warc([(p.name, p.html) for p in pages], long, copies * 4)
    results["memory"] = {
        "file_mb": results["warc_mb"],
        "long_file_mb": round(long.stat().st_size / 1e6, 2),
        "peak_rss_mb": results["warc_to_text"][0]["peak_rss_mb"],
        "long_peak_rss_mb": measure_warc_to_text("babelbeam", long, out_dir)["peak_rss_mb"],
        "largest_page_mb": round(max(len(p.html) for p in pages) / 1e6, 2),
    }
    return results


def markdown(results: dict) -> str:
    rows = results["extraction"]
    lines = [
        f"Main-text extraction on {results['pages']} real pages ("
        + ", ".join(f"{n} from {s}" for s, n in results["sources"].items())
        + "), gold snippets that must "
        "and must not appear; speed is pages per CPU second of the engine on decoded HTML.",
        "",
        "| engine | precision | recall | F1 | F1, trafilatura pages | F1, newspaper4k pages "
        "| pages/s per core |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['all']['precision']:.3f} | {r['all']['recall']:.3f} | "
            f"{r['all']['f1']:.3f} | {r['trafilatura']['f1']:.3f} | {r['newspaper4k']['f1']:.3f} | "
            f"{r['pages_per_s_core']:,.1f} |"
        )
    lines += ["", f"Fastest engine within 5% of the best F1: **{results['default_by_rule']}**.", ""]
    parse = {p["reader"]: p for p in results["parse"]}
    lines.append(
        f"WARC parsing, {results['warc_records']:,} records ({results['warc_mb']} MB .warc.gz): FastWARC "
        f"{parse['fastwarc']['records_per_s_core']:,.0f} records/s per core, warcio "
        f"{parse['warcio']['records_per_s_core']:,.0f} "
        f"(**{parse['fastwarc']['records_per_s_core'] / parse['warcio']['records_per_s_core']:.1f}x**)."
    )
    lines += [
        "",
        "| WARC -> text | documents | docs/s per core | babelbeam / this | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    base = results["warc_to_text"][0]["docs_per_s_core"]
    for r in results["warc_to_text"]:
        ratio = "" if r is results["warc_to_text"][0] else f"{base / max(r['docs_per_s_core'], 1e-9):.2f}x"
        lines.append(
            f"| {r['impl']} | {r['documents']:,} | {r['docs_per_s_core']:,.1f} | {ratio} | "
            f"{r['peak_rss_mb']:,.0f} |"
        )
    m = results["memory"]
    lines += [
        "",
        f"Memory per file: peak RSS {m['peak_rss_mb']:.0f} MB reading the {m['file_mb']} MB file and "
        f"{m['long_peak_rss_mb']:.0f} MB reading one four times as long ({m['long_file_mb']} MB); "
        "the largest "
        f"page is {m['largest_page_mb']} MB.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="all", choices=("all", "warc-text"))
    parser.add_argument("impl", nargs="?")
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--cache", type=Path, default=REPO / "out" / "bench" / "web-pages")
    parser.add_argument("--out", type=Path, default=REPO / "out" / "bench" / "web")
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    if args.mode == "warc-text":
        result = warc_to_text(args.impl, args.path)
    else:
        require("datatrove", "cchardet", "magic")  # the WARC -> text peer: WarcReader + Trafilatura
        args.out.mkdir(parents=True, exist_ok=True)
        result = run_all(args.cache, args.out, args.copies)
        print(markdown(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
