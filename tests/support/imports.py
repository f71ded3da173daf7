"""Imports as the tests ask for them: the import command, the admin's import page, the API."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from tests.support.paths import DEMO_DIR

MYELOMA, TELOMERE, BOOK = 38856741, 27797938, 20301577
IMPORT_URL = "/admin/papers/importrun/import/"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pubmed", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args):
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_pubmed", *map(str, args), stdout=io.StringIO(), stderr=err)
    return str(raised.value), err.getvalue()


def demo_pmids():
    import re

    return [
        int(p)
        for path in sorted(DEMO_DIR.glob("*.xml"))
        for p in re.findall(rb"<PubmedArticle>\s*<MedlineCitation[^>]*>\s*<PMID[^>]*>(\d+)<", path.read_bytes())
    ]


def auth(person) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=person)[0].key}"}


def post_import(client, body, **headers):
    return client.post("/api/imports/", body, content_type="application/json", **headers)
