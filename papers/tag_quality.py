"""How good the tagger's suggestions are, judged by curators' decisions.

precision = tagger suggestions confirmed / (confirmed + rejected);
recall = tagger suggestions confirmed / all confirmed tags (a tag a curator added by hand is a
miss). Counted in the database, so the cost does not grow with the number of rows read in Python.
"""

from typing import NamedTuple

from django.db.models import Count, Q

from .models import PaperTag


class TagQuality(NamedTuple):
    """How the tagger fared for one tag, or overall."""

    name: str
    confirmed: int  # tagger suggestions a curator confirmed
    rejected: int
    pending: int
    all_confirmed: int  # confirmed tags from any source

    @property
    def precision(self) -> float | None:
        decided = self.confirmed + self.rejected
        return self.confirmed / decided if decided else None

    @property
    def recall(self) -> float | None:
        return self.confirmed / self.all_confirmed if self.all_confirmed else None


def tag_quality() -> tuple[list[TagQuality], TagQuality]:
    """Per tag (by name, tags with any decision or suggestion) and overall: two queries."""
    tagger = Q(source=PaperTag.Source.TAGGER)
    counts = {
        "confirmed": Count("pk", filter=tagger & Q(status=PaperTag.Status.CONFIRMED)),
        "rejected": Count("pk", filter=tagger & Q(status=PaperTag.Status.REJECTED)),
        "pending": Count("pk", filter=tagger & Q(status=PaperTag.Status.SUGGESTED)),
        "all_confirmed": Count("pk", filter=Q(status=PaperTag.Status.CONFIRMED)),
    }
    rows = PaperTag.objects.values("tag__name").annotate(**counts).order_by("tag__name")
    per_tag = [TagQuality(row.pop("tag__name"), **row) for row in rows]
    return per_tag, TagQuality("overall", **PaperTag.objects.aggregate(**counts))
