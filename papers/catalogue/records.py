"""What PubMed says about a paper, as plain frozen dataclasses: the contract between the PubMed
reader (papers.pubmed), which makes them, and the catalogue, the tagger and the importer, which read
them. Imports nothing from Django and nothing above the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# CommentsCorrections that change how a paper should be read; comments and citations are not kept.
CORRECTION_TYPES = frozenset(
    {
        "ErratumIn",
        "ErratumFor",
        "RetractionIn",
        "RetractionOf",
        "PartialRetractionIn",
        "PartialRetractionOf",
        "ExpressionOfConcernIn",
        "ExpressionOfConcernFor",
        "CorrectedandRepublishedIn",
        "CorrectedandRepublishedFrom",
        "RepublishedIn",
        "RepublishedFrom",
        "UpdateIn",
        "UpdateOf",
        "ReprintIn",
        "ReprintOf",
    }
)


# Publication years a record may hold; anything else is a typo in the record, stored as unknown.
YEARS = range(1000, 2101)


@dataclass(frozen=True)
class BadRecord:
    """A record of the set that could not be read, yielded in its place: the others are good."""

    label: str  # "PMID 123", "PMID '12abc'", or "record 3" (its place in the set) without a PMID
    reason: str
    pmid: int | None = None  # when its PMID itself is readable


@dataclass(frozen=True)
class AbstractSection:
    label: str
    category: str
    text: str


@dataclass(frozen=True)
class AuthorRecord:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    suffix: str = ""
    collective_name: str = ""
    affiliations: tuple[str, ...] = ()
    orcid: str = ""
    equal_contribution: bool = False


@dataclass(frozen=True)
class MeshQualifier:
    ui: str
    name: str
    major: bool


@dataclass(frozen=True)
class MeshHeading:
    ui: str
    name: str
    major: bool
    qualifiers: tuple[MeshQualifier, ...] = ()


@dataclass(frozen=True)
class Correction:
    type: str
    source: str
    pmid: int | None


@dataclass(frozen=True)
class PublicationTypeRecord:
    ui: str
    name: str


@dataclass(frozen=True)
class PubMedRecord:
    pmid: int
    record_type: str = "article"
    title: str = ""
    vernacular_title: str = ""
    abstract_sections: tuple[AbstractSection, ...] = ()
    copyright: str = ""
    journal_title: str = ""
    journal_iso: str = ""
    issn: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    pub_year: int | None = None
    pub_month: int | None = None
    pub_day: int | None = None
    pub_date_text: str = ""
    book_title: str = ""
    publisher: str = ""
    languages: tuple[str, ...] = ()
    publication_types: tuple[PublicationTypeRecord, ...] = ()
    keywords: tuple[str, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    chemicals: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    article_ids: dict[str, str] = field(default_factory=dict)
    authors: tuple[AuthorRecord, ...] = ()
    pubmed_status: str = ""
    publication_status: str = ""
    date_revised: date | None = None
    # Values refused while reading (stored as unknown); not part of what PubMed said (repr: the
    # importer's fingerprint), so a record does not look changed for having been checked.
    warnings: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def abstract(self) -> str:
        """The abstract as one fragment, sections joined without their labels."""
        return " ".join(s.text for s in self.abstract_sections)

    @property
    def doi(self) -> str:
        return self.article_ids.get("doi", "")

    @property
    def pmcid(self) -> str:
        return self.article_ids.get("pmc", "")

    @property
    def is_retracted(self) -> bool:
        return any(c.type == "RetractionIn" for c in self.corrections) or any(
            t.name == "Retracted Publication" for t in self.publication_types
        )
