"""The public maps of mechanism claims: a tag's neighbourhood, the mechanism finder and the
coverage of mechanisms by therapies. Confirmed claims of approved papers only (papers.claims.maps)."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from papers.catalogue.context import ORGANISMS
from papers.catalogue.models import Tag
from papers.claims.diagram import neighbourhood_svg
from papers.claims.exports import CLAIM_EXPORT_LIMIT, CLAIM_FORMATS, write_claims
from papers.claims.maps import FINDER_LIMIT, Scope, claim_menus, coverage, find_claims, matching, neighbourhood
from papers.claims.models import Claim
from papers.site.export import throttled, too_many
from papers.site.forms import tags_named


def neighbourhood_page(request, slug):
    tag = get_object_or_404(Tag.objects.select_related("topic"), slug=slug)
    found = neighbourhood(tag)
    return render(
        request,
        "papers/claims/neighbourhood.html",
        {"tag": tag, "found": found, "diagram": neighbourhood_svg(found)},
    )


SCOPE_FIELDS = ("myeloma", "organism")  # the finder's parameters naming the papers in scope


class FinderForm(forms.Form):
    """Agent, relation and target, each optional ("?"): an unknown value is an error shown. The
    menus offer the tags public claims have in that role, with their numbers of claims; a tag
    with none, asked for by a link or by name, is still read (and answered "none"). The last two
    keep the claims of papers about myeloma, or studying one organism, only."""

    agent = forms.ChoiceField(required=False, label="Agent")
    relation = forms.ChoiceField(required=False, label="Relation", choices=[("", "? (any)"), *Claim.Relation.choices])
    target = forms.ChoiceField(required=False, label="Target")
    # Where the claims come from (papers.catalogue.context); SCOPE_FIELDS.
    myeloma = forms.ChoiceField(
        required=False, label="Papers", choices=[("", "any paper"), ("only", "in myeloma only")]
    )
    organism = forms.ChoiceField(
        required=False,
        label="Studied in",
        choices=[("", "any organism"), *((key, f"in {name.lower()} only") for key, name in ORGANISMS.items())],
    )

    def __init__(self, data):
        # An agent or target may be named as the search and the API name a tag (any name or
        # synonym, any case); the form reads its slug.
        named = tags_named([value for field in ("agent", "target") if (value := data.get(field))])
        if named:
            data = data.copy()
            for field in ("agent", "target"):
                if data.get(field) in named:
                    data[field] = named[data[field]].slug
        super().__init__(data)
        menus = dict(zip(("agent", "target"), claim_menus()))
        self.tags = {tag.slug: tag for menu in menus.values() for tag, _ in menu}
        for tag in named.values():  # a tag asked for that no public claim names
            self.tags.setdefault(tag.slug, tag)
        for field, menu in menus.items():
            offered = [(tag.slug, f"{tag.name} ({n})") for tag, n in menu]
            if (slug := data.get(field)) in self.tags and slug not in {tag.slug for tag, _ in menu}:
                offered.append((slug, f"{self.tags[slug].name} (0)"))
            self.fields[field].choices = [("", "? (any)"), *offered]

    def chosen(self, name) -> Tag | None:
        return self.tags.get(self.cleaned_data.get(name) or "")

    def scope(self) -> Scope:
        return Scope(self.cleaned_data["myeloma"] == "only", ORGANISMS.get(self.cleaned_data["organism"], ""))


def finder_page(request):
    form = FinderForm(request.GET)
    context = {
        "form": form,
        "limit": FINDER_LIMIT,
        "formats": CLAIM_FORMATS.values(),
        "query": request.GET.urlencode(),
    }
    if not form.is_valid():
        return render(request, "papers/claims/finder.html", context, status=400)
    agent, relation, target = form.chosen("agent"), form.cleaned_data["relation"], form.chosen("target")
    scope = form.scope()
    statements, total, papers, more = find_claims(agent, relation, target, scope)
    context.update(
        statements=statements,
        total=total,
        papers=papers,
        more=more,
        agent=agent,
        relation=relation,
        target=target,
        scope=scope,
        # What a row's "all sentences" link keeps of the question besides the row's own three.
        scope_query=urlencode({name: value for name in SCOPE_FIELDS if (value := form.cleaned_data[name])}),
    )
    return render(request, "papers/claims/finder.html", context)


@throttled
def claims_export(request, fmt):
    """The finder's claims as CSV, SIF or GraphML; a bad filter is a 400 page saying which."""
    if fmt not in CLAIM_FORMATS:
        raise Http404("No such export format.")
    form = FinderForm(request.GET)
    if not form.is_valid():
        return render(request, "papers/claims/finder.html", {"form": form, "limit": FINDER_LIMIT}, status=400)
    claims = matching(form.chosen("agent"), form.cleaned_data["relation"], form.chosen("target"), form.scope())
    if fmt == "csv" and (total := claims.count()) > CLAIM_EXPORT_LIMIT:
        return too_many(request, total, "claims", CLAIM_EXPORT_LIMIT, "an agent, a relation, a target")
    export_format = CLAIM_FORMATS[fmt]
    response = HttpResponse(
        write_claims(claims, fmt, request.build_absolute_uri("/")[:-1]), content_type=export_format.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="claims.{fmt}"'
    return response


def coverage_page(request):
    therapies, rows = coverage()
    return render(request, "papers/claims/coverage.html", {"therapies": therapies, "rows": rows})
