"""Small line charts as SVG, for markdown metadata in the UI (``![](data:image/svg+xml;...)``,
the way Dagster's own tutorial embeds a plot): no plotting library, nothing to install, and the
picture sits with the numbers in the same materialization."""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, MARGIN = 640, 260, 48
COLORS = ("#1f77b4", "#d62728", "#7f7f7f", "#2ca02c", "#9467bd")


def _scale(values: list[float]) -> tuple[float, float]:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = (high - low) * 0.1 or 0.5
    return low - pad, high + pad


def line_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float]]) -> str:
    """An SVG of one line per ``series`` over ``labels`` (a missing value breaks its line)."""
    low, high = _scale([v for values in series.values() for v in values])
    n = max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return MARGIN + i * (WIDTH - 2 * MARGIN) / n

    def y(v: float) -> float:
        return HEIGHT - MARGIN - (v - low) * (HEIGHT - 2 * MARGIN) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        'font-family="sans-serif" font-size="11">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{MARGIN}" y="18" font-size="13">{title}</text>',
    ]
    for k in range(5):
        v = low + k * (high - low) / 4
        parts.append(
            f'<line x1="{MARGIN}" x2="{WIDTH - MARGIN}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            'stroke="#eee"/>'
            f'<text x="4" y="{y(v) + 4:.1f}">{v:.3g}</text>'
        )
    step = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % step == 0:
            parts.append(f'<text x="{x(i) - 20:.1f}" y="{HEIGHT - MARGIN + 16}">{label}</text>')
    for j, (name, values) in enumerate(series.items()):
        color = COLORS[j % len(COLORS)]
        points = [
            f"{x(i):.1f},{y(v):.1f}"
            for i, v in enumerate(values)
            if v is not None and math.isfinite(v)
        ]
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(points)}"/>'
        )
        parts.append(
            f'<text x="{MARGIN + 150 * j}" y="{HEIGHT - 8}" fill="{color}">&#9632; {name}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], digits: int = 1) -> str:
    """An SVG of one horizontal bar per label, in the given order, each with its value."""
    row, top, label_width = 18, 30, 200
    height = top + row * len(labels) + 10
    longest = max([v for v in values if math.isfinite(v)], default=0.0) or 1.0
    span = WIDTH - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        'font-family="sans-serif" font-size="11">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="{MARGIN}" y="18" font-size="13">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y, width = top + i * row, span * max(value, 0.0) / longest
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{width:.1f}" height="{row - 5}" '
            f'fill="{COLORS[0]}"/>'
            f'<text x="{label_width + width + 4:.1f}" y="{y + 12}">{value:.{digits}f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def markdown_image(svg: str, alt: str) -> str:
    """The SVG as a markdown image with a data URI."""
    return f"![{alt}](data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()})"
