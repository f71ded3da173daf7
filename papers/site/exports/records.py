"""The plain record every export writer reads, built once per paper: plain text only
(markup.to_text), every run of white space folded to one space and control characters dropped,
so no field can open a new RIS line, a CSV row or a BibTeX entry."""

import re
import unicodedata
from dataclasses import dataclass, replace

from papers.catalogue.citation import page_range
from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper
from papers.tagging.models import PaperTag


@dataclass(frozen=True)
class Name:
    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""  # a collective (group) author, never split into parts


@dataclass(frozen=True)
class Record:
    key: str  # citation key, unique within one export (BibTeX key, CSL id)
    kind: str  # article, book or chapter
    pmid: str
    doi: str
    pmcid: str
    title: str
    authors: tuple[Name, ...]
    journal: str
    journal_iso: str
    book_title: str
    publisher: str
    year: int | None
    month: int | None
    day: int | None
    volume: str
    issue: str
    first_page: str
    last_page: str
    pages: str  # the full range, end page expanded: "123-129"
    issn: str
    abstract: str
    languages: tuple[tuple[str, str], ...]  # (ISO 639-1 code, English name)
    publication_types: tuple[str, ...]
    tags: tuple[str, ...]  # confirmed tags only
    author_keywords: tuple[str, ...]
    mesh: tuple[str, ...]  # MEDLINE style: "*Multiple Myeloma/drug therapy"
    url: str
    is_retracted: bool

    @property
    def keywords(self) -> tuple[str, ...]:
        """Our confirmed tags, then the paper's own keywords, without repeats."""
        seen, out = set(), []
        for word in (*self.tags, *self.author_keywords):
            if word.casefold() not in seen:
                seen.add(word.casefold())
                out.append(word)
        return tuple(out)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text) -> str:
    """One line of plain text: white space folded (line breaks included), controls dropped."""
    return _CONTROL.sub("", " ".join(str(text or "").split()))


def records(papers: list[Paper]) -> list[Record]:
    """The papers' records, citation keys made unique in this list."""
    used = set()
    return [replace(r, key=unique_key(r.key, used)) for r in map(record, papers)]


def unique_key(key: str, used: set[str]) -> str:
    """The key, or key + a, b, … when an earlier record of the same file took it; `used` holds
    the keys taken so far and gets this one."""
    candidate, n = key, 0
    while candidate in used:
        n += 1
        candidate = key + _letters(n)
    used.add(candidate)
    return candidate


def record(paper: Paper) -> Record:
    """The paper's record, keyed by its citation key alone."""
    title, book_title = clean(to_text(paper.title)), clean(to_text(paper.book_title))
    kind = "article"
    if paper.record_type == Paper.RecordType.BOOK:
        kind = "chapter" if book_title and title != book_title else "book"
    first, last, pages = page_range(clean(paper.pages))
    year, month, day = paper.known_date
    shaped = paper.shaped
    tags = getattr(paper, "confirmed_tags", None)
    if tags is None:
        tags = paper.paper_tags.filter(status=PaperTag.Status.CONFIRMED).select_related("tag")
    unkeyed = Record(
        key="",
        kind=kind,
        pmid=str(paper.pmid or ""),
        doi=clean(paper.doi),
        pmcid=clean(paper.pmcid),
        title=title,
        authors=tuple(_name(a.author) for a in paper.authorships.all()),
        journal=clean(paper.journal_title),
        journal_iso=clean(paper.journal_iso),
        book_title=book_title,
        publisher=clean(paper.publisher),
        year=year,
        month=month,
        day=day,
        volume=clean(paper.volume),
        issue=clean(paper.issue),
        first_page=first,
        last_page=last,
        pages=pages,
        issn=clean(paper.issn),
        abstract=_abstract(paper),
        languages=tuple(LANGUAGES.get(code, (code, code)) for code in map(clean, shaped.languages) if code),
        publication_types=tuple(clean(t.name) for t in paper.publication_types.all()),
        tags=tuple(sorted(clean(t.tag.name) for t in tags)),
        author_keywords=tuple(filter(None, map(clean, shaped.keywords))),
        mesh=tuple(map(_mesh, shaped.mesh_headings)),
        url=paper.pubmed_url,
        is_retracted=paper.is_retracted,
    )
    return replace(unkeyed, key=_citation_key(unkeyed))


def _name(author) -> Name:
    if author.collective_name:
        return Name(literal=clean(author.collective_name))
    return Name(
        family=clean(author.last_name), given=clean(author.fore_name or author.initials), suffix=clean(author.suffix)
    )


def _abstract(paper: Paper) -> str:
    """Structured abstracts keep their labels ("BACKGROUND: … METHODS: …"). The sections are
    used only while they still make up the abstract, i.e. a curator has not rewritten it."""
    sections = paper.shaped.abstract_sections
    if sections and " ".join(s["text"] for s in sections) == paper.abstract:
        return clean(
            " ".join(f"{s['label']}: {to_text(s['text'])}" if s.get("label") else to_text(s["text"]) for s in sections)
        )
    return clean(to_text(paper.abstract))


def _mesh(heading: dict) -> str:
    """MEDLINE's way: major topics starred, qualifiers after slashes."""
    return "/".join(
        ("*" if item.get("major") else "") + clean(item["name"]) for item in (heading, *heading.get("qualifiers", []))
    )


_STOPWORDS = frozenset(
    "a an and are as at by for from in into is of on or the to with without versus vs its their".split()
)
_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return decomposed.encode("ascii", "ignore").decode().lower()


def _citation_key(record: Record) -> str:
    """firstauthor + year + first significant title word, ASCII: "dimopoulos2021daratumumab"."""
    first = record.authors[0] if record.authors else Name(family="anon")
    name = re.sub(r"[^a-z0-9]", "", _ascii(first.family or first.literal.split(" ")[0])) or "anon"
    words = re.findall(r"[a-z0-9]+", _ascii(record.title))
    word = next((w for w in words if w not in _STOPWORDS and not w.isdigit()), "")
    return f"{name}{record.year or 'nd'}{word}"


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


# MEDLINE's language codes (ISO 639-2/B) → ISO 639-1 (for CSL) and the English name.
LANGUAGES = {
    "eng": ("en", "English"),
    "fre": ("fr", "French"),
    "ger": ("de", "German"),
    "ita": ("it", "Italian"),
    "spa": ("es", "Spanish"),
    "por": ("pt", "Portuguese"),
    "rus": ("ru", "Russian"),
    "jpn": ("ja", "Japanese"),
    "chi": ("zh", "Chinese"),
    "pol": ("pl", "Polish"),
    "nor": ("no", "Norwegian"),
    "fin": ("fi", "Finnish"),
    "dut": ("nl", "Dutch"),
    "swe": ("sv", "Swedish"),
    "dan": ("da", "Danish"),
    "cze": ("cs", "Czech"),
    "hun": ("hu", "Hungarian"),
    "kor": ("ko", "Korean"),
    "tur": ("tr", "Turkish"),
    "gre": ("el", "Greek"),
}
