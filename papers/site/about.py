"""The About page: what the collection holds and how it is made, and the facts every public page's
footer shows (a demo says it is one)."""

from django.conf import settings
from django.shortcuts import render

from papers.catalogue.models import Paper, Tag, Topic


def site_facts(request) -> dict:
    """For every template: whether this site is a demo (settings.DEMO_SITE)."""
    return {"demo_site": settings.DEMO_SITE}


def about_page(request):
    return render(
        request,
        "papers/about.html",
        {
            "total": Paper.objects.public().count(),
            "topics": Topic.objects.count(),
            "tags": Tag.objects.count(),
            "contact": settings.SITE_CONTACT,
        },
    )
