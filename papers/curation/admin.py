"""The curators' and moderators' tool for papers: the paper page (hand edits, tag and claim
review), the moderation queue and actions, and the audit trail. Moderation, tag decisions and hand edits of papers go
through papers.curation, which holds their rules; this module only wires forms and pages to it."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from papers.catalogue.admin import CuratorStyles, ViewOnlyAdmin
from papers.catalogue.markup import to_text
from papers.catalogue.models import Paper
from papers.claims import review
from papers.claims.admin import ClaimInline, HandClaimForm
from papers.claims.models import Claim
from papers.curation import services as curation
from papers.curation.editors import EDITORS
from papers.curation.models import PaperEvent, PendingPaper
from papers.curation.screening_admin import ScreeningQueue
from papers.tagging.models import PaperTag
from papers.tagging.retagging import retag


def shortened(text: str, length: int = 90) -> str:
    """At most `length` characters, cut at a word with an ellipsis."""
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"


class Shown(forms.Widget):
    """A stored row's value as HTML, where a new row has its input (and no autocomplete look-up)."""

    def __init__(self, html):
        super().__init__()
        self.html = html

    def render(self, name, value, attrs=None, renderer=None):
        return self.html


class TagReviewForm(forms.ModelForm):
    """A stored row may only be confirmed or rejected; a new row is a tag added by hand."""

    class Meta:
        model = PaperTag
        fields = ("tag", "status", "evidence")
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2, "cols": 50})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        if self.instance.pk is None:
            status.choices, status.initial = [(PaperTag.Status.CONFIRMED, "Confirmed")], PaperTag.Status.CONFIRMED
            return
        self.fields["tag"].disabled = self.fields["evidence"].disabled = True
        self.fields["tag"].widget = Shown(format_html("{}", self.instance.tag))
        self.fields["evidence"].widget = Shown(self.instance.evidence_html())
        decisions = {self.instance.status, PaperTag.Status.CONFIRMED, PaperTag.Status.REJECTED}
        status.choices = [(value, label) for value, label in PaperTag.Status.choices if value in decisions]
        status.widget.attrs["aria-label"] = f"Decision on the tag {self.instance.tag}"  # a table cell has no label


class PaperTagInline(admin.TabularInline):
    model = PaperTag
    form = TagReviewForm
    fields = ("tag", "status", "evidence", "evidence_field", "source", "reviewed_by", "reviewed_at")
    readonly_fields = ("evidence_field", "source", "reviewed_by", "reviewed_at")
    autocomplete_fields = ("tag",)
    extra = 0
    can_delete = False  # reject instead: a rejected tag is remembered, a deleted one comes back

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tag", "reviewed_by")


class PaperEventInline(admin.TabularInline):
    model = PaperEvent
    verbose_name_plural = "History"
    fields = ("at", "user", "kind", "summary", "changes_shown", "reason", "note")
    readonly_fields = fields
    ordering = ("-at", "-pk")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="changes")
    def changes_shown(self, event):
        rows = format_html_join(
            "", "<li>{}: {} → {}</li>", ((name, old, new) for name, (old, new) in event.changes.items())
        )
        return format_html("<ul>{}</ul>", rows) if event.changes else ""


class RejectForm(forms.Form):
    reason = forms.ChoiceField(choices=[("", "---------"), *Paper.Reason.choices])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def clean(self):
        data = super().clean()
        if data.get("reason"):
            try:
                curation.check_rejection(data["reason"], data.get("note", ""))
            except curation.CurationError as error:
                raise forms.ValidationError(error.message) from None
        return data


class RevokeForm(forms.Form):
    note = forms.CharField(
        help_text="Why the approval is revoked.", widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.action(description="Approve selected papers", permissions=["moderate"])
def approve_papers(modeladmin, request, queryset):
    _moderate(request, queryset, "approved", lambda paper: curation.approve(paper, request.user))


@admin.action(description="Reject selected papers…", permissions=["moderate"])
def reject_papers(modeladmin, request, queryset):
    form = RejectForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return _ask(modeladmin, request, queryset, form, "reject_papers", "Reject papers")
    reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
    _moderate(request, queryset, "rejected", lambda paper: curation.reject(paper, request.user, reason, note))
    return None


@admin.action(description="Revoke approval of selected papers…", permissions=["moderate"])
def revoke_papers(modeladmin, request, queryset):
    form = RevokeForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return _ask(modeladmin, request, queryset, form, "revoke_papers", "Revoke approval")
    note = form.cleaned_data["note"]
    _moderate(
        request, queryset, "sent back to the queue", lambda paper: curation.revoke_approval(paper, request.user, note)
    )
    return None


@admin.action(description="Re-run the tagger", permissions=["retag"])
def retag_papers(modeladmin, request, queryset):
    read, changed = retag(queryset)
    messages.success(
        request, f"Re-ran the tagger over {read} papers: {changed} suggestions added, updated or withdrawn."
    )


def _moderate(request, queryset, done_verb, change):
    """Apply one moderation function paper by paper; say why each refused paper was refused."""
    done = 0
    for paper in queryset.select_related(None).order_by("pk"):
        try:
            change(paper)
            done += 1
        except curation.CurationError as error:
            messages.error(request, f"{paper}: {error.message}")
    if done:
        messages.success(request, f"{done} paper{'' if done == 1 else 's'} {done_verb}.")


def _ask(modeladmin, request, queryset, form, action, title):
    """The intermediate page, like Django's delete confirmation: the papers, the form, a button."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "papers": queryset.select_related(None).order_by("pk"),
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    return TemplateResponse(request, "admin/papers/moderation_confirmation.html", context)


class ModerationActions:
    """Who may use the moderation and tagger actions, for every changelist that offers them."""

    def has_moderate_permission(self, request):
        return request.user.has_perm(curation.MODERATE)

    def has_retag_permission(self, request):
        return request.user.has_perm(curation.REVIEW_TAGS)


DECISIONS = {  # the paper page's buttons: what each asks for, and whether the paper's status allows it
    "approve": ("Approve", lambda status: status != Paper.Status.APPROVED),
    "reject": ("Reject…", lambda status: status != Paper.Status.REJECTED),
    "revoke": ("Revoke approval…", lambda status: status == Paper.Status.APPROVED),
}


@admin.register(Paper)
class PaperAdmin(CuratorStyles, ModerationActions, admin.ModelAdmin):
    # Five columns fit beside the menu and the filters at 1,280 px; dates and retractions are filters.
    list_display = ("pmid", "short_title", "journal_iso", "pub_year", "status")
    list_filter = ("status", "is_retracted", "record_type", "publication_types", "pub_year")
    search_fields = ("=pmid", "doi", "title", "journal_title")
    date_hierarchy = "created_at"
    autocomplete_fields = ("publication_types",)
    actions = [approve_papers, reject_papers, revoke_papers, retag_papers]
    readonly_fields = ("pubmed_links", "authors_shown", *curation.NOT_EDITABLE)
    # Authors are shown, not edited, here (the Authorship pages edit them): a record may list
    # thousands, which as inline rows made a page of megabytes that no browser could post back.
    inlines = [PaperTagInline, ClaimInline, PaperEventInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "pmid",
                    "pubmed_links",
                    "authors_shown",
                    "title",
                    "vernacular_title",
                    "abstract",
                    "curator_note",
                )
            },
        ),
        (
            "Moderation",
            {"fields": ("status", "status_reason", "status_note", "reviewed_by", "reviewed_at", "imported_by")},
        ),
        (
            "Publication",
            {
                "fields": (
                    "journal_title",
                    "journal_iso",
                    "issn",
                    "volume",
                    "issue",
                    "pages",
                    "pub_year",
                    "pub_month",
                    "pub_day",
                    "pub_date_text",
                    "book_title",
                    "publisher",
                    "publication_types",
                    "languages",
                    "record_type",
                )
            },
        ),
        ("Identifiers", {"fields": ("doi", "pmcid", "article_ids")}),
        (
            "Indexing",
            {"classes": ["collapse"], "fields": ("abstract_sections", "keywords", "mesh_headings", "chemicals")},
        ),
        ("Corrections", {"fields": ("is_retracted", "corrections")}),
        (
            "PubMed bookkeeping",
            {
                "classes": ["collapse"],
                "fields": (
                    "pubmed_status",
                    "publication_status",
                    "pubmed_revised",
                    "pubmed_fetched_at",
                    "pubmed_hash",
                    "edited_fields",
                    "pubmed_conflicts",
                    "created_at",
                    "updated_at",
                ),
            },
        ),
    )

    change_form_template = "admin/papers/paper/change_form.html"

    @admin.display(description="title", ordering="title")
    def short_title(self, paper):
        return shortened(to_text(paper.title))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in EDITORS:  # labelled text, not raw JSON
            return EDITORS[db_field.name]()
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"title", "vernacular_title"}:  # a sentence or two, not a page
            field.widget.attrs.update(rows=2, cols=80)
        return field

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_moderate_permission(request):
            context["decisions"] = [
                (name, label) for name, (label, allowed) in DECISIONS.items() if allowed(obj.status)
            ]
        if obj is not None and request.user.has_perm(curation.REVIEW_TAGS):
            context["claim_form"] = HandClaimForm(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        moderate = self.admin_site.admin_view(self.moderate_view)
        add_claim = self.admin_site.admin_view(self.add_claim_view)
        return [
            path("<int:pk>/moderate/", moderate, name="papers_paper_moderate"),
            path("<int:pk>/claims/add/", add_claim, name="papers_paper_add_claim"),
        ] + super().get_urls()

    def add_claim_view(self, request, pk):
        """A claim added by hand (the form under the paper's page posts here): back to the paper
        when saved, else this page with the form and what is wrong."""
        if not request.user.has_perm(curation.REVIEW_TAGS):
            raise PermissionDenied
        paper = get_object_or_404(Paper, pk=pk)
        form = HandClaimForm(paper, request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                claim = review.add_claim(paper, request.user, **form.cleaned_data)
            except curation.CurationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Added the claim “{claim}”, confirmed.")
                return redirect("admin:papers_paper_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a claim by hand",
            "opts": self.model._meta,
            "original": paper,
            "claim_form": form,
        }
        return TemplateResponse(request, "admin/papers/paper/add_claim.html", context)

    def moderate_view(self, request, pk):
        """Approve, reject or revoke one paper from its page: the list's actions, with the same
        reason form, going back to the paper."""
        paper = get_object_or_404(Paper, pk=pk)
        back = redirect("admin:papers_paper_change", pk)
        decision = request.POST.get("decision")
        if request.method != "POST" or decision not in DECISIONS:
            return back
        if decision == "approve":
            _moderate(request, Paper.objects.filter(pk=pk), "approved", lambda p: curation.approve(p, request.user))
            return back
        form_class, title = (RejectForm, "Reject paper") if decision == "reject" else (RevokeForm, "Revoke approval")
        form = form_class(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "form": form,
                "papers": [paper],
                "decision": decision,
                "changelist_url": reverse("admin:papers_paper_changelist"),
                "cancel_url": reverse("admin:papers_paper_change", args=[pk]),
            }
            return TemplateResponse(request, "admin/papers/paper/moderate.html", context)
        data = form.cleaned_data
        if decision == "reject":
            change, verb = (lambda p: curation.reject(p, request.user, data["reason"], data["note"])), "rejected"
        else:
            change, verb = (lambda p: curation.revoke_approval(p, request.user, data["note"])), "sent back to the queue"
        _moderate(request, Paper.objects.filter(pk=pk), verb, change)
        return back

    @admin.display(description="links")
    def pubmed_links(self, paper):
        links = [(paper.pubmed_url, "PubMed"), (paper.doi_url, "DOI"), (paper.pmc_url, "PMC")]
        return format_html_join(
            " · ", '<a href="{}" rel="noopener">{}</a>', ((url, name) for url, name in links if url)
        )

    @admin.display(description="authors")
    def authors_shown(self, paper):
        """How many, the first and the last, and a link to all of them: three queries, however many."""
        if paper.pk is None:
            return "Added on the authorship pages once the paper is saved."
        authorships = paper.authorships.select_related("author").order_by("position")
        count = authorships.count()
        if not count:
            return format_html(
                'None listed. <a href="{}?paper={}">Add an author</a>', reverse("admin:papers_authorship_add"), paper.pk
            )
        names = str(authorships.first().author)
        if count > 1:
            names += (", " if count == 2 else " … ") + str(authorships.last().author)
        listing = reverse("admin:papers_authorship_changelist")
        return format_html(
            '{} author{}: {} (<a href="{}?paper__id__exact={}">list all</a>)',
            f"{count:,}",
            "" if count == 1 else "s",
            names,
            listing,
            paper.pk,
        )

    def save_model(self, request, obj, form, change):
        """The paper's own fields, through papers.curation, which records and audits hand edits."""
        if change:
            curation.edit_paper(obj, request.user, {name: form.cleaned_data[name] for name in form.changed_data})
        else:
            curation.add_paper(obj, request.user, form.cleaned_data)

    def save_related(self, request, form, formsets, change):
        # Unlike ModelAdmin's, no form.save_m2m(): papers.curation saved publication types with the paper.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Tag decisions go through papers.curation, which checks and audits them."""
        if formset.model is not PaperTag:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row_form in formset.forms:
            if not row_form.has_changed():
                continue
            row, data = row_form.instance, row_form.cleaned_data
            if row.pk is None:
                formset.new_objects.append(curation.add_tag(form.instance, data["tag"], request.user, data["evidence"]))
                continue
            decide = curation.confirm_tag if data["status"] == PaperTag.Status.CONFIRMED else curation.reject_tag
            formset.changed_objects.append((decide(row, request.user), ["status"]))
        return None


@admin.register(PendingPaper)
class ModerationQueueAdmin(ScreeningQueue, CuratorStyles, ModerationActions, ViewOnlyAdmin):
    """Pending papers, likeliest approved first (or by uncertainty, or in import order), with the
    counts per status above the list."""

    list_display = (
        "pmid",
        "paper_link",
        "screening_score",
        "journal_iso",
        "pub_year",
        "imported_by",
        "suggested_tags",
        "suggested_claims",
        "created_at",
    )
    list_display_links = None
    list_select_related = ("imported_by",)
    search_fields = ("=pmid", "title", "journal_title")
    actions = [approve_papers, reject_papers, retag_papers]
    change_list_template = "admin/papers/pendingpaper/change_list.html"

    def get_queryset(self, request):
        suggested = Count("paper_tags", filter=Q(paper_tags__status=PaperTag.Status.SUGGESTED))
        claims = Prefetch(  # one query for the page's papers
            "claims",
            queryset=Claim.objects.filter(status=Claim.Status.SUGGESTED).select_related("agent", "target"),
            to_attr="claims_suggested",
        )
        return (
            super()
            .get_queryset(request)
            .filter(status=Paper.Status.PENDING)
            .annotate(suggested=suggested)
            .prefetch_related(claims)
        )

    def changelist_view(self, request, extra_context=None):
        counts = dict(Paper.objects.order_by().values_list("status").annotate(Count("pk")))
        statuses = [(label, counts.get(value, 0)) for value, label in Paper.Status.choices]
        return super().changelist_view(
            request,
            {
                **(extra_context or {}),
                "status_counts": statuses,
                "title": "Moderation queue: pending papers",
            },
        )

    @admin.display(description="title", ordering="title")
    def paper_link(self, paper):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:papers_paper_change", args=[paper.pk]),
            shortened(to_text(paper.title)),
        )

    @admin.display(description="suggested tags", ordering="suggested")
    def suggested_tags(self, paper):
        return paper.suggested

    @admin.display(description="suggested claims")
    def suggested_claims(self, paper):
        return format_html_join(mark_safe("<br>"), "{}", ((claim,) for claim in paper.claims_suggested)) or "—"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(curation.MODERATE)


@admin.register(PaperEvent)
class PaperEventAdmin(ViewOnlyAdmin):
    """The audit trail, read-only: events are written by the code that makes the changes."""

    list_display = ("at", "paper", "user", "kind", "summary", "reason")
    list_filter = ("kind", "reason")
    search_fields = ("=paper__pmid", "summary", "note", "user__username")
    list_select_related = ("paper", "user")
    date_hierarchy = "at"
