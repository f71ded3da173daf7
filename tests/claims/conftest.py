import pytest

from papers.claims.extraction import ClaimExtractor
from papers.claims.quality import taxonomy_tagger


@pytest.fixture(scope="module")
def extractor():
    """The claim reader with the taxonomy's tagger, as the import uses it."""
    return ClaimExtractor(taxonomy_tagger())
