"""The JSON API as a contract: the same assertions on SQLite and PostgreSQL.

The corpus is the 222 demo records imported as the importer does it, approved, with the
tagger's suggestions confirmed; the API must answer exactly what the site's search answers.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.staticfiles import finders
from django.http import QueryDict

from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper, Tag, Topic
from papers.pubmed.models import ImportRun
from papers.search import NEWEST_FIRST, search
from papers.site.forms import SearchForm
from papers.tagging.models import PaperTag
from tests.support.imports import auth, post_import
from tests.support.papers import set_status

MYELOMA = 38856741  # in the recorded E-utilities corpus
BORTEZOMIB = {32895455, 32901100, 34087126}


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def pmids(page) -> list[int]:
    return [hit["paper"]["pmid"] for hit in page["results"]]


def test_papers_are_searched_ranked_and_expanded(client, curated):
    page = get(client, "/api/papers/?q=bortezomib")
    assert pmids(page) == [hit.paper.pmid for hit in search("bortezomib").hits] and set(pmids(page)) == BORTEZOMIB
    assert (page["total"], page["page"], page["next"], page["previous"]) == (3, 1, None, None)
    assert page["expanded"][0]["term"] == "bortezomib" and "Velcade" in page["expanded"][0]["synonyms"]
    first = page["results"][0]
    assert any("<mark>" in hit["snippet"] for hit in page["results"]) and isinstance(first["rank"], float)
    assert first["paper"]["url"] == f"http://testserver/api/papers/{first['paper']['pmid']}/"


@pytest.mark.parametrize(
    "params",
    [
        "q=IL-6",
        "q=interleukin-6&synonyms=off",
        "q=myeloma&sort=newest&page=2&page_size=5",
        "tag=il-6",
        "tag=il-6&tag=osteoclasts",
        "topic=bone-marrow-microenvironment&year_from=2000",
        "journal=Leukemia",
        "q=myeloma&type=Review",
        "q=%22natural+killer%22",
        "year_from=1978&year_to=1978&sort=relevance",
    ],
)
def test_papers_answer_what_the_site_search_answers(client, curated, params):
    form = SearchForm(QueryDict(params))
    assert form.is_valid()
    expected = search(form.cleaned_data["q"], **form.search_kwargs())
    page = get(client, f"/api/papers/?{params}")
    assert pmids(page) == [hit.paper.pmid for hit in expected.hits]
    assert page["total"] == expected.total
    assert page["total"] > 0 or params.startswith("tag=il-6&")


def test_without_parameters_every_approved_paper_once_newest_first(client, curated):
    set_status(Paper.objects.filter(pmid=32895455), Paper.Status.PENDING)
    seen, url = [], "/api/papers/?page_size=100"
    while url:
        page = get(client, url)
        seen += pmids(page)
        assert all(hit["rank"] is None and hit["snippet"] is None for hit in page["results"])
        url = page["next"]
    public = Paper.objects.public()
    assert page["total"] == len(seen) == len(set(seen)) == public.count() == 221
    assert seen[0] == public.order_by(*NEWEST_FIRST)[0].pmid


@pytest.mark.parametrize("endpoint", ["papers", "facets"])
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("q=" + "x" * 501, "q"),
        ("journal=a%00b", "journal"),
        ("year_from=abc", "year_from"),
        ("year_to=2200", "year_to"),
        ("tag=Not+A+Slug", "tag"),
        ("topic=no+spaces", "topic"),
        ("sort=best", "sort"),
        ("synonyms=maybe", "synonyms"),
        ("journal=" + "j" * 401, "journal"),
        ("tags=il-6", "tags"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, endpoint, params, named, db):
    body = get(client, f"/api/{endpoint}/?{params}", status=400)
    assert list(body) == [named] and body[named][0]


def test_reversed_years_are_a_400(client, db):
    assert get(client, "/api/papers/?year_from=2001&year_to=2000", status=400) == {
        "year_to": ["The first year must not be after the last."]
    }


def test_facets_are_the_search_facets(client, curated):
    facets = search("IL-6").facets
    body = get(client, "/api/facets/?q=IL-6")
    assert body["total"] == 3
    assert body["facets"] == {
        name: [{"value": f.value, "label": f.label, "count": f.count} for f in getattr(facets, name)]
        for name in ("tags", "years", "journals", "publication_types")
    }
    assert ("tags", "il-6", 3) in [(n, f["value"], f["count"]) for n, fs in body["facets"].items() for f in fs]


def test_facets_without_a_query_or_filter_say_so(client, curated):
    body = get(client, "/api/facets/")
    assert (body["total"], body["facets"]["years"]) == (0, []) and body["message"]


def test_paper_shows_everything_its_page_shows(client, curated):
    paper = Paper.objects.get(pmid=32895455)
    paper.title = "Pomalidomide <i>in vivo</i><script>alert(1)</script> &amp; more"
    paper.corrections = [{"type": "RetractionIn", "source": "Lancet Oncol. 2024", "pmid": 1}]
    paper.is_retracted = True
    paper.save()
    body = get(client, "/api/papers/32895455/")
    assert body["title"] == "Pomalidomide in vivoalert(1) & more"
    assert body["title_html"] == "Pomalidomide <i>in vivo</i> &amp; more"
    assert body["authors"][0] == {
        "position": 1,
        "name": "Dimopoulos M",
        "last_name": "Dimopoulos",
        "fore_name": "Meletios",
        "initials": "M",
        "suffix": "",
        "collective_name": "",
        "orcid": "0000-0001-8990-3254",
        "equal_contribution": False,
        "affiliations": ["National and Kapodistrian University of Athens, Athens, Greece. mdimop@med.uoa.gr."],
    }
    assert (body["journal_iso"], body["pub_year"], body["volume"], body["pages"]) == (
        paper.journal_iso,
        2021,
        paper.volume,
        paper.pages,
    )
    assert body["is_retracted"] and body["corrections"] == [
        {
            **paper.corrections[0],
            "text": "This paper has been retracted",
            "notice": True,
            "in_collection": False,
            "url": "https://pubmed.ncbi.nlm.nih.gov/1/",
        }
    ]
    assert body["links"] == {
        "pubmed": "https://pubmed.ncbi.nlm.nih.gov/32895455/",
        "doi": paper.doi_url,
        "pmc": paper.pmc_url or None,
    }
    assert [t["slug"] for t in body["tags"]] == list(
        paper.paper_tags.order_by("tag__name").values_list("tag__slug", flat=True)
    )
    assert body["tags"] and all(
        t["evidence"] and t["url"].startswith("http://testserver/api/tags/") for t in body["tags"]
    )
    assert body["mesh_headings"] == paper.mesh_headings and body["keywords"] == paper.keywords
    assert body["publication_types"] == list(paper.publication_types.values_list("name", flat=True))
    sections = [(s["label"], s["text"]) for s in body["abstract_sections"]]
    assert sections == [(s["label"], to_text(s["text"])) for s in paper.abstract_sections] and sections


def test_structured_abstract_keeps_safe_markup(client, curated):
    paper = Paper.objects.public().filter(abstract__contains="<sup>").first()
    body = get(client, f"/api/papers/{paper.pmid}/")
    assert any("<sup>" in s["text_html"] for s in body["abstract_sections"])
    assert not any("<" in s["text"] for s in body["abstract_sections"])


def test_the_topic_tree_takes_the_same_few_queries_whatever_its_size(client, taxonomy, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # topics, their subtopics, two GROUP BYs of counts
        response = client.get("/api/topics/")
    assert sum(1 + len(topic["children"]) for topic in response.json()) == Topic.objects.count()


def test_paper_pages_take_few_queries(client, curated, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        get(client, "/api/papers/32895455/")
    with django_assert_max_num_queries(12):
        get(client, "/api/papers/?q=myeloma&page_size=100")


def test_topic_and_tag_counts_are_what_their_paper_lists_total(client, curated):
    tree = get(client, "/api/topics/")
    assert [t["slug"] for t in tree] == list(Topic.objects.filter(parent=None).values_list("slug", flat=True))
    topics = [t for root in tree for t in (root, *root["children"])]
    assert len(topics) == Topic.objects.count()
    for topic in topics:
        assert topic["paper_count"] == get(client, f"/api/papers/?topic={topic['slug']}&page_size=1")["total"]
    tags = get(client, "/api/tags/")
    assert len(tags) == Tag.objects.count() and sum(t["paper_count"] for t in tags) == PaperTag.objects.count()
    for tag in tags:
        if tag["paper_count"]:
            assert tag["paper_count"] == get(client, tag["papers_url"])["total"]
    assert sum(t["paper_count"] for t in topics) > 0


def test_topic_detail_lists_its_subtopics_and_tags(client, curated):
    body = get(client, "/api/topics/bone-marrow-microenvironment/")
    assert body["parent"] is None
    assert [c["slug"] for c in body["children"]] == [
        "adhesion-homing",
        "cytokines-growth-factors",
        "angiogenesis-hypoxia",
        "stromal-immune-cells",
    ]
    assert "il-6" in [t["slug"] for t in body["tags"]]
    child = get(client, "/api/topics/cytokines-growth-factors/")
    assert child["parent"]["slug"] == "bone-marrow-microenvironment" and child["children"] == []
    get(client, "/api/topics/no-such-topic/", status=404)


def test_tag_shows_synonyms_topic_and_count(client, curated):
    body = get(client, "/api/tags/il-6/")
    tag = Tag.objects.get(slug="il-6")
    assert (body["name"], body["synonyms"], body["topic"]["slug"], body["paper_count"]) == (
        "IL-6",
        tag.synonyms,
        "cytokines-growth-factors",
        3,
    )
    assert [t["slug"] for t in get(client, "/api/tags/?topic=cytokines-growth-factors&kind=molecule")] == list(
        Tag.objects.filter(topic__slug="cytokines-growth-factors", kind="molecule").values_list("slug", flat=True)
    )
    assert list(get(client, "/api/tags/?kind=nonsense", status=400)) == ["kind"]


# --- visibility -----------------------------------------------------------------------------


def public_surfaces(client, hidden_tags: list[str]) -> dict:
    """Every public endpoint's answer (ranks dropped: SQLite's bm25 weighs the whole index, which a
    deleted paper changes; so a page cut from more matches is asked newest first)."""
    urls = [
        "/api/papers/?q=bortezomib",
        "/api/papers/?q=myeloma&page_size=100&sort=newest",
        "/api/papers/?page_size=100",
        "/api/papers/?page_size=100&page=2",
        "/api/papers/?page_size=100&page=3",
        "/api/topics/",
        "/api/tags/",
        "/api/facets/?q=myeloma",
        "/api/facets/?year_from=1800",
    ]
    urls += [f"/api/topics/{slug}/" for slug in Topic.objects.values_list("slug", flat=True)]
    for slug in hidden_tags:
        urls += [f"/api/tags/{slug}/", f"/api/papers/?tag={slug}", f"/api/facets/?tag={slug}"]
    answers = {url: get(client, url) for url in urls}
    for body in answers.values():
        for hit in body.get("results", []) if isinstance(body, dict) else []:
            hit.pop("rank")
    return answers


def test_pending_and_rejected_papers_appear_in_no_answer_and_no_count(client, curated):
    hidden = [32901100, *PaperTag.objects.order_by("paper__pmid").values_list("paper__pmid", flat=True)[:2]]
    tags = sorted(set(Tag.objects.filter(papers__pmid__in=hidden).values_list("slug", flat=True)))
    everything = public_surfaces(client, tags)
    set_status(Paper.objects.filter(pmid=hidden[0]), Paper.Status.PENDING)
    set_status(Paper.objects.filter(pmid__in=hidden[1:]), Paper.Status.REJECTED, "off_topic")
    answers = public_surfaces(client, tags)
    assert answers != everything
    text = str(answers)
    assert not any(f"'pmid': {pmid}" in text for pmid in hidden)
    for pmid in hidden:
        get(client, f"/api/papers/{pmid}/", status=404)
    Paper.objects.filter(pmid__in=hidden).delete()
    assert public_surfaces(client, tags) == answers


# --- the curators' endpoints ------------------------------------------------------------------


@pytest.fixture
def members(staff):
    """Everyone the permission matrix names, by role."""

    def user(name, *, staff=True, active=True, group=None, perms=()):
        person = User.objects.create_user(name, is_staff=staff, is_active=active)
        if group:
            person.groups.add(Group.objects.get(name=group))
        person.user_permissions.add(*Permission.objects.filter(codename__in=perms))
        return person

    return {
        "curator": staff.curator,
        "moderator": staff.moderator,
        "superuser": staff.superuser,
        "reader": user("reader", perms=["view_importrun"]),
        "staff without permissions": user("bare"),
        "not staff, with permissions": user("outsider", staff=False, perms=["add_importrun", "view_importrun"]),
        "inactive curator": user("gone", active=False, group="Curators"),
    }


@pytest.mark.parametrize(
    ("who", "may_import", "may_view"),
    [
        ("anonymous", 401, 401),
        ("inactive curator", 401, 401),
        ("not staff, with permissions", 403, 403),
        ("staff without permissions", 403, 403),
        ("reader", 403, 200),
        ("curator", 201, 200),
        ("moderator", 201, 200),
        ("superuser", 201, 200),
    ],
)
def test_curator_endpoints_permit_exactly_whom_the_admin_permits(
    client, members, eutils, taxonomy, who, may_import, may_view
):
    headers = {} if who == "anonymous" else auth(members[who])
    existing = ImportRun.objects.create(source=ImportRun.Source.PMIDS, requested_pmids=[1])
    response = post_import(client, {"pmids": [MYELOMA]}, **headers)
    assert response.status_code == may_import, response.content
    assert ImportRun.objects.count() == (2 if may_import == 201 else 1)
    response = client.get(f"/api/imports/{existing.pk}/", **headers)
    assert response.status_code == may_view
    if 401 in (may_import, may_view):
        assert response["WWW-Authenticate"] == "Token"


def test_admin_session_works_too(client, staff, eutils, taxonomy):
    client.force_login(staff.curator)
    assert post_import(client, {"pmids": [str(MYELOMA)]}).status_code == 201


def test_import_of_pmids_runs_at_once_and_reports(client, staff, eutils, taxonomy):
    response = post_import(client, {"pmids": [f"PMID: {MYELOMA}", MYELOMA, 99999998]}, **auth(staff.curator))
    run = ImportRun.objects.get()
    body = response.json()
    assert (
        response.status_code == 201
        and response["Location"] == body["url"] == f"http://testserver/api/imports/{run.pk}/"
    )
    assert (body["id"], body["state"], body["requested_pmids"], body["created"], body["not_found"]) == (
        run.pk,
        "succeeded",
        [MYELOMA, 99999998],
        1,
        1,
    )
    assert body["requested_by"] == "curator"
    assert Paper.objects.get(pmid=MYELOMA).status == Paper.Status.PENDING
    get(client, f"/api/papers/{MYELOMA}/", status=404)
    assert get(client, body["url"], **auth(staff.curator)) == body


def test_import_of_a_query_is_queued_then_reports_progress(
    client, staff, eutils, taxonomy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_import(client, {"query": "myeloma", "max": 5}, **auth(staff.curator))
    assert response.status_code == 202 and response.json()["state"] == "queued" and len(queued) == 1
    queued[0]()
    body = get(client, response["Location"], **auth(staff.curator))
    assert (body["source"], body["query"], body["limit"], body["state"], body["created"], body["processed"]) == (
        "query",
        "myeloma",
        5,
        "succeeded",
        5,
        5,
    )
    assert "importing the first 5" in body["messages"][0]


def test_unknown_import_is_a_404(client, staff):
    assert client.get("/api/imports/999/", **auth(staff.curator)).status_code == 404


def test_throttled_clients_get_a_429(client, db, monkeypatch):
    from papers.api.views import PublicThrottle

    monkeypatch.setattr(PublicThrottle, "rate", "2/minute")
    statuses = [client.get("/api/topics/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_documentation_needs_no_internet(client, db):
    page = client.get("/api/docs/").content.decode()
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', page) if a != "/about/"]  # the one page link
    assert assets and not [a for a in assets if "//" in a]
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert client.get("/api/schema/").status_code == 200
