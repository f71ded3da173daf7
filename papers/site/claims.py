"""The public maps of mechanism claims: a tag's neighbourhood, the mechanism finder and the
coverage of mechanisms by therapies. Confirmed claims of approved papers only (papers.claims.maps)."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from papers.catalogue.models import Tag
from papers.claims.diagram import legend, neighbourhood_svg
from papers.claims.exports import CLAIM_EXPORT_LIMIT, CLAIM_FORMATS, write_claims
from papers.claims.maps import FINDER_LIMIT, coverage, find_claims, matching, neighbourhood
from papers.claims.models import Claim
from papers.site.export import throttled, too_many
from papers.site.forms import tags_named


def neighbourhood_page(request, slug):
    tag = get_object_or_404(Tag.objects.select_related("topic"), slug=slug)
    found = neighbourhood(tag)
    return render(
        request,
        "papers/claims/neighbourhood.html",
        {"tag": tag, "found": found, "diagram": neighbourhood_svg(found), "legend": legend()},
    )


class FinderForm(forms.Form):
    """Agent, relation and target, each optional ("?"): an unknown value is an error shown."""

    agent = forms.ChoiceField(required=False, label="Agent")
    relation = forms.ChoiceField(required=False, label="Relation", choices=[("", "? (any)"), *Claim.Relation.choices])
    target = forms.ChoiceField(required=False, label="Target")

    def __init__(self, data, tags: list[Tag]):
        # An agent or target may be named as the search and the API name a tag (any name or
        # synonym, any case); the form reads its slug.
        named = tags_named([value for field in ("agent", "target") if (value := data.get(field))])
        if named:
            data = data.copy()
            for field in ("agent", "target"):
                if data.get(field) in named:
                    data[field] = named[data[field]].slug
        super().__init__(data)
        self.tags = {tag.slug: tag for tag in tags}
        choices = [("", "? (any)"), *((tag.slug, tag.name) for tag in tags)]
        self.fields["agent"].choices = self.fields["target"].choices = choices

    def chosen(self, name) -> Tag | None:
        return self.tags.get(self.cleaned_data.get(name) or "")


def finder_form(request) -> FinderForm:
    return FinderForm(request.GET, list(Tag.objects.only("slug", "name").order_by("name")))


def finder_page(request):
    form = finder_form(request)
    context = {
        "form": form,
        "limit": FINDER_LIMIT,
        "legend": legend(),
        "formats": CLAIM_FORMATS.values(),
        "query": request.GET.urlencode(),
    }
    if not form.is_valid():
        return render(request, "papers/claims/finder.html", context, status=400)
    agent, relation, target = form.chosen("agent"), form.cleaned_data["relation"], form.chosen("target")
    claims, total, papers = find_claims(agent, relation, target)
    context.update(claims=claims, total=total, papers=papers, agent=agent, relation=relation, target=target)
    return render(request, "papers/claims/finder.html", context)


@throttled
def claims_export(request, fmt):
    """The finder's claims as CSV, SIF or GraphML; a bad filter is a 400 page saying which."""
    if fmt not in CLAIM_FORMATS:
        raise Http404("No such export format.")
    form = finder_form(request)
    if not form.is_valid():
        return render(request, "papers/claims/finder.html", {"form": form, "limit": FINDER_LIMIT}, status=400)
    claims = matching(form.chosen("agent"), form.cleaned_data["relation"], form.chosen("target"))
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
