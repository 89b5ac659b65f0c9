"""Schema-driven fuzzing: schemathesis sends what the OpenAPI schema allows (and what it does not)
to every operation, and every answer must be a documented 2xx or 4xx, never a server error.

Short and deterministic so CI stays fast: at most 50 examples per operation, derandomized.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from api.api import api
from renewal.wsgi import application

# Built from the API object rather than fetched: the schema is the same, and no request is needed
# before the test database exists. Requests then go to the WSGI app in-process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
# No server error, and every answer is documented: its status code, content type and body.
# (Not the negative-data checks: the test overrides path ids and headers, which they judge.)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def fuzz_headers(settings, member, issue, kpi, measurements):
    # schemathesis calls the WSGI app as "localhost".
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Like Django's test client: the real handler closes the database connection after each
    # request, which would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {issue(member)}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_answers_with_a_server_error(case, fuzz_headers, kpi):
    # Point path ids at real objects the token may write to, so the handlers run, not just 404.
    if "kpi_id" in (case.path_parameters or {}):
        case.path_parameters["kpi_id"] = kpi.pk
    if "initiative_id" in (case.path_parameters or {}):
        case.path_parameters["initiative_id"] = kpi.initiative_id
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)
