"""Configuration of the quality filters: one section per filter, with per-language overrides.

In the run config this is the ``quality`` section::

    quality:
      gopher_quality: {min_doc_words: 50}
      c4: {languages: [eng_Latn]}          # C4 runs for English only (FineWeb-2)
      stopwords_dir: out/stopwords          # written by the stop-word pre-pass
      languages:                            # per-language overrides, any field of any section
        tha_Thai: {fineweb: {min_line_punct_ratio: null}}
        jpn_Jpan: {gopher_quality: {min_avg_word_length: 1, max_avg_word_length: 4}}

A language's settings are: the section defaults (datatrove's values), then the
built-in per-language settings (``BUILTIN_LANGUAGE_OVERRIDES``: characters per
word for scripts without spaces and for long-word scripts, Gopher's English stop
words, no line-punctuation rule for Thai), then the user's ``languages`` entry.
``null`` turns a threshold off. ``settings_for(lang)`` resolves them.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from babelbeam.schemas.config_base import (
    ConfigError,
    FilePath,
    Fraction,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    from_dict,
)
from babelbeam.schemas.languages import LANGUAGES, UNDETERMINED


@dataclass
class GopherQualityConfig:
    enabled: bool = True
    """Run Gopher's quality rules."""
    min_doc_words: NonNegativeInt | None = 50
    """Fewest words (ICU word segments) a document may have."""
    max_doc_words: PositiveInt | None = 100_000
    """Most words a document may have."""
    min_avg_word_length: NonNegativeFloat | None = 3
    """Smallest mean word length, in characters (code points)."""
    max_avg_word_length: NonNegativeFloat | None = 10
    """Largest mean word length, in characters."""
    max_symbol_word_ratio: NonNegativeFloat | None = 0.1
    """Most ``#`` per word, and most ellipses per word."""
    max_bullet_lines_ratio: Fraction | None = 0.9
    """Largest share of non-blank lines starting with a bullet (``•`` or ``-``)."""
    max_ellipsis_lines_ratio: Fraction | None = 0.3
    """Largest share of non-blank lines ending with an ellipsis."""
    min_alpha_words_ratio: Fraction | None = 0.8
    """Smallest share of words containing a letter."""
    min_stop_words: NonNegativeInt | None = 2
    """Fewest distinct stop words; skipped for a language without a stop-word list."""
    stop_words: list[str] | None = None
    """Stop words to use instead of stopwordsiso's or the corpus-derived list."""

    def problems(self) -> Iterator[tuple[str, str]]:
        """A lower bound above its upper bound would remove every document."""
        if None not in (self.min_doc_words, self.max_doc_words) and self.min_doc_words > self.max_doc_words:
            yield "min_doc_words", f"{self.min_doc_words} is above max_doc_words {self.max_doc_words}"
        if (None not in (self.min_avg_word_length, self.max_avg_word_length)
                and self.min_avg_word_length > self.max_avg_word_length):
            yield "min_avg_word_length", (f"{self.min_avg_word_length} is above max_avg_word_length "
                                          f"{self.max_avg_word_length}")


@dataclass
class GopherRepetitionConfig:
    enabled: bool = True
    """Run Gopher's repetition rules."""
    max_dup_line_frac: Fraction | None = 0.3
    """Largest share of lines that repeat an earlier line."""
    max_dup_para_frac: Fraction | None = 0.3
    """Largest share of paragraphs that repeat an earlier paragraph."""
    max_dup_line_char_frac: Fraction | None = 0.2
    """Largest share of the document's characters in repeated lines."""
    max_dup_para_char_frac: Fraction | None = 0.2
    """Largest share of the document's characters in repeated paragraphs."""
    max_top_2gram_frac: Fraction | None = 0.20
    """Largest share of characters in all occurrences of the most frequent word 2-gram."""
    max_top_3gram_frac: Fraction | None = 0.18
    """Same for 3-grams."""
    max_top_4gram_frac: Fraction | None = 0.16
    """Same for 4-grams."""
    max_dup_5gram_frac: Fraction | None = 0.15
    """Largest share of characters in words covered by repeated word 5-grams."""
    max_dup_6gram_frac: Fraction | None = 0.14
    """Same for 6-grams."""
    max_dup_7gram_frac: Fraction | None = 0.13
    """Same for 7-grams."""
    max_dup_8gram_frac: Fraction | None = 0.12
    """Same for 8-grams."""
    max_dup_9gram_frac: Fraction | None = 0.11
    """Same for 9-grams."""
    max_dup_10gram_frac: Fraction | None = 0.10
    """Same for 10-grams."""


@dataclass
class FineWebConfig:
    enabled: bool = True
    """Run FineWeb's line rules."""
    min_line_punct_ratio: Fraction | None = 0.12
    """Smallest share of non-blank lines ending in sentence punctuation (Unicode Sentence_Terminal)."""
    line_punct_exclude_zero: bool = False
    """Let documents with no punctuated line at all pass the rule above."""
    max_short_line_ratio: Fraction | None = 0.67
    """Largest share of non-blank lines at most ``short_line_length`` characters long."""
    short_line_length: NonNegativeInt = 30
    """A line this many characters or fewer is short."""
    max_dup_line_char_ratio: Fraction | None = 0.01
    """Largest share of non-newline characters in repeated lines."""
    max_newlines_per_word: NonNegativeFloat | None = 0.3
    """Most newlines per word."""


@dataclass
class C4Config:
    enabled: bool = True
    """Run C4's rules (for the languages below)."""
    languages: list[str] | None = field(default_factory=lambda: ["eng_Latn"])
    """Languages C4 runs for; ``null`` means all. FineWeb-2 found C4's rules hurt non-English text.
    A per-language override ``c4: {enabled: true}`` also turns it on for that language."""
    remove_lines: bool = True
    """Remove the lines C4 drops from kept documents, as C4 did (else C4 only decides keep/remove)."""
    remove_citations: bool = True
    """Delete ``[1]``, ``[edit]``, ``[citation needed]`` before the line rules."""
    filter_no_terminal_punct: bool = True
    """Drop lines that do not end in sentence punctuation or a quote, or end in ``...``."""
    min_num_sentences: NonNegativeInt | None = 5
    """Fewest sentences in the kept lines."""
    min_words_per_line: NonNegativeInt | None = 3
    """Drop lines with fewer words."""
    max_word_length: PositiveInt | None = 1000
    """Drop lines with a longer word (characters)."""
    filter_lorem_ipsum: bool = True
    """Remove documents with "lorem ipsum" in a kept line."""
    filter_javascript: bool = True
    """Drop lines mentioning "javascript"."""
    filter_curly_bracket: bool = True
    """Remove documents with ``{`` in a kept line."""
    filter_policy: bool = True
    """Drop lines with cookie or terms-of-use phrases."""

    def problems(self) -> Iterator[tuple[str, str]]:
        """Language codes must be registry codes."""
        for code in self.languages or []:
            if code not in LANGUAGES and code != UNDETERMINED:
                yield "languages", f"{code!r} is not one of the 119 registry codes"


@dataclass
class LinesConfig:
    enabled: bool = True
    """Remove boilerplate lines (keeping the document) before the document rules run."""
    boilerplate_phrases: list[str] | None = None
    """Phrases marking a boilerplate line (case-insensitive); ``null`` uses the built-in list."""
    max_boilerplate_words: NonNegativeInt = 30
    """A line with a phrase but more words than this is prose and stays."""
    max_word_length: PositiveInt | None = 1000
    """Remove lines holding a longer whitespace-separated token (characters)."""
    remove_citations: bool = False
    """Delete Wikipedia-style citation marks."""


SECTIONS: dict[str, type] = {
    "gopher_quality": GopherQualityConfig,
    "gopher_repetition": GopherRepetitionConfig,
    "fineweb": FineWebConfig,
    "c4": C4Config,
    "lines": LinesConfig,
}

_HAN = {
    "gopher_quality": {"min_avg_word_length": 1, "max_avg_word_length": 4},
    # about 1.7 characters a word against English's 5: 30 English characters ~ 10 Han
    "fineweb": {"short_line_length": 10},
}
_SOUTHEAST_ASIAN = {"gopher_quality": {"min_avg_word_length": 2}}
_DRAVIDIAN = {"gopher_quality": {"max_avg_word_length": 14}}

BUILTIN_LANGUAGE_OVERRIDES: dict[str, dict[str, dict[str, Any]]] = {
    "eng_Latn": {"gopher_quality": {"stop_words": ["the", "be", "to", "of", "and", "that", "have", "with"]}},
    "zho_Hans": _HAN,
    "zho_Hant": _HAN,
    "yue_Hant": _HAN,
    "jpn_Jpan": _HAN,
    # Hangul words run about 3 syllables
    "kor_Hang": {"gopher_quality": {"min_avg_word_length": 1.5}, "fineweb": {"short_line_length": 18}},
    # Thai ends sentences with a space, not a stop
    "tha_Thai": {"gopher_quality": {"min_avg_word_length": 2}, "fineweb": {"min_line_punct_ratio": None}},
    "lao_Laoo": _SOUTHEAST_ASIAN,
    "khm_Khmr": _SOUTHEAST_ASIAN,
    "mya_Mymr": _SOUTHEAST_ASIAN,
    # agglutinative scripts with vowel signs: mean word length about 10 (Tamil) to 12 (Malayalam) code points
    "tam_Taml": _DRAVIDIAN,
    "tel_Telu": _DRAVIDIAN,
    "kan_Knda": _DRAVIDIAN,
    "mal_Mlym": {"gopher_quality": {"max_avg_word_length": 16}},
}
"""Per-language settings applied before the user's overrides (measured on UDHR preamble and articles 1-15)."""


@dataclass
class QualityConfig:
    enabled: bool = True
    """Run the quality stage at all."""
    gopher_quality: GopherQualityConfig = field(default_factory=GopherQualityConfig)
    """Gopher quality rules."""
    gopher_repetition: GopherRepetitionConfig = field(default_factory=GopherRepetitionConfig)
    """Gopher repetition rules."""
    fineweb: FineWebConfig = field(default_factory=FineWebConfig)
    """FineWeb line rules."""
    c4: C4Config = field(default_factory=C4Config)
    """C4 rules."""
    lines: LinesConfig = field(default_factory=LinesConfig)
    """Boilerplate line removal."""
    url_blocklist: FilePath | None = None
    """File of blocked domains (one a line); documents whose URL host is one or under one are removed."""
    stopwords_dir: FilePath | None = None
    """Directory of ``<lang>.txt`` stop-word lists from the pre-pass, for languages stopwordsiso lacks."""
    derive_stopwords_top_n: PositiveInt = 100
    """The stop-word pre-pass keeps this many most frequent words per language."""
    derive_stopwords_min_documents: NonNegativeInt = 50
    """The pre-pass writes no list for a language with fewer documents."""
    label_only: bool = False
    """Annotate, do not remove: the reason goes to ``metadata["quality_reason"]``, the document is kept."""
    keep_measurements: bool = False
    """Store every measured value in ``Document.measurements`` as ``<filter>_<measure>``."""
    builtin_language_overrides: bool = True
    """Apply ``BUILTIN_LANGUAGE_OVERRIDES`` before ``languages``."""
    languages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-language overrides: ``{lang: {section: {field: value}}}``."""

    def __post_init__(self) -> None:
        for lang, sections in self.languages.items():
            if lang not in LANGUAGES and lang != UNDETERMINED:
                raise ConfigError(f"quality.languages.{lang}: not one of the 119 registry codes")
            if not isinstance(sections, dict):
                raise ConfigError(f"quality.languages.{lang}: expected a mapping of sections")
        for lang in self.languages:
            self.settings_for(lang)  # type-checks every override, naming the key

    def settings_for(self, lang: str) -> QualityConfig:
        """This config with ``lang``'s built-in and user overrides applied (and ``languages`` emptied)."""
        layers = []
        if self.builtin_language_overrides and lang in BUILTIN_LANGUAGE_OVERRIDES:
            layers.append(BUILTIN_LANGUAGE_OVERRIDES[lang])
        user = self.languages.get(lang)
        if user:
            layers.append(user)
        resolved: dict[str, Any] = {}
        for name, cls in SECTIONS.items():
            merged = dataclasses.asdict(getattr(self, name))
            touched_enabled = False
            for layer in layers:
                part = layer.get(name)
                if part is None:
                    continue
                if not isinstance(part, dict):
                    raise ConfigError(f"quality.languages.{lang}.{name}: expected a mapping")
                touched_enabled = touched_enabled or "enabled" in part
                merged.update(copy.deepcopy(part))
            section = from_dict(cls, merged, prefix=f"quality.languages.{lang}.{name}.")
            if name == "c4" and not touched_enabled:
                section.enabled = section.enabled and (section.languages is None or lang in section.languages)
            resolved[name] = section
        unknown = sorted({key for layer in layers for key in layer} - set(SECTIONS))
        if unknown:
            raise ConfigError(f"quality.languages.{lang}.{unknown[0]}: unknown section "
                              f"(known: {', '.join(SECTIONS)})")
        return dataclasses.replace(self, languages={}, **resolved)
