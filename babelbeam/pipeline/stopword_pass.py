"""The stop-word pre-pass: derive each language's most frequent words from the corpus, as FineWeb-2 did.

``DeriveStopWords(out_dir)`` takes language-identified documents and writes ``out_dir/<lang>.txt`` (one word a
line, most frequent first) for every language with at least ``min_documents`` documents. Frequency is document
frequency (how many documents use the word), so one spammy page cannot make a stop word; words without a
letter (numbers) are skipped. Ties break by the word itself, so the lists are deterministic. Point
``QualityConfig.stopwords_dir`` at ``out_dir`` to use them for languages ``stopwordsiso`` lacks.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from babelbeam.filters.segment import words
from babelbeam.schemas import Document
from babelbeam.schemas.languages import UNDETERMINED


def document_words(doc: Document) -> Iterator[tuple[str, str]]:
    """``(lang, word)`` once for each distinct lower-cased word with a letter in ``doc``."""
    if doc.lang == UNDETERMINED or not doc.text:
        return
    for word in sorted({w.lower() for w in words(doc.text, doc.lang)}):
        if any(c.isalpha() for c in word):
            yield doc.lang, word


def top_words(counts: Iterable[tuple[str, int]], n: int) -> list[str]:
    """The ``n`` words with the highest counts, ties broken by the word, most frequent first."""
    best = heapq.nsmallest(n, counts, key=lambda wc: (-wc[1], wc[0]))
    return [w for w, _ in best]


class TopWordsFn(beam.CombineFn):
    """Combine ``(word, count)`` pairs into the ``n`` best, by ``top_words``' order; memory stays O(n)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def create_accumulator(self) -> list[tuple[str, int]]:
        return []

    def add_input(self, acc: list[tuple[str, int]], item: tuple[str, int]) -> list[tuple[str, int]]:
        acc.append(item)
        if len(acc) > 4 * self.n:
            acc = heapq.nsmallest(self.n, acc, key=lambda wc: (-wc[1], wc[0]))
        return acc

    def merge_accumulators(self, accs: Iterable[list[tuple[str, int]]]) -> list[tuple[str, int]]:
        merged = [item for acc in accs for item in acc]
        return heapq.nsmallest(self.n, merged, key=lambda wc: (-wc[1], wc[0]))

    def extract_output(self, acc: list[tuple[str, int]]) -> list[str]:
        return top_words(acc, self.n)


def _enough(item: tuple[str, dict[str, Iterable]]) -> Iterator[tuple[str, list[str]]]:
    lang, groups = item
    docs, lists = list(groups["docs"]), list(groups["words"])
    if docs and lists and lists[0]:
        yield lang, lists[0]


class _WriteList(beam.DoFn):
    def __init__(self, out_dir: str) -> None:
        super().__init__()
        self.out_dir = out_dir

    def process(self, item: tuple[str, list[str]]) -> Iterator[str]:
        lang, word_list = item
        path = os.path.join(self.out_dir, f"{lang}.txt")
        if not FileSystems.exists(self.out_dir):
            FileSystems.mkdirs(self.out_dir)
        with FileSystems.create(path) as f:
            f.write(("".join(f"{w}\n" for w in word_list)).encode("utf-8"))
        yield path


class DeriveStopWords(beam.PTransform):
    """Write ``out_dir/<lang>.txt`` stop-word lists; returns a PCollection of the written paths."""

    def __init__(self, out_dir: str, *, top_n: int = 100, min_documents: int = 50,
                 label: str | None = None) -> None:
        super().__init__(label)
        self.out_dir, self.top_n, self.min_documents = out_dir, top_n, min_documents

    def expand(self, docs: beam.PCollection) -> beam.PCollection:
        top_n, min_docs = self.top_n, self.min_documents
        doc_counts = (
            docs
            | "Langs" >> beam.Map(lambda d: (d.lang, 1))
            | "CountDocs" >> beam.CombinePerKey(sum)
            | "EnoughDocs" >> beam.Filter(lambda kv: kv[0] != UNDETERMINED and kv[1] >= min_docs)
        )
        word_counts = (
            docs
            | "Words" >> beam.FlatMap(document_words)
            | "CountWords" >> beam.combiners.Count.PerElement()
            | "ByLang" >> beam.Map(lambda kv: (kv[0][0], (kv[0][1], kv[1])))
            | "TopWords" >> beam.CombinePerKey(TopWordsFn(top_n))
        )
        return (
            {"docs": doc_counts, "words": word_counts}
            | "Join" >> beam.CoGroupByKey()
            | "Enough" >> beam.FlatMap(_enough)
            | "Write" >> beam.ParDo(_WriteList(self.out_dir))
        )
