"""What a whole view of papers reads (a paper's page, the API, exports): authors in order, and
only confirmed tags (as `confirmed_tags`) with their topics, and public claims (`confirmed_claims`:
confirmed, of an approved paper, by Claim's own public rule)."""

from django.db.models import Prefetch

from papers.catalogue.models import Authorship
from papers.claims.models import Claim
from papers.tagging.models import PaperTag

AUTHORSHIPS_IN_ORDER = Prefetch(
    "authorships", queryset=Authorship.objects.select_related("author").order_by("position")
)
CONFIRMED_TAGS = Prefetch(
    "paper_tags",
    to_attr="confirmed_tags",
    queryset=PaperTag.objects.filter(status=PaperTag.Status.CONFIRMED)
    .select_related("tag__topic")
    .order_by("tag__name"),
)
CONFIRMED_CLAIMS = Prefetch(
    "claims",
    to_attr="confirmed_claims",
    queryset=Claim.objects.public().select_related("agent", "target").order_by("field", "sentence_start", "pk"),
)
