"""The bundled sample corpus (``examples/``): reproducible from its script, and holding what it promises.

``scripts/make_sample_corpus.py`` writes ``examples/corpus/*``, ``examples/corrupt/*``
and ``examples/corpus_labels.json``; these tests read the committed files with
plain readers (json, gzip, zstandard, pyarrow), so they check the corpus itself,
not babelbeam's readers.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard

from babelbeam.schemas.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _load_script():
    name = "make_sample_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "make_sample_corpus.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


script = _load_script()
LABELS = json.loads((EXAMPLES / "corpus_labels.json").read_text(encoding="utf-8"))
DOCS: dict[str, dict] = LABELS["documents"]


def _payload(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        return gzip.decompress(data)
    if path.name.endswith(".zst"):
        return zstandard.ZstdDecompressor().decompress(data)
    return data


def _records(rel: str) -> list[dict]:
    path = EXAMPLES / rel
    if rel.endswith(".parquet"):
        rows = pq.read_table(path).to_pylist()
        return [{k: v for k, v in row.items() if v is not None} for row in rows]
    if rel.endswith(".txt"):
        return [{"text": path.read_text(encoding="utf-8")}]
    return [json.loads(line) for line in _payload(path).decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    """Every labelled document's record (id, text, url) by label key."""
    by_file = {rel: _records(rel) for rel in {label["file"] for label in DOCS.values()}}
    return {key: by_file[label["file"]][label["position"]] for key, label in DOCS.items()}


def _norm_hash(text: str) -> str:
    """The normalisation the planted exact duplicates are built for (see the script's docstring)."""
    norm = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def test_script_reproduces_committed_files(tmp_path: Path) -> None:
    written = script.write(tmp_path)
    assert len(written) >= 12
    for path in written:
        rel = path.relative_to(tmp_path)
        committed = EXAMPLES / rel
        assert committed.exists(), f"{rel} is written by the script but not committed"
        if rel.suffix in {".jsonl", ".txt", ".json"}:
            assert path.read_bytes() == committed.read_bytes(), f"{rel} differs from the committed file"
        elif rel.suffix == ".parquet":
            assert pq.read_table(path).equals(pq.read_table(committed)), f"{rel} rows differ"
        elif rel.name != "truncated.jsonl.gz":
            # Compressed bytes may change with the zlib/zstd build; the payload must not.
            assert _payload(path) == _payload(committed), f"{rel} payload differs"
    # A second render in the same process is byte-identical, compressed files included.
    assert script.render() == script.render()


def test_every_corpus_file_is_labelled_and_every_record_has_a_label() -> None:
    files = sorted(p.relative_to(EXAMPLES).as_posix() for p in (EXAMPLES / "corpus").iterdir())
    labelled = Counter(label["file"] for label in DOCS.values())
    assert sorted(labelled) == files
    for rel in files:
        assert labelled[rel] == len(_records(rel)), rel
    suffixes = {Path(f).name.split(".", 1)[1] for f in files}
    assert suffixes == {"jsonl", "jsonl.gz", "jsonl.zst", "parquet", "txt"}
    assert sum(f.endswith(".txt") for f in files) >= 2


def test_records_match_their_labels(corpus: dict[str, dict]) -> None:
    for key, label in DOCS.items():
        record = corpus[key]
        assert record.get("id") == label["id"], key
        assert isinstance(record["text"], str)
    no_id = [key for key, label in DOCS.items() if label["id"] is None]
    assert len(no_id) >= 5  # plain-text files plus JSONL records without the field
    ids = [label["id"] for label in DOCS.values() if label["id"] is not None]
    assert len(ids) == len(set(ids))


def test_languages_scripts_and_counts() -> None:
    good = [label for label in DOCS.values() if label["kind"] == "good"]
    per_lang = Counter(label["lang"] for label in good)
    assert set(per_lang) <= set(LANGUAGES)
    assert len(per_lang) >= 32
    assert len({lang.split("_")[1] for lang in per_lang}) >= 12
    assert min(per_lang.values()) >= 2
    for major in ("eng_Latn", "fra_Latn", "deu_Latn", "spa_Latn", "rus_Cyrl", "zho_Hans", "jpn_Jpan",
                  "arb_Arab", "hin_Deva"):
        assert per_lang[major] >= 3, major
    assert 150 <= len(DOCS) <= 250
    assert sum(p.stat().st_size for p in EXAMPLES.rglob("*") if p.is_file()) < 1_500_000


def test_good_documents_look_like_web_prose(corpus: dict[str, dict]) -> None:
    dense = {"Hans", "Hant", "Jpan", "Hang"}  # a character there carries about two Latin letters' worth
    terminators = re.compile(r"[.!?。！？।॥۔؟։။។]")
    for key, label in DOCS.items():
        if label["kind"] != "good":
            continue
        text = corpus[key]["text"].strip()
        low = 200 if label["lang"].split("_")[1] in dense else 400
        assert low <= len(text) <= 2500, (key, len(text))
        assert len(text.splitlines()) >= 3, key
        assert len(terminators.findall(text)) >= 3 or label["lang"] == "tha_Thai", key
        assert len(text.split()) >= 50 or label["lang"].split("_")[1] in dense | {"Thai", "Khmr", "Mymr"}, key


def test_cantonese_uses_cantonese_words(corpus: dict[str, dict]) -> None:
    yue = "".join(corpus[k]["text"] for k, label in DOCS.items()
                  if label["kind"] == "good" and label["lang"] == "yue_Hant")
    for word in ("嘅", "咗", "喺", "冇", "啲", "佢哋"):
        assert word in yue, word


def test_exact_duplicates_hash_equal_after_normalisation(corpus: dict[str, dict]) -> None:
    dups = {key: label for key, label in DOCS.items() if label["kind"] == "exact_dup"}
    assert len(dups) >= 10
    assert {label["variant"] for label in dups.values()} == {"identical", "whitespace", "lowercase",
                                                             "uppercase", "nfd"}
    for key, label in dups.items():
        text, original = corpus[key]["text"], corpus[label["of"]]["text"]
        assert DOCS[label["of"]]["kind"] == "good"
        assert _norm_hash(text) == _norm_hash(original), key
        assert (text == original) == (label["variant"] == "identical"), key
    # Some duplicates sit in another file (and format) than their original.
    assert any(DOCS[label["of"]]["file"] != label["file"] for label in dups.values())


def test_near_duplicates_are_similar_but_not_exact(corpus: dict[str, dict]) -> None:
    near = {key: label for key, label in DOCS.items() if label["kind"] == "near_dup"}
    assert len(near) >= 8
    assert {label["variant"] for label in near.values()} == {"sentence_changed", "header_footer"}
    for key, label in near.items():
        original = corpus[label["of"]]["text"]
        a, kind = script.shingles(original, label["lang"])
        b, _ = script.shingles(corpus[key]["text"], label["lang"])
        similarity = script.jaccard(a, b)
        assert 0.8 < similarity < 1.0, (key, similarity)
        assert kind == label["shingles"] and round(similarity, 4) == label["jaccard"]
        assert _norm_hash(corpus[key]["text"]) != _norm_hash(original), key


def test_junk_covers_every_kind_the_filters_target(corpus: dict[str, dict]) -> None:
    junk = [label for label in DOCS.values() if label["kind"] == "junk"]
    kinds = Counter(label["junk"] for label in junk)
    assert set(kinds) >= {"keyword_spam", "repeated_lines", "lorem_ipsum", "navigation_menu", "too_short",
                          "bullet_list", "symbols", "shuffled_words", "empty"}
    for key, label in DOCS.items():
        if label["kind"] != "junk":
            continue
        text = corpus[key]["text"]
        if label["junk"] == "too_short":
            assert len(text.split()) < 10, key
        if label["junk"] == "repeated_lines":
            lines = text.splitlines()
            assert Counter(lines).most_common(1)[0][1] / len(lines) > 0.3, key
        if label["junk"] == "empty":
            assert not text.strip(), key
        if label["junk"] == "shuffled_words":
            # Same words as a good document, in another order.
            source = next(k for k, lab in DOCS.items() if lab["kind"] == "good" and
                          sorted(corpus[k]["text"].split()) == sorted(text.split()))
            assert corpus[source]["text"].split() != text.split()


def test_corrupt_file_holds_one_of_each_bad_record() -> None:
    expectations = LABELS["corrupt"]["corrupt/bad.jsonl"]
    lines = (EXAMPLES / "corrupt" / "bad.jsonl").read_bytes().splitlines()
    assert len(lines) == len(expectations)
    seen = set()
    for raw, expect in zip(lines, expectations, strict=True):
        kind = expect["expect"]
        seen.add(kind)
        try:
            value = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            assert kind == "invalid_utf8"
            continue
        except json.JSONDecodeError:
            assert kind == "invalid_json"
            continue
        if not isinstance(value, dict):
            assert kind == "not_an_object"
        elif "text" not in value:
            assert kind == "missing_text"
        elif not isinstance(value["text"], str):
            assert kind == "text_not_string"
        else:
            assert kind == "ok"
    assert seen == {"ok", "invalid_json", "missing_text", "text_not_string", "invalid_utf8", "not_an_object"}
    truncated = (EXAMPLES / "corrupt" / "truncated.jsonl.gz").read_bytes()
    with pytest.raises(EOFError):
        gzip.decompress(truncated)
    assert not any("corrupt" in label["file"] for label in DOCS.values())


def test_lid176_recognises_every_good_document(corpus: dict[str, dict]) -> None:
    """The bundled fastText model's top label is the intended language (Cantonese may read as zh)."""
    import fasttext  # a runtime dependency (fasttext-numpy2): a missing one must fail, not skip

    from babelbeam.assets import asset_path

    model_path = asset_path("lid.176.ftz")
    assert Path(model_path).exists(), "lid.176.ftz missing: the install ships it"
    model = fasttext.load_model(str(model_path))
    expected = {"zho": {"zh"}, "yue": {"yue", "zh"}, "pes": {"fa"}, "npi": {"ne"}, "swh": {"sw"},
                "tgl": {"tl"}, "arb": {"ar"}}
    iso1 = {"eng": "en", "fra": "fr", "deu": "de", "spa": "es", "por": "pt", "ita": "it", "nld": "nl",
            "pol": "pl", "ces": "cs", "swe": "sv", "tur": "tr", "ind": "id", "vie": "vi", "fin": "fi",
            "hun": "hu", "rus": "ru", "ukr": "uk", "bul": "bg", "srp": "sr", "ell": "el", "urd": "ur",
            "heb": "he", "kat": "ka", "hye": "hy", "hin": "hi", "mar": "mr", "ben": "bn", "tam": "ta",
            "tel": "te", "tha": "th", "khm": "km", "mya": "my", "jpn": "ja", "kor": "ko"}
    wrong = []
    for key, label in DOCS.items():
        if label["kind"] != "good":
            continue
        iso3 = label["lang"].split("_")[0]
        labels, probs = model.predict(corpus[key]["text"].replace("\n", " "), k=1)
        got = labels[0].removeprefix("__label__")
        allowed = expected[iso3] if iso3 in expected else {iso1[iso3]}
        if got not in allowed or probs[0] < 0.5:
            wrong.append((key, got, round(float(probs[0]), 2)))
    assert not wrong


# --- The benchmark corpus generator (benchmarks/corpus.py), built from the same texts. ---


def _load_bench_corpus():
    name = "bench_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "corpus.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_bench_corpus_is_deterministic_and_matches_iter_documents(tmp_path: Path) -> None:
    bench = _load_bench_corpus()
    spec = bench.CorpusSpec(docs=400, seed=7, docs_per_file=150)
    first = bench.write_corpus(spec, tmp_path / "a")
    bench.write_corpus(spec, tmp_path / "b")
    assert first["files"] == ["part-00000.jsonl.gz", "part-00001.jsonl.gz", "part-00002.jsonl.gz"]
    for name in [*first["files"], "labels.jsonl.gz", "manifest.json"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    written = [json.loads(line) for name in first["files"] for line in gzip.open(tmp_path / "a" / name)]
    assert written == list(bench.iter_documents(400, seed=7))
    other_seed = list(bench.iter_documents(50, seed=8))
    assert [d["text"] for d in other_seed] != [d["text"] for d in written[:50]]


def test_bench_corpus_plants_duplicates_and_junk_at_known_rates() -> None:
    bench = _load_bench_corpus()
    pairs = list(bench.iter_labelled_documents(3000, seed=1))
    texts = {record["id"]: record["text"] for record, _ in pairs}
    kinds = Counter(label["kind"] for _, label in pairs)
    spec = bench.CorpusSpec(docs=3000)
    for kind, rate in (("exact_dup", spec.exact_dup_rate), ("near_dup", spec.near_dup_rate),
                       ("junk", spec.junk_rate)):
        assert abs(kinds[kind] / 3000 - rate) < 0.015, (kind, kinds[kind])
    langs = {label["lang"] for _, label in pairs if label["kind"] == "good"}
    assert len(langs) >= 40 and len({lang.split("_")[1] for lang in langs}) >= 15
    lengths = sorted(label["chars"] for _, label in pairs if label["kind"] == "good")
    assert lengths[0] >= 200 and lengths[-1] <= 51_000 and lengths[len(lengths) // 2] < 2000 < lengths[-1]
    for record, label in pairs:
        if label["kind"] == "exact_dup":
            assert _norm_hash(record["text"]) == _norm_hash(texts[label["of"]])
            assert (record["text"] == texts[label["of"]]) == (label["variant"] == "identical")
        elif label["kind"] == "near_dup":
            assert record["text"] != texts[label["of"]] and 0.0 <= label["jaccard"] < 1.0
    near = [label["jaccard"] for _, label in pairs if label["kind"] == "near_dup"]
    assert sum(j > 0.8 for j in near) / len(near) > 0.6
    # Same-language good documents do not look like near duplicates of each other.
    eng = [r["text"] for r, lab in pairs if lab["kind"] == "good" and lab["lang"] == "eng_Latn"][:30]
    shingle_sets = [bench._shingles(t, "eng_Latn") for t in eng]
    worst = max(len(a & b) / len(a | b) for k, a in enumerate(shingle_sets) for b in shingle_sets[k + 1 :])
    assert worst < 0.3
