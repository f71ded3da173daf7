"""The parsing worker process: batches in order, faults reported, a dead worker not waited for."""

import os
import time

import pytest

from papers.pubmed.medline import BadRecord, PubMedXMLError, parse_records
from papers.pubmed.worker import ParserStopped, read_batches
from tests.support.altered_records import labels, pmids, three_bad
from tests.support.paths import SAMPLES

FIVE = SAMPLES / "efetch_pubmed_five_records_medlinedate.xml"


def pmid(record) -> int:
    return record.pmid


def picky(record):
    """A tagger that fails on one record."""
    if record.pmid == pmids()[4]:
        raise KeyError("no such tag")
    return record.pmid


def stall(record):
    time.sleep(30)  # a worker alive but stuck


def die(record):
    os._exit(9)  # as the kernel's out-of-memory killer would leave it: no last word


def test_batches_of_records_with_what_annotate_found():
    batches = list(read_batches(FIVE, 2, annotate=pmid))
    expected = [r.pmid for r in parse_records(FIVE.read_bytes())]
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [(r.pmid, found) for batch in batches for r, found in batch] == list(zip(expected, expected, strict=True))


def test_a_worker_that_dies_is_a_fault_not_a_wait_for_ever():
    with pytest.raises(PubMedXMLError, match=r"The parsing process stopped \(exit code 9\)"):
        list(read_batches(FIVE, 2, annotate=die))


def test_bad_records_come_in_their_place_and_a_tagger_fault_fails_its_record_alone(tmp_path):
    first, second, third, fourth, fifth = pmids()
    path = tmp_path / "bad.xml"
    path.write_bytes(three_bad())
    batches = list(read_batches(path, 2, annotate=picky))
    assert [[(labels([r])[0], found) for r, found in batch] for batch in batches] == [
        [("PMID '12abc'", None), (f"PMID {second}", None)],
        [("record 3", None), (fourth, fourth)],
        [(f"PMID {fifth}", None)],
    ]
    tagger_fault = batches[2][0][0]
    assert isinstance(tagger_fault, BadRecord) and tagger_fault.pmid == fifth
    assert tagger_fault.reason == "preparing it for the collection failed (KeyError: 'no such tag')"


def test_a_worker_alive_but_silent_is_given_up_on_not_waited_for():
    began = time.monotonic()
    with pytest.raises(ParserStopped, match=r"The parsing process sent nothing for 2 s and was stopped\."):
        list(read_batches(FIVE, 2, annotate=stall, batch_seconds=2))
    assert time.monotonic() - began < 10
