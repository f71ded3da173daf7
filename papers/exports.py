"""Exports for reference managers: RIS, BibTeX, CSV and CSL-JSON, of one paper or a result set.

Every writer reads the same plain `Record` built once per paper, so the four formats agree on
what each field holds. Records carry plain text only (markup.to_text), with every run of white
space, line breaks included, folded to one space and control characters dropped: no field can
open a new RIS line, a CSV row or a BibTeX entry. The writers never filter by status; callers
pass the ids of public papers.
"""

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, replace

import bibtexparser
import rispy
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.model import Entry, Field
from django.db.models import Prefetch

from .citation import page_range
from .markup import to_text
from .models import Authorship, Paper, PaperTag

EXPORT_LIMIT = 5000  # most records in one export; views refuse more with a message


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    content_type: str
    extension: str


FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("ris", "RIS (EndNote, Zotero, Mendeley)", "application/x-research-info-systems; charset=utf-8", "ris"),
    Format("bib", "BibTeX", "application/x-bibtex; charset=utf-8", "bib"),
    Format("csv", "CSV (spreadsheet)", "text/csv; charset=utf-8", "csv"),
    Format("json", "CSL-JSON (Zotero, Pandoc)", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
)}


def load(ids: list[int]) -> list[Paper]:
    """The papers with these primary keys, in the order given, with authors (by position),
    publication types and confirmed tags prefetched: four queries whatever len(ids).
    Unknown ids are skipped; status is not checked."""
    if not ids:
        return []
    papers = Paper.objects.filter(pk__in=ids).order_by().prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author").order_by("position")),
        Prefetch("paper_tags", to_attr="confirmed_tags", queryset=PaperTag.objects.filter(
            status=PaperTag.Status.CONFIRMED).select_related("tag").order_by("tag__name")),
        "publication_types",
    )
    by_pk = {paper.pk: paper for paper in papers}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def write(papers: list[Paper], key: str) -> str:
    """The whole export document in the format FORMATS[key], papers in the order given.
    Papers should come from load(); others cost a query or two each."""
    records = _records(papers)
    return _WRITERS[key](records)


# --- the plain record -----------------------------------------------------------------------


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


def _clean(text) -> str:
    """One line of plain text: white space folded (line breaks included), controls dropped."""
    return _CONTROL.sub("", " ".join(str(text or "").split()))


def _records(papers: list[Paper]) -> list[Record]:
    records, used = [], set()
    for paper in papers:
        record = _record(paper)
        key = _unique_key(_citation_key(record), used)
        records.append(replace(record, key=key))
    return records


def _record(paper: Paper) -> Record:
    title, book_title = _clean(to_text(paper.title)), _clean(to_text(paper.book_title))
    kind = "article"
    if paper.record_type == Paper.RecordType.BOOK:
        kind = "chapter" if book_title and title != book_title else "book"
    first, last, pages = page_range(_clean(paper.pages))
    tags = getattr(paper, "confirmed_tags", None)
    if tags is None:
        tags = paper.paper_tags.filter(status=PaperTag.Status.CONFIRMED).select_related("tag")
    return Record(
        key="", kind=kind, pmid=str(paper.pmid or ""), doi=_clean(paper.doi), pmcid=_clean(paper.pmcid),
        title=title, authors=tuple(_name(a.author) for a in paper.authorships.all()),
        journal=_clean(paper.journal_title), journal_iso=_clean(paper.journal_iso),
        book_title=book_title, publisher=_clean(paper.publisher),
        year=paper.pub_year, month=paper.pub_month if paper.pub_year else None,
        day=paper.pub_day if paper.pub_year and paper.pub_month else None,
        volume=_clean(paper.volume), issue=_clean(paper.issue), first_page=first, last_page=last, pages=pages,
        issn=_clean(paper.issn), abstract=_abstract(paper),
        languages=tuple(_LANGUAGES.get(code, (code, code)) for code in map(_clean, paper.languages) if code),
        publication_types=tuple(_clean(t.name) for t in paper.publication_types.all()),
        tags=tuple(sorted(_clean(t.tag.name) for t in tags)),
        author_keywords=tuple(filter(None, map(_clean, paper.keywords))),
        mesh=tuple(map(_mesh, paper.mesh_headings)), url=paper.pubmed_url, is_retracted=paper.is_retracted,
    )


def _name(author) -> Name:
    if author.collective_name:
        return Name(literal=_clean(author.collective_name))
    return Name(family=_clean(author.last_name), given=_clean(author.fore_name or author.initials),
                suffix=_clean(author.suffix))


def _abstract(paper: Paper) -> str:
    """Structured abstracts keep their labels ("BACKGROUND: … METHODS: …"). The sections are
    used only while they still make up the abstract, i.e. a curator has not rewritten it."""
    sections = paper.abstract_sections or []
    if sections and " ".join(s["text"] for s in sections) == paper.abstract:
        return _clean(" ".join(f"{s['label']}: {to_text(s['text'])}" if s.get("label") else to_text(s["text"])
                               for s in sections))
    return _clean(to_text(paper.abstract))


def _mesh(heading: dict) -> str:
    """MEDLINE's way: major topics starred, qualifiers after slashes."""
    return "/".join(("*" if item.get("major") else "") + _clean(item["name"])
                    for item in (heading, *heading.get("qualifiers", [])))


_STOPWORDS = frozenset(
    "a an and are as at by for from in into is of on or the to with without versus vs its their".split()
)
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l",
                       "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i"})


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


def _unique_key(key: str, used: set[str]) -> str:
    """The key, or key + a, b, … when an earlier record in the same file took it."""
    candidate, n = key, 0
    while candidate in used:
        n += 1
        candidate = key + _letters(n)
    used.add(candidate)
    return candidate


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


# MEDLINE's language codes (ISO 639-2/B) → ISO 639-1 (for CSL) and the English name.
_LANGUAGES = {
    "eng": ("en", "English"), "fre": ("fr", "French"), "ger": ("de", "German"), "ita": ("it", "Italian"),
    "spa": ("es", "Spanish"), "por": ("pt", "Portuguese"), "rus": ("ru", "Russian"), "jpn": ("ja", "Japanese"),
    "chi": ("zh", "Chinese"), "pol": ("pl", "Polish"), "nor": ("no", "Norwegian"), "fin": ("fi", "Finnish"),
    "dut": ("nl", "Dutch"), "swe": ("sv", "Swedish"), "dan": ("da", "Danish"), "cze": ("cs", "Czech"),
    "hun": ("hu", "Hungarian"), "kor": ("ko", "Korean"), "tur": ("tr", "Turkish"), "gre": ("el", "Greek"),
}


# --- RIS ------------------------------------------------------------------------------------


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers records ("1.") by default; reference managers expect none


def _ris(records: list[Record]) -> str:
    return rispy.dumps([_ris_entry(r) for r in records], implementation=_RisWriter)


def _ris_entry(r: Record) -> dict:
    date = "/".join(f"{part:02d}" for part in (r.year, r.month, r.day) if part)
    entry = {
        "type_of_reference": {"article": "JOUR", "book": "BOOK", "chapter": "CHAP"}[r.kind],
        "authors": [_ris_name(a) for a in r.authors],
        "title": r.title,
        "year": str(r.year or ""),
        "date": date,
        # T2 the journal (the book, for a chapter); JO and J2 the abbreviation, as Zotero reads both.
        "secondary_title": r.journal if r.kind == "article" else r.book_title if r.kind == "chapter" else "",
        "journal_name": r.journal_iso,
        "alternate_title1": r.journal_iso,
        "volume": r.volume,
        "number": r.issue,
        "start_page": r.first_page,
        "end_page": r.last_page,
        "publisher": r.publisher,
        "issn": r.issn,
        "language": "; ".join(name for _, name in r.languages),
        "type_of_work": "; ".join(r.publication_types),
        "accession_number": r.pmid,
        "name_of_database": "PubMed" if r.pmid else "",
        "doi": r.doi,
        "urls": [r.url] if r.url else [],
        "keywords": list(r.keywords),
        "abstract": r.abstract,
        "notes": [note for note in (r.pmid and f"PMID: {r.pmid}", r.pmcid and f"PMCID: {r.pmcid}",
                                    r.is_retracted and "Retracted publication") if note],
    }
    return {label: value for label, value in entry.items() if value}


def _ris_name(name: Name) -> str:
    return name.literal or ", ".join(part for part in (name.family, name.given, name.suffix) if part)


# --- BibTeX ---------------------------------------------------------------------------------

_LATEX = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _tex(text: str) -> str:
    """LaTeX's special characters escaped; everything else, non-ASCII included, kept as is."""
    return text.translate(_LATEX)


def _bibtex(records: list[Record]) -> str:
    library = bibtexparser.Library([_bib_entry(r) for r in records])
    return bibtexparser.write_string(
        library, unparse_stack=default_unparse_stack(allow_inplace_modification=True))


def _bib_entry(r: Record) -> Entry:
    fields = {
        "author": " and ".join(map(_bib_name, r.authors)),
        # The inner braces keep the title's capitals (gene names, acronyms) from a style's lower-casing.
        "title": "{" + _tex(r.title) + "}" if r.title else "",
        "journal": _tex(r.journal) if r.kind == "article" else "",
        "shortjournal": _tex(r.journal_iso) if r.kind == "article" else "",
        "booktitle": _tex(r.book_title) if r.kind == "chapter" else "",
        "publisher": _tex(r.publisher),
        "year": str(r.year or ""),
        # The standard macro (jan…), which every style prints in its own words.
        "month": Field("month", _MONTHS[r.month - 1], enclosing="no-enclosing") if r.month else "",
        "volume": _tex(r.volume),
        "number": _tex(r.issue),
        "pages": _tex(r.pages.replace("-", "--")),
        "doi": _tex(r.doi),
        "pmid": r.pmid,
        "pmcid": _tex(r.pmcid),
        "issn": _tex(r.issn),
        "url": _tex(r.url),
        "abstract": _tex(r.abstract),
        "keywords": _tex(", ".join(r.keywords)),
        "language": " and ".join(name.lower() for _, name in r.languages),
        "note": "Retracted publication" if r.is_retracted else "",
    }
    entry_type = {"article": "article", "book": "book", "chapter": "incollection"}[r.kind]
    return Entry(entry_type, r.key, [v if isinstance(v, Field) else Field(k, v) for k, v in fields.items() if v])


def _bib_name(name: Name) -> str:
    if name.literal:
        return "{" + _tex(name.literal) + "}"  # braced: BibTeX never splits a group name
    # A family name of several words is braced whole, as PubMed gives it ("Meyer zum Büschenfelde").
    family = "{" + _tex(name.family) + "}" if " " in name.family or "," in name.family else _tex(name.family)
    return ", ".join(part for part in (family, _tex(name.suffix), _tex(name.given)) if part)


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "pmid", "doi", "pmcid", "title", "authors", "journal", "journal_iso", "year", "month", "volume", "issue",
    "pages", "issn", "language", "publication_types", "tags", "keywords", "mesh", "abstract", "pubmed_url",
    "is_retracted",
)


def _csv(records: list[Record]) -> str:
    """UTF-8 with a byte-order mark, which Excel needs to read non-ASCII names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        row = {
            "pmid": r.pmid, "doi": r.doi, "pmcid": r.pmcid, "title": r.title,
            "authors": "; ".join(map(_ris_name, r.authors)), "journal": r.journal or r.book_title,
            "journal_iso": r.journal_iso, "year": r.year or "", "month": r.month or "", "volume": r.volume,
            "issue": r.issue, "pages": r.pages, "issn": r.issn, "language": "; ".join(n for _, n in r.languages),
            "publication_types": "; ".join(r.publication_types), "tags": "; ".join(r.tags),
            "keywords": "; ".join(r.author_keywords), "mesh": "; ".join(r.mesh), "abstract": r.abstract,
            "pubmed_url": r.url, "is_retracted": "yes" if r.is_retracted else "no",
        }
        writer.writerow(_cell(row[column]) for column in CSV_COLUMNS)
    return "\ufeff" + out.getvalue()


def _cell(value) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ tab or CR gets an apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- CSL-JSON -------------------------------------------------------------------------------


def _csl(records: list[Record]) -> str:
    return json.dumps([_csl_item(r) for r in records], ensure_ascii=False, indent=2) + "\n"


def _csl_item(r: Record) -> dict:
    item = {
        "id": r.key,
        "type": {"article": "article-journal", "book": "book", "chapter": "chapter"}[r.kind],
        "title": r.title,
        "author": [{"literal": a.literal} if a.literal else
                   {k: v for k, v in (("family", a.family), ("given", a.given), ("suffix", a.suffix)) if v}
                   for a in r.authors],
        "container-title": r.journal if r.kind == "article" else r.book_title if r.kind == "chapter" else "",
        "container-title-short": r.journal_iso,
        "publisher": r.publisher,
        "issued": {"date-parts": [[p for p in (r.year, r.month, r.day) if p]]} if r.year else None,
        "volume": r.volume,
        "issue": r.issue,
        "page": r.pages,
        "DOI": r.doi,
        "PMID": r.pmid,
        "PMCID": r.pmcid,
        "ISSN": r.issn,
        "URL": r.url,
        "abstract": r.abstract,
        "keyword": ", ".join(r.keywords),
        "language": r.languages[0][0] if r.languages else "",
        "genre": "; ".join(r.publication_types),
        "note": "Retracted publication" if r.is_retracted else "",
    }
    return {name: value for name, value in item.items() if value}


_WRITERS = {"ris": _ris, "bib": _bibtex, "csv": _csv, "json": _csl}
