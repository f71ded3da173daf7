"""A tag's neighbourhood drawn on the server as SVG (as papers.site.charts draws the year chart: no
script, presentation attributes only, so the content security policy holds): one edge per
relation, coloured, signed and pointed by it, each name whole and a link to the finder's
sentences, a legend below. Two layouts of the same links, the stylesheet showing one: wide
(what acts on the tag at the left, what it acts on at the right, 1,120 units: the page's width at
1,280 pixels, drawn 1:1) and narrow (the one above the other, 360 units: a 375-pixel phone)."""

from __future__ import annotations

import math

from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from papers.claims.maps import Link, Neighbourhood

MAX_ROWS = 12  # per side; the lists below the diagram hold every link
# Relation → (colour, the sign drawn beside its count). Colours keep 4.5:1 contrast on white.
STYLE = {
    "increases": ("#1b6e20", "+"),
    "decreases": ("#b71c1c", "−"),
    "binds": ("#5e2a84", "≈"),
    "produces": ("#0d4f8b", "▸"),
}
GREY = "#555"


def finder_url(link: Link) -> str:
    return (
        reverse("claim_finder")
        + "?"
        + urlencode({"agent": link.agent.slug, "relation": link.relation, "target": link.target.slug})
    )


def neighbourhood_svg(found: Neighbourhood) -> SafeString:
    """Both layouts, or '' when the tag has no public claims."""
    left, right = found.acting_on_it[:MAX_ROWS], found.it_acts_on[:MAX_ROWS]
    if not left and not right:
        return SafeString("")
    return SafeString(_wide(found, left, right) + _narrow(found, left, right))


def _wide(found: Neighbourhood, left: list[Link], right: list[Link]) -> SafeString:
    width, row, top, font = 1120, 30, 40, 14
    rows = max(len(left), len(right))
    middle = top + rows * row / 2
    box = (width / 2 - 130, middle - 20, 260, 40)
    parts = [_heading(8, 18, "acts on it", "start"), _heading(width - 8, 18, "it acts on", "end")]
    for i, link in enumerate(left):
        y = top + i * row + row / 2
        parts.append(_edge(link, (352, y), (box[0] - 2, middle), (344, y), "end"))
    for i, link in enumerate(right):
        y = top + i * row + row / 2
        parts.append(_edge(link, (box[0] + box[2] + 2, middle), (width - 352, y), (width - 344, y), "start"))
    parts.append(_centre(found, box))
    height = top + rows * row + 12
    parts.append(_legend(height, [(8 + 200 * i, 0) for i in range(len(STYLE))]))
    return _svg("wide", width, height + 30, font, found, parts)


def _narrow(found: Neighbourhood, left: list[Link], right: list[Link]) -> SafeString:
    width, row, font = 360, 24, 12
    parts, y = [], 14
    if left:
        parts.append(_heading(4, y, "acts on it", "start"))
    box_top = y + 10 + len(left) * row
    box = (20, box_top, width - 40, 34)
    for i, link in enumerate(left):
        ly = y + 10 + i * row + row / 2
        parts.append(_edge(link, (306, ly), (336, box_top - 2), (300, ly), "end"))
    below = box_top + box[3] + (26 if right else 8)
    if right:
        parts.append(_heading(58, box_top + box[3] + 18, "it acts on", "start"))
    for i, link in enumerate(right):
        ly = below + i * row + row / 2
        parts.append(_edge(link, (24, box_top + box[3] + 2), (52, ly), (58, ly), "start"))
    parts.append(_centre(found, box))
    end = below + len(right) * row
    legend_top = end + 10
    parts.append(_legend(legend_top, [(4, 0), (184, 0), (4, 22), (184, 22)]))
    return _svg("narrow", width, legend_top + 48, font, found, parts)


def _svg(layout: str, width: int, height: float, font: int, found: Neighbourhood, parts: list) -> SafeString:
    return format_html(
        '<svg class="neighbourhood neighbourhood-{layout}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="neighbourhood-{layout}" font-size="{font}">'
        '<title id="neighbourhood-{layout}">{name}: {n_in} kind(s) of claim acting on it, {n_out} it makes on '
        "others</title>{parts}</svg>",
        layout=layout,
        w=width,
        h=round(height),
        font=font,
        name=found.tag.name,
        n_in=len(found.acting_on_it),
        n_out=len(found.it_acts_on),
        parts=SafeString("".join(parts)),
    )


def _heading(x: float, y: float, text: str, anchor: str) -> SafeString:
    return format_html('<text x="{}" y="{}" fill="{}" text-anchor="{}">{}</text>', x, y, GREY, anchor, text)


def _centre(found: Neighbourhood, box: tuple[float, float, float, float]) -> SafeString:
    x, y, w, h = box
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#f4f4f4" stroke="{}"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-weight="bold">{}</text>',
        x,
        round(y, 1),
        w,
        h,
        GREY,
        x + w / 2,
        round(y + h / 2 + 5, 1),
        found.tag.name,
    )


def _edge(link: Link, start, end, text_at, anchor: str) -> SafeString:
    """A link: the line from start to end with its arrowhead at end, the other tag's whole name
    with the relation's sign and its number of papers at text_at."""
    colour, sign = STYLE[link.relation]
    return format_html(
        '<a href="{url}"><title>{agent} {relation} {target}: {papers} paper(s)</title>{arrow}'
        '<text x="{tx}" y="{ty}" text-anchor="{anchor}" fill="{c}">{name} {sign} {papers}</text></a>',
        url=finder_url(link),
        agent=link.agent.name,
        relation=link.relation,
        target=link.target.name,
        papers=link.papers,
        arrow=_arrow(start, end, colour),
        tx=text_at[0],
        ty=round(text_at[1] + 5, 1),
        anchor=anchor,
        c=colour,
        name=link.other.name,
        sign=sign,
    )


def _arrow(start, end, colour: str) -> SafeString:
    """A line ending in a filled arrowhead 9 units long at end."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - 9 * ux, y2 - 9 * uy  # the arrowhead's base, 4 units either side of the line
    head = f"{x2:.1f},{y2:.1f} {bx - 4 * uy:.1f},{by + 4 * ux:.1f} {bx + 4 * uy:.1f},{by - 4 * ux:.1f}"
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/><polygon points="{}" fill="{}"/>',
        round(x1, 1),
        round(y1, 1),
        round(bx, 1),
        round(by, 1),
        colour,
        head,
        colour,
    )


def _legend(top: float, places: list[tuple[float, float]]) -> SafeString:
    """Each relation's arrow, sign and name; then what the number says."""
    keys = [
        format_html(
            '{}<text x="{}" y="{}" fill="{}">{} {}</text>',
            _arrow((x, top + dy + 10), (x + 30, top + dy + 10), colour),
            x + 36,
            round(top + dy + 15, 1),
            colour,
            relation,
            sign,
        )
        for (relation, (colour, sign)), (x, dy) in zip(STYLE.items(), places)
    ]
    return SafeString("".join(keys))
