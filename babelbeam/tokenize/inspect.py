"""Inspect token shards: documents, tokens, languages, lengths, removals; decode samples; validate checksums.

Usage: babelbeam inspect PATH [--show N] [--validate] [--json]

PATH is an output directory, its manifest.json, or a single shard file. ``--validate`` prints one
``INVALID`` line per problem and exits 1: a shard missing, corrupt or not matching its manifest entry,
manifest totals that do not add up to the shards, a shard file the manifest does not list, or stats.json
kept counts that differ from the manifest.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from babelbeam.schemas.shard import MANIFEST_NAME, STATS_NAME
from babelbeam.tokenize.shards import ShardError, open_shard, read_manifest, read_stats, validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="output directory, manifest.json or one .arrow shard")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="decode and print N documents")
    parser.add_argument("--validate", action="store_true",
                        help="check every shard against the manifest (checksum, counts, languages, "
                             "offsets, EOS), the manifest's totals against its shards, unlisted and missing "
                             "shard files and stats.json's kept counts; exit 1 printing each problem")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _shard_paths(path: Path) -> tuple[list[str], dict[str, Any] | None, Path | None]:
    """Shard paths to summarise, the tokenizer identity if known, and the run directory if any."""
    if path.is_file() and path.suffix == ".arrow":
        return [str(path)], None, None
    manifest = read_manifest(path)
    run_dir = Path(manifest.path).parent
    return [s.path for s in manifest.shards], manifest.tokenizer, run_dir


def summarize(path: str | Path) -> dict[str, Any]:
    """The inspection summary of a run directory, manifest or shard, as a JSON-ready dict."""
    paths, tokenizer, run_dir = _shard_paths(Path(path))
    documents, tokens, shard_rows = 0, 0, []
    languages: dict[str, dict[str, int]] = {}
    lengths: list[np.ndarray] = []
    for shard_path in paths:
        shard = open_shard(shard_path)
        doc_lengths = np.diff(shard.offsets)
        lengths.append(doc_lengths)
        documents += shard.num_documents
        tokens += shard.num_tokens
        shard_rows.append({"path": shard_path, "documents": shard.num_documents, "tokens": shard.num_tokens,
                           "bytes": Path(shard_path).stat().st_size})
        for lang, n in zip(shard.langs, doc_lengths.tolist(), strict=True):
            row = languages.setdefault(lang, {"documents": 0, "tokens": 0})
            row["documents"] += 1
            row["tokens"] += int(n)
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
    percentiles = [0, 10, 50, 90, 99, 100]
    summary: dict[str, Any] = {
        "path": str(path),
        "shards": len(paths),
        "documents": documents,
        "tokens": tokens,
        "tokenizer": tokenizer,
        "languages": dict(sorted(languages.items(), key=lambda kv: (-kv[1]["tokens"], kv[0]))),
        "token_lengths": ({f"p{p}": int(np.percentile(all_lengths, p)) for p in percentiles}
                          if documents else {}),
        "shard_sizes": shard_rows,
    }
    if run_dir is not None and (run_dir / STATS_NAME).is_file():
        stats = read_stats(run_dir)
        summary["stats"] = {k: stats.get(k) for k in ("input", "kept", "removed", "duplicates", "rejected")}
        summary["removals_by_language"] = {
            lang: row["removed"] for lang, row in stats.get("by_language", {}).items() if row.get("removed")
        }
        summary["stats"]["by_language"] = stats.get("by_language", {})
    return summary


def format_summary(summary: dict[str, Any]) -> str:
    lines = [f"{summary['path']}: {summary['shards']} shards, {summary['documents']:,} documents, "
             f"{summary['tokens']:,} tokens"]
    if summary.get("tokenizer"):
        t = summary["tokenizer"]
        lines.append(f"tokenizer: {t.get('name')} (vocab {t.get('vocab_size')}, "
                     f"sha256 {str(t.get('sha256'))[:12]}...)")
    stats = summary.get("stats")
    if stats:
        n_removed, n_dups, n_rej = (sum((stats.get(k) or {}).values())
                                    for k in ("removed", "duplicates", "rejected"))
        lines.append(f"input {stats['input']:,} = kept {stats['kept']:,} + removed {n_removed:,} + "
                     f"duplicates {n_dups:,} + rejected {n_rej:,}")
        for key in ("removed", "duplicates", "rejected"):
            if stats.get(key):
                lines.append(f"  {key}: " + ", ".join(f"{r} {n:,}" for r, n in stats[key].items()))
    if summary["token_lengths"]:
        lines.append("tokens per document: "
                     + "  ".join(f"{k} {v:,}" for k, v in summary["token_lengths"].items()))
    by_lang = (stats or {}).get("by_language", {})
    lines.append("")
    lines.append(f"{'language':<12}{'documents':>11}{'tokens':>13}{'share':>8}   removed (reason: count)")
    total = max(summary["tokens"], 1)
    langs = list(summary["languages"]) + sorted(set(by_lang) - set(summary["languages"]))
    for lang in langs:
        row = summary["languages"].get(lang, {"documents": 0, "tokens": 0})
        removed = by_lang.get(lang, {}).get("removed", {})
        removed_text = ", ".join(f"{r}: {n}" for r, n in removed.items())
        lines.append(f"{lang:<12}{row['documents']:>11,}{row['tokens']:>13,}{row['tokens'] / total:>8.1%}"
                     f"   {removed_text}")
    lines.append("")
    lines.append(f"{'shard':<40}{'documents':>11}{'tokens':>13}{'bytes':>13}")
    for s in summary["shard_sizes"]:
        lines.append(f"{Path(s['path']).name:<40}{s['documents']:>11,}{s['tokens']:>13,}{s['bytes']:>13,}")
    return "\n".join(lines)


def show_documents(path: str | Path, n: int) -> str:
    from babelbeam.tokenize import load_tokenizer

    paths, tokenizer_identity, _ = _shard_paths(Path(path))
    tokenizer = load_tokenizer((tokenizer_identity or {}).get("name", "qwen3"))
    out: list[str] = []
    for shard_path in paths:
        shard = open_shard(shard_path)
        for i, (doc_id, lang) in enumerate(zip(shard.ids, shard.langs, strict=True)):
            if len(out) >= n:
                return "\n".join(out)
            ids = shard.document_tokens(i)
            out.append(f"--- {doc_id} [{lang}] {len(ids)} tokens\n{tokenizer.decode(ids.tolist())}")
    return "\n".join(out)


def main(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        if args.validate:
            manifest_path = path if path.suffix == ".json" or path.is_dir() else None
            if manifest_path is None:
                open_shard(path)  # a single shard: structure only, it has no manifest checksum
                problems: list[str] = []
            else:
                problems = validate(manifest_path)
            if problems:
                for problem in problems:
                    print(f"INVALID {problem}", file=sys.stderr)
                return 1
        summary = summarize(path)
    except ShardError as e:
        print(f"babelbeam inspect: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(format_summary(summary))
        if args.validate:
            print(f"\nvalid: every shard matches {MANIFEST_NAME} (checksums, counts, languages, offsets, "
                  "EOS), its totals match the shards, no shard is missing or unlisted")
    if args.show:
        print()
        print(show_documents(path, args.show))
    return 0
