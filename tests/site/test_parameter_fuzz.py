"""Every public parameter of every page, feed and export, fuzzed with odd values (the API's
are fuzzed from its schema by tests/api/test_api_schema.py): each answer is 200, or a 400 that
names the parameter; a 404 only where nothing is there to give (an export of no paper, a
sitemap page past the last). Deterministic and bounded: a fixed list of odd values, each alone,
repeated, and beside a valid value, for every parameter of every page kind, with the page
cache on, as deployed."""

import pytest
from django.urls import reverse

from papers.claims.models import Claim
from papers.site.claims import FinderForm
from papers.site.export import ExportThrottle
from papers.site.forms import SearchForm

ODD = [
    "",
    " ",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "1e308",
    "3.5",
    "2021-02-30",
    "2021-13-01",
    "0000-00-00",
    "-2021-01-01",
    "2021-02-28T00:00",
    "UNKNOWN",
    "IL-6",
    "no-such-name",
    "NEWEST",
    "Journal Article",
    "\x00",
    "a\x00b",
    "my\x01eloma",
    "\x1b[31m",
    "\u202eevil💥",
    '"><script>alert(1)</script>',
    "'; DROP TABLE papers_paper; --",
    "a" * 10_240,
]
SEARCH_PARAMS = tuple(SearchForm.base_fields)
FINDER_PARAMS = tuple(FinderForm.base_fields)
LABELS = {
    **{name: field.label for name, field in SearchForm.base_fields.items()},
    **{name: field.label for name, field in FinderForm.base_fields.items()},
}


def page_kinds():
    """(url, its parameters, 404 allowed) for each kind of public page, feed and export."""
    listed = [reverse("search"), reverse("topic", args=["therapy"]), reverse("tag", args=["il-6"])]
    kinds = [(url, SEARCH_PARAMS, False) for url in listed]
    # Each list's feed and export, a format each: the formats share their parameters' code.
    for (base, args), feed, export in zip(
        (("search", []), ("topic", ["therapy"]), ("tag", ["il-6"])), ("atom", "rss", "atom"), ("ris", "csv", "bib")
    ):
        kinds += [
            (reverse(f"{base}_feed", args=[*args, feed]), SEARCH_PARAMS, False),
            (reverse(f"{base}_export", args=[*args, export]), SEARCH_PARAMS, True),
        ]
    kinds += [
        (reverse("claim_finder"), FINDER_PARAMS, False),
        *((reverse("claims_export", args=[fmt]), FINDER_PARAMS, False) for fmt in ("csv", "sif", "graphml")),
        (reverse("sitemap_section", args=["papers"]), ("p",), True),
    ]
    # Pages that read no parameter: whatever is added is ignored.
    kinds += [
        (url, ("x", "Q", "page"), False)
        for url in (
            "/",
            reverse("paper", args=[33596528]),
            reverse("paper_export", args=[33596528, "bib"]),
            reverse("coverage"),
            reverse("neighbourhood", args=["il-6"]),
            reverse("sitemap"),
            reverse("robots"),
        )
    ]
    return kinds


@pytest.fixture
def site(curated, page_cache, monkeypatch):
    assert Claim.objects.update(status=Claim.Status.CONFIRMED) >= 1
    monkeypatch.setattr(ExportThrottle, "rate", "1000000/minute")


def queries(name: str):
    """The odd values one parameter is given: alone, repeated, after a valid value."""
    for value in ODD:
        yield {name: value}
    yield {name: ODD[:5]}
    yield {name: ["2020", "il-6", "2021-01-01", "1"]}


def test_every_parameter_takes_odd_values_without_a_fault(client, site):
    """One test over every kind (the demo collection is loaded once): failures listed together."""
    unexpected, asked = [], 0
    for url, params, may_be_missing in page_kinds():
        for name in params:
            for query in queries(name):
                response = client.get(url, query)
                asked += 1
                body = response.content.decode(errors="replace")
                named = name not in LABELS or f"{LABELS[name]} ({name}):" in body
                if response.status_code == 200 or (response.status_code == 400 and named):
                    continue
                if response.status_code == 404 and may_be_missing:
                    continue
                unexpected.append((url, name, str(query)[:60], response.status_code, body[:200]))
    assert not unexpected, "\n".join(map(str, unexpected))
    assert asked > 3000
