"""Real recorded records with one value altered, for the bad-record tests (no Django here: the
parsing worker's process imports this module to find a test's annotate function)."""

import re

from papers.pubmed.medline import BadRecord
from tests.support.paths import SAMPLES

FIVE = SAMPLES / "efetch_pubmed_five_records_medlinedate.xml"
_RECORD = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)


def recorded() -> tuple[bytes, list[bytes]]:
    data = FIVE.read_bytes()
    return data, _RECORD.findall(data)


def pmids() -> list[int]:
    return [int(re.search(rb"<PMID[^>]*>(\d+)<", r).group(1)) for r in recorded()[1]]


def altered(**changes) -> bytes:
    """The recorded file with record number n (1-based) changed by changes[f"r{n}"](bytes)."""
    data, records = recorded()
    for name, change in changes.items():
        record = records[int(name[1:]) - 1]
        data = data.replace(record, change(record))
    return data


def sub(pattern: bytes, replacement: bytes):
    def change(record: bytes) -> bytes:
        new = re.sub(pattern, replacement, record, count=1, flags=re.S)
        assert new != record
        return new

    return change


BAD_PMID = sub(rb"(<PMID[^>]*>)\d+(</PMID>)", rb"\g<1>12abc\2")
NO_ARTICLE = sub(rb"<Article[ >].*?</Article>", b"")
NO_CITATION = sub(rb"<MedlineCitation[ >].*?</MedlineCitation>", b"")


def three_bad() -> bytes:
    return altered(r1=BAD_PMID, r2=NO_ARTICLE, r3=NO_CITATION)


def labels(records) -> list:
    """A BadRecord's label, a good record's PMID."""
    return [r.label if isinstance(r, BadRecord) else r.pmid for r in records]
