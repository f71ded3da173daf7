"""Shared fixtures: recorded PubMed data, the local E-utilities server, the taxonomy, people."""

from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "data" / "pubmed-samples"
DEMO_DIR = ROOT / "fixtures" / "demo"


@pytest.fixture
def demo_files():
    files = sorted(DEMO_DIR.glob("*.xml"))
    assert files, "fixtures/demo holds no XML: run fixtures/extract_demo.py"
    return files


@pytest.fixture
def taxonomy(db):
    call_command("loaddata", ROOT / "fixtures" / "taxonomy.json", verbosity=0)


@pytest.fixture(scope="session")
def eutils_server():
    from .eutils_server import EutilsServer, RecordedCorpus

    corpus = RecordedCorpus(sorted(SAMPLES.glob("efetch_*.xml")) + sorted(DEMO_DIR.glob("*.xml")))
    with EutilsServer(corpus) as server:
        yield server


@pytest.fixture
def eutils(eutils_server, settings, db):
    """The local E-utilities server, reset, with the app pointed at it through its own settings.

    A dummy API key lets Bio.Entrez's rate limit space calls 0.1 s apart instead of 0.37 s.
    """
    import urllib.request

    eutils_server.reset()
    settings.EUTILS_BASE_URL = eutils_server.base_url
    settings.NCBI_API_KEY = "testkey0123"
    settings.EUTILS_TIMEOUT = 2.0
    settings.EUTILS_MAX_TRIES = 3
    settings.EUTILS_BACKOFF = 0.01
    yield eutils_server
    urllib.request.install_opener(None)


@pytest.fixture
def people(db):
    """Named people: a curator, a moderator and a superuser (anonymous is no login at all)."""
    from types import SimpleNamespace

    from django.contrib.auth.models import User

    return SimpleNamespace(
        curator=User.objects.create_user("curator", password="curator-pass", is_staff=True),
        moderator=User.objects.create_user("moderator", password="moderator-pass", is_staff=True),
        superuser=User.objects.create_superuser("boss", password="boss-pass"),
    )
