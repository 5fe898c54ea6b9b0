"""The REST API fuzzed from its own OpenAPI schema (schemathesis, in-process on the WSGI app):
no request, valid or not, anonymous or with a token, makes it answer 500. Bounded: 25 examples
per operation and identity, derandomized, well under a minute.

schemathesis' pytest plugin does not run under pytest 9 (it reads a removed attribute of test
items), so the test drives each operation's Hypothesis strategy itself."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from labelling.rest import PublicThrottle, UserThrottle
from tests.factories import LabelledPlaceFactory, UserFactory
from tests.workflows import factories as wf

pytestmark = pytest.mark.django_db

EXAMPLES = 25


@pytest.fixture
def api_schema(monkeypatch):
    cache.clear()
    monkeypatch.setattr(PublicThrottle, "rate", "100000/min", raising=False)
    monkeypatch.setattr(UserThrottle, "rate", "100000/min", raising=False)
    # As Django's test client does: the end of a request must not close the connection that
    # holds the test's transaction (on PostgreSQL it would).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_no_request_makes_the_api_fail(api_schema):
    LabelledPlaceFactory(id_fs="1", latitude="45.5", longitude="3.7")
    wf.submitted()
    token = Token.objects.create(user=UserFactory(role="national")).key
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/places/", "/api/v1/applications/{id}/"}

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(checks=[not_a_server_error])
            case.call_and_validate(
                headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error]
            )

        fuzz()
