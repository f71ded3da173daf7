"""Claim review in the admin: on the paper's page beside its tags (confirm, reject, swap the
direction, change the relation, add a claim by hand), and a page of all claims for bulk review
of one claim type across papers, and "Sentences to read" (every undecided sentence naming two
tags, each with one-step choices). A skin over papers.claims.review, which checks, decides and
audits; reviewing claims takes the permission to review tags."""

from itertools import permutations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from papers.catalogue.models import Paper, Tag
from papers.claims import reading, review
from papers.claims.models import Claim
from papers.curation.services import REVIEW_TAGS, CurationError

KEEP, CONFIRM, REJECT, SWAP = "", "confirm", "reject", "swap"
DECISIONS = [
    (KEEP, "—"),
    (CONFIRM, "Confirm"),
    (REJECT, "Reject"),
    (SWAP, "Swap direction (and confirm)"),
    *((relation, f"Change relation to “{label}” (and confirm)") for relation, label in Claim.Relation.choices),
]


def claim_shown(claim: Claim) -> str:
    flags = [flag for flag, on in (("negated", claim.negated), ("hedged", claim.hedged)) if on]
    return format_html(
        "<strong>{}</strong> {}<br>{}", claim, f"({', '.join(flags)})" if flags else "", claim.sentence_html()
    )


class ClaimReviewForm(forms.ModelForm):
    decision = forms.ChoiceField(choices=DECISIONS, required=False)

    class Meta:
        model = Claim
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A table cell has no label; the inline's empty form has no claim to name.
        named = f" {self.instance}" if self.instance.pk else ""
        self.fields["decision"].widget.attrs["aria-label"] = f"Decision on the claim{named}"

    def clean_decision(self):
        decision = self.cleaned_data["decision"]
        if decision == SWAP or decision in Claim.Relation.values:
            return decision
        status = {CONFIRM: Claim.Status.CONFIRMED, REJECT: Claim.Status.REJECTED}.get(decision)
        if status == self.instance.status:
            raise forms.ValidationError(f"Already {self.instance.get_status_display().lower()}.")
        return decision


class HandClaimForm(forms.Form):
    """A claim added by hand: a sentence of the paper's title or abstract, two tags (any: the
    paper gains one it lacks), the relation and the flags; papers.claims.review.add_claim
    checks it again and saves it."""

    sentence = forms.ChoiceField(widget=forms.RadioSelect, help_text="The sentence that states the claim.")
    agent = forms.ModelChoiceField(Tag.objects.order_by("name"), help_text="The tag that acts.")
    relation = forms.ChoiceField(choices=Claim.Relation.choices)
    target = forms.ModelChoiceField(Tag.objects.order_by("name"), help_text="The tag acted on.")
    negated = forms.BooleanField(required=False, help_text=Claim._meta.get_field("negated").help_text)
    hedged = forms.BooleanField(required=False, help_text=Claim._meta.get_field("hedged").help_text)

    def __init__(self, paper, *args, **kwargs):
        super().__init__(*args, prefix="claim", **kwargs)
        self.fields["sentence"].choices = [
            (s.key, f"{s.field.capitalize()}: {s.text}") for s in review.sentences_of(paper)
        ]

    def clean(self):
        data = super().clean()
        if data.get("agent") is not None and data.get("agent") == data.get("target"):
            self.add_error("target", "The agent and the target must be two different tags.")
        return data


class SentenceChoiceForm(forms.Form):
    """One step on a sentence to read: a claim between two of its tags ("agent pk:relation:target
    pk", any tags: papers.claims.review.add_claim checks them), or "states no claim"."""

    paper = forms.ModelChoiceField(Paper.objects.all())
    sentence = forms.CharField(max_length=20)
    claim = forms.RegexField(r"^\d+:[a-z]+:\d+$", required=False)
    negated = forms.BooleanField(required=False)
    hedged = forms.BooleanField(required=False)
    no_claim = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not self.errors and not data["no_claim"]:
            if not data["claim"]:
                self.add_error("claim", "Choose a claim, or that the sentence states none.")
                return data
            agent, relation, target = data["claim"].split(":")
            tags = Tag.objects.in_bulk([int(agent), int(target)])
            if int(agent) not in tags or int(target) not in tags:
                self.add_error("claim", "Unknown tag.")
                return data
            data.update(agent=tags[int(agent)], relation=relation, target=tags[int(target)])
        return data


def marked(item: reading.ToRead) -> str:
    """The sentence, escaped, with the first name of each tag it names in <mark>."""
    text, html, last = item.sentence.text, "", 0
    for _tag, mention in sorted(item.tags, key=lambda named: named[1].start):
        if mention.start >= last:
            html = format_html("{}{}<mark>{}</mark>", html, text[last : mention.start], mention.matched)
            last = mention.end
    return format_html("{}{}", html, text[last:])


def choices(item: reading.ToRead) -> list[tuple[str, str]]:
    """Each relation in either direction between each two tags the sentence names."""
    return [
        (f"{agent.pk}:{relation}:{target.pk}", f"{agent.name} {label} {target.name}")
        for (agent, _), (target, _) in permutations(item.tags, 2)
        for relation, label in Claim.Relation.choices
    ]


class ClaimReviewFormSet(BaseInlineFormSet):
    """Saves each decision through papers.claims.review as the user the inline is shown to."""

    user = None

    def save(self, commit=True):
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.forms:
            decision, claim = form.cleaned_data.get("decision"), form.instance
            if not decision:
                continue
            if decision == CONFIRM:
                decided = review.confirm_claim(claim, self.user)
            elif decision == REJECT:
                decided = review.reject_claim(claim, self.user)
            else:
                decided = review.correct_claim(
                    claim, self.user, swap=decision == SWAP, relation=None if decision == SWAP else decision
                )
            self.changed_objects.append((decided, ["status"]))
        return [claim for claim, _ in self.changed_objects]


class ClaimInline(admin.TabularInline):
    model = Claim
    form = ClaimReviewForm
    formset = ClaimReviewFormSet
    verbose_name_plural = "Claims"
    fields = ("shown", "status", "source", "decision", "reviewed_by", "reviewed_at")
    readonly_fields = ("shown", "status", "source", "reviewed_by", "reviewed_at")
    extra = max_num = 0
    can_delete = False  # reject instead: a rejected claim is remembered, a deleted one comes back

    @admin.display(description="claim and its sentence")
    def shown(self, claim):
        return claim_shown(claim)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agent", "target", "reviewed_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_TAGS)

    has_change_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Bulk review: filter to one claim type (the "all of this type" link), select, decide."""

    list_display = ("paper", "shown", "status", "source", "of_this_type")
    list_filter = ("status", "relation", "negated", "hedged", "source", "agent", "target")
    search_fields = ("=paper__pmid", "sentence", "agent__name", "target__name")
    list_select_related = ("paper", "agent", "target")
    actions = ["confirm_claims", "reject_claims"]
    sentences_per_page = 50

    @admin.display(description="claim and its sentence")
    def shown(self, claim):
        return claim_shown(claim)

    @admin.display(description="type")
    def of_this_type(self, claim):
        query = urlencode(
            {
                "agent__id__exact": claim.agent_id,
                "relation__exact": claim.relation,
                "target__id__exact": claim.target_id,
                "status__exact": Claim.Status.SUGGESTED,
            }
        )
        return format_html(
            '<a href="{}?{}">suggested of this type</a>', reverse("admin:papers_claim_changelist"), query
        )

    @admin.action(description="Confirm selected claims", permissions=["review"])
    def confirm_claims(self, request, queryset):
        self._decide(request, queryset, Claim.Status.CONFIRMED)

    @admin.action(description="Reject selected claims", permissions=["review"])
    def reject_claims(self, request, queryset):
        self._decide(request, queryset, Claim.Status.REJECTED)

    def _decide(self, request, queryset, status):
        try:
            done = review.decide_claims(queryset, request.user, status)
        except CurationError as error:
            messages.error(request, error.message)
            return
        messages.success(request, f"{done} claim{'' if done == 1 else 's'} {status}.")

    def get_urls(self):
        sentences = self.admin_site.admin_view(self.sentences_view)
        return [path("sentences/", sentences, name="papers_claim_sentences"), *super().get_urls()]

    def sentences_view(self, request):
        """Sentences to read (papers.claims.reading), a page at a time; a choice posts here and
        comes back to the same page, where the sentence no longer is."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        number = request.GET.get("page", "1")
        if not number.isdigit() or int(number) < 1:
            return HttpResponseBadRequest("Parameter “page”: a page number (1, 2, …).", content_type="text/plain")
        if request.method == "POST":
            form = SentenceChoiceForm(request.POST)
            if not form.is_valid():
                name, errors = next(iter(form.errors.items()))
                return HttpResponseBadRequest(f"Parameter “{name}”: {' '.join(errors)}", content_type="text/plain")
            self._read(request, form.cleaned_data)
            return redirect(f"{reverse('admin:papers_claim_sentences')}?page={number}")
        page = Paginator(reading.sentences_to_read(), self.sentences_per_page).get_page(number)
        rows = []
        for index, item in enumerate(page.object_list):
            first = item.suggested[0] if item.suggested else None
            chosen = f"{first.agent_id}:{first.relation}:{first.target_id}" if first else ""
            rows.append(
                {
                    "id": f"s{index}",
                    "item": item,
                    "marked": marked(item),
                    "choices": choices(item),
                    "chosen": chosen,
                    "negated": bool(first and first.negated),
                    "hedged": bool(first and first.hedged),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Sentences to read",
            "opts": self.model._meta,
            "page": page,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/papers/claim/sentences.html", context)

    def _read(self, request, data):
        paper, sentence = data["paper"], data["sentence"]
        try:
            if data["no_claim"]:
                review.no_claim(paper, request.user, sentence=sentence)
                messages.success(request, f"PMID {paper.pmid}: the sentence states no claim, noted.")
            else:
                claim = review.add_claim(
                    paper,
                    request.user,
                    sentence=sentence,
                    **{name: data[name] for name in ("agent", "relation", "target", "negated", "hedged")},
                )
                messages.success(request, f"PMID {paper.pmid}: added the claim “{claim}”, confirmed.")
        except CurationError as error:
            messages.error(request, error.message)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "sentences_url": reverse("admin:papers_claim_sentences")}
        return super().changelist_view(request, extra_context)

    def has_review_permission(self, request):
        return request.user.has_perm(REVIEW_TAGS)

    def has_view_permission(self, request, obj=None):
        return self.has_review_permission(request)

    def has_module_permission(self, request):
        return self.has_review_permission(request)

    def has_change_permission(self, request, obj=None):
        return False  # decisions are the actions above; a deleted claim would only be suggested again

    has_delete_permission = has_change_permission

    def has_add_permission(self, request):
        return False
