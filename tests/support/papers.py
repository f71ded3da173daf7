"""Test set-up of papers and the paper admin's form: statuses set directly, the change page's
data as a browser posts it back, tag rows changed or added."""

from papers.catalogue.models import Tag


def set_status(papers, status: str, reason: str = "") -> None:
    """Test set-up: put these papers in a status directly and bring their search documents in
    step, with no audit entry (a curator's decision goes through papers.curation)."""
    from papers.catalogue.models import Paper
    from papers.search.indexing import refresh_facts

    ids = list(papers.values_list("pk", flat=True))
    Paper.objects.filter(pk__in=ids).update(status=status, status_reason=reason)
    refresh_facts(ids)


def set_approval_time(papers, when) -> None:
    """Test set-up: give these papers an approval time (reviewed_at) directly, their search
    documents in step."""
    from papers.catalogue.models import Paper
    from papers.search.indexing import refresh_facts

    ids = list(papers.values_list("pk", flat=True))
    Paper.objects.filter(pk__in=ids).update(reviewed_at=when)
    refresh_facts(ids)


def form_data(response):
    """What a browser would post back from an admin change page, as rendered."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
            if field.field.show_hidden_initial:  # fields with a callable default, e.g. JSON lists
                data[field.html_initial_name] = value
    return data


def post_paper_form(client, paper, change):
    """Load the paper's change page as the superuser, apply `change` to the data, post it as `client`."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    boss = Client()
    boss.force_login(User.objects.get(username="boss"))
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    data = form_data(boss.get(url))
    change(data)
    return client.post(url, data)


def tag_row(data, slug):
    """The form prefix of the paper_tags row holding this tag."""
    tag_id = Tag.objects.get(slug=slug).pk
    return next(
        key[: -len("-tag")]
        for key, value in data.items()
        if key.startswith("paper_tags-") and key.endswith("-tag") and value == tag_id
    )


def set_tag_status(slug, status):
    def change(data):
        data[tag_row(data, slug) + "-status"] = status

    return change


def add_tag_row(data):
    n = int(data["paper_tags-TOTAL_FORMS"])
    data["paper_tags-TOTAL_FORMS"] = n + 1
    data.update(
        {
            f"paper_tags-{n}-tag": Tag.objects.get(slug="dkk1").pk,
            f"paper_tags-{n}-status": "confirmed",
            f"paper_tags-{n}-evidence": "DKK-1 blocks osteoblasts.",
        }
    )
