"""What a reference manager's browser connector reads off a paper page: Highwire Press
`citation_*` meta tags (Zotero, Mendeley, Google Scholar) and a COinS span (OpenURL ContextObject)."""

import re
from urllib.parse import urlencode

from .markup import to_text
from .models import Paper


def citation_meta(paper: Paper, authors) -> list[tuple[str, str]]:
    """(name, content) pairs, in the order Highwire readers expect: title, authors, source."""
    meta = [("citation_title", to_text(paper.title or paper.vernacular_title))]
    meta += [("citation_author", name) for name in author_names(authors)]
    if paper.record_type == Paper.RecordType.BOOK:
        meta += [("citation_inbook_title", to_text(paper.book_title)), ("citation_publisher", paper.publisher)]
    else:
        meta += [("citation_journal_title", paper.journal_title), ("citation_journal_abbrev", paper.journal_iso)]
    first, last, _ = page_range(paper.pages)
    meta += [
        ("citation_publication_date", "/".join(str(p) for p in paper.known_date if p)),
        ("citation_volume", paper.volume), ("citation_issue", paper.issue),
        ("citation_firstpage", first), ("citation_lastpage", last),
        ("citation_issn", paper.issn), ("citation_doi", paper.doi),
        ("citation_pmid", str(paper.pmid or "")),
        ("citation_abstract", to_text(paper.abstract)),
    ]
    meta += [("citation_language", language) for language in paper.shaped.languages]
    return [(name, content) for name, content in meta if content]


def coins(paper: Paper, authors) -> str:
    """The title attribute of a COinS span (the caller escapes it as any attribute)."""
    first, last, _ = page_range(paper.pages)
    book = paper.record_type == Paper.RecordType.BOOK
    fields = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book" if book else "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "book" if book else "article"),
        ("rft.btitle" if book else "rft.atitle", to_text(paper.title or paper.vernacular_title)),
        ("rft.jtitle", paper.journal_title), ("rft.stitle", paper.journal_iso),
        ("rft.date", str(paper.known_year or "")), ("rft.volume", paper.volume), ("rft.issue", paper.issue),
        ("rft.spage", first), ("rft.epage", last), ("rft.issn", paper.issn),
    ]
    fields += [("rft.au", name) for name in author_names(authors)]
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


def _expand(part: str) -> str | None:
    match = _RANGE.match(part)
    if not match:
        return None if "-" in part or not part else part
    prefix, start, end_prefix, end = match.groups()
    end = start[: max(len(start) - len(end), 0)] + end
    if end_prefix not in ("", prefix) or int(end) < int(start):
        return None
    return f"{prefix}{start}-{prefix}{end}"
