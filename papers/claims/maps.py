"""What the public maps of claims read: a tag's neighbourhood, the finder's claims and the
coverage of mechanisms by therapies. Confirmed claims of approved papers only
(Claim.objects.public()); a few aggregate queries each, whatever the collection's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from papers.catalogue.models import PaperQuerySet, Tag
from papers.claims.models import Claim
from papers.tagging.models import PaperTag

FINDER_LIMIT = 50


@dataclass(frozen=True)
class Link:
    """Claims of one relation between a tag and another, summed over papers."""

    relation: str
    other: Tag
    agent: Tag
    target: Tag
    papers: int
    claims: int


@dataclass
class Neighbourhood:
    tag: Tag
    acting_on_it: list[Link] = field(default_factory=list)  # the tag is the target
    it_acts_on: list[Link] = field(default_factory=list)  # the tag is the agent

    def grouped(self, links: list[Link]) -> list[tuple[str, list[Link]]]:
        """Links by relation, in the relations' fixed order."""
        return [
            (relation, [link for link in links if link.relation == relation])
            for relation in Claim.Relation.values
            if any(link.relation == relation for link in links)
        ]

    @property
    def acting_on_it_grouped(self):
        return self.grouped(self.acting_on_it)

    @property
    def it_acts_on_grouped(self):
        return self.grouped(self.it_acts_on)


def neighbourhood(tag: Tag) -> Neighbourhood:
    """What acts on the tag and what it acts on, by relation, with paper counts: one query."""
    rows = (
        Claim.objects.public()
        .filter(Q(agent=tag) | Q(target=tag))
        .values("relation", "agent_id", "agent__slug", "agent__name", "target_id", "target__slug", "target__name")
        .annotate(papers=Count("paper_id", distinct=True), claims=Count("pk"))
        .order_by("-papers", "agent__name", "target__name", "relation")
    )
    found = Neighbourhood(tag)
    for row in rows:
        agent = Tag(pk=row["agent_id"], slug=row["agent__slug"], name=row["agent__name"])
        target = Tag(pk=row["target_id"], slug=row["target__slug"], name=row["target__name"])
        if target.pk == tag.pk:
            found.acting_on_it.append(Link(row["relation"], agent, agent, target, row["papers"], row["claims"]))
        else:
            found.it_acts_on.append(Link(row["relation"], target, agent, target, row["papers"], row["claims"]))
    return found


def matching(agent: Tag | None, relation: str, target: Tag | None):
    """The public claims of this agent, relation and target (each optional)."""
    claims = Claim.objects.public()
    if agent:
        claims = claims.filter(agent=agent)
    if relation:
        claims = claims.filter(relation=relation)
    if target:
        claims = claims.filter(target=target)
    return claims


def find_claims(agent: Tag | None, relation: str, target: Tag | None, limit: int = FINDER_LIMIT):
    """(the newest `limit` claims matching, their number, the number of their papers): two queries."""
    claims = matching(agent, relation, target)
    counts = claims.aggregate(claims=Count("pk"), papers=Count("paper_id", distinct=True))
    shown = (
        claims.select_related("paper", "agent", "target")
        .only(
            "relation",
            "negated",
            "hedged",
            "sentence",
            "agent_start",
            "agent_end",
            "target_start",
            "target_end",
            "trigger_start",
            "trigger_end",
            "paper__pmid",
            "paper__title",
            "paper__pub_year",
            "paper__journal_iso",
            "agent__slug",
            "agent__name",
            "target__slug",
            "target__name",
        )
        .order_by("-paper__pub_year", "-paper__pmid", "pk")[:limit]
    )
    return list(shown), counts["claims"], counts["papers"]


@dataclass(frozen=True)
class Cell:
    mechanism: Tag
    therapy: Tag
    papers: int
    claims: int


def coverage() -> tuple[list[Tag], list[tuple[Tag, list[Cell]]]]:
    """(therapies, [(mechanism, a cell per therapy)]): approved papers with both tags confirmed,
    and confirmed claims between the two either way. Three queries."""
    tags = list(Tag.objects.only("slug", "name", "kind").order_by("name"))
    therapies = [tag for tag in tags if tag.kind == Tag.Kind.DRUG]
    mechanisms = [tag for tag in tags if tag.kind != Tag.Kind.DRUG]
    confirmed, drug = PaperTag.Status.CONFIRMED, Tag.Kind.DRUG
    papers = dict(
        ((m, t), n)
        for m, t, n in (
            PaperTag.objects.filter(PaperQuerySet.public_condition("paper__"), status=confirmed)
            .exclude(tag__kind=drug)
            .filter(paper__paper_tags__status=confirmed, paper__paper_tags__tag__kind=drug)
            .values_list("tag_id", "paper__paper_tags__tag_id")
            .annotate(n=Count("paper_id", distinct=True))
            .order_by()
        )
    )
    claims: dict[tuple[int, int], int] = defaultdict(int)
    for agent_id, target_id, kind, n in (
        Claim.objects.public()
        .filter(Q(agent__kind=drug) ^ Q(target__kind=drug))
        .values_list("agent_id", "target_id", "agent__kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        claims[(target_id, agent_id) if kind == drug else (agent_id, target_id)] += n
    rows = [
        (
            mechanism,
            [
                Cell(
                    mechanism,
                    therapy,
                    papers.get((mechanism.pk, therapy.pk), 0),
                    claims.get((mechanism.pk, therapy.pk), 0),
                )
                for therapy in therapies
            ],
        )
        for mechanism in mechanisms
    ]
    return therapies, rows
