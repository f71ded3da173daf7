import io

import pytest
from django.core.management import call_command

from papers.catalogue.models import Paper
from papers.claims.demo import confirm_demo_claims, record_files
from papers.claims.extraction import ClaimExtractor
from papers.claims.quality import taxonomy_tagger
from tests.support.papers import set_status


@pytest.fixture(scope="module")
def extractor():
    """The claim reader with the taxonomy's tagger, as the import uses it."""
    return ClaimExtractor(taxonomy_tagger())


@pytest.fixture
def labelled(taxonomy):
    """The demo's claim records, approved, the labelled set's claims confirmed."""
    call_command("import_pubmed", "--from-xml", *map(str, record_files()), stdout=io.StringIO())
    set_status(Paper.objects.all(), Paper.Status.APPROVED)
    return confirm_demo_claims()
