"""Records PubMed should never send, but might: each fails alone, named, and the rest are stored.

Every bad record here is a real recorded record with only the value under test altered.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from papers.catalogue.models import Paper, PublicationType
from papers.pubmed.medline import PubMedRecord, parse_records
from papers.pubmed.models import ImportRun
from tests.support.altered_records import FIVE, altered, labels, pmids, sub, three_bad
from tests.support.imports import MYELOMA, auth, post_import


def test_each_unreadable_record_is_named_in_its_place_and_the_others_are_read():
    first, second, third, fourth, fifth = pmids()
    records = parse_records(three_bad())
    assert labels(records) == ["PMID '12abc'", f"PMID {second}", "record 3", fourth, fifth]
    reasons = [r.reason for r in records[:3]]
    assert reasons == [
        "its PMID '12abc' is not a whole number from 1 to 999,999,999",
        "it has no <Article> in its <MedlineCitation>",
        "it has no <MedlineCitation> in its <PubmedArticle>",
    ]
    assert records[1].pmid == second and records[0].pmid is None
    assert records[3] == parse_records(FIVE.read_bytes())[3]


def run_xml(path, fails: bool = True) -> tuple[str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if not fails:
        call_command("import_pubmed", "--from-xml", str(path), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), ""
    with pytest.raises(CommandError) as raised:
        call_command("import_pubmed", "--from-xml", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(raised.value)


def test_a_file_with_bad_records_stores_the_rest_and_says_a_rerun_will_not_help(taxonomy, tmp_path):
    first, second, third, fourth, fifth = pmids()
    path = tmp_path / "bad.xml"
    path.write_bytes(three_bad())
    out, err, message = run_xml(path)
    assert sorted(Paper.objects.values_list("pmid", flat=True)) == sorted([fourth, fifth])
    assert "1 failed (PMID '12abc'): cannot be read: its PMID '12abc' is not a whole number" in err
    assert f"1 failed (PMID {second}): cannot be read: it has no <Article>" in err
    assert "1 failed (record 3): cannot be read: it has no <MedlineCitation>" in err
    assert message == "3 failure(s) that running again cannot fix (see the reasons above)."
    assert "run the same command again" not in message
    run = ImportRun.objects.get()
    assert (run.state, run.created, run.failed) == ("partial", 2, 3)
    assert set(run.errors) == {"PMID '12abc'", f"PMID {second}", "record 3"}


def test_over_the_network_bad_records_fail_alone_and_the_api_answers(client, staff, eutils, taxonomy):
    first, second, third, fourth, fifth = pmids()
    eutils.fail_next("efetch", body=three_bad())  # PubMed's answer to the request below
    response = post_import(client, {"pmids": [str(p) for p in pmids()]}, **auth(staff.curator))
    assert response.status_code == 201, response.content[:300]
    body = response.json()
    assert (body["state"], body["created"], body["failed"]) == ("partial", 2, 3)
    assert set(body["errors"]) == {"PMID '12abc'", f"PMID {second}", "record 3"}
    assert sorted(Paper.objects.values_list("pmid", flat=True)) == sorted([fourth, fifth])
    # The two whose PMID could not be read are, as far as anyone can tell, not in PubMed's answer.
    assert body["not_found"] == 2


def test_run_again_is_advised_only_for_the_failures_a_rerun_can_fix(eutils, taxonomy, settings):
    first_batch = pmids() + list(range(90_000_001, 90_000_196))  # 200: the five, then unknown ones
    eutils.fail_next("efetch", body=three_bad(), when_id=first_batch[0])
    eutils.fail_next("efetch", status=500, times=settings.EUTILS_MAX_TRIES, when_id=MYELOMA)
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_pubmed", *map(str, first_batch + [MYELOMA]), stdout=io.StringIO(), stderr=err)
    assert str(raised.value) == (
        "4 failure(s): run the same command again for the 1 a re-run can fix; "
        "running again cannot fix the other 3 (see the reasons above)."
    )
    assert f"1 failed ({MYELOMA}): PubMed answered HTTP 500" in err.getvalue()
    assert Paper.objects.count() == 2


def test_impossible_dates_are_stored_as_unknown_with_a_warning_and_the_batch_is_stored(taxonomy, tmp_path):
    first, second, *_ = pmids()
    path = tmp_path / "dates.xml"
    path.write_bytes(
        altered(
            r1=sub(rb"(<PubDate>\s*<Year>)\d+(</Year>)", rb"\g<1>99999\2"),
            r2=sub(rb"(<PubDate>\s*<Year>\d+</Year>\s*<Month>)\w+(</Month>)", rb"\g<1>13\2"),
        )
    )
    out, err, _ = run_xml(path, fails=False)
    assert Paper.objects.count() == 5 and out.splitlines()[-1].endswith(
        "created 5, updated 0, unchanged 0, not found 0, failed 0"
    )
    assert f"PMID {first}: publication year 99999 is not within 1000-2100; stored as unknown" in out
    assert f"PMID {second}: publication month 13 is not 1-12; stored as unknown" in out
    one, two = Paper.objects.get(pmid=first), Paper.objects.get(pmid=second)
    assert (one.pub_year, one.pub_month, one.pub_day, one.pub_date_text) == (None, 2, 22, "99999 02 22")
    assert (two.pub_year, two.pub_month, two.pub_day) == (2020, None, None)
    assert ImportRun.objects.get().messages[:2] == [
        f"PMID {first}: publication year 99999 is not within 1000-2100; stored as unknown",
        f"PMID {second}: publication month 13 is not 1-12; stored as unknown",
    ]


def test_a_publication_type_longer_than_its_column_is_stored_cut_and_found_again(taxonomy, tmp_path):
    first = pmids()[0]
    name = ("Journal Article, " + "an unusually long publication type name " * 4)[:150]
    path = tmp_path / "long_type.xml"
    longer = sub(rb"(<PublicationType [^>]*>)Journal Article(<)", rb"\g<1>" + name.encode() + rb"\2")
    path.write_bytes(altered(r1=longer))
    out, _, _ = run_xml(path, fails=False)
    assert out.splitlines()[-1].endswith("created 5, updated 0, unchanged 0, not found 0, failed 0")
    stored = PublicationType.objects.get(name__startswith="Journal Article, ")
    assert stored.name == name[:120]
    assert stored in Paper.objects.get(pmid=first).publication_types.all()
    out, _, _ = run_xml(path, fails=False)  # the same record again: found by its stored name, unchanged
    assert out.splitlines()[-1].endswith("created 0, updated 0, unchanged 5, not found 0, failed 0")


def test_a_record_is_a_pubmed_record_when_nothing_is_wrong():
    assert all(isinstance(r, PubMedRecord) and not r.warnings for r in parse_records(FIVE.read_bytes()))
