"""In a real browser: the department sees the municipality, a school sees only itself."""

from __future__ import annotations

import pytest

from msoko.core.testing import browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    browser_log_in(page, username)


def test_department_logs_in_and_sees_every_organisation(page, world, small_catalog):
    log_in(page, "department")
    assert page.get_by_role("heading", name="Рабочий стол").first.is_visible()
    page.get_by_role("link", name="Организации").click()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 3
    page.get_by_role("link", name="Школа Б").click()
    assert page.get_by_role("heading", name="Школа Б").is_visible()


def test_school_admin_is_refused_another_schools_page(page, world, small_catalog):
    log_in(page, "school_a")
    assert page.get_by_role("heading", name="Школа А").is_visible()
    response = page.goto("/organisations/OO-B/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Страница не найдена").is_visible()
    assert "Школа Б" not in page.content()
