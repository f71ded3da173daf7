"""The API against its own live OpenAPI schema: schemathesis generates requests for every
operation (valid and invalid ones, a bounded, derandomized number each) and checks that none
gets a 5xx and every answer matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from papers.api.views import CuratorThrottle, PublicThrottle
from papers.pubmed.models import ImportRun

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(curated, eutils, staff, settings, monkeypatch):
    """The schema as /api/schema/ serves it, over the demo corpus (approved, tags confirmed),
    with throttles out of the way and a curator's token for the import endpoints."""
    settings.ALLOWED_HOSTS = ["localhost"]
    for throttle in (PublicThrottle, CuratorThrottle):
        monkeypatch.setattr(throttle, "rate", "100000/minute")
    token = Token.objects.create(user=staff.curator)
    # As Django's test client does: the end of a request must not close the connection that
    # holds the test's transaction (PostgreSQL would lose it; SQLite's in-memory one is kept).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        # identity: schemathesis reads a WSGI answer's bytes as they come, never gunzipped.
        yield (
            schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()),
            {"Authorization": f"Token {token.key}", "Accept-Encoding": "identity"},
        )
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_api_keeps_to_its_schema(api_schema):
    schema, curator = api_schema
    failures = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11  # /api/claims/ among them, GET and POST
    for operation in operations:
        # An operation without parameters or body has nothing to get wrong.
        modes = GenerationMode if list(operation.iter_parameters()) or operation.body else [GenerationMode.POSITIVE]
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=25,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def conforms(case):
                case.call_and_validate(headers=curator, checks=CHECKS)

            try:
                conforms()
            except Exception as failure:  # every operation is tried; all failures are reported
                failures[f"{operation.label} ({mode.value})"] = failure
    assert not failures, "\n\n".join(f"{label}: {failure}" for label, failure in failures.items())
    assert ImportRun.objects.filter(requested_by__username="curator").exists()  # the token was used
