"""The authorization matrix: every URL pattern of the project × every role, checked over HTTP.

Roles: anonymous; administrators of school A, school B and the ДОО; the coordinator and the
executor of direction 1 (``coordinator``, ``executor_1``) and of direction 2 (``coordinator_2``,
``executor``); the municipal operator; the methodist; the department specialist; a council member;
the public; a Django superuser (``admin``). Every object in the URLs belongs to direction 1 and,
where it is an organisation's, to school A (see `access_world`).

`MATRIX` declares, per route, the URL arguments and the expected outcome for every role: a status
code, ``LOGIN`` (302 to the login page), ``REDIRECT`` (another 302) or, for the admin,
``ADMIN_LOGIN``. POST routes are also called with POST: a refused role must get 403/404 (401
for the API without a key) and leave the database unchanged. A route of the project without an
entry fails `test_every_route_has_an_entry`, by name.

Admin pages are checked for every registered model by one rule: only a superuser gets in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.urls import reverse

from msoko.core.models import AuditEntry
from msoko.core.tests.access_world import AccessWorld
from msoko.core.tests.routes import (
    ADMIN_LOGIN,
    ANONYMOUS,
    LOGIN,
    REDIRECT,
    Route,
    admin_path,
    all_routes,
    api_headers,
    client_as,
    outcome,
)

SCHOOLS = {"school_a", "school_b", "preschool"}
OUTSIDERS = {"council", "public"}  # logged in, neither staff nor an organisation
STAFF = {"coordinator", "executor_1", "coordinator_2", "executor", "operator", "methodist", "department", "admin"}
MANAGERS = {"department", "admin"}  # the department (and the superuser)
DIRECTION_1 = {"coordinator", "executor_1"} | MANAGERS  # those who run direction 1
SEES_SCHOOL_A = {"school_a"} | STAFF | OUTSIDERS  # council and public see the municipality's organisations
ROLES = [ANONYMOUS, *sorted(SCHOOLS), *sorted(STAFF), *sorted(OUTSIDERS)]
LOGGED_IN = set(ROLES) - {ANONYMOUS}
ADMIN_ROLES = [ANONYMOUS, "school_a", "department", "public", "admin"]  # admin access depends on is_staff only
DENIED = {403, 404, 401, LOGIN}


def access(allowed: set[str], ok=200, denied=403, anonymous=LOGIN) -> dict[str, object]:
    """role → outcome: `ok` for `allowed`, `denied` for the other logged-in roles."""
    return {role: anonymous if role == ANONYMOUS else ok if role in allowed else denied for role in ROLES}


def api(allowed: set[str], ok=200, denied=403) -> dict[str, object]:
    return access(allowed, ok, denied, anonymous=401)


POST_ONLY = access(LOGGED_IN, 405)  # GET of a POST-only page


def K(**names) -> Callable[[AccessWorld], dict]:
    """URL kwargs: an object's name in `access_world` becomes its pk; anything else is literal."""
    return lambda aw: {k: aw.pk(v) if isinstance(v, str) and v in aw.objects else v for k, v in names.items()}


@dataclass(frozen=True)
class Entry:
    kwargs: Callable[[AccessWorld], dict]
    get: dict[str, object]
    post: dict[str, object] | None = None
    data: dict | Callable[[AccessWorld], dict] = field(default_factory=dict)
    query: str = ""


def page(kwargs, get, **more) -> Entry:
    return Entry(kwargs, get, **more)


def action(kwargs, post, **more) -> Entry:
    """A POST-only page: GET answers 405 to the logged in, POST as `post` says."""
    return Entry(kwargs, POST_ONLY, post=post, **more)


def api_action(kwargs, post, data, get=None) -> Entry:
    return Entry(kwargs, get or api(LOGGED_IN, 405, 405) | {ANONYMOUS: 405}, post=post, data=data)


NONE = K()
ALL_PAGE = access(LOGGED_IN)
STAFF_PAGE = access(STAFF)
STAFF_ACTION = access(STAFF, REDIRECT)
COUNCIL_READ = access(STAFF | {"council"})  # council members read meetings and protocols (UI.md), staff run them

FILL_FORM = api({"school_a", "admin"}, denied=404) | {r: 403 for r in STAFF - {"admin"}}
REVIEW_FORM = api(set(), denied=404) | {r: 403 for r in STAFF | {"school_a"}}

MATRIX: dict[str, Entry] = {
    # --- web: shell, organisations, catalog
    "web:login": page(NONE, access(set(), denied=REDIRECT, anonymous=200)),
    "web:logout": Entry(NONE, access(set(), 405, 405, anonymous=405), post=access(set(), denied=LOGIN)),
    "web:home": page(NONE, access(STAFF) | {r: REDIRECT for r in SCHOOLS | OUTSIDERS}),
    "web:direction": page(K(number=1), STAFF_PAGE),
    "web:organisations": page(NONE, ALL_PAGE),
    "web:organisation": page(K(code="OO-A"), access(SEES_SCHOOL_A, denied=404)),
    "web:catalog": page(NONE, ALL_PAGE),
    "web:indicator": page(K(code="R1"), ALL_PAGE),
    # --- core: audit trail (the department only)
    "core:audit": page(NONE, access(MANAGERS)),
    # --- collection: uploads and history (staff), campaigns (staff), forms (the school and staff)
    "collection:index": page(NONE, access(STAFF) | {r: REDIRECT for r in SCHOOLS | OUTSIDERS}),
    "collection:upload": page(NONE, STAFF_PAGE),
    # an upload job is its uploader's (the department here): other staff get 404
    "collection:job": page(K(pk="job"), access(MANAGERS) | {r: 404 for r in STAFF - MANAGERS}),
    "collection:job_mapping": action(K(pk="job"), access(MANAGERS, REDIRECT) | {r: 404 for r in STAFF - MANAGERS}),
    "collection:job_replace": action(K(pk="job"), access(MANAGERS, REDIRECT) | {r: 404 for r in STAFF - MANAGERS}),
    "collection:job_status": page(K(pk="job"), access(MANAGERS) | {r: 404 for r in STAFF - MANAGERS}),
    "collection:history": page(NONE, STAFF_PAGE),
    "collection:batch": page(K(pk="batch"), STAFF_PAGE),
    "collection:batch_errors": page(K(pk="bad_batch"), STAFF_PAGE),
    "collection:batch_restore": action(K(pk="batch"), access(MANAGERS, REDIRECT)),
    "collection:lineage": page(K(pk="value_a"), access(SEES_SCHOOL_A, denied=404)),
    "collection:campaigns": page(NONE, STAFF_PAGE),
    "collection:campaign_new": page(NONE, access(MANAGERS)),
    "collection:campaign": page(K(pk="campaign"), STAFF_PAGE),
    "collection:campaign_open": action(K(pk="campaign"), access(MANAGERS, REDIRECT)),
    "collection:campaign_export": page(K(pk="campaign"), STAFF_PAGE),
    "collection:my_forms": page(NONE, access(SCHOOLS | OUTSIDERS) | {r: REDIRECT for r in STAFF}),
    "collection:form": Entry(K(pk="form_a"), access({"school_a"} | STAFF, denied=404),
                             post=access({"school_a", "admin"}, REDIRECT, denied=404) | {r: 403 for r in STAFF - {"admin"}},
                             data=lambda aw: {"version": aw.objects["form_a"].version, "teachers_total": "10"}),
    "collection:form_template": page(K(pk="form_a"), access({"school_a"} | STAFF, denied=404)),
    "collection:form_upload": action(K(pk="form_a"), access({"school_a"} | STAFF, REDIRECT, denied=404)),
    "collection:form_review": action(K(pk="form_a"), access(STAFF, REDIRECT)),
    # --- analytics (staff)
    "analytics:index": page(NONE, STAFF_PAGE),
    "analytics:start": action(K(kind="shnor"), STAFF_ACTION),
    "analytics:run": page(K(pk="shnor_run"), access(STAFF, REDIRECT)),
    "analytics:shnor": page(NONE, STAFF_PAGE),
    "analytics:shnor_run": page(K(pk="shnor_run"), STAFF_PAGE),
    "analytics:compare": page(NONE, STAFF_PAGE),
    "analytics:objectivity": page(NONE, STAFF_PAGE),
    "analytics:objectivity_run": page(K(pk="objectivity_run"), STAFF_PAGE),
    "analytics:monitoring": page(NONE, STAFF_PAGE),
    "analytics:monitoring_run": page(K(pk="monitoring_run"), STAFF_PAGE),
    # --- reports: school A's card and job; municipal reports for staff; public figures for all
    "reports:index": page(NONE, ALL_PAGE),
    "reports:request": action(NONE, access(STAFF, REDIRECT, denied=404), data={"kind": "annual", "format": "pdf"}),
    "reports:job": page(K(pk="report_a"), access({"school_a"} | STAFF, denied=404)),
    "reports:job_status": page(K(pk="report_a"), access({"school_a"} | STAFF, denied=404)),
    "reports:download": page(K(pk="report_a"), access({"school_a"} | STAFF, denied=404)),
    "reports:public": page(K(code="TSK"), access(LOGGED_IN, anonymous=200)),
    "reports:show": page(K(kind="card"), access({"school_a"} | STAFF, denied=404), query="org=OO-A&year=2024"),
    "reports:xlsx": page(K(kind="card"), access({"school_a"} | STAFF, denied=404), query="org=OO-A&year=2024"),
    # --- cycle: staff pages; recommendations also for their addressee; writes by direction
    "cycle:index": page(NONE, access(LOGGED_IN, REDIRECT, anonymous=REDIRECT)),
    "cycle:matrix": page(NONE, STAFF_PAGE),
    "cycle:document_add": action(NONE, STAFF_ACTION),
    "cycle:document": page(K(pk="document"), STAFF_PAGE),
    "cycle:document_publish": action(K(pk="document"), access({"operator"} | MANAGERS, REDIRECT),
                                     data={"published": ""}),
    "cycle:document_delete": action(K(pk="document"), access({"operator"} | DIRECTION_1, REDIRECT)),
    "cycle:roadmap": page(NONE, STAFF_PAGE),
    "cycle:roadmap_import": action(NONE, STAFF_ACTION),
    "cycle:measure_create": action(NONE, STAFF_ACTION),
    "cycle:measure_status": action(K(pk="measure_planned"), access(DIRECTION_1, REDIRECT),
                                   data={"status": "in_progress"}),
    "cycle:measure_document": page(K(pk="measure"), STAFF_PAGE),
    "cycle:decisions": page(NONE, STAFF_PAGE),
    "cycle:decision_create": action(NONE, STAFF_ACTION),
    "cycle:decision_execute": action(K(pk="decision"), access(DIRECTION_1, REDIRECT), data={"on": "2024-11-01"}),
    "cycle:decision_cancel": action(K(pk="decision"), access(DIRECTION_1, REDIRECT), data={"text": "Отменено"}),
    "cycle:decision_document": page(K(pk="decision"), access(STAFF, REDIRECT)),
    "cycle:recommendations": page(NONE, ALL_PAGE),
    "cycle:recommendation_create": action(NONE, STAFF_ACTION),
    "cycle:recommendations_from_findings": action(NONE, STAFF_ACTION),
    "cycle:recommendation": page(K(pk="rec_a"), access({"school_a"} | STAFF, denied=404)),
    "cycle:recommendation_move": action(K(pk="rec_sent_a"), access({"school_a"}, REDIRECT) | {
        r: 404 for r in SCHOOLS - {"school_a"} | OUTSIDERS}, data={"status": "accepted"}),
    "cycle:recommendation_report": page(K(pk="rec_a"), access({"school_a"} | STAFF, denied=404)),
    "cycle:practices": page(NONE, ALL_PAGE),
    "cycle:practice_create": action(NONE, STAFF_ACTION),
    "cycle:effectiveness": page(NONE, STAFF_PAGE),
    "cycle:effectiveness_create": action(NONE, STAFF_ACTION),
    "cycle:next_goal": action(K(pk="effectiveness"), access(DIRECTION_1, REDIRECT)),
    "cycle:council": page(NONE, COUNCIL_READ),
    "cycle:body_create": action(NONE, STAFF_ACTION),
    "cycle:body": page(K(pk="body"), COUNCIL_READ),
    "cycle:member_add": action(K(pk="body"), STAFF_ACTION),
    "cycle:meeting_create": action(K(pk="body"), STAFF_ACTION),
    "cycle:meeting": page(K(pk="meeting"), COUNCIL_READ),
    "cycle:agenda_add": action(K(pk="meeting"), STAFF_ACTION),
    "cycle:attendance": action(K(pk="meeting"), access({"methodist"} | MANAGERS, REDIRECT)),  # methodist chairs
    "cycle:vote": action(K(pk="meeting", item_pk="item"), STAFF_ACTION),
    "cycle:protocol_generate": action(K(pk="meeting"), access({"methodist"} | MANAGERS, REDIRECT)),
    "cycle:protocol": page(K(pk="meeting"), COUNCIL_READ),
    "cycle:signed_upload": action(K(pk="meeting"), STAFF_ACTION),
    "cycle:signed": page(K(pk="meeting"), COUNCIL_READ),
    # --- public section: no login
    "public:index": page(NONE, access(LOGGED_IN, anonymous=200)),
    "public:document": page(K(pk="document"), access(LOGGED_IN, anonymous=200)),
    "public:municipality": page(K(code="TSK"), access(LOGGED_IN, anonymous=200)),
    # --- API (bearer tokens): reading follows the pages; 401 without a key
    "api:openapi-json": page(NONE, api(LOGGED_IN) | {ANONYMOUS: 200}),
    "api:openapi-view": page(NONE, api(LOGGED_IN) | {ANONYMOUS: 200}),
    "api:api-root": page(NONE, api(set(), denied=404) | {ANONYMOUS: 404}),
    "api:organisations": page(NONE, api(LOGGED_IN)),
    "api:organisation": page(K(code="OO-A"), api(SEES_SCHOOL_A, denied=404)),
    "api:clusters": page(NONE, api(LOGGED_IN)),
    "api:directions": page(NONE, api(LOGGED_IN)),
    "api:indicators": page(NONE, api(LOGGED_IN)),
    "api:indicator": page(K(code="R1"), api(LOGGED_IN)),
    "api:indicator_values": page(K(code="R1"), api(LOGGED_IN), query="year=2024"),
    "api:data_elements": page(NONE, api(LOGGED_IN)),
    "api:data_element": page(K(code="vpr_m2"), api(LOGGED_IN)),
    "api:data_values": page(NONE, api(LOGGED_IN), query="period=2024/25"),
    "api:data_value_set": page(NONE, api(LOGGED_IN), query="period=2024/25"),
    "api:import_data_value_set": api_action(
        NONE, api({"methodist"} | MANAGERS, 200), get=api(LOGGED_IN), data={
            "period": "2024/25", "dataValues": [{"dataElement": "vpr_m2", "orgUnit": "OO-A", "value": "7"}]}),
    "api:imports": page(NONE, api(STAFF | SCHOOLS)),
    # the file is checked before the role: an empty request is refused to everyone, nothing is written
    "api:start_import": api_action(NONE, api(LOGGED_IN, 422), get=api(STAFF | SCHOOLS), data={}),
    "api:import_status": page(K(pk="batch"), api(STAFF | {"school_a", "school_b"}, denied=404)
                              | {r: 403 for r in OUTSIDERS}),
    # a school sees the status of an import holding its rows, not the error list (other schools' rows)
    "api:import_report": page(K(pk="batch"), api(STAFF, denied=404)
                              | {r: 403 for r in OUTSIDERS | {"school_a", "school_b"}}),
    "api:runs": page(NONE, api(STAFF)),
    "api:start_run": api_action(NONE, api(MANAGERS, 202), get=api(STAFF), data={"kind": "shnor"}),
    "api:run": page(K(pk="shnor_run"), api(STAFF)),
    "api:results": page(K(pk="shnor_run"), api(STAFF)),
    "api:recommendations": page(NONE, api(LOGGED_IN)),
    "api:recommendation_create": api_action(NONE, api(DIRECTION_1, 201), get=api(LOGGED_IN), data={
        "title": "Новая", "text": "Текст", "addressee_level": "municipality", "direction_number": 1}),
    "api:recommendation": page(K(pk="rec_a"), api({"school_a"} | STAFF, denied=404)),
    "api:recommendation_status": api_action(K(pk="rec_sent_a"), api({"school_a"}, 200, denied=403) | {
        r: 404 for r in SCHOOLS - {"school_a"} | OUTSIDERS}, data={"status": "accepted"}),
    "api:measures": page(NONE, api(STAFF)),
    "api:measure_create": api_action(NONE, api(DIRECTION_1, 201), get=api(STAFF), data={
        "content": "Семинар", "direction_number": 1}),
    "api:measure": page(K(pk="measure"), api(STAFF)),
    "api:measure_status": api_action(K(pk="measure_planned"), api(DIRECTION_1), data={"status": "in_progress"}),
    "api:decisions": page(NONE, api(STAFF)),
    "api:decision_create": api_action(NONE, api(DIRECTION_1, 201), get=api(STAFF), data={
        "kind": "order", "date": "2024-10-01", "content": "Приказ", "direction_number": 1}),
    "api:decision": page(K(pk="decision"), api(STAFF)),
    "api:decision_executed": api_action(K(pk="decision"), api(DIRECTION_1), data={"on": "2024-11-01"}),
    "api:decision_cancel": api_action(K(pk="decision"), api(DIRECTION_1), data={"reason": "Отменено"}),
    "api:campaigns": page(NONE, api(LOGGED_IN)),  # a school gets the campaigns addressed to it
    "api:campaign": page(K(pk="campaign"), api(STAFF | {"school_a", "school_b"}, denied=404)),
    "api:campaign_forms": page(K(pk="campaign"), api(STAFF | {"school_a", "school_b"}, denied=404)),
    "api:form": page(K(pk="form_a"), api({"school_a"} | STAFF, denied=404)),
    # forms: the school fills its own; staff read it, the department accepts, returns and reopens
    # (a draft can be neither accepted, returned nor reopened: 400 shows the role was let through)
    "api:form_save": api_action(K(pk="form_a"), FILL_FORM, data=lambda aw: {
        "version": aw.objects["form_a"].version, "answers": {"teachers_total": 10}}),
    "api:form_submit": api_action(K(pk="form_a"), FILL_FORM, data=lambda aw: {
        "version": aw.objects["form_a"].version, "answers": {
            "teachers_total": 10, "teachers_highest_category": 2, "teachers_first_category": 3,
            "mentoring_system": True}}),
    "api:form_accept": api_action(K(pk="form_a"), REVIEW_FORM | {r: 400 for r in MANAGERS}, data={"version": 0}),
    "api:form_return": api_action(K(pk="form_a"), REVIEW_FORM | {r: 400 for r in MANAGERS}, data={"comment": "Исправьте"}),
    "api:form_reopen": api_action(K(pk="form_a"), REVIEW_FORM | {r: 400 for r in MANAGERS}, data={"comment": "Исправьте"}),
}


def snapshot() -> tuple:
    """Row counts of every model (sessions aside) plus the last audit entry: any write shows up here."""
    counts = tuple((m._meta.label, m._default_manager.count()) for m in apps.get_models()
                   if m._meta.managed and m._meta.app_label != "sessions")
    return counts, AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()


ROUTES = {route.key: route for route in all_routes()}
CHECKED = [(key, role) for key in MATRIX if key in ROUTES for role in ROLES]
ADMIN = [key for key, route in ROUTES.items() if route.is_admin]


def test_every_route_has_an_entry():
    missing = [key for key, route in ROUTES.items() if not route.is_admin and key not in MATRIX]
    assert not missing, (
        "Маршруты без строки в матрице доступа (добавьте их в MATRIX) / routes without an entry: "
        + ", ".join(f"{key} ({ROUTES[key].pattern})" for key in missing)
    )
    stale = [key for key in MATRIX if key not in ROUTES]
    assert not stale, "Строки матрицы без маршрута / entries without a route: " + ", ".join(stale)


def _call(aw: AccessWorld, client, route: Route, role: str, method: str, path: str, data):
    if route.is_api:
        headers = api_headers(role, aw.keys)
        if method == "GET":
            return client.get(path, headers=headers)
        return client.post(path, json.dumps(data), content_type="application/json", headers=headers)
    return client.get(path) if method == "GET" else client.post(path, data)


@pytest.mark.parametrize(("key", "role"), CHECKED, ids=[f"{k}-{r}" for k, r in CHECKED])
def test_route_answers_each_role_as_declared(aw, db, key, role):
    route, entry = ROUTES[key], MATRIX[key]
    path = reverse(key, kwargs=entry.kwargs(aw)) + (f"?{entry.query}" if entry.query else "")
    client = client_as(role, aw.world.users)  # logging in writes (session, access log): before the snapshot
    got = outcome(_call(aw, client, route, role, "GET", path, None))
    assert got == entry.get[role], f"GET {path} ({key}) как «{role}»: ожидалось {entry.get[role]}, получено {got}"
    if entry.post is None:
        return
    data = entry.data(aw) if callable(entry.data) else entry.data
    before = snapshot()
    got = outcome(_call(aw, client, route, role, "POST", path, data))
    assert got == entry.post[role], f"POST {path} ({key}) как «{role}»: ожидалось {entry.post[role]}, получено {got}"
    if entry.post[role] in DENIED and (entry.post[role] != LOGIN or role == ANONYMOUS):
        assert snapshot() == before, f"POST {path} ({key}) как «{role}» отказан, но база изменилась"


@pytest.mark.parametrize("key", ADMIN)
def test_admin_lets_in_only_the_superuser(aw, db, key):
    path = admin_path(ROUTES[key])
    for role in ADMIN_ROLES:
        response = client_as(role, aw.world.users).get(path)
        got = outcome(response)
        if key == "admin:login":
            expected_ok = got == (REDIRECT if role == "admin" else 200)
        elif key == "admin:logout":
            expected_ok = got == (405 if role == "admin" else REDIRECT)
        elif role == "admin":
            expected_ok = got != ADMIN_LOGIN and response.status_code < 500
        else:
            expected_ok = got == ADMIN_LOGIN
        assert expected_ok, f"GET {path} ({key}) как «{role}»: получено {got}"
