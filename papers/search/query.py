"""The user's query, parsed PubMed-style into plain data that each backend renders safely.

`word`, `"a phrase"`, `a OR b`, `-word` / `NOT word` and an implicit AND between the rest.
Gene symbols keep their hyphens, digits and Greek letters (IL-6, MIP-1α, NF-κB). Anything a
full-text engine would read as an operator (* : ^ ( ) …) is turned into a space, NULs are
dropped and the text is capped, so no input can raise: at worst the query is empty and
`message` says so politely.
"""

import re
from dataclasses import dataclass, field

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

    @property
    def is_empty(self) -> bool:
        return not self.groups


def clean(text: str) -> str:
    """Term text without operators, stray punctuation at the edges and extra spaces."""
    words = (w.strip("-/.,'+") for w in _NOT_TERM.sub(" ", text).split())
    return " ".join(w for w in words if any(c.isalnum() for c in w))


def parse(query: str, synonyms: dict[str, list[str]] | None = None) -> ParsedQuery:
    """Parse the query; with `synonyms` (a casefolded term → all its tag's terms), a term equal
    to a tag term becomes an OR over that tag's terms, reported in `expanded`."""
    text = (query or "").replace("\x00", "")[:MAX_LENGTH]
    parsed = ParsedQuery()
    join_next = negate_next = False
    typed = 0
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare in ("OR", "AND", "NOT"):
            join_next, negate_next = bare == "OR" and bool(parsed.groups), bare == "NOT"
            continue
        negate = bool(minus) or negate_next
        if bare is not None and bare.startswith("-"):
            negate, bare = True, bare.lstrip("-")
        term_text = clean(phrase if bare is None else bare)
        if not term_text or typed == MAX_TERMS:
            continue
        typed += 1
        terms = _expand(Term(term_text), synonyms, parsed.expanded)
        if negate:
            parsed.excluded.extend(terms)
        elif join_next:
            parsed.groups[-1].extend(t for t in terms if t not in parsed.groups[-1])
        else:
            parsed.groups.append(terms)
        join_next = negate_next = False
    if parsed.is_empty:
        parsed.message = ("Only words to leave out were given: add a word or phrase to search for."
                          if parsed.excluded else "Type a word, a gene symbol or a phrase in quotes to search for.")
    return parsed


def _expand(term: Term, synonyms, expanded) -> list[Term]:
    alternatives = (synonyms or {}).get(term.text.casefold())
    if not alternatives:
        return [term]
    others = [t for t in alternatives if t.casefold() != term.text.casefold()]
    expanded.append((term.text, others))
    return [term, *(Term(clean(t)) for t in others if clean(t))]
