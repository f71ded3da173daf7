"""CSL-JSON (Zotero, Pandoc, citeproc): one item a paper; the id is the BibTeX citation key."""

import json
import textwrap

from papers.site.exports.records import Record


def entry(record: Record) -> str:
    """One item as it stands in the array, indented one level."""
    return textwrap.indent(json.dumps(_csl_item(record), ensure_ascii=False, indent=2), "  ")


def document(entries: list[str]) -> str:
    """What json.dumps(items, indent=2) writes, from items written one by one."""
    return ("[\n" + ",\n".join(entries) + "\n]\n") if entries else "[]\n"


def _without_final_stop(title: str) -> str:
    """MEDLINE ends every title with a full stop, and a CSL style puts its own punctuation after
    the title ("… cells.," otherwise); a question or exclamation mark stays, styles keep those."""
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _csl_item(r: Record) -> dict:
    item = {
        "id": r.key,
        "type": {"article": "article-journal", "book": "book", "chapter": "chapter"}[r.kind],
        "title": _without_final_stop(r.title),
        "author": [
            {"literal": a.literal}
            if a.literal
            else {k: v for k, v in (("family", a.family), ("given", a.given), ("suffix", a.suffix)) if v}
            for a in r.authors
        ],
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
        "note": "Retracted publication" if r.is_retracted else "",
    }
    return {name: value for name, value in item.items() if value}
