"""RIS (EndNote, Zotero, Mendeley), written by rispy."""

import rispy

from papers.site.exports.records import Name, Record


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers records ("1.") by default; reference managers expect none


def entry(record: Record) -> str:
    return rispy.dumps([_ris_entry(record)], implementation=_RisWriter)


def document(entries: list[str]) -> str:
    return "\n".join(entries)  # a blank line between records, as rispy writes them


def _ris_entry(r: Record) -> dict:
    date = "/".join(f"{part:02d}" for part in (r.year, r.month, r.day) if part)
    entry = {
        "type_of_reference": {"article": "JOUR", "book": "BOOK", "chapter": "CHAP"}[r.kind],
        "authors": [name(a) for a in r.authors],
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
        "notes": [
            note
            for note in (
                r.pmid and f"PMID: {r.pmid}",
                r.pmcid and f"PMCID: {r.pmcid}",
                r.is_retracted and "Retracted publication",
            )
            if note
        ],
    }
    return {label: value for label, value in entry.items() if value}


def name(author: Name) -> str:
    """'Family, Given, Suffix', or a group's name as it is."""
    return author.literal or ", ".join(part for part in (author.family, author.given, author.suffix) if part)
