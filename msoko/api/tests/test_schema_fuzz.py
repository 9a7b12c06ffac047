"""Schemathesis against the OpenAPI schema, once per role token.

For every operation and persona: no 5xx, status codes, content types and bodies match the schema,
and no 2xx where the role has no right (staff-only sections for organisations, council and
public; writes for read-only roles; another municipality's organisations never in a body).
The run is bounded (`MSOKO_FUZZ_EXAMPLES`, default 8 examples per operation, no deadline).
"""

from __future__ import annotations

import os

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from msoko.collection.tests.campaign_data import staffing_campaign
from msoko.core.testing import PERSONAS

EXAMPLES = int(os.environ.get("MSOKO_FUZZ_EXAMPLES", "8"))
STAFF = {"department", "coordinator", "executor", "operator", "methodist", "region", "other_department"}
MANAGERS = {"department", "region", "other_department"}
VALUE_WRITERS = {"department", "methodist", "region", "other_department"}
STAFF_ONLY_PREFIXES = ("/api/v1/analysis/", "/api/v1/measures/", "/api/v1/decisions/")
# who may fill campaign forms at all (their own self-report, or staff an expert audit)
FORM_FILLERS = {"school_a", "school_b", "preschool", *STAFF}
CYCLE_CREATORS = {"department", "region", "other_department", "coordinator", "executor"}
# organisations each persona may see (by code)
TSK = {"OO-A", "OO-B", "DOO-1"}
VISIBLE = {
    **{name: TSK for name in PERSONAS},
    "school_a": {"OO-A"}, "school_b": {"OO-B"}, "preschool": {"DOO-1"},
    "other_department": {"OO-C"}, "other_school": {"OO-C"}, "region": TSK | {"OO-C"},
}
ROLES = [*PERSONAS, "other_department", "other_school", "region"]


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calling the WSGI app directly fires `request_finished`, which would close the test's database
    connection (and its transaction) on PostgreSQL; Django's own test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _organisation_codes(body) -> set[str]:
    if isinstance(body, dict) and ("full_name" in body or "organisation" in body):
        body = [body]
    items = body.get("items", body.get("dataValues", [])) if isinstance(body, dict) else body
    found = set()
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            for key in ("organisation", "orgUnit"):
                if key in item:
                    found.add(item[key])
            if "full_name" in item and "code" in item:
                found.add(item["code"])
    return found


def role_check(persona: str):
    def no_2xx_without_right(ctx, response, case) -> None:
        if not 200 <= response.status_code < 300:
            return None
        path, method = case.operation.path, case.method.upper()
        full = "/api/v1" + path if not path.startswith("/api/v1") else path
        assert not (full.startswith(STAFF_ONLY_PREFIXES) and persona not in STAFF), (
            f"{persona}: {method} {full} → {response.status_code} (раздел только для специалистов)"
        )
        assert not (method == "POST" and full.rstrip("/").endswith(("dataValueSets", "imports"))
                    and persona not in VALUE_WRITERS), f"{persona}: запись без права ({full})"
        assert not (method == "POST" and full.startswith(("/api/v1/measures/", "/api/v1/decisions/"))
                    and persona not in STAFF), f"{persona}: изменение без права ({full})"
        assert not (method == "POST" and full.rstrip("/") == "/api/v1/analysis/runs" and persona not in MANAGERS), (
            f"{persona}: запуск расчёта без права"
        )
        assert not (method == "POST" and full.rstrip("/") in {"/api/v1/measures", "/api/v1/decisions",
                                                              "/api/v1/recommendations"}
                    and persona not in CYCLE_CREATORS), f"{persona}: создание без права ({full})"
        assert not (method == "POST" and full.startswith("/api/v1/forms/")
                    and full.rstrip("/").endswith(("accept", "return", "reopen")) and persona not in MANAGERS), (
            f"{persona}: проверка формы без права ({full})"
        )
        assert not (method == "POST" and full.startswith("/api/v1/forms/")
                    and full.rstrip("/").endswith(("save", "submit")) and persona not in FORM_FILLERS), (
            f"{persona}: заполнение формы без права ({full})"
        )
        if method == "GET" and "json" in response.headers.get("content-type", [""])[0]:
            leaked = _organisation_codes(response.json()) - VISIBLE[persona]
            assert not leaked, f"{persona}: {full} показывает чужие организации {sorted(leaked)}"
        return None

    return no_2xx_without_right


@pytest.mark.parametrize("persona", ROLES)
def test_every_operation_conforms_for_role(persona, values, tokens, settings, world):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    staffing_campaign(world)  # an open campaign with forms of OO-A and OO-B
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    headers = {"Authorization": f"Bearer {tokens[persona]}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
              role_check(persona)]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35

    for operation in operations:
        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        run()


def _anonymous_run(operation):
    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(max_examples=2, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call()
        assert response.status_code in (401, 422), f"{operation.label}: {response.status_code}"

    return run


def test_without_token_everything_is_401(db):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    for result in schema.get_all_operations():
        _anonymous_run(result.ok())()
