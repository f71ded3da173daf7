"""Bulk tag review in the admin, a page of all paper tags; decisions go through papers.curation,
which checks, decides and audits. Tags are reviewed one paper at a time on the paper's page
(papers.curation.admin)."""

from django.contrib import admin, messages

from papers.curation import services as curation
from papers.tagging.models import PaperTag


@admin.register(PaperTag)
class PaperTagAdmin(admin.ModelAdmin):
    """Bulk tag review; decisions go through papers.curation, new tags are added on the paper."""

    list_display = ("paper", "tag", "status", "source", "evidence_shown")
    list_filter = ("status", "source", "tag__topic", "tag")
    search_fields = ("=paper__pmid", "paper__title", "tag__name", "evidence")
    list_select_related = ("paper", "tag")
    actions = ["confirm_tags", "reject_tags"]

    @admin.display(description="evidence")
    def evidence_shown(self, paper_tag):
        return paper_tag.evidence_html()

    @admin.action(description="Confirm selected tags", permissions=["review"])
    def confirm_tags(self, request, queryset):
        self._decide(request, queryset, curation.confirm_tag, "confirmed")

    @admin.action(description="Reject selected tags", permissions=["review"])
    def reject_tags(self, request, queryset):
        self._decide(request, queryset, curation.reject_tag, "rejected")

    def _decide(self, request, queryset, decide, done_verb):
        done = 0
        for paper_tag in queryset:
            try:
                decide(paper_tag, request.user)
                done += 1
            except curation.CurationError as error:
                messages.error(request, f"{paper_tag.paper}: {error.message}")
        if done:
            messages.success(request, f"{done} tag{'' if done == 1 else 's'} {done_verb}.")

    def has_review_permission(self, request):
        return request.user.has_perm(curation.REVIEW_TAGS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
