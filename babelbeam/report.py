"""Draw per-language kept/removed bars (by reason) from DIR/stats.json into a PNG.

``babelbeam report DIR`` reads the run's ``stats.json``, draws one horizontal
bar per language (kept documents, then removed documents stacked by reason,
largest reasons first, the rest as "other") and writes ``DIR/report.png``
(``--out`` to choose). It also prints which language lost the largest share and
to what reason, so a person sees at a glance what the filters did.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from babelbeam.tokenize.shards import read_stats

log = logging.getLogger(__name__)

KEPT_COLOR = "#4c9a2a"
OTHER = "other"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", help="run output directory holding stats.json")
    parser.add_argument("--out", default=None, help="PNG path (default DIR/report.png)")
    parser.add_argument("--top-reasons", type=int, default=8, help="reasons drawn separately; the rest are 'other'")
    parser.add_argument("--max-languages", type=int, default=60, help="languages drawn, largest input first")


def language_rows(stats: dict[str, Any], top_reasons: int) -> tuple[list[str], list[dict[str, int]], list[str]]:
    """Languages (largest input first), per-language ``{"kept": n, reason: n, ..., "other": n}``, and the reasons drawn.

    Reasons are ranked by their total over all languages; the ``top_reasons``
    largest get their own colour.
    """
    by_lang: dict[str, dict[str, Any]] = stats.get("by_language", {})
    totals: dict[str, int] = {}
    for entry in by_lang.values():
        for reason, n in entry.get("removed", {}).items():
            totals[reason] = totals.get(reason, 0) + int(n)
    reasons = [r for r, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))][:top_reasons]
    langs = sorted(by_lang, key=lambda lang: (-int(by_lang[lang].get("input", 0)), lang))
    rows = []
    for lang in langs:
        entry = by_lang[lang]
        removed = {k: int(v) for k, v in entry.get("removed", {}).items()}
        row = {"kept": int(entry.get("kept", 0))}
        for reason in reasons:
            row[reason] = removed.get(reason, 0)
        row[OTHER] = sum(n for r, n in removed.items() if r not in reasons)
        rows.append(row)
    if any(row[OTHER] for row in rows):
        reasons = reasons + [OTHER]
    return langs, rows, reasons


def worst_language(stats: dict[str, Any]) -> tuple[str, float, str | None] | None:
    """The language that lost the largest share of its input, that share, and its largest removal reason."""
    worst = None
    for lang, entry in sorted(stats.get("by_language", {}).items()):
        n_in = int(entry.get("input", 0))
        if n_in <= 0:
            continue
        removed = entry.get("removed", {})
        lost = sum(int(v) for v in removed.values()) / n_in
        top = max(sorted(removed), key=lambda r: int(removed[r])) if removed else None
        if worst is None or lost > worst[1]:
            worst = (lang, lost, top)
    return worst


def draw(stats: dict[str, Any], out: Path, *, top_reasons: int = 8, max_languages: int = 60) -> Path:
    """Write the bar chart PNG to ``out`` and return it."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render straight to the file
    import matplotlib.pyplot as plt

    langs, rows, reasons = language_rows(stats, top_reasons)
    langs, rows = langs[:max_languages], rows[:max_languages]
    height = max(2.5, 0.32 * len(langs) + 1.8)
    fig, ax = plt.subplots(figsize=(11, height))
    y = list(range(len(langs)))
    left = [0] * len(langs)
    series = [("kept", KEPT_COLOR)] + [(r, None) for r in reasons]
    cmap = plt.get_cmap("tab20")
    for i, (name, color) in enumerate(series):
        widths = [row.get(name, 0) for row in rows]
        ax.barh(y, widths, left=left, color=color or cmap(i % 20), label=name, edgecolor="white", linewidth=0.3)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(y, labels=langs, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("documents")
    total_in = stats.get("input", sum(left))
    ax.set_title(f"Kept and removed documents by language ({total_in} input, {stats.get('kept', 0)} kept)")
    ax.legend(loc="lower right", fontsize=7, ncol=2)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main(args: argparse.Namespace) -> int:
    run_dir = Path(args.dir)
    stats_path = run_dir / "stats.json"
    if not stats_path.is_file():
        log.error("%s not found: run `babelbeam run` first", stats_path)
        return 2
    stats = read_stats(run_dir)
    out = Path(args.out) if args.out else run_dir / "report.png"
    draw(stats, out, top_reasons=args.top_reasons, max_languages=args.max_languages)
    print(f"wrote {out}")
    worst = worst_language(stats)
    if worst is not None:
        lang, lost, reason = worst
        print(f"largest loss: {lang} lost {lost:.1%} of its documents, mostly to {reason}")
    return 0
