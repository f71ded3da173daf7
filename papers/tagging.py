"""The dictionary tagger: suggests tags for a paper from its title, abstract, keywords and MeSH.

Plain Python (no Django) so the importer, the retag command and the tests share one matcher
that is compiled once and reused for every record.

Matching rules
- Title and abstract are sanitised markup: tags are removed, entities unescaped and runs of
  whitespace collapsed before matching (``NF-<i>κ</i>B`` is ``NF-κB``); evidence is that plain text.
- Dictionary names and text are compared through the same normalisation, built into the
  pattern, so a spelling matches its variants even when only one is listed:
  a Greek letter also matches its spelled name in any case and its look-alikes
  (α ~ alpha, β ~ beta ~ ß, κ ~ kappa ~ k, μ ~ mu ~ µ); a spelled name in a dictionary name
  counts as the letter ("MIP-1alpha" is "MIP-1α") unless it is written in capitals (ETA) or
  is part of a word (Meta, betamethasone). Between letters, digits and Greek letters, and
  wherever the name has a space or a dash, the text may have a space, a hyphen, any Unicode
  dash or nothing: "DKK-1" = "DKK1" = "DKK 1", "NF-κB" = "NF-kappa B" = "NFKB".
- Case: a name with no lower-case Latin letter is a symbol (OPG, IL-6, TRANCE, NF-κB, MIP-1α)
  and matches case-sensitively, apart from its Greek letters; any other name
  (osteoprotegerin, Dickkopf-1) matches case-insensitively.
- Boundaries: a match may not touch a letter or digit on either side, so OPG does not fire in
  OPGL or TOPGEAR, nor IL-6 in IL-60 or IL-6R. A name that is not a symbol and ends in a word
  of three or more letters also matches that word with or without a plural s
  (osteoclasts; bisphosphonates also matches bisphosphonate).
- Overlaps: text is read left to right and each stretch of it belongs to one name, a longer
  name winning over a shorter one it starts with (OPGL over OPG); so "receptor activator of
  NF-κB ligand" suggests RANKL and not also NF-κB.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .markup import to_text
from .ingest.medline import PubMedRecord

EVIDENCE_MAX = 500

# Greek letter -> its spelled name, then look-alikes typed in its place.
_GREEK = {
    "α": ("alpha",), "β": ("beta", "ß", "ϐ"), "γ": ("gamma",), "δ": ("delta",),
    "ε": ("epsilon", "ϵ"), "ζ": ("zeta",), "η": ("eta",), "θ": ("theta", "ϑ"), "ι": ("iota",),
    "κ": ("kappa", "k", "ϰ"), "λ": ("lambda",), "μ": ("mu", "µ"), "ν": ("nu",), "ξ": ("xi",),
    "ο": ("omicron",), "π": ("pi",), "ρ": ("rho",), "σ": ("sigma", "ς"), "τ": ("tau",),
    "υ": ("upsilon",), "φ": ("phi", "ϕ"), "χ": ("chi",), "ψ": ("psi",), "ω": ("omega",),
}
_LETTER_OF_NAME = {names[0]: letter for letter, names in _GREEK.items()}
_GREEK_PIECE = {
    letter: "(?i:" + "|".join(map(re.escape, sorted((letter, *names), key=len, reverse=True))) + ")"
    for letter, names in _GREEK.items()
}
_SPELLED_LONGEST_FIRST = sorted(_LETTER_OF_NAME, key=len, reverse=True)
# A spelled name standing alone or after a digit ("MIP-1alpha", "Beta-catenin"), or a longer
# one glued to capitals ("TNFalpha", "NF-kappaB"), never followed by more lower-case letters.
_SPELLED_GREEK = re.compile(
    r"(?:(?<![^\W\d_])(?:%s)|(?<=[A-Z])(?:%s))(?![a-z])"
    % (
        "|".join(n for name in _SPELLED_LONGEST_FIRST for n in (name, name.capitalize())),
        "|".join(name for name in _SPELLED_LONGEST_FIRST if len(name) >= 4),
    )
)

_DASHES = r"\-\u2010-\u2015\u2212"
_SEP = rf"[\s{_DASHES}]?"
_PLURAL = "[sS]?"
_NAME_TOKEN = re.compile(
    rf"(?P<sep>[\s{_DASHES}]+)|(?P<greek>[\u0370-\u03ff])|(?P<digits>\d+)"
    r"|(?P<letters>[^\W\d_\u0370-\u03ff]+)|(?P<other>.)",
    re.S,
)
_ALNUM = {"greek", "digits", "letters"}


# Where a sentence may end: ., ! or ? (and closing quotes or brackets) before a space and a
# capital, digit, Greek letter or opening bracket; or a full stop run into the next word, as in
# PubMed's unlabelled structured abstracts ("cohort study.ObjectiveIn general").
_SENTENCE_END = re.compile(
    r"[.!?](?:[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u0370-\u03ff])|(?<=[a-z]{2}.)(?=[A-Z][a-z]))"
)
_ABBREVIATIONS = {
    "e.g", "i.e", "vs", "al", "fig", "figs", "cf", "approx", "ca", "ref", "refs", "eq", "no",
    "resp", "viz", "dr",
}


@dataclass(frozen=True)
class TagTerms:
    """What the tagger needs of one Tag."""

    slug: str
    names: tuple[str, ...]  # Tag.name followed by its synonyms


@dataclass(frozen=True)
class Mention:
    """A tag named in plain text, at text[start:end]."""

    slug: str
    start: int
    end: int
    matched: str


@dataclass(frozen=True)
class Suggestion:
    """A tag proposed for a paper, with what supports it, for a curator to confirm."""

    slug: str
    field: str  # "title", "abstract", "keywords" or "mesh": the first field where it matched
    evidence: str  # the supporting sentence (or keyword, heading), plain text
    matched: str  # the exact text matched


class TaggableText(NamedTuple):
    """What the tagger reads of one paper."""

    paper_id: int | None
    title: str
    abstract: str
    keywords: Sequence[str]
    mesh: Sequence[str]  # MeSH headings and chemical names

    @classmethod
    def of_paper(cls, paper) -> TaggableText:
        """From a saved Paper (its MeSH headings stored as dicts; values of a wrong shape left out)."""
        shaped = paper.shaped
        mesh = [h["name"] for h in shaped.mesh_headings] + shaped.chemicals
        return cls(paper.pk, paper.title, paper.abstract, shaped.keywords, mesh)

    @classmethod
    def of_record(cls, record: PubMedRecord, paper_id: int | None = None) -> TaggableText:
        mesh = [h.name for h in record.mesh_headings] + list(record.chemicals)
        return cls(paper_id, record.title, record.abstract, record.keywords, mesh)


class Tagger:
    """All dictionary names compiled into one regex shaped as a trie of pattern pieces: at each
    word start the engine follows only the names sharing its first characters instead of trying
    every name in turn (several times faster than a flat alternation)."""

    def __init__(self, tags: Iterable[TagTerms]):
        trie: dict = {}
        slugs_at_leaf: list[list[str]] = []
        for tag in tags:
            for name in tag.names:
                pieces = _name_pieces(name)
                if not pieces:
                    continue
                node = trie
                for piece in pieces:
                    node = node.setdefault(piece, {})
                if None not in node:
                    node[None] = len(slugs_at_leaf)
                    slugs_at_leaf.append([])
                if tag.slug not in slugs_at_leaf[node[None]]:
                    slugs_at_leaf[node[None]].append(tag.slug)
        self._slugs = {f"t{i}": tuple(slugs) for i, slugs in enumerate(slugs_at_leaf)}
        names = _alternation(trie) if trie else "(?!)"
        self._pattern = re.compile(rf"(?<![^\W_])(?:{names})(?![^\W_])")

    def mentions(self, text: str) -> list[Mention]:
        """Every tag mention in plain text (caller applies markup.to_text), left to right,
        non-overlapping, longest name winning; a name shared by two tags yields one Mention per tag."""
        return [Mention(slug, match.start(), match.end(), match.group())
                for match in self._pattern.finditer(text) for slug in self._slugs[match.lastgroup]]

    def suggest(
        self, *, title: str, abstract: str, keywords: Sequence[str] = (), mesh: Sequence[str] = ()
    ) -> list[Suggestion]:
        """One Suggestion per tag found, ordered by slug. Never raises on odd text."""
        found: dict[str, Suggestion] = {}
        fields = (("title", (title,)), ("abstract", (abstract,)), ("keywords", keywords), ("mesh", mesh))
        for field, texts in fields:
            for text in texts:
                self._scan(field, to_text(text or ""), found)
        return [found[slug] for slug in sorted(found)]

    def suggest_text(self, text: TaggableText) -> list[Suggestion]:
        return self.suggest(title=text.title, abstract=text.abstract, keywords=text.keywords, mesh=text.mesh)

    def suggest_record(self, record: PubMedRecord) -> list[Suggestion]:
        """For a parsed record; picklable as a bound method, so a parsing process can call it."""
        return self.suggest_text(TaggableText.of_record(record))

    def _scan(self, field: str, text: str, found: dict[str, Suggestion]) -> None:
        """Adds a Suggestion for each tag first seen in this text."""
        sentences = None
        for match in self._pattern.finditer(text):
            new = [slug for slug in self._slugs[match.lastgroup] if slug not in found]
            if not new:
                continue
            start, end = 0, len(text)
            if field in ("title", "abstract"):
                if sentences is None:
                    sentences = _sentence_starts(text)
                i = bisect.bisect_right(sentences, match.start())
                start = sentences[i - 1]
                end = sentences[i] if i < len(sentences) else end
            evidence = _clip(text[start:end].rstrip(), match.start() - start, match.end() - start)
            for slug in new:
                found[slug] = Suggestion(slug, field, evidence, match.group())


def _name_pieces(name: str) -> list[str]:
    """A dictionary name as regex pieces: one per character, a flexible separator between
    tokens, an alternation per Greek letter, and an optional plural s."""
    if not any(c.isalnum() for c in name):
        return []
    name = _SPELLED_GREEK.sub(lambda m: _LETTER_OF_NAME[m.group().lower()], name.replace("µ", "μ"))
    symbol = not any(c.islower() and not "\u0370" <= c <= "\u03ff" for c in name)
    pieces: list[str] = []
    previous = last_word = ""
    for token in _NAME_TOKEN.finditer(name):
        kind, text = token.lastgroup, token.group()
        if pieces and pieces[-1] != _SEP and (kind == "sep" or {previous, kind} <= _ALNUM):
            pieces.append(_SEP)
        if kind == "greek":
            pieces.append(_GREEK_PIECE.get(text.lower(), re.escape(text)))
        elif kind == "letters" and not symbol:
            pieces.extend(map(_either_case, text))
        elif kind != "sep":
            pieces.extend(map(re.escape, text))
        if kind != "sep":
            last_word = text if kind == "letters" else ""
        previous = kind
    if pieces[-1] == _SEP:
        pieces.pop()
    if not symbol and len(last_word) >= 3:
        if last_word.endswith("s") and not last_word.lower().endswith(("ss", "us", "is")):
            pieces.pop()
        pieces.append(_PLURAL)
    return pieces


def _either_case(letter: str) -> str:
    """A character class for both cases of a letter (ß and İ, whose case maps change length,
    stay literal)."""
    upper, lower = letter.upper(), letter.lower()
    if len(upper) == len(lower) == 1 and upper != lower:
        return f"[{lower}{upper}]"
    return re.escape(letter)


def _alternation(node: dict) -> str:
    """The regex of a trie node; a name ending here is tried after the longer ones."""
    branches = [piece + _alternation(child) for piece, child in node.items() if piece is not None]
    if None in node:
        branches.append(f"(?P<t{node[None]}>)")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _sentence_starts(text: str) -> list[int]:
    """Offsets where sentences begin, skipping full stops of abbreviations and initials."""
    starts = [0]
    for end in _SENTENCE_END.finditer(text):
        stop = end.start()
        if text[stop] == ".":
            word = text[text.rfind(" ", 0, stop) + 1 : stop].lstrip("\"'“‘([")
            if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        starts.append(end.end())
    return starts


def _clip(sentence: str, match_start: int, match_end: int) -> str:
    """The sentence, or EVIDENCE_MAX characters of it around the match, marked … where cut."""
    if len(sentence) <= EVIDENCE_MAX:
        return sentence
    margin = max(0, (EVIDENCE_MAX - 2 - (match_end - match_start)) // 2)
    low = max(0, min(match_start - margin, len(sentence) - EVIDENCE_MAX))
    clipped = sentence[low : low + EVIDENCE_MAX]
    if low > 0:
        clipped = "…" + clipped[1:]
    if low + EVIDENCE_MAX < len(sentence):
        clipped = clipped[:-1] + "…"
    return clipped
