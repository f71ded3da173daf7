"""What the public maps of claims read: a tag's neighbourhood, the finder's claims and the
coverage of mechanisms by therapies. Confirmed claims of approved papers only
(Claim.objects.public()); a few aggregate queries each, whatever the collection's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from papers.catalogue.models import PaperQuerySet, Tag
from papers.claims.models import Claim
from papers.tagging.models import PaperTag

FINDER_LIMIT = 50


class Tags(dict):
    """One Tag per id however many rows name it: a model instance costs more than its row."""

    def of(self, pk: int, slug: str, name: str) -> Tag:
        if (tag := self.get(pk)) is None:
            tag = self[pk] = Tag(pk=pk, slug=slug, name=name)
        return tag


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
    found, tags = Neighbourhood(tag), Tags()
    for row in rows:
        agent = tags.of(row["agent_id"], row["agent__slug"], row["agent__name"])
        target = tags.of(row["target_id"], row["target__slug"], row["target__name"])
        if target.pk == tag.pk:
            found.acting_on_it.append(Link(row["relation"], agent, agent, target, row["papers"], row["claims"]))
        else:
            found.it_acts_on.append(Link(row["relation"], target, agent, target, row["papers"], row["claims"]))
    return found


@dataclass(frozen=True)
class Scope:
    """The papers whose claims are asked for (papers.catalogue.context): about myeloma only, and
    studying one organism (an ORGANISMS value) among others; by default every paper."""

    myeloma: bool = False
    organism: str = ""

    def condition(self) -> Q:
        condition = Q()
        if self.myeloma:
            condition &= Q(paper__about_myeloma=True)
        if self.organism:  # no organism's name is part of another's
            condition &= Q(paper__organisms__contains=self.organism)
        return condition


def matching(agent: Tag | None, relation: str, target: Tag | None, scope: Scope = Scope()):
    """The public claims of this agent, relation and target (each optional), of papers in scope."""
    claims = Claim.objects.public().filter(scope.condition())
    if agent:
        claims = claims.filter(agent=agent)
    if relation:
        claims = claims.filter(relation=relation)
    if target:
        claims = claims.filter(target=target)
    return claims


SENTENCES = 3  # per row of the finder; a row narrowed to one agent, relation and target shows FINDER_LIMIT

CLAIM_FIELDS = (
    "relation",
    "negated",
    "hedged",
    "sentence",
    *Claim.MARKS,
    "paper__pmid",
    "paper__title",
    "paper__pub_year",
    "paper__journal_iso",
    "paper__organisms",
    "paper__about_myeloma",
)


@dataclass
class Statement:
    """One agent, relation and target (stated or denied) with the papers stating it and the
    newest of its sentences: one row of the finder."""

    agent: Tag
    relation: str
    target: Tag
    negated: bool
    papers: int
    claims: int
    sentences: list[Claim] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str, int, bool]:
        return (self.agent.pk, self.relation, self.target.pk, self.negated)

    def _written(self, role: str) -> list[str]:
        """The other names its sentences give the agent or target, each once, in any case."""
        names = {}
        for claim in self.sentences:
            if words := claim.written(role):
                names.setdefault(words.casefold(), words)
        return sorted(names.values(), key=str.casefold)

    @property
    def agent_written(self) -> list[str]:
        return self._written("agent")

    @property
    def target_written(self) -> list[str]:
        return self._written("target")


def claim_menus() -> tuple[list[tuple[Tag, int]], list[tuple[Tag, int]]]:
    """(agents, targets): the tags public claims have as agent and as target, each with its
    number of claims so, by name: one query."""
    agents: dict[int, list] = {}
    targets: dict[int, list] = {}
    tags = Tags()
    rows = (
        Claim.objects.public()
        .values("agent_id", "agent__slug", "agent__name", "target_id", "target__slug", "target__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        for role, menu in (("agent", agents), ("target", targets)):
            tag_id = row[f"{role}_id"]
            if (entry := menu.get(tag_id)) is None:
                entry = menu[tag_id] = [tags.of(tag_id, row[f"{role}__slug"], row[f"{role}__name"]), 0]
            entry[1] += row["n"]
    return tuple(
        sorted(map(tuple, menu.values()), key=lambda entry: entry[0].name.lower()) for menu in (agents, targets)
    )


def find_claims(
    agent: Tag | None, relation: str, target: Tag | None, scope: Scope = Scope(), limit: int = FINDER_LIMIT
):
    """(the `limit` statements most papers in scope state, each with its newest sentences; the
    number of claims matching; of their papers; whether more statements match): three queries."""
    claims = matching(agent, relation, target, scope)
    counts = claims.aggregate(claims=Count("pk"), papers=Count("paper_id", distinct=True))
    rows = list(
        claims.values_list(
            "agent_id", "agent__slug", "agent__name", "relation", "target_id", "target__slug", "target__name", "negated"
        )
        .annotate(papers=Count("paper_id", distinct=True), claims=Count("pk"))
        .order_by("-papers", "agent__name", "relation", "target__name", "negated")[: limit + 1]
    )
    tags = Tags()
    statements = [
        Statement(tags.of(a, a_slug, a_name), rel, tags.of(t, t_slug, t_name), neg, papers, n)
        for a, a_slug, a_name, rel, t, t_slug, t_name, neg, papers, n in rows[:limit]
    ]
    if statements:
        per_row = FINDER_LIMIT if agent and relation and target else SENTENCES
        by_key = {statement.key: statement for statement in statements}
        newest = Window(
            RowNumber(),
            partition_by=[F("agent_id"), F("relation"), F("target_id"), F("negated")],
            order_by=[F("paper__pub_year").desc(nulls_last=True), F("paper__pmid").desc(), F("pk")],
        )
        # Ranked within every statement that matches, the rows not shown dropped here: one
        # condition per shown row (50 ORs) cost more to build than the few rows it saves.
        sentences = (
            claims.select_related("paper")
            .only(*CLAIM_FIELDS, "agent_id", "target_id")
            .annotate(rank=newest)
            .filter(rank__lte=per_row)
            .order_by("-paper__pub_year", "-paper__pmid", "pk")
        )
        for claim in sentences:
            if statement := by_key.get((claim.agent_id, claim.relation, claim.target_id, claim.negated)):
                claim.agent, claim.target = statement.agent, statement.target  # its row's: no join, no copy
                statement.sentences.append(claim)
    return statements, counts["claims"], counts["papers"], len(rows) > limit


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
