"""The volume-and-sentiment chart as hand-written inline SVG: stacked bars of mentions per bucket
by sentiment on the left axis, and the mean sentiment score as a line on its own right axis
(−1…+1, its zero a dashed line labelled as such). No script, no external files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from douse.core.export.summary import Bucket

WIDTH = 760
HEIGHT = 250
LEFT, RIGHT, TOP, BOTTOM = 58, 72, 14, 30
SEGMENTS = ("negative", "neutral", "positive", "unscored")
COLOURS = {
    "negative": "#c0392b",
    "neutral": "#a9b1bc",
    "positive": "#2e8b57",
    "unscored": "#dfe3e8",
}
LINE = "#1f3a5f"
MUTED = "#5b6573"
MAX_TICKS = 5


def nice_scale(value: int) -> tuple[int, int]:
    """(top, step) of the count axis: a step of 1, 2, 2.5 or 5 × 10^n, at most five of them,
    the smallest top that holds `value` (82 -> 100 in steps of 20, 14 -> 15 in steps of 5)."""
    if value <= 4:
        return 4, 1
    magnitude = 10 ** math.floor(math.log10(value / MAX_TICKS))
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if step != int(step):  # 2.5 only from 25 up: counts are whole
            continue
        if math.ceil(value / step) <= MAX_TICKS:
            step = int(step)
            return step * math.ceil(value / step), step
    raise AssertionError("unreachable: 10 × magnitude always fits")


def _label(day: datetime, unit: str) -> str:
    if unit == "month":
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b}"


def _span(b: Bucket, unit: str) -> str:
    if (b.start.hour, b.start.minute) == (0, 0):
        return _label(b.start, unit) if unit != "week" else f"week of {_label(b.start, unit)}"
    start, end = (f"{t:%a} {_label(t, unit)} {t:%H:%M}" for t in (b.start, b.end))
    return f"{start} – {end}"


def segments_used(buckets: Sequence[Bucket]) -> list[str]:
    """The sentiment segments that appear in the chart: the legend names exactly these."""
    return [name for name in SEGMENTS if any(getattr(b, name) for b in buckets)]


def volume_chart(buckets: Sequence[Bucket], unit: str) -> str:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_h
    n = max(len(buckets), 1)
    slot = plot_w / n
    bar = max(slot * 0.72, 1.0)
    top, step = nice_scale(max((b.total for b in buckets), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="Mentions per {unit} by sentiment, with mean sentiment" '
        'class="chart" font-family="inherit" font-size="11">'
    ]
    for value in range(0, top + 1, step):
        y = bottom - plot_h * value / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e6e9ee" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{value:,}</text>"
        )
    parts.append(
        f'<text transform="translate(14 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="{MUTED}">mentions</text>'
    )
    # The sentiment axis: its own line, ticks and title in the line's colour, on the right.
    axis_x = WIDTH - RIGHT + 8
    parts.append(
        f'<line x1="{axis_x}" x2="{axis_x}" y1="{TOP}" y2="{bottom}" stroke="{LINE}" '
        'stroke-width="1"/>'
    )
    for score, text in ((-1.0, "−1"), (-0.5, "−0.5"), (0.0, "0"), (0.5, "+0.5"), (1.0, "+1")):
        y = bottom - plot_h * (score + 1) / 2
        parts.append(
            f'<line x1="{axis_x}" x2="{axis_x + 4}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LINE}"/>'
            f'<text x="{axis_x + 7}" y="{y + 4:.1f}" fill="{LINE}">{text}</text>'
        )
    parts.append(
        f'<text transform="translate({WIDTH - 8} {TOP + plot_h / 2:.1f}) rotate(90)" '
        f'text-anchor="middle" fill="{LINE}">mean sentiment</text>'
    )
    points: list[str] = []
    every = max(1, round(n / 8))
    for idx, b in enumerate(buckets):
        x = LEFT + idx * slot + (slot - bar) / 2
        y = float(bottom)
        for name in SEGMENTS:
            count = getattr(b, name)
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[name]}"><title>{_span(b, unit)}: {count:,} {name}'
                "</title></rect>"
            )
        if b.mean_compound is not None:
            cx = LEFT + idx * slot + slot / 2
            cy = bottom - (plot_h / 2) * (1 + max(-1.0, min(1.0, b.mean_compound)))
            points.append(f"{cx:.1f},{cy:.1f}")
        if idx % every == 0:
            parts.append(
                f'<text x="{LEFT + idx * slot + slot / 2:.1f}" y="{HEIGHT - 10}" '
                f'text-anchor="middle" fill="{MUTED}">{_label(b.start, unit)}</text>'
            )
    # Sentiment zero: dashed, in the line's colour and labelled, so it is not read as a count.
    zero = TOP + plot_h / 2
    parts.append(
        f'<line x1="{LEFT}" x2="{axis_x}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="{LINE}" '
        'stroke-width="1" stroke-dasharray="5 4" opacity="0.7"/>'
        f'<text x="{WIDTH - RIGHT - 4}" y="{zero - 4:.1f}" text-anchor="end" fill="{LINE}" '
        'font-size="10" stroke="#fff" stroke-width="3" paint-order="stroke">'
        "sentiment 0 (neutral)</text>"
    )
    if len(points) > 1:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" '
            'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for p in points if len(points) <= 62 else ():
        px, py = p.split(",")
        parts.append(f'<circle cx="{px}" cy="{py}" r="2.4" fill="{LINE}"/>')
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" '
        'stroke="#8b95a3" stroke-width="1"/></svg>'
    )
    return "".join(parts)
