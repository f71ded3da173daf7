"""BibTeX, written by bibtexparser: LaTeX's special characters escaped, non-ASCII kept as UTF-8."""

import bibtexparser
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.model import Entry, Field

from papers.site.exports.records import Name, Record

_LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _tex(text: str) -> str:
    """LaTeX's special characters escaped; everything else, non-ASCII included, kept as is."""
    return text.translate(_LATEX)


def entry(record: Record) -> str:
    library = bibtexparser.Library([_bib_entry(record)])
    return bibtexparser.write_string(library, unparse_stack=default_unparse_stack(allow_inplace_modification=True))


def document(entries: list[str]) -> str:
    return "\n".join(entries)  # a blank line between entries, as bibtexparser writes them


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
        # biblatex and BibTeX styles read doi and url verbatim: an escape would become part of them.
        "doi": r.doi,
        "pmid": r.pmid,
        "pmcid": _tex(r.pmcid),
        "issn": _tex(r.issn),
        "url": r.url,
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
