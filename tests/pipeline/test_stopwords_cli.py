"""`babelbeam stopwords`: the corpus-derived stop-word pre-pass, end to end on the sample corpus."""

from __future__ import annotations

from pathlib import Path

from babelbeam.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]


def test_stopwords_command_writes_frequent_words_per_language(tmp_path):
    out = tmp_path / "stopwords"
    code = cli_main(["stopwords", "--input", str(ROOT / "examples" / "corpus" / "*"), "--output", str(out),
                     "--min-documents", "3", "--top-n", "20"])
    assert code == 0
    english = (out / "eng_Latn.txt").read_text(encoding="utf-8").split()
    assert len(english) == 20 and {"the", "and", "of"} <= set(english)
    assert (out / "deu_Latn.txt").exists() and not (out / "und.txt").exists()
