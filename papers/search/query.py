"""The user's query, parsed PubMed-style into plain data that each backend renders safely.

`word`, `"a phrase"`, `a OR b`, `-word` / `NOT word` and an implicit AND between the rest.
A tag's name or synonym is found by the tagger's own matcher (papers.tagging.matcher), quoted or not: in
`proteasome inhibitors myeloma` the first two words are one term, the tag, searched with all its
names and its key (the papers with the tag confirmed, tag_key); a word typed in another case than
its tag's name (rankl) is that tag too.
Gene symbols keep their hyphens, digits and Greek letters (IL-6, MIP-1α, NF-κB). Anything a
full-text engine would read as an operator (* : ^ ( ) …) is turned into a space, NULs are
dropped and the text is capped, so no input can raise: at worst the query is empty and
`message` says so politely.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from papers.tagging.matcher import Tagger

MAX_LENGTH = 500
MAX_TERMS = 30  # words and phrases typed; each may expand to its tag's synonyms

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Characters kept inside a term: letters, digits and the joiners of gene symbols and names.
_NOT_TERM = re.compile(r"[^\w\-/.,'+]+|_")


@dataclass(frozen=True)
class Term:
    """A word, a gene symbol or a phrase; the backends search it as consecutive words."""

    text: str


@dataclass
class ParsedQuery:
    groups: list[list[Term]] = field(default_factory=list)  # AND of ORs
    excluded: list[Term] = field(default_factory=list)
    expanded: list[tuple[str, list[str]]] = field(default_factory=list)
    message: str = ""
    # Only the words typed, in the paper's own text: not its tags' names (the search documents
    # keep those apart, papers.search.indexing), as no synonyms are added either.
    exact: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.groups


@dataclass(frozen=True)
class Named:
    """A tag or topic that a term names: what its page lists are the public papers with one of
    `tag_ids` confirmed (a topic's tags are its own and its subtopics')."""

    kind: str  # "Tag" or "Topic"
    slug: str
    name: str
    tag_ids: tuple[int, ...]


@dataclass(frozen=True)
class TagNames:
    """What expanding a query, and naming what its terms name, needs of the tags."""

    tagger: Tagger
    terms: dict[str, tuple[str, ...]]  # slug -> the tag's name and synonyms
    slug_of: dict[str, str]  # a name or synonym, casefolded -> its tag's slug
    named: dict[str, tuple[Named, ...]]  # a tag's slug, name or synonym, or a topic's name, casefolded

    def named_by(self, terms: Collection[str]) -> list[Named]:
        """The tags and then the topics that the terms name, in any case, each once."""
        found = dict.fromkeys(named for term in terms for named in self.named.get(term.casefold(), ()))
        return sorted(found, key=lambda named: named.kind != "Tag")


def tag_key(slug: str) -> str:
    """The one word by which a search document names a confirmed tag (its tag_names), and which a
    query naming the tag adds: the tag itself, never a near name (a RANKL synonym, TRANCE, inside
    a RANK one, TRANCE receptor). A digit last, so that neither engine stems it: PostgreSQL reads
    a word with digits as it is, and no Porter suffix ends in one."""
    return "tag" + re.sub(r"[^a-z0-9]", "x", slug.lower()) + "0"


def clean(text: str) -> str:
    """Term text without operators, stray punctuation at the edges and extra spaces."""
    words = (w.strip("-/.,'+") for w in _NOT_TERM.sub(" ", text).split())
    return " ".join(w for w in words if any(c.isalnum() for c in w))


def parse(query: str, names: TagNames | None = None) -> ParsedQuery:
    """Parse the query; with `names`, a run of words or a phrase naming a tag becomes an OR over
    that tag's names, reported in `expanded`; without, the query is exact."""
    text = (query or "").replace("\x00", "")[:MAX_LENGTH]
    parsed = ParsedQuery(exact=names is None)
    join_next = negate_next = False
    typed = 0
    run: list[str] = []  # plain words in a row, in which names are looked for together
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare in ("OR", "AND", "NOT"):
            _add_run(run, names, parsed)
            join_next, negate_next = bare == "OR" and bool(parsed.groups), bare == "NOT"
            continue
        negate = bool(minus) or negate_next
        if bare is not None and bare.startswith("-"):
            negate, bare = True, bare.lstrip("-")
        term_text = clean(phrase if bare is None else bare)
        if not term_text or typed == MAX_TERMS:
            continue
        typed += 1
        if bare is not None and not negate and not join_next:
            run.append(term_text)
            continue
        _add_run(run, names, parsed)
        terms = _expand(term_text, names, parsed.expanded)
        if negate:
            parsed.excluded.extend(terms)
        elif join_next:
            parsed.groups[-1].extend(t for t in terms if t not in parsed.groups[-1])
        else:
            parsed.groups.append(terms)
        join_next = negate_next = False
    _add_run(run, names, parsed)
    if parsed.is_empty:
        parsed.message = (
            "Only words to leave out were given: add a word or phrase to search for."
            if parsed.excluded
            else "Type a word, a gene symbol or a phrase in quotes to search for."
        )
    return parsed


def _add_run(run: list[str], names: TagNames | None, parsed: ParsedQuery) -> None:
    """Each tag named in the run of words becomes a group of its names, each other word (or
    what a name leaves of it) a group of its own; the run is emptied."""
    text = " ".join(run)
    words, offset = [], 0
    for word in run:
        words.append((offset, offset + len(word)))
        offset += len(word) + 1
    run.clear()
    spans: dict[tuple[int, int], list[str]] = {}
    for mention in names.tagger.mentions(text) if names and text else ():
        spans.setdefault((mention.start, mention.end), []).append(mention.slug)
    position = 0
    for (start, end), slugs in [*spans.items(), ((len(text), len(text)), [])]:
        for low, high in words:
            if low < start and high > position and (rest := clean(text[max(low, position) : min(high, start)])):
                parsed.groups.append(_expand(rest, names, parsed.expanded))
        if slugs:
            parsed.groups.append(_alternatives(clean(text[start:end]), slugs, names, parsed.expanded))
        position = end


def _expand(term_text: str, names: TagNames | None, expanded) -> list[Term]:
    """A term, or its tag's names if the whole term names a tag."""
    if names:
        slugs = [m.slug for m in names.tagger.mentions(term_text) if (m.start, m.end) == (0, len(term_text))]
        slug = names.slug_of.get(term_text.casefold())
        if slugs or slug:
            return _alternatives(term_text, slugs or [slug], names, expanded)
    return [Term(term_text)]


def _alternatives(typed: str, slugs: list[str], names: TagNames, expanded) -> list[Term]:
    """The typed text first, then every other name of these tags, reported in `expanded`."""
    others: list[str] = []
    for slug in slugs:
        others.extend(t for t in names.terms[slug] if clean(t).casefold() != typed.casefold() and t not in others)
    expanded.append((typed, others))
    terms = [Term(typed)]
    for other in others:
        if (cleaned := clean(other)) and Term(cleaned) not in terms:
            terms.append(Term(cleaned))
    return terms + [Term(tag_key(slug)) for slug in slugs]
