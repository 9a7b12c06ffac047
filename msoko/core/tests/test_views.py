"""The audit viewer: for the department only, filterable, paginated, readable, exportable."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from msoko.core.audit import record
from msoko.core.models import AuditEntry

URL = "/audit/"


@pytest.fixture
def entries(world):
    AuditEntry.objects.all().delete()  # logins of the fixtures are not what these tests look at
    record(
        world.department,
        "cycle.decision.create",
        object_type="cycle.decision",
        object_id="1",
        summary="Приказ о мерах",
        after={"status": "draft"},
    )
    record(
        world.methodist,
        "cycle.decision.status",
        object_type="cycle.decision",
        object_id="1",
        summary="Приказ о мерах",
        before={"status": "draft", "title": "Приказ"},
        after={"status": "in_execution", "title": "Приказ"},
    )
    old = record(
        "импорт",
        "import",
        object_type="collection.importbatch",
        object_id="7",
        summary='=HYPERLINK("http://evil")',
        after={"rows": 120},
    )
    AuditEntry.objects.filter(pk=old.pk).update(at=datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC))


def test_a_school_gets_403(client_for, entries):
    assert client_for("school_a").get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["methodist", "council", "public"])
def test_other_roles_get_403(client_for, entries, persona):
    assert client_for(persona).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, entries):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_department_sees_entries_with_readable_changes(client_for, entries):
    response = client_for("department").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Приказ о мерах" in html
    assert "<del>draft</del>" in html and "<ins>in_execution</ins>" in html
    assert "cycle.decision.status" in html


def test_filters_by_actor_action_type_and_dates(client_for, entries):
    client = client_for("department")

    def found(**params) -> set[str]:
        response = client.get(URL, params)
        return {row.action for row, _ in response.context["rows"]}

    assert found(actor="methodist") == {"cycle.decision.status"}
    assert found(action="cycle") == {"cycle.decision.create", "cycle.decision.status"}
    assert found(object_type="collection.importbatch") == {"import"}
    assert found(since="2024-02-01", until="2024-03-31") == {"import"}
    assert "import" not in found(since="2024-03-02")


def test_a_reversed_date_range_is_explained(client_for, entries):
    response = client_for("department").get(URL, {"since": "2025-01-10", "until": "2025-01-01"})
    assert "Начальная дата позже конечной." in response.content.decode()


def test_pages_hold_fifty_entries(client_for, entries):
    for number in range(60):
        record(None, "test.bulk", object_type="test", object_id=str(number))
    client = client_for("department")
    first = client.get(URL, {"action": "test.bulk"})
    assert len(first.context["rows"]) == 50
    second = client.get(URL, {"action": "test.bulk", "page": 2})
    assert [row.object_id for row, _ in second.context["rows"]] == [str(n) for n in range(9, -1, -1)]


def test_the_export_is_a_workbook_without_formulas(client_for, entries):
    response = client_for("department").get(URL, {"object_type": "collection.importbatch", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("№", "Когда", "Кто", "Действие")
    assert len(rows) == 2
    assert rows[1][2:7] == ("импорт", "import", "collection.importbatch", "7", '\'=HYPERLINK("http://evil")')
    assert rows[1][1] == "01.03.2024 15:00:00"  # 12:00 UTC in Europe/Moscow
    assert rows[1][7] == "rows: 120"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
