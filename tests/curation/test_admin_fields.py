"""The paper page's languages, article identifiers and corrections, edited as labelled text
instead of raw JSON: shown as stored, read back into the stored shape, refused in words, and
recorded as hand edits a re-import leaves alone."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from papers.catalogue.models import Paper
from papers.curation.models import PaperEvent
from tests.support.admin_browser import apps_own, log_in
from tests.support.axe import violations
from tests.support.papers import form_data
from tests.support.paths import SAMPLES

ERRATUM_IN = 38147649  # a real record with an ErratumIn notice, a DOI and a PMC id
RECORD = SAMPLES / "efetch_pubmed_38147649_erratum_in_nonascii.xml"
STORED_TEXT = {
    "languages": "eng",
    "corrections": "ErratumIn | Proc Natl Acad Sci U S A. 2025 Jan 7;122(1):e2424381121. "
    "doi: 10.1073/pnas.2424381121. | 39705317",
}


@pytest.fixture
def paper(people, taxonomy):
    call_command("import_pubmed", "--from-xml", str(RECORD), "--as", "curator", stdout=io.StringIO())
    return Paper.objects.get(pmid=ERRATUM_IN)


def change_url(paper) -> str:
    return reverse("admin:papers_paper_change", args=[paper.pk])


def post(client, paper, **fields):
    data = form_data(client.get(change_url(paper)))
    data.update(fields)
    return client.post(change_url(paper), data)


def test_the_stored_values_are_shown_as_labelled_text(client, people, paper):
    client.force_login(people.superuser)
    form = client.get(change_url(paper)).context["adminform"].form
    assert {name: form[name].value() for name in STORED_TEXT} == STORED_TEXT
    ids = form["article_ids"].value().splitlines()
    assert {"doi: 10.1073/pnas.2308706120", "pmc: PMC10769841"} <= set(ids)
    assert sorted(ids) == sorted(f"{kind}: {value}" for kind, value in paper.article_ids.items())
    assert (form["languages"].label, form["article_ids"].label, form["corrections"].label) == (
        "Languages",
        "Article identifiers",
        "Correction notices",
    )
    page = client.get(change_url(paper)).content.decode()
    assert 'id="id_languages_helptext"' in page and "three-letter codes" in page
    assert "[&quot;eng&quot;]" not in page and "&quot;ErratumIn&quot;" not in page  # no raw JSON


def test_saving_the_page_untouched_records_no_edit(client, people, paper):
    client.force_login(people.superuser)
    assert post(client, paper).status_code == 302
    paper.refresh_from_db()
    assert paper.edited_fields == [] and not PaperEvent.objects.filter(paper=paper, kind="edit").exists()


def test_hand_edits_are_stored_in_shape_recorded_and_survive_a_reimport(client, people, paper):
    client.force_login(people.superuser)
    answer = post(
        client,
        paper,
        languages="eng, FRE",
        article_ids="doi: 10.1000/hand-edited\npmc: PMC10769841",
        corrections="RetractionIn | Proc Natl Acad Sci U S A. 2026;1:1\n" + STORED_TEXT["corrections"],
    )
    assert answer.status_code == 302
    paper.refresh_from_db()
    assert paper.languages == ["eng", "fre"]
    assert paper.article_ids == {"doi": "10.1000/hand-edited", "pmc": "PMC10769841"}
    assert paper.corrections == [
        {"type": "RetractionIn", "source": "Proc Natl Acad Sci U S A. 2026;1:1", "pmid": None},
        {
            "type": "ErratumIn",
            "source": "Proc Natl Acad Sci U S A. 2025 Jan 7;122(1):e2424381121. doi: 10.1073/pnas.2424381121.",
            "pmid": 39705317,
        },
    ]
    assert set(paper.edited_fields) >= {"languages", "article_ids", "corrections"}
    event = PaperEvent.objects.get(paper=paper, kind="edit")
    assert event.changes["languages"] == [["eng"], ["eng", "fre"]]

    Paper.objects.filter(pk=paper.pk).update(pubmed_hash="")  # as if PubMed had revised the record
    call_command("import_pubmed", "--from-xml", str(RECORD), stdout=io.StringIO())
    again = Paper.objects.get(pk=paper.pk)
    assert (again.languages, again.article_ids, again.corrections) == (
        paper.languages,
        paper.article_ids,
        paper.corrections,
    )
    assert (again.pubmed_conflicts["languages"], again.pubmed_conflicts["corrections"][0]["type"]) == (
        ["eng"],
        "ErratumIn",
    )  # PubMed's values, kept aside
    form = client.get(change_url(paper)).context["adminform"].form
    assert form["languages"].value() == "eng, fre"  # written back as typed, lower case


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("languages", "eng, english", "“english” is not a language code: give PubMed's three-letter codes"),
        ("article_ids", "doi 10.1000/xyz", "Line 1 (“doi 10.1000/xyz”): write the kind of identifier, a colon"),
        ("article_ids", "doi: 10.1/a\n\ndoi: 10.1/b", "Line 3: “doi” is given twice"),
        ("article_ids", "pmc:", "Line 1: no identifier after “pmc:”."),
        ("corrections", "ErratumIn", "Line 1: write the type, the citation and the PMID separated by “|”"),
        ("corrections", "Erratum | Blood. 2020;1:2", "Line 1: “Erratum” is not one of PubMed's correction types"),
        ("corrections", "ErratumIn |  | 12", "Line 1: the notice's citation is missing."),
        ("corrections", "ErratumIn | Blood. 2020;1:2 | PMID12", "Line 1: the PMID “PMID12” is not a PMID"),
        ("corrections", "ErratumIn | Blood. 2020;1:2 | 0", "Line 1: the PMID “0” is not a PMID"),
    ],
)
def test_what_does_not_fit_is_refused_in_words_and_nothing_changes(client, people, paper, field, typed, said):
    before = Paper.objects.values().get(pk=paper.pk)
    client.force_login(people.superuser)
    answer = post(client, paper, **{field: typed})
    assert answer.status_code == 200
    errors = answer.context["adminform"].form.errors[field]
    assert any(error.startswith(said) for error in errors), errors
    assert escape(said) in answer.content.decode()  # shown on the page, by the field
    assert answer.context["adminform"].form[field].value() == typed  # as typed, to be put right
    assert Paper.objects.values().get(pk=paper.pk) == before


def test_a_stored_value_of_the_wrong_shape_shows_its_fitting_parts_and_is_not_edited_untouched(client, people, paper):
    Paper.objects.filter(pk=paper.pk).update(languages=["eng", 3], article_ids={"doi": "10.1/x", "pmc": 5})
    client.force_login(people.superuser)
    form = client.get(change_url(paper)).context["adminform"].form
    assert (form["languages"].value(), form["article_ids"].value()) == ("eng", "doi: 10.1/x")
    assert post(client, paper).status_code == 302
    assert Paper.objects.get(pk=paper.pk).edited_fields == []


def test_a_curator_edits_the_fields_in_a_browser_and_axe_finds_nothing(page, live_server, people, paper):
    # An earlier transactional test's flush re-created the content types under new ids; the admin's
    # change log must not write this process's cached old ones.
    ContentType.objects.clear_cache()
    log_in(page, live_server, "boss", "boss-pass")
    page.goto(live_server.url + change_url(paper))
    assert page.get_by_label("Languages").input_value() == "eng"
    assert page.get_by_label("Correction notices").input_value() == STORED_TEXT["corrections"]
    assert apps_own(violations(page)) == []
    page.get_by_label("Languages").fill("eng, klingon")
    page.get_by_label("Article identifiers").fill("doi: 10.1000/typed")
    page.click("input[name=_continue]")
    assert "“klingon” is not a language code" in page.inner_text(".field-languages")
    assert page.get_by_label("Article identifiers").input_value() == "doi: 10.1000/typed"  # kept as typed
    assert apps_own(violations(page)) == []  # the error shown is labelled too
    page.get_by_label("Languages").fill("eng, ger")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    paper.refresh_from_db()
    assert (paper.languages, paper.article_ids) == (["eng", "ger"], {"doi": "10.1000/typed"})
    assert {"languages", "article_ids"} <= set(paper.edited_fields)
