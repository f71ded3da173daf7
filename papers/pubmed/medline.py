"""PubMed XML (efetch `PubmedArticleSet`, MEDLINE baseline files) → plain `PubMedRecord`s.

Why not `Bio.Entrez.read`: it builds the whole document in memory (PubMed's set is a DTD
"dictionary", so `Entrez.parse` cannot stream it), it refuses the http:// DOCTYPEs of older
recordings and baseline files, and it is several times slower than expat through ElementTree.
This parser streams with lxml's `iterparse` (no network, no DTD loading, no entity
expansion), keeps one record in memory at a time, and imports nothing from Django. Bio.Entrez still does
every network call (client.py); worker.py runs this parser in a process of its own.

Some publishers send structured abstracts as one unlabelled block with the headings run into
the text ("Study DesignRetrospective….ObjectiveIn general…"); those are split into labelled
sections when the block starts with a known heading and has at least two.

Titles and abstracts become HTML fragments: text escaped, inline tags (<i> <b> <u> <sup> <sub>)
and MathML kept, any other tag dropped with its text kept — never lost, never double-escaped.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from datetime import date
from html import escape
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from lxml import etree
from lxml.etree import _Element as Element

from papers.catalogue.markup import INLINE_TAGS, MATHML_TAGS
from papers.catalogue.records import (
    CORRECTION_TYPES,
    YEARS,
    AbstractSection,
    AuthorRecord,
    BadRecord,
    Correction,
    MeshHeading,
    MeshQualifier,
    PublicationTypeRecord,
    PubMedRecord,
)
from papers.pubmed.pmids import MAX_PMID

MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}

RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_RUN_IN_HEADING = re.compile(
    r"(?:^|(?<=[.!?]))\s*(Study Design|Background|Introduction|Purpose|Objectives?|Aims?|Design|Setting|"
    r"Participants|Patients|Materials and Methods|Methods|Results|Findings|Conclusions?|Interpretation|"
    r"Discussion|Significance)(?=[A-Z])"
)


class PubMedXMLError(ValueError):
    """The payload is not a PubMed article set we can read (malformed, truncated, unexpected)."""


class EutilsErrorPayload(PubMedXMLError):
    """E-utilities answered with an <ERROR> document instead of records."""


class UnreadableRecord(ValueError):
    """One record lacks what every record has (its PMID, its MedlineCitation…): it fails alone."""


def open_xml(path: str | Path) -> BinaryIO:
    """A PubMed XML file for reading, gzip-compressed (.gz) or not."""
    return (gzip.open if str(path).endswith(".gz") else open)(path, "rb")


def iter_records(source: BinaryIO | str) -> Iterator[PubMedRecord | BadRecord]:
    """Yield the records of a PubmedArticleSet one by one, holding one record in memory.

    A record that cannot be read is yielded as a BadRecord saying why, in its place: it fails
    alone. Raises PubMedXMLError for malformed or truncated XML (after yielding the records
    before the fault) and EutilsErrorPayload for an E-utilities error document.
    """
    events = etree.iterparse(
        source,
        events=("end",),
        tag=(*RECORD_TAGS, "ERROR"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    )
    errors, position = [], 0
    try:
        for _, element in events:
            parent = element.getparent()
            if element.tag == "ERROR":
                errors.append(_text(element))
            elif parent is not None and parent.tag == "PubmedArticleSet" and parent.getparent() is None:
                position += 1
                record = _record(element, position)
                element.clear()
                while element.getprevious() is not None:  # drop finished records: memory stays flat
                    del parent[0]
                yield record
    except etree.LxmlError as error:
        raise PubMedXMLError(f"The XML is malformed, truncated or unsafe ({error}).") from None
    if any(errors):
        raise EutilsErrorPayload(f"E-utilities answered with an error: {' '.join(filter(None, errors))}")
    if events.root.tag != "PubmedArticleSet":
        raise PubMedXMLError(f"Expected a PubmedArticleSet, got <{events.root.tag}>.")


def parse_records(data: bytes) -> list[PubMedRecord | BadRecord]:
    """All records of one efetch answer (bad ones as BadRecords); a fault in the XML: nothing."""
    return list(iter_records(BytesIO(data)))


# --- records -------------------------------------------------------------------------------


def _record(element: Element, position: int) -> PubMedRecord | BadRecord:
    """The record, or a BadRecord naming it (PMID, else position) and why it cannot be read.

    Whatever a record holds, only that record fails: its XML is data, not our code."""
    try:
        return _article(element) if element.tag == "PubmedArticle" else _book(element)
    except Exception as error:  # noqa: BLE001 — any fault of one record stays that record's
        path = "MedlineCitation/PMID" if element.tag == "PubmedArticle" else "BookDocument/PMID"
        raw = " ".join((element.findtext(path) or "").split())[:30]
        reason = str(error) if isinstance(error, UnreadableRecord) else f"unreadable ({type(error).__name__}: {error})"
        if _is_pmid(raw):
            return BadRecord(label=f"PMID {raw}", reason=reason, pmid=int(raw))
        return BadRecord(label=f"PMID {raw!r}" if raw else f"record {position}", reason=reason)


def _is_pmid(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_PMID


def _pmid(element: Element | None) -> int:
    text = _text(element)
    if not _is_pmid(text):
        raise UnreadableRecord(f"its PMID {text[:30]!r} is not a whole number from 1 to {MAX_PMID:,}")
    return int(text)


def _required(children: dict[str, Element], tag: str, parent: str) -> Element:
    if tag not in children:
        raise UnreadableRecord(f"it has no <{tag}> in its <{parent}>")
    return children[tag]


def _checked_date(
    year: int | None, month: int | None, day: int | None
) -> tuple[int | None, int | None, int | None, tuple[str, ...]]:
    """The publication date's parts that are possible; the others become unknown, with a warning."""
    warnings = []
    if year is not None and year not in YEARS:
        warnings.append(f"publication year {year} is not within {YEARS.start}-{YEARS.stop - 1}; stored as unknown")
        year = None
    if month is not None and not 1 <= month <= 12:
        warnings.append(f"publication month {month} is not 1-12; stored as unknown")
        month = day = None
    if day is not None and not 1 <= day <= 31:
        warnings.append(f"publication day {day} is not 1-31; stored as unknown")
        day = None
    return year, month, day, tuple(warnings)


def _article(element: Element) -> PubMedRecord:
    # Child maps instead of find(): ElementPath lookups were a third of the parse time.
    record = _children(element)
    medline_citation = _required(record, "MedlineCitation", "PubmedArticle")
    citation = _children(medline_citation)
    pmid = _pmid(_required(citation, "PMID", "MedlineCitation"))
    article_element = _required(citation, "Article", "MedlineCitation")
    article = _children(article_element)
    journal = _children(article.get("Journal"))
    issue = _children(journal.get("JournalIssue"))
    year, month, day, date_text = _pub_date(issue.get("PubDate"))
    year, month, day, warnings = _checked_date(year, month, day)
    data = record.get("PubmedData")
    return PubMedRecord(
        pmid=pmid,
        title=_markup(article.get("ArticleTitle")),
        vernacular_title=_markup(article.get("VernacularTitle")),
        abstract_sections=_abstract(article.get("Abstract")),
        copyright=_text(_child(article.get("Abstract"), "CopyrightInformation")),
        journal_title=_text(journal.get("Title")),
        journal_iso=_text(journal.get("ISOAbbreviation")),
        issn=_text(journal.get("ISSN")),
        volume=_text(issue.get("Volume")),
        issue=_text(issue.get("Issue")),
        pages=_pages(article_element),
        pub_year=year,
        pub_month=month,
        pub_day=day,
        pub_date_text=date_text,
        languages=tuple(_text(e) for e in article_element.iterchildren("Language")),
        publication_types=_publication_types(article.get("PublicationTypeList")),
        keywords=_keywords(medline_citation),
        mesh_headings=_mesh(citation.get("MeshHeadingList")),
        chemicals=tuple(
            _text(_child(e, "NameOfSubstance")) for e in _grandchildren(citation.get("ChemicalList"), "Chemical")
        ),
        corrections=_corrections(citation.get("CommentsCorrectionsList")),
        article_ids=_article_ids(data, article_element),
        authors=_authors(article.get("AuthorList")),
        pubmed_status=medline_citation.get("Status", ""),
        publication_status=_text(_child(data, "PublicationStatus")),
        date_revised=_date(citation.get("DateRevised")),
        warnings=warnings,
    )


def _children(element: Element | None) -> dict[str, Element]:
    """The first child of each tag (none of an absent element)."""
    children = {}
    for child in () if element is None else element:
        children.setdefault(child.tag, child)
    return children


def _child(element: Element | None, tag: str) -> Element | None:
    return None if element is None else next(element.iterchildren(tag), None)


def _grandchildren(element: Element | None, tag: str):
    return () if element is None else element.iterchildren(tag)


def _book(element: Element) -> PubMedRecord:
    document = _required(_children(element), "BookDocument", "PubmedBookArticle")
    parts = _children(document)
    pmid = _pmid(_required(parts, "PMID", "BookDocument"))
    book = _required(parts, "Book", "BookDocument")
    year, month, day, date_text = _pub_date(book.find("PubDate"))
    year, month, day, warnings = _checked_date(year, month, day)
    book_title = _markup(book.find("BookTitle"))
    authors = document.find("AuthorList")
    data = element.find("PubmedBookData")
    ids = {e.get("IdType", ""): _text(e) for e in document.findall("ArticleIdList/ArticleId")}
    if data is not None:
        ids.update({e.get("IdType", ""): _text(e) for e in data.findall("ArticleIdList/ArticleId")})
    ids.pop("pubmed", None)
    return PubMedRecord(
        pmid=pmid,
        record_type="book",
        title=_markup(document.find("ArticleTitle")) or book_title,
        vernacular_title=_markup(document.find("VernacularTitle")),
        abstract_sections=_abstract(document.find("Abstract")),
        copyright=_text(document.find("Abstract/CopyrightInformation")),
        pub_year=year,
        pub_month=month,
        pub_day=day,
        pub_date_text=date_text,
        book_title=book_title,
        publisher=_text(book.find("Publisher/PublisherName")),
        languages=tuple(_text(e) for e in document.findall("Language")),
        publication_types=_publication_types(document),
        keywords=_keywords(document),
        article_ids=ids,
        authors=_authors(authors if authors is not None else book.find("AuthorList")),
        publication_status=_text(data.find("PublicationStatus")) if data is not None else "",
        date_revised=_date(document.find("DateRevised")),
        warnings=warnings,
    )


# --- fields --------------------------------------------------------------------------------


def _abstract(abstract: Element | None) -> tuple[AbstractSection, ...]:
    if abstract is None:
        return ()
    sections = tuple(
        AbstractSection(label=e.get("Label", ""), category=e.get("NlmCategory", ""), text=text)
        for e in abstract.findall("AbstractText")
        if (text := _markup(e))
    )
    if len(sections) == 1 and not sections[0].label:
        return _split_run_in_headings(sections[0].text) or sections
    return sections


def _split_run_in_headings(text: str) -> tuple[AbstractSection, ...]:
    """Labelled sections from a block whose headings are run into the text, or () if it is not one."""
    parts = _RUN_IN_HEADING.split(text)  # ["", heading, body, heading, body, …]
    if parts[0].strip() or len(parts) < 5:
        return ()
    return tuple(
        AbstractSection(label=heading.upper(), category="", text=body.strip())
        for heading, body in zip(parts[1::2], parts[2::2], strict=True)
    )


def _pub_date(pub_date: Element | None) -> tuple[int | None, int | None, int | None, str]:
    """(year, month, day, the date as PubMed gives it) from Year/Month/Day, Season or MedlineDate."""
    if pub_date is None:
        return None, None, None, ""
    medline_date = _text(pub_date.find("MedlineDate"))
    if medline_date:
        found_year = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", medline_date)
        found_month = re.search(r"\b(" + "|".join(MONTHS) + r")", medline_date, re.IGNORECASE)
        return (
            int(found_year.group(1)) if found_year else None,
            MONTHS[found_month.group(1).lower()] if found_month else None,
            None,
            medline_date,
        )
    year, month, day, season = (_text(pub_date.find(t)) for t in ("Year", "Month", "Day", "Season"))
    month_number = int(month) if month.isdigit() else MONTHS.get(month[:3].lower())
    text = " ".join(p for p in (year, month, day, season) if p)
    return (int(year) if year.isdigit() else None, month_number, int(day) if day.isdigit() else None, text)


def _date(element: Element | None) -> date | None:
    if element is None:
        return None
    try:
        return date(*(int(_text(element.find(t))) for t in ("Year", "Month", "Day")))
    except ValueError:
        return None


def _pages(article: Element) -> str:
    medline = _text(article.find("Pagination/MedlinePgn"))
    if medline:
        return medline
    start, end = _text(article.find("Pagination/StartPage")), _text(article.find("Pagination/EndPage"))
    return f"{start}-{end}" if start and end else start


def _article_ids(data: Element | None, article: Element) -> dict[str, str]:
    # Only PubmedData's own list: ReferenceList holds ArticleIdLists of the cited papers.
    ids = {}
    if data is not None:
        ids = {e.get("IdType", ""): _text(e) for e in data.findall("ArticleIdList/ArticleId") if _text(e)}
    ids.pop("pubmed", None)
    for location in article.findall("ELocationID"):
        if location.get("ValidYN", "Y") == "Y" and _text(location):
            ids.setdefault(location.get("EIdType", ""), _text(location))
    return ids


def _authors(author_list: Element | None) -> tuple[AuthorRecord, ...]:
    if author_list is None:
        return ()
    return tuple(filter(None, (_author(a) for a in author_list.iterchildren("Author"))))


def _author(author: Element) -> AuthorRecord | None:
    # One pass over the children: authors are the most numerous elements of a record.
    fields, affiliations, orcid = {}, [], ""
    for child in author.iterchildren(tag=etree.Element):
        if child.tag == "AffiliationInfo":
            affiliations.append(_text(child.find("Affiliation")))
        elif child.tag == "Identifier":
            if child.get("Source") == "ORCID":
                orcid = _text(child).rsplit("/", 1)[-1]
        else:
            fields[child.tag] = _text(child)
    if author.get("ValidYN", "Y") != "Y" or not (fields.get("LastName") or fields.get("CollectiveName")):
        return None
    return AuthorRecord(
        last_name=fields.get("LastName", ""),
        fore_name=fields.get("ForeName", ""),
        initials=fields.get("Initials", ""),
        suffix=fields.get("Suffix", ""),
        collective_name=fields.get("CollectiveName", ""),
        affiliations=tuple(affiliations),
        orcid=orcid,
        equal_contribution=author.get("EqualContrib") == "Y",
    )


def _publication_types(type_list: Element | None) -> tuple[PublicationTypeRecord, ...]:
    if type_list is None:
        return ()
    return tuple(PublicationTypeRecord(ui=e.get("UI", ""), name=_text(e)) for e in type_list.findall("PublicationType"))


def _keywords(parent: Element) -> tuple[str, ...]:
    return tuple(_text(e) for e in parent.findall("KeywordList/Keyword") if _text(e))


def _mesh(heading_list: Element | None) -> tuple[MeshHeading, ...]:
    if heading_list is None:
        return ()
    headings = []
    for heading in heading_list.findall("MeshHeading"):
        descriptor = heading.find("DescriptorName")
        headings.append(
            MeshHeading(
                ui=descriptor.get("UI", ""),
                name=_text(descriptor),
                major=descriptor.get("MajorTopicYN") == "Y",
                qualifiers=tuple(
                    MeshQualifier(ui=q.get("UI", ""), name=_text(q), major=q.get("MajorTopicYN") == "Y")
                    for q in heading.findall("QualifierName")
                ),
            )
        )
    return tuple(headings)


def _corrections(corrections: Element | None) -> tuple[Correction, ...]:
    if corrections is None:
        return ()
    return tuple(
        Correction(
            type=c.get("RefType", ""),
            source=_text(c.find("RefSource")),
            pmid=int(_text(c.find("PMID"))) if _text(c.find("PMID")).isdigit() else None,
        )
        for c in corrections.findall("CommentsCorrections")
        if c.get("RefType") in CORRECTION_TYPES
    )


# --- text ----------------------------------------------------------------------------------


def _text(element: Element | None) -> str:
    """All text inside an element, whitespace folded, markup dropped."""
    if element is None:
        return ""
    text = "".join(element.itertext()) if len(element) else element.text or ""
    return " ".join(text.split())


def _markup(element: Element | None) -> str:
    """The element's content as a safe HTML fragment (see the module docstring)."""
    if element is None:
        return ""
    return " ".join(_inner(element).split())


def _inner(element: Element, in_math: bool = False) -> str:
    parts = [_escaped(element.text, in_math)]
    for child in element:
        if isinstance(child.tag, str):  # comments and processing instructions keep only their tail
            parts.append(_outer(child, in_math))
        parts.append(_escaped(child.tail, in_math))
    return "".join(parts)


def _outer(element: Element, in_math: bool) -> str:
    name = etree.QName(element).localname  # MathML arrives namespaced: {…/MathML}mi → mi
    if name in MATHML_TAGS:
        return f"<{name}>{_inner(element, in_math=True)}</{name}>"
    if name in INLINE_TAGS:
        return f"<{name}>{_inner(element, in_math)}</{name}>"
    return _inner(element, in_math)


def _escaped(text: str | None, in_math: bool) -> str:
    if not text or (in_math and text.isspace()):  # indentation between MathML elements means nothing
        return ""
    return escape(text, quote=False)
