"""Exports of claims: CSV (one row per claim, with its sentence), SIF (one line per agent,
relation and target: Cytoscape's simple interaction format) and GraphML (tags as nodes, one
edge per agent, relation and target with its paper count; Cytoscape, Gephi and yEd read it,
written by networkx). The callers pass public claims only (Claim.objects.public())."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from papers.catalogue.csv_rows import line

CLAIM_EXPORT_LIMIT = 20_000  # rows of one CSV, refused beyond; the network formats sum claims and stay small


@dataclass(frozen=True)
class ClaimFormat:
    key: str
    label: str
    content_type: str


CLAIM_FORMATS = {
    f.key: f
    for f in (
        ClaimFormat("csv", "CSV (one claim a row, with its sentence)", "text/csv; charset=utf-8"),
        ClaimFormat("sif", "SIF (Cytoscape)", "text/plain; charset=utf-8"),
        ClaimFormat("graphml", "GraphML (Cytoscape, Gephi)", "application/graphml+xml; charset=utf-8"),
    )
}
CSV_COLUMNS = (
    "pmid",
    "agent",
    "agent_name",
    "relation",
    "target",
    "target_name",
    "negated",
    "hedged",
    "sentence",
    "paper_url",
    "organisms",  # the paper's context (papers.catalogue.context)
    "about_myeloma",
)


def write_claims(claims, key: str, site: str) -> str:
    """The export document of these claims in CLAIM_FORMATS[key]; `site` prefixes paper links."""
    if key == "csv":
        return _csv(claims, site)
    edges = list(
        claims.values(
            "agent__slug", "agent__name", "agent__kind", "relation", "target__slug", "target__name", "target__kind"
        )
        .annotate(papers=Count("paper_id", distinct=True), claims=Count("pk"))
        .order_by("agent__slug", "relation", "target__slug")
    )
    return _sif(edges) if key == "sif" else _graphml(edges)


def _csv(claims, site: str) -> str:
    """Plain values read in chunks: no model instance per row. Callers refuse more than
    CLAIM_EXPORT_LIMIT claims; the slice keeps the cost bounded whatever they do."""
    rows = claims.order_by("-paper__pub_year", "-paper__pmid", "pk").values_list(
        "paper__pmid",
        "agent__slug",
        "agent__name",
        "relation",
        "target__slug",
        "target__name",
        "negated",
        "hedged",
        "sentence",
        "paper__organisms",
        "paper__about_myeloma",
    )[:CLAIM_EXPORT_LIMIT]
    return line(CSV_COLUMNS) + "".join(
        line((*row[:-2], site + reverse("paper", args=[row[0]]) if row[0] else "", *row[-2:]))
        for row in rows.iterator(chunk_size=2000)
    )


def _sif(edges: list[dict]) -> str:
    return "".join(f"{e['agent__slug']}\t{e['relation']}\t{e['target__slug']}\n" for e in edges)


def _graphml(edges: list[dict]) -> str:
    # Imported here: networkx loads ~400 modules (15 MB in every worker and import process) for
    # one rarely asked format.
    import networkx

    graph = networkx.MultiDiGraph()
    for edge in edges:
        for side in ("agent", "target"):
            graph.add_node(edge[f"{side}__slug"], name=edge[f"{side}__name"], kind=edge[f"{side}__kind"])
        graph.add_edge(
            edge["agent__slug"],
            edge["target__slug"],
            key=edge["relation"],
            relation=edge["relation"],
            papers=edge["papers"],
            claims=edge["claims"],
        )
    return "\n".join(networkx.generate_graphml(graph)) + "\n"
