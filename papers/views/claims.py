"""The public maps of mechanism claims: a tag's neighbourhood, the mechanism finder and the
coverage of mechanisms by therapies. Confirmed claims of approved papers only (papers.claims.maps)."""

from django import forms
from django.shortcuts import get_object_or_404, render

from ..claims.diagram import legend, neighbourhood_svg
from ..claims.maps import FINDER_LIMIT, coverage, find_claims, neighbourhood
from ..models import Claim, Tag


def neighbourhood_page(request, slug):
    tag = get_object_or_404(Tag.objects.select_related("topic"), slug=slug)
    found = neighbourhood(tag)
    return render(request, "papers/claims/neighbourhood.html",
                  {"tag": tag, "found": found, "diagram": neighbourhood_svg(found), "legend": legend()})


class FinderForm(forms.Form):
    """Agent, relation and target, each optional ("?"): an unknown value is an error shown."""

    agent = forms.ChoiceField(required=False, label="Agent")
    relation = forms.ChoiceField(required=False, label="Relation", choices=[("", "? (any)"), *Claim.Relation.choices])
    target = forms.ChoiceField(required=False, label="Target")

    def __init__(self, data, tags: list[Tag]):
        super().__init__(data)
        self.tags = {tag.slug: tag for tag in tags}
        choices = [("", "? (any)"), *((tag.slug, tag.name) for tag in tags)]
        self.fields["agent"].choices = self.fields["target"].choices = choices

    def chosen(self, name) -> Tag | None:
        return self.tags.get(self.cleaned_data.get(name) or "")


def finder_page(request):
    tags = list(Tag.objects.only("slug", "name").order_by("name"))
    form = FinderForm(request.GET, tags)
    context = {"form": form, "limit": FINDER_LIMIT, "legend": legend()}
    if not form.is_valid():
        return render(request, "papers/claims/finder.html", context, status=400)
    agent, relation, target = form.chosen("agent"), form.cleaned_data["relation"], form.chosen("target")
    claims, total, papers = find_claims(agent, relation, target)
    context.update(claims=claims, total=total, papers=papers, agent=agent, relation=relation, target=target)
    return render(request, "papers/claims/finder.html", context)


def coverage_page(request):
    therapies, rows = coverage()
    return render(request, "papers/claims/coverage.html", {"therapies": therapies, "rows": rows})
