"""A tag's neighbourhood drawn on the server as SVG (as papers.site.charts draws the year chart: no
script, presentation attributes only, so the content security policy holds): what acts on the
tag on the left, what it acts on on the right, one edge per relation coloured and marked by it,
each name a link to the finder's sentences. 360 units wide, so it reads on a 375-pixel phone."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from papers.claims.maps import Link, Neighbourhood

WIDTH, ROW, TOP = 360, 26, 34
MAX_ROWS = 12  # per side; the lists below the diagram hold every link
# Relation → (colour, the sign drawn on its edge). Colours keep 4.5:1 contrast on white.
STYLE = {
    "increases": ("#1b6e20", "+"),
    "decreases": ("#b71c1c", "−"),
    "binds": ("#5e2a84", "≈"),
    "produces": ("#0d4f8b", "▸"),
}
_NAME = 11  # characters of a name shown; the whole name is its title


def finder_url(link: Link) -> str:
    return (
        reverse("claim_finder")
        + "?"
        + urlencode({"agent": link.agent.slug, "relation": link.relation, "target": link.target.slug})
    )


def neighbourhood_svg(found: Neighbourhood) -> SafeString:
    """The diagram, or '' when the tag has no public claims."""
    left, right = found.acting_on_it[:MAX_ROWS], found.it_acts_on[:MAX_ROWS]
    if not left and not right:
        return SafeString("")
    rows = max(len(left), len(right))
    height = TOP + rows * ROW + 8
    middle = TOP + rows * ROW / 2
    centre = format_html(
        '<rect x="140" y="{}" width="80" height="30" rx="6" fill="#f4f4f4" stroke="#555"/>'
        '<text x="180" y="{}" text-anchor="middle" font-weight="bold"><title>{}</title>{}</text>',
        middle - 15,
        middle + 5,
        found.tag.name,
        _short(found.tag.name, 10),
    )
    edges = [_edge(link, i, middle, incoming=True) for i, link in enumerate(left)]
    edges += [_edge(link, i, middle, incoming=False) for i, link in enumerate(right)]
    return format_html(
        '<svg class="neighbourhood" viewBox="0 0 {w} {h}" role="img" aria-labelledby="neighbourhood-title" '
        'font-size="12">'
        '<title id="neighbourhood-title">{name}: {n_in} kind(s) of claim acting on it, {n_out} it makes on others</title>'  # noqa: E501
        '<text x="4" y="14" fill="#555">acts on it</text><text x="{w4}" y="14" fill="#555" text-anchor="end">'
        "it acts on</text>{edges}{centre}</svg>",
        w=WIDTH,
        h=height,
        w4=WIDTH - 4,
        name=found.tag.name,
        n_in=len(found.acting_on_it),
        n_out=len(found.it_acts_on),
        edges=SafeString("".join(edges)),
        centre=centre,
    )


def _edge(link: Link, index: int, middle: float, incoming: bool) -> SafeString:
    colour, sign = STYLE[link.relation]
    y = TOP + index * ROW + ROW / 2
    if incoming:  # name at the left, edge into the centre box
        x1, x2, text_x, anchor = 108, 138, 4, "start"
    else:  # edge out of the centre box, name at the right
        x1, x2, text_x, anchor = 222, 252, WIDTH - 4, "end"
    (ax, ay), (bx, by) = ((x1, y), (x2, middle)) if incoming else ((x1, middle), (x2, y))
    label = f"{sign} {link.papers}"
    return format_html(
        '<a href="{url}"><title>{agent} {relation} {target}: {papers} paper(s)</title>'
        '<line x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}" stroke="{c}" stroke-width="2"/>'
        '<text x="{tx}" y="{ty}" text-anchor="{anchor}" fill="{c}">{name} {label}</text></a>',
        url=finder_url(link),
        agent=link.agent.name,
        relation=link.relation,
        target=link.target.name,
        papers=link.papers,
        ax=ax,
        ay=f"{ay:.1f}",
        bx=bx,
        by=f"{by:.1f}",
        c=colour,
        tx=text_x,
        ty=f"{y + 4:.1f}",
        anchor=anchor,
        name=_short(link.other.name),
        label=label,
    )


def _short(name: str, most: int = _NAME) -> str:
    return name if len(name) <= most else name[: most - 1] + "…"


def legend() -> SafeString:
    return format_html_join(
        " ",
        '<span class="relation-{}">{} {}</span>',
        ((relation, sign, relation) for relation, (_, sign) in STYLE.items()),
    )
