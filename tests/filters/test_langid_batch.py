"""``identify_batch`` (one fastText call per list) gives exactly what ``identify`` gives text by text, and the
numpy script census gives exactly the per-character lookup's answer."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from test_langid import TEXTS  # the per-language sentences written for the langid tests, beside this file

from babelbeam.filters import scripts
from babelbeam.filters.langid import LanguageIdentifier
from babelbeam.schemas import Document
from babelbeam.schemas.config import InputConfig, LangIdConfig

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"

ODD_TEXTS = [
    "", " ", "\n\n", "a", "hi there", "日本", "大會，", "人人有權享有國籍。", "1234 !!",
    "Привет hello 你好 مرحبا שלום " * 3,  # five scripts, none dominant by much
    "The cat sat. Кошка сидела. 猫が座った。고양이가 앉았다.",
    "abc\u2028def ghi jkl mno pqr stu",  # a line separator fastText would read as a space
    "\x00\x01 control characters and words",
    "琴晚我哋去咗睇戲，之後喺河邊行咗好耐。",  # Cantonese usage
    "Zdravo, kako si danas? Ja sam dobro, hvala na pitanju.",  # sh / Croatian / Serbian
    "Здраво, како си данас? Ја сам добро, хвала на питању.",
    "ابن سينا ​​پوهنتون کې محصلين استند و ولسوالی",  # Dari markers
    "x" * 5000,
    ("A long line of English words that keeps going and going " * 40 + "\n") * 30,  # sampled and cut
]


def example_texts() -> list[str]:
    """Every document text of the demo corpus (``examples/corpus``, all formats)."""
    from babelbeam.pipeline.sources import read_file  # the demo corpus comes in five formats

    texts = []
    for path in sorted(EXAMPLES.iterdir()):
        texts += [d.text for d in read_file(str(path), InputConfig()) if isinstance(d, Document)]
    return texts


@pytest.fixture(scope="module")
def lid() -> LanguageIdentifier:
    return LanguageIdentifier.from_config(LangIdConfig())


def test_identify_batch_equals_identify_per_text(lid: LanguageIdentifier) -> None:
    texts = example_texts()
    assert len(texts) > 100
    texts += list(TEXTS.values()) + ODD_TEXTS
    assert lid.identify_batch(texts) == [lid.identify(t) for t in texts]


def test_annotate_batch_equals_annotate(lid: LanguageIdentifier) -> None:
    strict = LanguageIdentifier(lid.model, dataclasses.replace(lid.config, keep_languages=["eng_Latn"]))
    docs = [Document(id=str(i), text=t) for i, t in enumerate(list(TEXTS.values()) + ODD_TEXTS)]
    assert strict.annotate_batch(docs) == [strict.annotate(d) for d in docs]
    assert {d.removed_reason for d in strict.annotate_batch(docs)} >= {None, "langid_not_selected",
                                                                      "langid_too_short"}


def test_identify_batch_of_nothing_and_of_short_texts_only(lid: LanguageIdentifier) -> None:
    assert lid.identify_batch([]) == []
    assert lid.identify_batch(["", "hi"]) == [lid.identify(""), lid.identify("hi")]


def test_a_text_fasttext_refuses_fails_as_identify_does(lid: LanguageIdentifier) -> None:
    bad = "\ud800 a lone surrogate in an otherwise ordinary sentence"
    with pytest.raises(TypeError):
        lid.identify(bad)
    with pytest.raises(TypeError):
        lid.identify_batch(["An ordinary English sentence about the weather today.", bad])


def test_script_table_agrees_with_char_script_everywhere() -> None:
    table, names = scripts._script_table()
    for cp in range(0x110000):
        want = scripts.char_script.__wrapped__(chr(cp))
        got = table[cp]
        assert (names[got - 1] if got else None) == want, hex(cp)


def test_census_equals_a_per_character_count() -> None:
    rng = random.Random(20)
    texts = list(TEXTS.values()) + ODD_TEXTS + [
        "".join(chr(rng.randrange(0, 0x32000)) for _ in range(rng.choice([3, 999, 1000, 1001, 2500])))
        for _ in range(200)
    ]
    for text in texts:
        read = text[:: len(text) // scripts.SCRIPT_SAMPLE_CHARS + 1] if len(text) > 1000 else text
        want: dict[str, int] = {}
        for ch in read:
            script = scripts.char_script(ch)
            if script is not None:
                want[script] = want.get(script, 0) + 1
        assert dict(scripts.script_counts(text)) == want
