"""Charts for documents: matplotlib → deterministic SVG → ``data:`` URL for an ``<img>``.

* matplotlib is imported only when a chart is drawn (``import matplotlib`` costs ~0.4 s),
  and only its object-oriented API is used (``Figure`` + the SVG canvas): no pyplot global
  state, safe in worker processes.
* Chinese labels use "Noto Sans CJK SC"; ``svg.fonttype = 'none'`` keeps text as text, so
  WeasyPrint sets it in the document's font and the PDF text stays searchable.
* Deterministic: ``svg.hashsalt`` fixed and no date in the metadata, so the same data give
  byte-identical SVG (and PDF).
* Sizes are given in millimetres of the printed page, so a chart placed at its natural width
  shows its 8 pt labels at 8 pt.

Every function takes plain data (lists of dicts with ints/Decimals/strings) and returns the
SVG text; :func:`data_url` wraps it for ``<img src=…>``.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["CONTENT_WIDTH_MM", "category_bars", "data_url", "satisfaction_bars", "trend_chart"]

CONTENT_WIDTH_MM = 178.0  # A4 (210 mm) minus the 16 mm side margins of base.css
FONT = "Noto Sans CJK SC"
INK = "#1f2a27"
MUTED = "#6b7a75"
GRID = "#d5dedb"
PALETTE = ("#1f6f5c", "#7fb8a4", "#d9a441", "#b5654a", "#5b7db1", "#9a8fc0", "#c7c06b", "#8a9691")
ACCENT = "#d9a441"

_RC = {
    "svg.hashsalt": "salesdocs",
    "svg.fonttype": "none",
    "font.family": [FONT, "WenQuanYi Micro Hei", "DejaVu Sans"],
    "font.size": 8,
    "axes.unicode_minus": False,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.titlesize": 9,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 8,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "path.simplify": False,
}


@contextmanager
def _figure(width_mm: float, height_mm: float) -> Iterator[Any]:
    import logging

    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]  # a plain dict of rc names
        fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4))
        FigureCanvasSVG(fig)
        yield fig


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "salesdocs"}, transparent=True)
    return buf.getvalue()


def data_url(svg: str) -> str:
    """``data:image/svg+xml;base64,…`` for an ``<img src>`` (the PDF writer allows data: URLs)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)


def category_bars(rows: Sequence[dict[str, Any]], series: Sequence[str], *, width_mm: float = CONTENT_WIDTH_MM) -> str:
    """Horizontal bars, one per category (largest at the top), stacked by service.

    ``rows``: ``{"label": str, "values": {series: int}}``; ``series``: the stacking order.
    """
    rows = sorted(rows, key=lambda r: -sum(r["values"].values()))
    height = 14 + 6.2 * max(1, len(rows))
    with _figure(width_mm, height) as fig:
        ax = fig.add_axes((0.27, 0.06 + 14 / height * 0.55, 0.70, 1 - (0.06 + 14 / height * 0.55) - 3 / height))
        _style(ax)
        labels = [r["label"] for r in rows][::-1]
        left = [0] * len(rows)
        for i, name in enumerate(series):
            values = [r["values"].get(name, 0) for r in rows][::-1]
            if not any(values):
                continue
            ax.barh(range(len(rows)), values, left=left, height=0.62, color=PALETTE[i % len(PALETTE)], label=name, linewidth=0)
            left = [a + b for a, b in zip(left, values, strict=False)]
        totals = left
        for y, total in enumerate(totals):
            ax.text(total + max([*totals, 1]) * 0.01, y, str(total), va="center", ha="left", fontsize=7.5, color=INK)
        ax.set_yticks(range(len(rows)), labels)
        ax.set_xlim(0, max([*totals, 1]) * 1.08)
        ax.xaxis.grid(True, color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)
        ax.xaxis.set_major_locator(_int_locator())
        handles, names = ax.get_legend_handles_labels()
        fig.legend(
            handles, names, loc="lower center", ncol=min(len(names), 5), bbox_to_anchor=(0.6, 0.0), handlelength=1.0, columnspacing=1.4
        )
        return _svg(fig)


def _int_locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True, nbins=6)


def trend_chart(months: Sequence[dict[str, Any]], *, line_label: str, width_mm: float = CONTENT_WIDTH_MM, height_mm: float = 56) -> str:
    """Tickets per month (bars, left axis) and the share answered in time (line, right axis).

    ``months``: ``{"label": str, "count": int, "within_pct": Decimal | None, "current": bool}``;
    ``line_label``: what the line measures, as the legend names it.
    """
    with _figure(width_mm, height_mm) as fig:
        ax = fig.add_axes((0.07, 0.27, 0.84, 0.68))
        _style(ax)
        ax.spines["right"].set_visible(True)
        xs = list(range(len(months)))
        counts = [m["count"] for m in months]
        colors = [PALETTE[0] if m.get("current") else "#9cc9b9" for m in months]
        ax.bar(xs, counts, width=0.56, color=colors, linewidth=0, label="收到工单（条）")
        top = max([*counts, 1])
        # the counts go under the month names, where the line's labels can never cover them
        ax.set_xticks(xs, [f"{m['label']}\n{n} 条" for m, n in zip(months, counts, strict=False)])
        ax.tick_params(axis="x", labelsize=7.5, labelcolor=INK)
        ax.set_ylim(0, top * 1.25)
        ax.yaxis.set_major_locator(_int_locator())
        ax.yaxis.grid(True, color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", colors=MUTED, labelsize=7.5)
        ax2 = ax.twinx()
        _style(ax2)
        ax2.spines["right"].set_visible(True)
        ax2.spines["left"].set_visible(False)
        pts = [(x, float(m["within_pct"])) for x, m in zip(xs, months, strict=False) if m["within_pct"] is not None]
        if pts:
            ax2.plot(
                [p[0] for p in pts],
                [p[1] for p in pts],
                color=ACCENT,
                marker="o",
                markersize=3.5,
                linewidth=1.6,
                label=line_label,
            )
            for x, y in pts:
                ax2.text(
                    x,
                    y + 4,
                    f"{y:.1f}%",
                    fontsize=7,
                    color="#8a5a0c",
                    ha="center",
                    va="bottom",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                )
        ax2.set_ylim(0, 115)
        ax2.set_yticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"])
        ax2.tick_params(axis="y", colors=MUTED, labelsize=7.5)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        fig.legend(h1 + h2, l1 + l2, loc="lower center", ncol=2, bbox_to_anchor=(0.5, 0.0), handlelength=1.2)
        return _svg(fig)


def satisfaction_bars(scores: Sequence[dict[str, Any]], *, width_mm: float = 80, height_mm: float = 36) -> str:
    """Horizontal bars of the satisfaction scores 5 … 1: ``{"score": int, "count": int}``."""
    with _figure(width_mm, height_mm) as fig:
        ax = fig.add_axes((0.14, 0.08, 0.76, 0.88))
        _style(ax)
        ax.spines["bottom"].set_visible(False)
        ordered = sorted(scores, key=lambda s: s["score"])
        ys = list(range(len(ordered)))
        counts = [s["count"] for s in ordered]
        colors = (
            ["#b5654a", "#d08a5e", "#d9a441", "#7fb8a4", "#1f6f5c"][-len(ordered) :] if len(ordered) <= 5 else [PALETTE[0]] * len(ordered)
        )
        ax.barh(ys, counts, height=0.64, color=colors, linewidth=0)
        for y, n in zip(ys, counts, strict=False):
            ax.text(n + max([*counts, 1]) * 0.02, y, str(n), va="center", fontsize=7.5, color=INK)
        ax.set_yticks(ys, [f"{s['score']} 分" for s in ordered])
        ax.set_xticks([])
        ax.set_xlim(0, max([*counts, 1]) * 1.15)
        return _svg(fig)
