"""The moderation queue's screening column and orders: each pending paper's score (written by the
task worker, papers.curation.tasks), and the queue sorted by it, by uncertainty or by import order.
Reads stored scores only: no page trains or scores."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import F, Max
from django.db.models.functions import Abs

from papers.curation.models import ScreeningScore
from papers.curation.screening_queue import LIKELY

ORDERS = {  # the queue's orders: label, fields (unscored papers last, ties in import order), column sorted
    "score": (
        "likeliest approved first",
        (F("screening__score").desc(nulls_last=True), "created_at", "pk"),
        ("screening_score", "desc"),
    ),
    "uncertainty": ("least certain first", (F("uncertainty").asc(nulls_last=True), "created_at", "pk"), None),
    "import": ("import order", ("created_at", "pk"), ("created_at", "asc")),
}
DEFAULT_ORDER = "score"


class QueueOrder(admin.SimpleListFilter):
    """The order's links, above the list (a filter column would not leave the list room at 1,280 px);
    a filter keeps the order in the list's own links (pages, column sorts). The order itself is
    ScreeningQueue.get_ordering's."""

    title = "order"
    parameter_name = "order"
    template = "admin/papers/pendingpaper/order.html"

    def lookups(self, request, model_admin):
        return [(name, label) for name, (label, *_) in ORDERS.items()]

    def queryset(self, request, queryset):
        if self.value() not in ORDERS:
            raise IncorrectLookupParameters(f"order must be one of {', '.join(ORDERS)}")
        return queryset

    def value(self):
        return super().value() or DEFAULT_ORDER

    def choices(self, changelist):
        for name, label in self.lookup_choices:
            yield {
                "selected": self.value() == name,
                "query_string": changelist.get_query_string({self.parameter_name: name}),
                "display": label,
            }


class QueueChangeList(ChangeList):
    """The column headers mark the column the chosen order sorts (Django's would guess from the
    model's default ordering)."""

    def get_ordering_field_columns(self):
        if ORDER_VAR in self.params:  # a column header was clicked
            return super().get_ordering_field_columns()
        sorted_column = ORDERS.get(self.params.get(QueueOrder.parameter_name), ORDERS[DEFAULT_ORDER])[2]
        if sorted_column is None or sorted_column[0] not in self.list_display:
            return {}
        name, direction = sorted_column
        return {list(self.list_display).index(name): direction}


class ScreeningQueue:
    """For the queue's ModelAdmin: the score column, the orders and when the scores were made."""

    list_filter = (QueueOrder,)

    def get_queryset(self, request):
        score = F("screening__score")
        return super().get_queryset(request).annotate(score=score, uncertainty=Abs(score - LIKELY))

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        return ORDERS.get(request.GET.get(QueueOrder.parameter_name), ORDERS[DEFAULT_ORDER])[1]

    def changelist_view(self, request, extra_context=None):
        scored_at = ScreeningScore.objects.aggregate(at=Max("scored_at"))["at"]
        return super().changelist_view(request, {**(extra_context or {}), "scored_at": scored_at})

    @admin.display(description="score", ordering="screening__score")
    def screening_score(self, paper):
        """How likely a curator is to approve it, as the model ranks it; a hint, never a decision."""
        return "not scored" if paper.score is None else f"{paper.score:.2f}"
