"""A curator's journey in a real browser: log in, import PMIDs, read the report, find the paper."""

import re

import pytest
from django.utils import timezone

from papers.catalogue.models import Paper
from papers.pubmed.models import ImportRun
from tests.support.papers import set_approval_time, set_status

pytestmark = pytest.mark.browser

MYELOMA = 38856741


def test_curator_imports_from_the_admin_and_finds_the_paper(page, live_server, people, taxonomy, eutils):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "boss-pass")
    page.click("input[type=submit]")
    page.click("text=Import runs")
    page.click("text=Import from PubMed")
    page.fill("textarea[name=pmids]", f"PMID: {MYELOMA}\nnot-a-pmid")
    page.click("input[value=Import]")
    assert "Not PubMed IDs" in page.inner_text(".errornote")
    assert ImportRun.objects.count() == 0

    page.fill("textarea[name=pmids]", f"PMID: {MYELOMA}")
    page.click("input[value=Import]")
    assert re.search(r"Import #\d+ done: 1 created", page.inner_text(".messagelist"))
    assert "Succeeded" in page.content()
    assert Paper.objects.get(pmid=MYELOMA).imported_by == people.superuser

    page.goto(f"{live_server.url}/admin/papers/paper/?status__exact=pending")
    page.click(f'a:text-is("{MYELOMA}")')
    assert page.input_value("#id_pmid") == str(MYELOMA)
    assert page.get_attribute("a:text('DOI')", "href") == "https://doi.org/10.1177/21925682241260651"


def test_home_page_shows_only_approved_papers_with_markup(page, live_server, eutils, taxonomy, page_cache):
    from django.core.management import call_command

    call_command("import_pubmed", MYELOMA, 27797938, stdout=__import__("io").StringIO())
    set_status(Paper.objects.filter(pmid=27797938), Paper.Status.APPROVED)
    set_approval_time(Paper.objects.filter(pmid=27797938), timezone.now())  # approved today: "New in the last 30 days"
    page.goto(live_server.url)
    assert page.inner_text("h1") == "Myeloma literature"
    assert "1 approved paper" in page.inner_text("main")
    assert page.inner_text("ul.papers i") == "TERT"  # the title's <i> is kept, not escaped
    assert "Remineralization" not in page.content()  # pending: not public
