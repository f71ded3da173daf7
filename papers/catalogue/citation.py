"""What a reference manager's browser connector reads off a paper page: Highwire Press
`citation_*` meta tags (Zotero, Mendeley, Google Scholar) and a COinS span (OpenURL ContextObject)."""

import re
from urllib.parse import urlencode

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper

SITE_ID = "info:sid/myeloma-lit"  # COinS rfr_id: who sends the citation


def citation_meta(paper: Paper, authors) -> list[tuple[str, str]]:
    """(name, content) pairs, in the order Highwire readers expect: title, authors, source."""
    meta = [("citation_title", to_text(paper.title or paper.vernacular_title))]
    meta += [("citation_author", name) for name in author_names(authors)]
    if paper.record_type == Paper.RecordType.BOOK:
        meta += [("citation_inbook_title", to_text(paper.book_title)), ("citation_publisher", paper.publisher)]
    else:
        meta += [("citation_journal_title", paper.journal_title), ("citation_journal_abbrev", paper.journal_iso)]
    first, last = first_and_last_page(paper.pages)
    year, month, day = paper.known_date
    meta += [
        # Scholar reads a whole date or a year alone: "2021/6/5" or "2021", never "2021/6".
        ("citation_publication_date", f"{year}/{month}/{day}" if day else str(year or "")),
        ("citation_volume", paper.volume),
        ("citation_issue", paper.issue),
        ("citation_firstpage", first),
        ("citation_lastpage", last),
        ("citation_issn", paper.issn),
        ("citation_doi", paper.doi),
        ("citation_pmid", str(paper.pmid or "")),
        ("citation_abstract", to_text(paper.abstract)),
    ]
    meta += [("citation_language", language) for language in paper.shaped.languages]
    return [(name, content) for name, content in meta if content]


def coins(paper: Paper, authors) -> str:
    """The title attribute of a COinS span (the caller escapes it as any attribute)."""
    first, last = first_and_last_page(paper.pages)
    book = paper.record_type == Paper.RecordType.BOOK
    date = "-".join(f"{p:02d}" for p in paper.known_date if p)
    fields = [
        ("ctx_ver", "Z39.88-2004"),
        ("rfr_id", SITE_ID),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book" if book else "info:ofi/fmt:kev:mtx:journal"),
        # A chapter is a "bookitem": its own title, then the book's; a whole book has one title.
        ("rft.genre", ("bookitem" if paper.book_title else "book") if book else "article"),
        (
            "rft.atitle" if not book or paper.book_title else "rft.btitle",
            to_text(paper.title or paper.vernacular_title),
        ),
        ("rft.btitle", to_text(paper.book_title) if book else ""),
        ("rft.pub", paper.publisher if book else ""),
        ("rft.jtitle", paper.journal_title),
        ("rft.stitle", paper.journal_iso),
        ("rft.date", date),
        ("rft.volume", paper.volume),
        ("rft.issue", paper.issue),
        ("rft.spage", first),
        ("rft.epage", last),
        ("rft.issn", paper.issn),
    ]
    # A group author is a corporate author (rft.aucorp), not a person (rft.au).
    fields += [
        ("rft.aucorp" if a.collective_name else "rft.au", name) for a, name in zip(authors, author_names(authors))
    ]
    fields += [("rft_id", f"info:pmid/{paper.pmid}")] if paper.pmid else []
    fields += [("rft_id", f"info:doi/{paper.doi}")] if paper.doi else []
    return urlencode([(key, value) for key, value in fields if value])


# PubMed's month names, whatever the server's locale.
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pubmed_date(paper: Paper) -> str:
    """The publication date as PubMed writes it: '2020 Feb 5', '2019 Jan-Feb', '2005 Spring'. A
    date given in words is kept as given; one given in numbers ('2020 02') is written with the
    month's name."""
    if any(c.isalpha() for c in paper.pub_date_text):
        return paper.pub_date_text
    year, month, day = paper.known_date
    return " ".join(str(p) for p in (year, month and MONTH_NAMES[month - 1], day) if p) or paper.pub_date_text


def bookshelf_url(paper: Paper) -> str:
    """The NCBI Bookshelf page of a book or chapter (its NBK accession), else ''."""
    accession = paper.shaped.article_ids.get("bookaccession", "")
    return f"https://www.ncbi.nlm.nih.gov/books/{accession}/" if accession else ""


def author_names(authors) -> list[str]:
    """'Last, First' per author (a group's name as it is), in order."""
    return [a.collective_name or ", ".join(p for p in (a.last_name, a.fore_name or a.initials) if p) for a in authors]


_RANGE = re.compile(r"^([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)$")


def page_range(pages: str) -> tuple[str, str, str]:
    """(first, last, full) from MEDLINE pages with the abbreviated end page expanded: "123-9" →
    ("123", "129", "123-129"). A list of ranges ("93-8, 103-4") is expanded part by part and
    has no first or last page of its own; pages it cannot read are kept as given."""
    parts = [_expand(part.strip()) for part in pages.split(",")] if pages else []
    if not parts or None in parts:
        return pages, "", pages
    if len(parts) > 1:
        return ", ".join(parts), "", ", ".join(parts)
    first, _, last = parts[0].partition("-")
    return first, last, parts[0]


def first_and_last_page(pages: str) -> tuple[str, str]:
    """The first and the last page of MEDLINE pages, for readers that take one page each
    (Highwire citation_firstpage, COinS spage): "333-336, 339-344" → ("333", "344"); pages it
    cannot read give their leading page alone, or nothing."""
    parts = [_expand(part.strip()) for part in pages.split(",")] if pages else []
    if not parts or None in parts:
        leading = re.match(r"[A-Za-z]*\d+", pages or "")
        return (leading.group(0) if leading else ""), ""
    return parts[0].partition("-")[0], parts[-1].partition("-")[2]


def _expand(part: str) -> str | None:
    match = _RANGE.match(part)
    if not match:
        return None if "-" in part or not part else part
    prefix, start, end_prefix, end = match.groups()
    shortened = len(end) < len(start)
    end_number = int(start[: len(start) - len(end)] + end) if shortened else int(end)
    if shortened and end_number < int(start):  # "873-40" runs over a hundred: 873-940
        end_number += 10 ** len(end)
    if end_prefix not in ("", prefix) or end_number < int(start):
        return None
    end = str(end_number)
    return f"{prefix}{start}-{prefix}{end}"
