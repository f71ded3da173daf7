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
- Abbreviations inside a name: after a word of a name that is not a symbol, where the name goes
  on after a space or a dash, the text may carry a bracketed abbreviation ("bone marrow (BM)
  stromal cells", "transforming growth factor (TGF)-β1").
- Overlaps: text is read left to right and each stretch of it belongs to one name: where names
  start at the same place the longest match wins, whatever the order of the tags and names
  (OPGL over OPG, "IL-6 receptor" over IL-6); so "receptor activator of NF-κB ligand" suggests
  RANKL and not also NF-κB. A name shared by two tags is a mention of each.
- Exclusions: a tag may list patterns of text that name it without meaning it (a radiotracer,
  a sorting marker, an unrelated acronym; fixtures/TAXONOMY.md); a mention inside a match of
  one of its tag's exclusions is not that tag.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from papers.catalogue.markup import to_text
from papers.catalogue.records import PubMedRecord

EVIDENCE_MAX = 500

# Greek letter -> its spelled name, then look-alikes typed in its place.
_GREEK = {
    "α": ("alpha",),
    "β": ("beta", "ß", "ϐ"),
    "γ": ("gamma",),
    "δ": ("delta",),
    "ε": ("epsilon", "ϵ"),
    "ζ": ("zeta",),
    "η": ("eta",),
    "θ": ("theta", "ϑ"),
    "ι": ("iota",),
    "κ": ("kappa", "k", "ϰ"),
    "λ": ("lambda",),
    "μ": ("mu", "µ"),
    "ν": ("nu",),
    "ξ": ("xi",),
    "ο": ("omicron",),
    "π": ("pi",),
    "ρ": ("rho",),
    "σ": ("sigma", "ς"),
    "τ": ("tau",),
    "υ": ("upsilon",),
    "φ": ("phi", "ϕ"),
    "χ": ("chi",),
    "ψ": ("psi",),
    "ω": ("omega",),
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
    r"(?:(?<![^\W\d_])(?:%s)|(?<=[A-Z])(?:%s))(?![a-z])"  # noqa: UP031
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
# A bracketed abbreviation the text may insert between two words of a name: "bone marrow (BM)".
_INSERTED_ABBREVIATION = r"(?:\s?\([A-Za-z0-9\u0370-\u03ff]{1,8}s?\))?"


# Where a sentence may end: ., ! or ? (and closing quotes or brackets) before a space and a
# capital, digit, Greek letter or opening bracket; or a full stop run into the next word, as in
# PubMed's unlabelled structured abstracts ("cohort study.ObjectiveIn general").
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u0370-\u03ff])|(?<=[a-z]{2}.)(?=[A-Z][a-z]))")
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "vs",
    "al",
    "fig",
    "figs",
    "cf",
    "approx",
    "ca",
    "ref",
    "refs",
    "eq",
    "no",
    "resp",
    "viz",
    "dr",
}


@dataclass(frozen=True)
class TagTerms:
    """What the tagger needs of one Tag."""

    slug: str
    names: tuple[str, ...]  # Tag.name followed by its synonyms
    exclusions: tuple[str, ...] = ()  # regex patterns of text that names the tag without meaning it


@dataclass(frozen=True)
class Mention:
    """Where a tag is named in a plain text."""

    slug: str
    start: int  # character offsets in the plain text given
    end: int
    matched: str  # text[start:end]


@dataclass(frozen=True)
class _Name:
    """One compiled dictionary name: matched alone at a place where some name starts."""

    pattern: re.Pattern
    slugs: tuple[str, ...]


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
    """All dictionary names compiled into one regex shaped as a trie of pattern pieces, which
    finds where the next name starts (at each word start the engine follows only the names
    sharing its first characters instead of trying every name in turn). A regex alternation
    takes the first branch that matches, not the longest, so at that place each name starting
    with the same character is then matched alone and the longest wins."""

    def __init__(self, tags: Iterable[TagTerms]):
        trie: dict = {}
        slugs_of: dict[tuple[str, ...], list[str]] = {}
        self._exclusions: dict[str, list[re.Pattern]] = {}
        for tag in tags:
            for name in tag.names:
                pieces = _name_pieces(name)
                if not pieces:
                    continue
                node = trie
                for piece in pieces:
                    node = node.setdefault(piece, {})
                node[None] = True
                slugs = slugs_of.setdefault(tuple(pieces), [])
                if tag.slug not in slugs:
                    slugs.append(tag.slug)
            if tag.exclusions:
                self._exclusions[tag.slug] = [re.compile(pattern) for pattern in tag.exclusions]
        self._names: dict[str, list[_Name]] = {}
        for pieces, slugs in slugs_of.items():
            name = _Name(re.compile("".join(pieces) + r"(?![^\W_])"), tuple(slugs))
            for first in _first_characters(pieces[0]):
                self._names.setdefault(first, []).append(name)
        names = _alternation(trie) if trie else "(?!)"
        self._pattern = re.compile(rf"(?<![^\W_])(?:{names})(?![^\W_])")

    def mentions(self, text: str) -> list[Mention]:
        """Every tag mention in plain text (the caller applies markup.to_text), left to right,
        non-overlapping, the longest name winning whatever the row order, exclusions applied.
        A name shared by two tags yields one Mention per tag at the same span."""
        found: list[Mention] = []
        excluded: dict[str, list[tuple[int, int]]] = {}
        position = 0
        while hit := self._pattern.search(text, position):
            start, end, slugs = hit.start(), hit.end(), []
            for name in self._names.get(text[start], ()):
                match = name.pattern.match(text, start)
                if match is None or match.end() < end:
                    continue
                if match.end() > end:
                    end, slugs = match.end(), []
                slugs.extend(slug for slug in name.slugs if slug not in slugs)
            for slug in slugs:
                if not self._is_excluded(slug, text, start, end, excluded):
                    found.append(Mention(slug, start, end, text[start:end]))
            position = end
        return found

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

    def _is_excluded(self, slug: str, text: str, start: int, end: int, spans: dict) -> bool:
        """Whether a match of one of the tag's exclusions covers this mention (the exclusions'
        matches in this text are found once per tag)."""
        patterns = self._exclusions.get(slug)
        if not patterns:
            return False
        if slug not in spans:
            spans[slug] = [m.span() for pattern in patterns for m in pattern.finditer(text)]
        return any(low <= start and end <= high for low, high in spans[slug])

    def _scan(self, field: str, text: str, found: dict[str, Suggestion]) -> None:
        """Adds a Suggestion for each tag first seen in this text."""
        sentences = None
        for mention in self.mentions(text):
            if mention.slug in found:
                continue
            start, end = 0, len(text)
            if field in ("title", "abstract"):
                if sentences is None:
                    sentences = sentence_starts(text)
                i = bisect.bisect_right(sentences, mention.start)
                start = sentences[i - 1]
                end = sentences[i] if i < len(sentences) else end
            evidence = _clip(text[start:end].rstrip(), mention.start - start, mention.end - start)
            found[mention.slug] = Suggestion(mention.slug, field, evidence, mention.matched)


def _name_pieces(name: str) -> list[str]:
    """A dictionary name as regex pieces: one per character, a flexible separator between
    tokens (where words of a non-symbol are spaced, also room for a bracketed abbreviation), an
    alternation per Greek letter, and an optional plural s."""
    if not any(c.isalnum() for c in name):
        return []
    name = _SPELLED_GREEK.sub(lambda m: _LETTER_OF_NAME[m.group().lower()], name.replace("µ", "μ"))
    symbol = not any(c.islower() and not "\u0370" <= c <= "\u03ff" for c in name)
    pieces: list[str] = []
    previous = last_word = ""
    for token in _NAME_TOKEN.finditer(name):
        kind, text = token.lastgroup, token.group()
        if pieces and pieces[-1] != _SEP and (kind == "sep" or {previous, kind} <= _ALNUM):
            if kind == "sep" and previous == "letters" and not symbol:
                pieces.append(_INSERTED_ABBREVIATION)
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
    while pieces[-1] in (_SEP, _INSERTED_ABBREVIATION):
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
        branches.append("")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _first_characters(piece: str) -> set[str]:
    """The characters a name's first piece can match first (see _name_pieces for the shapes)."""
    if piece.startswith("(?i:"):  # a Greek letter and its spelled names and look-alikes
        alternatives = piece[4:-1].split("|")
        return {case for a in alternatives for case in (a[0], a[0].lower(), a[0].upper())}
    if len(piece) == 4 and piece[0] == "[" and piece[3] == "]":  # either case of a letter
        return {piece[1], piece[2]}
    return {piece[-1]}  # a literal character, maybe escaped


def sentence_starts(text: str) -> list[int]:
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
