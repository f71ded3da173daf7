"""Exports under load leave the site answering: a download is served from the page cache while
the collection is unchanged, each record's entry is kept there for the next
export that holds it, and what is written anew is throttled per client address. These tests
commit, as the app does, since PostgreSQL renews the collection's token at commit."""

import re
import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from papers.catalogue.models import Paper
from papers.search import search_ids
from papers.site import exports
from papers.site.export import ExportThrottle
from papers.site.page_cache import HEADER
from tests.support.served import REDIS_URL, gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

SAME_KEY = (407224, 407223)  # two demo papers whose citation key is ono1977purification
SAME_KEY_TOO = 404355  # and one of two that are forre1977study
PAPER = 33596528


def pks(*pmids) -> list[int]:
    by_pmid = dict(Paper.objects.filter(pmid__in=pmids).values_list("pmid", "pk"))
    return [by_pmid[pmid] for pmid in pmids]


def test_kept_entries_give_the_same_document_for_one_query(corpus, page_cache, django_assert_num_queries):
    ids = list(
        Paper.objects.public()
        .exclude(pmid__in=[SAME_KEY[1], SAME_KEY_TOO])
        .order_by("-pub_year", "pk")
        .values_list("pk", flat=True)
    )
    for key in exports.FORMATS:
        expected = exports.write(exports.load(ids), key)
        assert exports.export(ids, key) == expected  # written, and kept
        with django_assert_num_queries(1):  # the collection's token
            assert exports.export(ids, key) == expected


def test_an_export_through_the_page_cache_reads_the_collections_token_once(
    corpus, page_cache, client, django_assert_num_queries
):
    """The page cache reads the token before the ids are found; the export keeps its entries
    under that one, which is the collection's: the same export from them costs the token alone."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search_export", args=["ris"]), {"q": "bone"})
    assert response.status_code == 200 and response[HEADER] == "miss"
    assert [q["sql"] for q in captured.captured_queries if "papers_collection_version" in q["sql"]] == [
        "SELECT token FROM papers_collection_version"
    ]
    ids, total = search_ids("bone", limit=exports.EXPORT_LIMIT)
    assert total > 1
    with django_assert_num_queries(1):
        assert exports.export(ids, "ris") == response.content.decode()


def test_an_export_written_anew_loads_its_papers_once(corpus, page_cache, django_assert_max_num_queries):
    """Papers whose citation keys collide are renamed from the records in hand: the token, then
    load()'s four queries, whatever the export holds."""
    ids = pks(*SAME_KEY, SAME_KEY_TOO, PAPER)
    with django_assert_max_num_queries(5):
        both = exports.export(ids, "bib")
    assert "ono1977purificationa" in both


def test_a_citation_key_taken_earlier_in_the_file_gets_a_letter_also_from_kept_entries(corpus, page_cache):
    first, second = pks(*SAME_KEY)
    for key in ("bib", "json"):
        exports.export([second], key)  # kept under the key alone
        both = exports.export([first, second], key)
        assert both == exports.write(exports.load([first, second]), key)
        assert [k for k in re.findall(r'(?:@article\{|"id": ")(\w+)', both)] == [
            "ono1977purification",
            "ono1977purificationa",
        ]


def test_a_change_to_the_collection_is_never_hidden_behind_a_kept_entry(corpus, page_cache):
    [pk] = pks(PAPER)
    assert "TI  - A renamed paper" not in exports.export([pk], "ris")
    Paper.objects.filter(pk=pk).update(title="A renamed paper")  # any path renews the token at commit
    assert "TI  - A renamed paper" in exports.export([pk], "ris")


def test_exports_written_anew_are_throttled_per_client_with_a_message(client, corpus):
    rate = ExportThrottle().num_requests
    pmids = list(Paper.objects.public().values_list("pmid", flat=True)[: rate + 1])
    statuses = [
        client.get(reverse("paper_export", args=[pmid, "ris"]), HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i, pmid in enumerate(pmids)
    ]
    assert statuses == [200] * rate + [429]
    refused = client.get(reverse("search_export", args=["bib"]), {"q": "cells"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert re.search(r"Too many exports from your address: try again in \d+ seconds\.", refused.content.decode())
    assert (
        client.get(reverse("search_export", args=["bib"]), {"q": "cells"}, REMOTE_ADDR="198.51.100.2").status_code
        == 200
    )


def test_an_export_served_from_the_page_cache_is_not_counted(client, corpus, page_cache):
    url = reverse("search_export", args=["bib"]) + "?q=cells"
    answers = [client.get(url) for _ in range(ExportThrottle().num_requests + 5)]
    assert [a.status_code for a in answers] == [200] * len(answers)
    assert [a[HEADER] for a in answers[:2]] == ["miss", "hit"]
    assert answers[-1]["Content-Disposition"] == 'attachment; filename="myeloma-lit-search.bib"'


SEARCHES = ["cells", "myeloma", "bone", "bortezomib", "IL-6", "patients", "survival", "kinase", "receptor", "marrow"]


def test_ten_export_clients_leave_health_and_paper_pages_answering(scratch_database, redis_prefix, tmp_path):
    """Ten clients, each of its own address behind a trusted proxy, loop over exports of ten
    searches in four formats while a probe asks /healthz and a paper page; gunicorn runs as
    many workers as gunicorn.conf.py gives this machine (5 on two cores)."""
    url = scratch_database(start="demo")
    exported, stop = [], threading.Event()

    def export_client(server, index: int):
        jobs = [(fmt, q) for q in SEARCHES[index:] + SEARCHES[:index] for fmt in exports.FORMATS]
        while not stop.is_set():
            for fmt, q in jobs:
                if stop.is_set():
                    break
                status = server.get(
                    f"/search/export.{fmt}?q={q}", headers={"X-Forwarded-For": f"203.0.113.{index}"}, timeout=30
                )[0]
                exported.append(status)

    with gunicorn(
        url,
        tmp_path / "gunicorn.log",
        workers=None,
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=redis_prefix,
        TRUSTED_PROXIES="1",
    ) as server:
        for _ in range(10):  # every worker has started up: what is measured is the exports' load
            assert server.get(f"/papers/{PAPER}/")[0] == server.get("/search/?q=myeloma")[0] == 200
        clients = [threading.Thread(target=export_client, args=(server, i)) for i in range(10)]
        for thread in clients:
            thread.start()
        probes = []
        try:
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                for path in ("/healthz", f"/papers/{PAPER}/"):
                    started = time.monotonic()
                    status = server.get(path)[0]
                    probes.append((path, status, time.monotonic() - started))
                time.sleep(0.2)
        finally:
            stop.set()
            for thread in clients:
                thread.join(60)
    assert {status for _, status, _ in probes} == {200}
    # Half the probes within two seconds, none past ten: slow answers are the shared machine (the
    # suite runs beside this test, and a median of 1.1-1.5 s was seen under other work), not a
    # starved worker; workers that exports hold would keep the probes for gunicorn's 30 s.
    timings = sorted(seconds for _, _, seconds in probes)
    assert timings[len(timings) // 2] < 2.0 and timings[-1] < 10, probes
    assert set(exported) <= {200, 429} and exported.count(200) >= 50, (len(exported), exported.count(200))
