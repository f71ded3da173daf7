"""The models of the app label `papers`, re-exported from the domains that own them, so that
migrations and Django's model loading keep importing `papers.models`. Code imports a model from
its domain (`papers.catalogue.models`, `papers.claims.models`…), never from here."""

from papers.catalogue.models import (  # noqa: F401
    PUB_YEARS,
    Author,
    Authorship,
    Paper,
    PaperQuerySet,
    PubDate,
    PublicationType,
    SlugQuerySet,
    Tag,
    Topic,
)
from papers.claims.models import Claim, ClaimQuerySet, CoMention, SentenceDecision  # noqa: F401
from papers.curation.models import PaperEvent, PendingPaper, ScreeningScore  # noqa: F401
from papers.pubmed.models import ImportRun  # noqa: F401
from papers.search.models import DocumentVector, IdListField, SearchDocument, VectorIndex  # noqa: F401
from papers.tagging.models import PaperTag  # noqa: F401
