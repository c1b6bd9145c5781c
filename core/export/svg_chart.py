"""The volume-and-sentiment chart as hand-written inline SVG: stacked bars of mentions per bucket
by sentiment, and a line for the mean sentiment score. No script, no external files.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.export.summary import Bucket

WIDTH = 760
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 14, 30
COLOURS = {
    "negative": "#c0392b",
    "neutral": "#a9b1bc",
    "positive": "#2e8b57",
    "unscored": "#dfe3e8",
}
LINE = "#1f3a5f"


def _nice_max(value: int) -> int:
    """The next round number above the busiest bucket, so gridlines land on 1/2/5 steps."""
    if value <= 4:
        return 4
    step = 1
    while True:
        for m in (1, 2, 5):
            top = m * step * 4
            if top >= value:
                return top
        step *= 10


def _label(day: date, unit: str) -> str:
    if unit == "month":
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b}"


def volume_chart(buckets: Sequence[Bucket], unit: str) -> str:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(len(buckets), 1)
    slot = plot_w / n
    bar = max(slot * 0.72, 1.0)
    top = _nice_max(max((b.total for b in buckets), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="Mentions per {unit} by sentiment, with mean sentiment" '
        'class="chart" font-family="inherit" font-size="11">'
    ]
    for k in range(5):
        y = TOP + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e6e9ee" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6573">'
            f"{top * k // 4}</text>"
        )
    for k, score in enumerate(("−1", "0", "+1")):
        y = TOP + plot_h - plot_h * k / 2
        parts.append(f'<text x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}" fill="{LINE}">{score}</text>')
    zero = TOP + plot_h / 2
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{zero:.1f}" y2="{zero:.1f}" '
        f'stroke="{LINE}" stroke-width="0.6" stroke-dasharray="3 3" opacity="0.5"/>'
    )
    points: list[str] = []
    every = max(1, round(n / 8))
    for idx, b in enumerate(buckets):
        x = LEFT + idx * slot + (slot - bar) / 2
        y = TOP + plot_h
        for name in ("negative", "neutral", "positive", "unscored"):
            count = getattr(b, name)
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[name]}"><title>{_label(b.start, unit)}: {count} {name}'
                "</title></rect>"
            )
        if b.mean_compound is not None:
            cx = LEFT + idx * slot + slot / 2
            cy = zero - (plot_h / 2) * max(-1.0, min(1.0, b.mean_compound))
            points.append(f"{cx:.1f},{cy:.1f}")
        if idx % every == 0:
            parts.append(
                f'<text x="{LEFT + idx * slot + slot / 2:.1f}" y="{HEIGHT - 10}" '
                f'text-anchor="middle" fill="#5b6573">{_label(b.start, unit)}</text>'
            )
    if len(points) > 1:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" '
            'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for p in points if len(points) <= 62 else ():
        cx, cy = p.split(",")
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.4" fill="{LINE}"/>')
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        'stroke="#8b95a3" stroke-width="1"/></svg>'
    )
    return "".join(parts)
