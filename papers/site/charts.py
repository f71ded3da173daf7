"""The papers-per-year chart, drawn on the server as SVG: no script, no CDN, works offline and
under a strict content security policy (presentation attributes only, no style attributes)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 160
_TOP, _BOTTOM, _LEFT = 12, 22, 30  # room for the tallest count, the year labels and the axis
_RIGHT = 16  # room for half the last year's label, centred on its bar
_WIDEST_BAR = 40


def year_chart(counts: dict[int, int]) -> SafeString:
    """A bar per year from the first year to the last (years without papers shown empty), each
    bar titled with its count for screen readers and tooltips; '' when there is nothing."""
    if not counts:
        return SafeString("")
    first, last = min(counts), max(counts)
    years = range(first, last + 1)
    peak = max(counts.values())
    slot = min((WIDTH - _LEFT - _RIGHT) / len(years), _WIDEST_BAR / 0.8)
    plot = HEIGHT - _TOP - _BOTTOM
    label_every = max(1, round(len(years) / 10))  # about ten year labels, however long the span
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        height = plot * n / peak
        x = _LEFT + i * slot
        bars.append(
            (
                *(f"{v:.1f}" for v in (x + slot * 0.1, HEIGHT - _BOTTOM - height, max(slot * 0.8, 1), height)),
                f"{year}: {n} paper{'s' if n != 1 else ''}",
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>', round(x + slot / 2, 1), HEIGHT - 6, year
                )
                if (year - first) % label_every == 0
                else "",
            )
        )
    total = sum(counts.values())
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title" font-size="11">'
        '<title id="chart-title">Papers per year, {first}–{last}: {total} in all, at most {peak} in a year</title>'
        '<line x1="{left}" y1="{base}" x2="{w}" y2="{base}" stroke="#888"/>'
        '<text x="{tx}" y="{top}" text-anchor="end">{peak}</text>'
        "{bars}</svg>",
        w=WIDTH,
        h=HEIGHT,
        first=first,
        last=last,
        total=total,
        peak=peak,
        left=_LEFT,
        base=HEIGHT - _BOTTOM,
        tx=_LEFT - 4,
        top=_TOP + 4,
        bars=format_html_join(
            "", '<g><title>{4}</title><rect x="{0}" y="{1}" width="{2}" height="{3}" fill="#3b6ea5"/>{5}</g>', bars
        ),
    )
