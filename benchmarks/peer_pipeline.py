"""The datatrove end-to-end peer: the steps ``babelbeam run`` does, built from datatrove 0.10.1's own blocks.

    .venv/bin/python benchmarks/peer_pipeline.py --input out/bench/corpus-small --output out/bench/peer-small

Steps, each a ``LocalPipelineExecutor`` run (datatrove's way: every stage reads
the previous stage's files from disk), in the order babelbeam applies them:

1. ``lid``: ``JsonlReader`` -> ``LanguageFilter`` (fastText ``lid.176``, the
   same weights babelbeam ships, loaded from ``babelbeam/assets/lid.176.ftz``
   since nothing may download; threshold 0.5 as babelbeam's default) ->
   ``JsonlWriter``.
2. ``exact_*``: ``ExactDedupSignature`` / ``ExactFindDedups`` /
   ``ExactDedupFilter`` on the case- and whitespace-folded text (babelbeam's
   exact-dedup key), SHA-1 hashes.
3. ``quality``: ``GopherRepetitionFilter`` -> ``GopherQualityFilter`` ->
   ``C4QualityFilter`` (English documents only, as babelbeam's default) ->
   ``FineWebQualityFilter``, FineWeb's order, datatrove defaults (English word
   tokenizer for every language: datatrove 0.10.1 picks the tokenizer per
   filter, not per document) -> ``JsonlWriter``.
4. ``minhash_*``: ``MinhashDedupSignature`` / ``Buckets`` / ``Cluster``, 14
   bands x 8 rows, word 5-grams, ``HashConfig(hash_fc="sha1")`` (datatrove's
   xxhash path fails with xxhash 4.x, docs/environment.md).
5. ``tokenize``: ``MinhashDedupFilter`` -> ``DocumentTokenizer`` with the Qwen3
   vocabulary exported from babelbeam as ``tokenizer.json`` (HF ``tokenizers``:
   the engine datatrove uses), EOS appended, no shuffling.

Each step is timed in this process (wall and CPU seconds, peak RSS) and the
summary goes to ``OUTPUT/summary.json``. One task, one worker: a per-core figure.
Needs ``pip install datatrove==0.10.1 spacy``; exits with status 3 and says so
when datatrove is missing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # one thread: a per-core figure

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import Measure  # noqa: E402  (benchmarks/ is on sys.path above)

from babelbeam.assets import asset_path  # noqa: E402
from babelbeam.schemas.config import LangIdConfig  # noqa: E402

log = logging.getLogger("peer_pipeline")
MISSING = 3
_SPACES = re.compile(r"\s+")  # as babelbeam.filters.normalize.exact_dedup_key folds whitespace
"""Exit status when datatrove is not installed."""


def folded_text(doc) -> str:  # noqa: ANN001  (a datatrove Document; the annotation below is what datatrove reads)
    """babelbeam's exact-dedup key text: case folded, whitespace runs collapsed."""
    return _SPACES.sub(" ", doc.text.casefold()).strip()


folded_text.__annotations__ = {"doc": object, "return": str}  # datatrove picks its hash input type from this


def build_steps(input_dir: Path, work: Path, tokenizer_json: Path,
                threshold: float) -> list[tuple[str, list]]:
    """The peer's stages as ``(name, pipeline)`` pairs, each run by its own ``LocalPipelineExecutor``."""
    from datatrove.pipeline.dedup import MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
    from datatrove.pipeline.dedup.exact_dedup import (
        ExactDedupConfig,
        ExactDedupFilter,
        ExactDedupSignature,
        ExactFindDedups,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
        LanguageFilter,
    )
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.tokens import DocumentTokenizer
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.lid import FT176LID

    class LocalFT176(FT176LID):
        """datatrove's lid.176 predictor on the weights babelbeam ships (its own path downloads
        lid.176.bin)."""

        @property
        def model(self):  # noqa: ANN201
            if self._model is None:
                from fasttext.FastText import _FastText

                self._model = _FastText(str(asset_path("lid.176.ftz")))
            return self._model

    class BundledLanguageFilter(BaseFilter):
        """datatrove's ``LanguageFilter`` (its ``filter`` method, unchanged) on the bundled weights. It is not
        a subclass because datatrove's import check asks for the distribution ``fasttext-numpy2-wheel``, and
        babelbeam's ``fasttext-numpy2`` provides the same ``fasttext`` module (docs/environment.md: one
        fastText build)."""

        name = LanguageFilter.name
        filter = LanguageFilter.filter

        def __init__(self, language_threshold: float) -> None:
            super().__init__()
            self.language_threshold = language_threshold
            self.languages = None
            self.backend = "ft176"
            self.model = LocalFT176(None)
            self.label_only = False
            self.keep_top_pairs_threshold = -1

    class EnglishC4(C4QualityFilter):
        """C4's rules on English documents only, as babelbeam applies them by default."""

        def filter(self, doc):  # noqa: ANN001, ANN201
            if doc.metadata.get("language") != "en":
                return True
            return super().filter(doc)

    sha1 = HashConfig(hash_fc="sha1")
    exact = ExactDedupConfig(content_getter=folded_text, hash_config=sha1)
    minhash = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, seed=1, hash_config=sha1)
    lid_dir, filtered = work / "lid", work / "filtered"

    def reader(path: Path, pattern: str) -> JsonlReader:
        return JsonlReader(str(path), glob_pattern=pattern)

    return [
        ("lid", [reader(input_dir, "part-*.jsonl*"), BundledLanguageFilter(language_threshold=threshold),
                 JsonlWriter(str(lid_dir))]),
        ("exact_signatures", [reader(lid_dir, "*.jsonl.gz"),
                              ExactDedupSignature(str(work / "exact_sigs"), exact)]),
        ("exact_find", [ExactFindDedups(str(work / "exact_sigs"), str(work / "exact_dups"), exact)]),
        ("quality", [reader(lid_dir, "*.jsonl.gz"), ExactDedupFilter(str(work / "exact_dups"), exact),
                     GopherRepetitionFilter(), GopherQualityFilter(), EnglishC4(), FineWebQualityFilter(),
                     JsonlWriter(str(filtered))]),
        ("minhash_signatures", [reader(filtered, "*.jsonl.gz"),
                                MinhashDedupSignature(str(work / "mh_sigs"), config=minhash)]),
        ("minhash_buckets", [MinhashDedupBuckets(str(work / "mh_sigs"), str(work / "mh_buckets"),
                                                 config=minhash)]),
        ("minhash_cluster", [MinhashDedupCluster(str(work / "mh_buckets"), str(work / "mh_remove"),
                                                 config=minhash)]),
        ("tokenize", [reader(filtered, "*.jsonl.gz"), MinhashDedupFilter(str(work / "mh_remove")),
                      DocumentTokenizer(str(work / "tokens"), tokenizer_name_or_path=str(tokenizer_json),
                                        eos_token="<|endoftext|>", shuffle_documents=False,
                                        save_filename="qwen3")]),
    ]


def export_tokenizer(path: Path) -> Path:
    """Write babelbeam's Qwen3 vocabulary as a Hugging Face ``tokenizer.json`` (datatrove's tokenizer
    input)."""
    from babelbeam.tokenize import load_tokenizer

    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        load_tokenizer("qwen3").save_tokenizer_json(path)
    return path


def _docs_out(logging_dir: Path) -> dict:
    """datatrove's per-step counters of one executor run (from its ``stats.json``)."""
    stats_file = logging_dir / "stats.json"
    if not stats_file.is_file():
        return {}
    out = {}
    for step in json.loads(stats_file.read_text()):
        stats = step.get("stats", {})
        out[step.get("name", "?")] = {k: (v if isinstance(v, int | float) else v.get("total", v))
                                       for k, v in stats.items()
                                       if k in ("total", "forwarded", "dropped", "documents", "tokens")}
    return out


def run(input_dir: Path, output: Path, threshold: float = LangIdConfig().threshold) -> dict:
    """Run every peer stage over ``input_dir``'s ``part-*.jsonl*`` files; returns (and writes) the summary."""
    from datatrove.executor import LocalPipelineExecutor

    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    tokenizer_json = export_tokenizer(output / "tokenizer.json")
    summary: dict = {"input": str(input_dir), "stages": {}}
    started = time.perf_counter()
    for name, pipeline in build_steps(input_dir, output / "work", tokenizer_json, threshold):
        logging_dir = output / "logs" / name
        # The bucket stage runs one task per band (datatrove asserts tasks % num_buckets == 0), one at a time.
        tasks = 14 if name == "minhash_buckets" else 1
        executor = LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1,
                                         logging_dir=str(logging_dir))
        with Measure() as m:
            executor.run()
        summary["stages"][name] = {**m.result.as_dict(), "steps": _docs_out(logging_dir)}
        log.info("peer stage %s: %.1f s wall, %.1f s CPU", name, m.result.wall_s, m.result.cpu_s)
    summary["wall_s"] = round(time.perf_counter() - started, 3)
    summary["cpu_s"] = round(sum(s["cpu_s"] for s in summary["stages"].values()), 3)
    (output / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True,
                        help="corpus directory with part-*.jsonl[.gz] files")
    parser.add_argument("--output", type=Path, required=True, help="work and summary directory (replaced)")
    parser.add_argument("--threshold", type=float, default=LangIdConfig().threshold,
                        help="LID score threshold")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        import datatrove  # noqa: F401
        import spacy  # noqa: F401  (datatrove's English word tokenizer)
    except ImportError as e:
        print(f"datatrove peer unavailable ({e}): pip install datatrove==0.10.1 spacy", file=sys.stderr)
        return MISSING
    try:
        from loguru import logger

        logger.remove()  # datatrove logs every step through loguru; its files under OUTPUT/logs keep them
        logger.add(sys.stderr, level="WARNING")
    except ImportError:
        pass
    summary = run(args.input, args.output, args.threshold)
    print(json.dumps({k: v for k, v in summary.items() if k != "stages"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
