"""The admin in a browser: logging in at the width curators work at, and axe-core's findings
without those of markup Django's admin renders itself."""

import re

from tests.support.axe import described

WIDTH = 1280


# What axe-core finds in markup Django's admin renders itself, not the app: (rule, selector pattern).
DJANGOS = [
    ("link-in-text-block", r"^\.breadcrumbs > a"),  # the admin's breadcrumbs: links told apart by colour only
    (
        "empty-table-header",
        r"> table > thead > tr > (\.original|th:nth-child\(\d+\))$",
    ),  # tabular inlines' blank headers
    ("label", r"^\.select2-search__field$"),  # the autocomplete widget's (select2) search box
    ("list", r"^\.select2-selection__rendered$"),  # the autocomplete widget's chosen-items list
]


def apps_own(found: list[dict]) -> list[str]:
    """The violations left once those of Django's own markup (DJANGOS) are set aside."""
    left = [
        {
            **rule,
            "nodes": [
                node
                for node in rule["nodes"]
                if not any(
                    rule["id"] == djangos and re.search(pattern, " ".join(node["target"]))
                    for djangos, pattern in DJANGOS
                )
            ],
        }
        for rule in found
    ]
    return described(left)


def log_in(page, live_server, username, password):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
