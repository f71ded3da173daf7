"""CSV for spreadsheets: one row a paper, safe from formula injection (catalogue.csv_rows)."""

from papers.catalogue.csv_rows import line
from papers.site.exports import ris
from papers.site.exports.records import Record

CSV_COLUMNS = (
    "pmid",
    "doi",
    "pmcid",
    "title",
    "authors",
    "journal",
    "journal_iso",
    "year",
    "month",
    "volume",
    "issue",
    "pages",
    "issn",
    "language",
    "publication_types",
    "tags",
    "keywords",
    "mesh",
    "abstract",
    "pubmed_url",
    "is_retracted",
)


def document(entries: list[str]) -> str:
    """UTF-8 with a byte-order mark, which Excel needs to read non-ASCII names correctly."""
    return "\ufeff" + line(CSV_COLUMNS) + "".join(entries)


def entry(r: Record) -> str:
    """One row."""
    row = {
        "pmid": r.pmid,
        "doi": r.doi,
        "pmcid": r.pmcid,
        "title": r.title,
        "authors": "; ".join(map(ris.name, r.authors)),
        "journal": r.journal or r.book_title,
        "journal_iso": r.journal_iso,
        "year": r.year or "",
        "month": r.month or "",
        "volume": r.volume,
        "issue": r.issue,
        "pages": r.pages,
        "issn": r.issn,
        "language": "; ".join(n for _, n in r.languages),
        "publication_types": "; ".join(r.publication_types),
        "tags": "; ".join(r.tags),
        "keywords": "; ".join(r.author_keywords),
        "mesh": "; ".join(r.mesh),
        "abstract": r.abstract,
        "pubmed_url": r.url,
        "is_retracted": "yes" if r.is_retracted else "no",
    }
    return line(row[column] for column in CSV_COLUMNS)
