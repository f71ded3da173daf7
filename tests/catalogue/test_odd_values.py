"""Every display path copes with whatever the
database can hold (dates out of range, JSON of the wrong shape, no PMID); curators cannot enter
such values, through the admin or papers.curation, and are told which field is wrong."""

import io
import json

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse

from papers.catalogue.models import PUB_YEARS, Authorship, Paper
from papers.curation import services as curation
from papers.search.indexing import index_papers
from tests.support.papers import post_paper_form, set_status
from tests.support.paths import SAMPLES

TELOMERE = 27797938  # a structured abstract, 22 authors with affiliations, MeSH, keywords, chemicals
FORMATS = ("ris", "bib", "csv", "json")


@pytest.fixture
def paper(taxonomy, people):
    sample = SAMPLES / "efetch_pubmed_27797938_structured_inline_markup.xml"
    call_command("import_pubmed", "--from-xml", str(sample), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)
    return Paper.objects.get(pmid=TELOMERE)


def store(paper, **values):
    """Write values as a raw-SQL write or an older version of the app could have: no validation."""
    Paper.objects.filter(pk=paper.pk).update(**values)
    index_papers([paper.pk])


def every_page(client, pmid=TELOMERE):
    """Every public address that shows the paper: page, search, exports of each format, API."""
    urls = [
        reverse("paper", args=[pmid]),
        "/search/?q=telomere",
        "/search/?q=telomere&sort=newest",
        "/api/papers/",
        "/api/papers/?q=telomere",
        reverse("api:paper-detail", args=[pmid]),
    ]
    for fmt in FORMATS:
        urls += [reverse("paper_export", args=[pmid, fmt]), f"/search/export.{fmt}?q=telomere"]
    return {url: client.get(url) for url in urls}


def assert_all_answer(client, pmid=TELOMERE):
    caches["default"].clear()  # the export throttle's counts: this test asks for many
    answers = every_page(client, pmid)
    failed = {url: response.status_code for url, response in answers.items() if response.status_code != 200}
    assert not failed
    return answers


ODD_DATES = [
    (2017, 13, 3),
    (2017, 0, 3),
    (2017, 8, 40),
    (2017, 2, 30),
    (2017, None, 12),
    (0, 8, 3),
    (32767, 8, 3),
    (None, 13, 40),
]


@pytest.mark.parametrize("year, month, day", ODD_DATES)
def test_an_odd_stored_date_is_shown_as_unknown_everywhere(client, paper, year, month, day):
    store(paper, pub_year=year, pub_month=month, pub_day=day, pub_date_text="")
    answers = assert_all_answer(client)
    bib = answers[reverse("paper_export", args=[TELOMERE, "bib"])].content.decode()
    csl = json.loads(answers[reverse("paper_export", args=[TELOMERE, "json"])].content)[0]
    ris = answers[reverse("paper_export", args=[TELOMERE, "ris"])].content.decode()
    page = answers[reverse("paper", args=[TELOMERE])].content.decode()
    known_year = year if year in PUB_YEARS else None
    known_month = month if known_year and month in range(1, 13) else None
    if known_month is None:
        assert "month = " not in bib
    if known_year is None:
        assert "issued" not in csl and "year = " not in bib and "PY  - " not in ris
        assert 'name="citation_publication_date"' not in page
    else:
        assert csl["issued"]["date-parts"][0][0] == known_year
        assert csl["issued"]["date-parts"][0][1:2] == ([known_month] if known_month else [])
    api = answers[reverse("api:paper-detail", args=[TELOMERE])].json()
    assert (api["pub_year"], api["pub_month"]) == (known_year, known_month)
    if day not in range(1, 29):
        assert api["pub_day"] is None


def test_a_real_date_is_kept_whole(client, paper):
    store(paper, pub_year=2016, pub_month=2, pub_day=29)
    csl = json.loads(client.get(reverse("paper_export", args=[TELOMERE, "json"])).content)[0]
    assert csl["issued"] == {"date-parts": [[2016, 2, 29]]}
    assert "month = feb" in client.get(reverse("paper_export", args=[TELOMERE, "bib"])).content.decode()


@pytest.mark.parametrize(
    "field, value",
    [
        ("pub_month", 13),
        ("pub_month", 0),
        ("pub_day", 32),
        ("pub_day", 0),
        ("pub_year", 999),
        ("pub_year", 2101),
    ],
)
def test_curators_cannot_enter_an_odd_date(client, paper, field, value):
    client.force_login(_boss())
    response = post_paper_form(client, paper, lambda data: data.update({field: value}))
    assert response.status_code == 200  # the form again, with the error
    assert field in response.context["adminform"].form.errors
    with pytest.raises(curation.CurationError, match=field):
        curation.edit_paper(paper, _boss(), {field: value})
    assert getattr(Paper.objects.get(pk=paper.pk), field) != value


def test_curators_can_still_enter_the_ends_of_the_ranges(paper):
    curation.edit_paper(paper, _boss(), {"pub_year": PUB_YEARS[-1], "pub_month": 12, "pub_day": 31})
    curation.edit_paper(paper, _boss(), {"pub_year": PUB_YEARS[0], "pub_month": 1, "pub_day": 1})
    assert Paper.objects.filter(pk=paper.pk, pub_year=PUB_YEARS[0], pub_month=1, pub_day=1).exists()


def _boss():
    from django.contrib.auth.models import User

    return User.objects.get(username="boss")


# What each JSON field a curator can edit must not accept, and a value of the right shape.
WRONG_SHAPES = {
    "corrections": ([{"pmid": 1}], [{"type": "ErratumIn", "source": "Blood. 2020;1:2", "pmid": 123}]),
    "abstract_sections": ([{"label": "A"}], [{"label": "A", "category": "", "text": "T"}]),
    "article_ids": ({"doi": 5}, {"doi": "10.1/x", "pubmed": "1"}),
    "languages": (["eng", 3], ["eng"]),
    "keywords": ("telomere", ["telomere"]),
    "mesh_headings": ([{"name": "Telomere"}], [{"ui": "D016615", "name": "Telomere", "major": True, "qualifiers": []}]),
    "chemicals": ([{"name": "x"}], ["TERT protein, human"]),
}


# The fields the paper page edits as text (papers.curation.editors): the text of each shape above.
AS_TEXT = {
    "corrections": ("ErratumIn", "ErratumIn | Blood. 2020;1:2 | 123"),
    "article_ids": ("doi 10.1/x", "doi: 10.1/x\npubmed: 1"),
    "languages": ("eng, 3", "eng"),
}


@pytest.mark.parametrize("field", WRONG_SHAPES)
def test_a_json_field_of_the_wrong_shape_is_refused_naming_the_field(client, paper, field):
    wrong, right = WRONG_SHAPES[field]
    typed_wrong, typed_right = AS_TEXT.get(field, (json.dumps(wrong), json.dumps(right)))
    client.force_login(_boss())
    response = post_paper_form(client, paper, lambda data: data.update({field: typed_wrong}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    with pytest.raises(curation.CurationError, match=field):
        curation.edit_paper(paper, _boss(), {field: wrong})
    assert getattr(Paper.objects.get(pk=paper.pk), field) != wrong
    response = post_paper_form(client, paper, lambda data: data.update({field: typed_right}))
    assert response.status_code == 302
    assert getattr(Paper.objects.get(pk=paper.pk), field) == right


@pytest.mark.parametrize("field", WRONG_SHAPES)
def test_a_stored_json_field_of_the_wrong_shape_never_breaks_a_page(client, paper, field):
    for wrong in (WRONG_SHAPES[field][0], [1] if field == "article_ids" else {"a": [1]}, 7, "text", [[["x"]]]):
        store(paper, **{field: wrong})
        assert_all_answer(client)


def test_stored_corrections_of_the_wrong_shape_are_left_out_the_right_ones_shown(client, paper):
    store(paper, corrections=[{"pmid": 1}, {"type": "RetractionIn", "source": "Nature. 2020", "pmid": None}, 3])
    page = assert_all_answer(client)[reverse("paper", args=[TELOMERE])].content.decode()
    assert "This paper has been retracted" in page


def test_stored_affiliations_of_the_wrong_shape_never_break_a_page(client, paper):
    Authorship.objects.filter(paper=paper, position=1).update(affiliations=[{"name": "x"}, 5])
    Authorship.objects.filter(paper=paper, position=2).update(affiliations="Oxford")
    assert_all_answer(client)


def test_affiliations_of_the_wrong_shape_are_refused_in_the_admin(client, paper):
    authorship = paper.authorships.order_by("position").first()
    client.force_login(_boss())
    url = reverse("admin:papers_authorship_change", args=[authorship.pk])
    data = {
        "paper": paper.pk,
        "author": authorship.author_id,
        "position": authorship.position,
        "orcid": "",
        "affiliations": json.dumps([{"name": "Oxford"}]),
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "affiliations" in response.context["adminform"].form.errors
    data["affiliations"] = json.dumps(["Oxford"])
    assert client.post(url, data).status_code == 302
    assert Authorship.objects.get(pk=authorship.pk).affiliations == ["Oxford"]


def test_a_paper_without_a_pmid_has_no_url_and_breaks_no_list(client, paper):
    client.force_login(_boss())
    response = post_paper_form(client, paper, lambda data: data.update(pmid=""))
    assert response.status_code == 302
    assert Paper.objects.get(pk=paper.pk).pmid is None
    for url in ("/api/papers/", "/api/papers/?q=telomere", "/search/?q=telomere", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
    hits = client.get("/api/papers/?q=telomere").json()["results"]
    assert [(hit["paper"]["pmid"], hit["paper"]["url"]) for hit in hits] == [(None, None)]
    for fmt in FORMATS:
        assert client.get(f"/search/export.{fmt}?q=telomere").status_code == 200


@pytest.mark.parametrize("field", ["mesh_headings", "abstract_sections", "keywords"])
def test_deeply_nested_json_is_refused_with_a_message(client, paper, field):
    client.force_login(_boss())
    deep = "[" * 2000 + "]" * 2000
    response = post_paper_form(client, paper, lambda data: data.update({field: deep}))
    assert response.status_code == 200
    assert "nested more than" in str(response.context["adminform"].form.errors[field]).lower()
    with pytest.raises(curation.CurationError, match=field):
        curation.edit_paper(paper, _boss(), {field: json.loads("[" * 900 + "]" * 900)})


def test_deeply_nested_json_sent_to_the_api_is_a_400(client, staff):
    from papers.pubmed.models import ImportRun

    client.force_login(staff.curator)
    response = client.post("/api/imports/", "[" * 2000 + "]" * 2000, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]
    response = client.post("/api/imports/", {"pmids": [[[["1"]]]]}, content_type="application/json")
    assert response.status_code == 400 and "pmids" in response.json()  # read, and refused by its rules
    assert not ImportRun.objects.exists()


def test_a_stored_json_value_too_deep_for_python_is_read_as_empty(client, paper):
    """Both databases hold JSON nested 990 levels (SQLite's json_valid() allows 1,000), deeper
    than Python's parser reads within a request."""
    from django.db import connection

    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE papers_paper SET keywords = %s{cast} WHERE id = %s", ["[" * 990 + "]" * 990, paper.pk])
    stored = Paper.objects.get(pk=paper.pk)
    assert stored.keywords is None and stored.shaped.keywords == []  # json.loads: RecursionError
    assert_all_answer(client)
