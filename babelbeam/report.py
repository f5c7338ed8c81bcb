"""Draw what a run did from DIR/stats.json and its shards into one PNG: where every record went, per language.

``babelbeam report DIR`` writes ``DIR/report.png`` (``--out`` to choose) with four panels:

- **all records**: one bar of the whole input, split into kept, each removal reason, duplicates and
  rejected records;
- **tokens per kept document**: the token-length distribution of the shards (log scale), with its median
  and 90th and 99th percentiles;
- **by language**: one bar per language, as shares of that language's input: kept, then each removal
  reason (the largest ``--top-reasons`` apart, the rest as "other"), with "kept / input" beside it; a
  language that kept nothing has its name in bold;
- **quality buckets** (when the run had a scorer): each language's kept documents by ``quality_bucket``
  (head, middle, tail); without a scorer, each language's kept tokens instead.

Colours are colour-blind safe (the Okabe-Ito palette, then Paul Tol's muted colours with hatching): kept
is always the same blue, filter removals are warm colours, duplicates greys, rejections black, so no
removal can be read as kept. It also prints which language lost the largest share and to what reason.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from babelbeam.tokenize.shards import read_stats

log = logging.getLogger(__name__)

KEPT = "kept"
OTHER = "other"
REJECTED = "rejected"
KEPT_COLOR = "#0072B2"  # Okabe-Ito blue
REASON_STYLES = [  # (colour, hatch): Okabe-Ito's warm colours first, then Tol's muted ones, hatched
    ("#E69F00", ""), ("#D55E00", ""), ("#CC79A7", ""), ("#F0E442", ""),
    ("#882255", "//"), ("#999933", "\\\\"), ("#DDCC77", ".."), ("#44AA99", "xx"),
]
DUPLICATE_STYLES = {"exact_duplicate": ("#BBBBBB", ""), "minhash_duplicate": ("#777777", "//"),
                    "input_id_duplicate": ("#444444", "xx")}
OTHER_STYLE = ("#DDDDDD", "..")
REJECTED_STYLE = ("#000000", "")
BUCKET_STYLES = {"head": "#762A83", "middle": "#AF8DC3", "tail": "#E7D4E8"}  # Tol's purple, dark to light
DUPLICATE_SUFFIX = "_duplicate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", help="run output directory holding stats.json (and manifest.json, shards/)")
    parser.add_argument("--out", default=None, help="PNG path (default DIR/report.png)")
    parser.add_argument("--top-reasons", type=int, default=8,
                        help="removal reasons drawn apart (default 8); the rest are drawn as 'other'")
    parser.add_argument("--max-languages", type=int, default=200,
                        help="languages drawn, largest input first (default 200: all 119 and more)")


def language_rows(
    stats: dict[str, Any], top_reasons: int
) -> tuple[list[str], list[dict[str, int]], list[str]]:
    """Languages (largest input first), per-language ``{"kept": n, reason: n, ..., "other": n}``, and the
    reasons drawn.

    Filter reasons are ranked by their total over all languages and the ``top_reasons`` largest drawn apart;
    duplicates are always drawn apart (after the filters), so they never hide in "other".
    """
    by_lang: dict[str, dict[str, Any]] = stats.get("by_language", {})
    totals: Counter[str] = Counter()
    for entry in by_lang.values():
        for reason, n in entry.get("removed", {}).items():
            totals[reason] += int(n)
    ranked = [r for r, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    duplicates = [r for r in ranked if r.endswith(DUPLICATE_SUFFIX)]
    reasons = [r for r in ranked if not r.endswith(DUPLICATE_SUFFIX)][:top_reasons] + duplicates
    langs = sorted(by_lang, key=lambda lang: (-int(by_lang[lang].get("input", 0)), lang))
    rows = []
    for lang in langs:
        entry = by_lang[lang]
        removed = {k: int(v) for k, v in entry.get("removed", {}).items()}
        row = {KEPT: int(entry.get("kept", 0))}
        for reason in reasons:
            row[reason] = removed.get(reason, 0)
        row[OTHER] = sum(n for r, n in removed.items() if r not in reasons)
        rows.append(row)
    if any(row[OTHER] for row in rows):
        filters = [r for r in reasons if not r.endswith(DUPLICATE_SUFFIX)]
        reasons = filters + [OTHER] + [r for r in reasons if r.endswith(DUPLICATE_SUFFIX)]
    return langs, rows, reasons


def series_styles(reasons: list[str]) -> dict[str, tuple[str, str]]:
    """(colour, hatch) of kept, each drawn reason, and rejected: all distinct, kept always the same blue."""
    styles = {KEPT: (KEPT_COLOR, "")}
    filters = [r for r in reasons if not r.endswith(DUPLICATE_SUFFIX) and r != OTHER]
    for i, reason in enumerate(filters):
        styles[reason] = REASON_STYLES[i % len(REASON_STYLES)]
    spare = [("#999999", "++"), ("#555555", "--"), ("#888888", "oo")]  # greys for unknown duplicate kinds
    for reason in reasons:
        if reason.endswith(DUPLICATE_SUFFIX):
            styles[reason] = DUPLICATE_STYLES.get(reason) or spare[len(styles) % len(spare)]
    styles[OTHER] = OTHER_STYLE
    styles[REJECTED] = REJECTED_STYLE
    return styles


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


def shard_figures(run_dir: Path) -> tuple[Counter[int], dict[str, Counter[str]]]:
    """From the run's shards: documents per token length, and per-language kept documents per quality bucket
    (empty without a scorer). Memory: the distinct lengths, not the documents."""
    from babelbeam.schemas.shard import MANIFEST_NAME
    from babelbeam.tokenize.shards import open_shard, read_manifest

    lengths: Counter[int] = Counter()
    buckets: dict[str, Counter[str]] = {}
    if not (run_dir / MANIFEST_NAME).is_file():
        return lengths, buckets
    for entry in read_manifest(run_dir).shards:
        shard = open_shard(entry.path)
        values, counts = np.unique(np.diff(shard.offsets), return_counts=True)
        lengths.update(dict(zip(values.tolist(), counts.tolist(), strict=True)))
        for lang, bucket in zip(shard.langs, shard.table.column("quality_bucket").to_pylist(), strict=True):
            if bucket is not None:
                buckets.setdefault(lang, Counter())[bucket] += 1
    return lengths, buckets


def length_percentiles(lengths: Counter[int], percents: tuple[int, ...] = (50, 90, 99)) -> dict[int, int]:
    """Exact percentiles (nearest rank) of a length -> count table."""
    if not lengths:
        return {}
    values = np.array(sorted(lengths))
    cumulative = np.cumsum([lengths[v] for v in values])
    total = cumulative[-1]
    return {p: int(values[np.searchsorted(cumulative, max(1, int(np.ceil(total * p / 100))))])
            for p in percents}


def hatch_color(fill: str) -> str:
    """Dark hatching on light fills, white on dark ones, so a pattern shows on every colour."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#333333" if 0.299 * r + 0.587 * g + 0.114 * b > 0.6 else "#FFFFFF"


def _patch(style: tuple[str, str]) -> dict[str, Any]:
    color, hatch = style
    return {"facecolor": color, "hatch": hatch, "edgecolor": "white", "hatchcolor": hatch_color(color)}


def _stack(ax: Any, y: list[int], rows: list[dict[str, float]], names: list[str],
           styles: dict[str, tuple[str, str]], height: float = 0.8) -> None:
    left = np.zeros(len(y))
    for name in names:
        widths = np.array([row.get(name, 0) for row in rows], dtype=float)
        ax.barh(y, widths, left=left, height=height, linewidth=0.3, label=name, **_patch(styles[name]))
        left += widths


def draw(stats: dict[str, Any], out: Path, *, top_reasons: int = 8, max_languages: int = 200,
         run_dir: Path | None = None) -> Path:
    """Write the report PNG to ``out`` and return it; ``run_dir`` adds the panels drawn from the shards."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render straight to the file
    import matplotlib.pyplot as plt

    langs, rows, reasons = language_rows(stats, top_reasons)
    langs, rows = langs[:max_languages], rows[:max_languages]
    styles = series_styles(reasons)
    lengths, buckets = shard_figures(run_dir) if run_dir is not None else (Counter(), {})
    lang_tokens = {lang: int(e.get("tokens", 0)) for lang, e in stats.get("by_language", {}).items()}

    row_in = 0.17  # inches per language: 119 languages stay legible at 7 pt
    top_in, lang_in = 3.6, max(3.0, row_in * len(langs) + 0.9)
    fig = plt.figure(figsize=(13, top_in + lang_in))
    height = top_in + lang_in
    grid = fig.add_gridspec(2, 2, height_ratios=[top_in, lang_in], width_ratios=[3, 1.15],
                            hspace=1.2 / (height / 2),  # about 1.2 inches between the rows
                            wspace=0.2, left=0.11, right=0.98, top=1 - 0.8 / height, bottom=0.35 / height)
    top_left = grid[0, 0].subgridspec(2, 1, height_ratios=[1, 1.6], hspace=0.3)
    c = stats.get("conservation", {})
    total_in = int(stats.get("input", c.get("input", 0)))
    fig.suptitle(f"babelbeam run: {total_in:,} records, {int(stats.get('kept', 0)):,} kept "
                 f"({int(stats.get('tokens', 0)):,} tokens), {len(langs)} languages", fontsize=12, x=0.11,
                 y=1 - 0.2 / height, ha="left", va="top")

    # All records: kept, each removal reason, duplicates, rejected; the legend for every panel below it.
    ax = fig.add_subplot(top_left[0])
    overall = {KEPT: int(stats.get("kept", 0))}
    for name in reasons:
        overall[name] = sum(row.get(name, 0) for row in rows)
    overall[REJECTED] = sum(int(n) for n in stats.get("rejected", {}).values())
    names = [KEPT, *reasons, REJECTED]
    shares = {k: v / max(total_in, 1) for k, v in overall.items()}
    _stack(ax, [0], [shares], names, styles, height=0.7)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, 0.5)
    ax.set_yticks([0], labels=["all records"], fontsize=8)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title("where every record went (share of the input)", fontsize=9, loc="left")
    legend_ax = fig.add_subplot(top_left[1])
    legend_ax.axis("off")
    handles = [matplotlib.patches.Patch(label=f"{n} ({overall[n]:,})", **_patch(styles[n]))
               for n in names if overall[n] or n == KEPT]
    legend_ax.legend(handles=handles, loc="upper left", ncol=3, fontsize=8, frameon=False,
                     borderaxespad=0.2, handlelength=2.2, handleheight=1.2)

    # Tokens per kept document.
    ax = fig.add_subplot(grid[0, 1])
    if lengths:
        values = np.array(sorted(lengths))
        counts = np.array([lengths[v] for v in values])
        edges = np.unique(np.geomspace(1, max(values.max(), 2) + 1, 40).astype(int))
        ax.hist(values, bins=edges, weights=counts, color=KEPT_COLOR)
        ax.set_xscale("log")
        ax.set_xlim(max(values.min() / 1.5, 1), values.max() * 1.5)
        top = ax.get_ylim()[1]
        for i, (p, v) in enumerate(length_percentiles(lengths).items()):
            ax.axvline(v, color="#D55E00", linewidth=1, linestyle="--")
            ax.text(v, top * (0.97 - 0.1 * i), f" p{p} {v:,}", fontsize=7, va="top", color="#D55E00")
        ax.set_xlabel("tokens per document (EOS included)", fontsize=8)
        ax.set_ylabel("documents", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no shards to read", ha="center", va="center", fontsize=8, transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    ax.tick_params(labelsize=7)
    ax.set_title("tokens per kept document", fontsize=9, loc="left")

    # By language: shares of each language's input.
    ax = fig.add_subplot(grid[1, 0])
    y = list(range(len(langs)))
    share_rows = [{k: v / max(sum(row.values()), 1) for k, v in row.items()} for row in rows]
    _stack(ax, y, share_rows, [KEPT, *reasons], styles)
    ax.set_yticks(y, labels=langs, fontsize=7)
    for label, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row[KEPT] == 0:
            label.set_fontweight("bold")  # lost everything
    ax.set_ylim(len(langs) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.tick_params(axis="x", labelsize=7, labeltop=True)
    ax.set_title("by language, largest input first: kept and removed as a share of the language's input "
                 "(bold: nothing kept)", fontsize=9, loc="left", pad=16)
    for yi, row in zip(y, rows, strict=True):
        ax.text(1.005, yi, f"{row[KEPT]:,}/{sum(row.values()):,}", fontsize=6, va="center", clip_on=False)

    # Quality buckets per language, or kept tokens per language without a scorer.
    ax2 = fig.add_subplot(grid[1, 1], sharey=ax)
    if buckets:
        bucket_rows = []
        for lang in langs:
            counts_by_bucket = buckets.get(lang, Counter())
            n = sum(counts_by_bucket.values())
            bucket_rows.append({b: counts_by_bucket.get(b, 0) / n if n else 0 for b in BUCKET_STYLES})
        _stack(ax2, y, bucket_rows, list(BUCKET_STYLES), {b: (c, "") for b, c in BUCKET_STYLES.items()})
        ax2.set_xlim(0, 1)
        ax2.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax2.set_title("quality buckets of kept documents", fontsize=9, loc="left", pad=16)
        ax2.legend(loc="lower right", fontsize=7, ncol=3, bbox_to_anchor=(1, 1.0), frameon=False,
                   borderaxespad=0.1)
        ax2.tick_params(axis="x", labeltop=False)  # the legend sits there
    else:
        ax2.barh(y, [lang_tokens.get(lang, 0) for lang in langs], color=KEPT_COLOR, height=0.8)
        if any(lang_tokens.values()):
            ax2.set_xscale("log")  # languages differ by orders of magnitude
            ax2.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax2.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax2.set_title("kept tokens (no scorer ran)", fontsize=9, loc="left", pad=16)
    ax2.tick_params(axis="y", labelleft=False)
    ax2.tick_params(axis="x", labelsize=7, labeltop=not buckets)

    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def main(args: argparse.Namespace) -> int:
    run_dir = Path(args.dir)
    stats_path = run_dir / "stats.json"
    if not stats_path.is_file():
        from babelbeam.schemas.shard import PLAN_PATH

        hint = (f"the run is unfinished: continue it with `babelbeam run --output {run_dir} --resume` "
                "and the same --input and --config" if (run_dir / PLAN_PATH).is_file()
                else f"`babelbeam run --input ... --output {run_dir}` makes one")
        log.error("%s not found: %s", stats_path, hint)
        return 2
    stats = read_stats(run_dir)
    out = Path(args.out) if args.out else run_dir / "report.png"
    draw(stats, out, top_reasons=args.top_reasons, max_languages=args.max_languages, run_dir=run_dir)
    print(f"wrote {out}")
    worst = worst_language(stats)
    if worst is not None:
        lang, lost, reason = worst
        print(f"largest loss: {lang} lost {lost:.1%} of its documents, mostly to {reason}")
    return 0
