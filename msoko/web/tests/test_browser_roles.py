"""In a real browser, two roles side by side: the department and school A's administrator.

What each finds in the main menu, the organisation list and card, and what a school gets when it
types another school's address (its card, its campaign form): «не найдено», nothing of school B.
"""

from __future__ import annotations

import pytest

from msoko.collection.models import Submission
from msoko.collection.tests.campaign_data import staffing_campaign
from msoko.core.testing import browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEPARTMENT_MENU = ["Рабочий стол", "Направления", "Организации", "Данные", "ШНОР и ШНСУ", "Цикл", "Совет",
                   "Отчёты", "Справочники"]
SCHOOL_MENU = ["Рабочий стол", "Моя организация", "Мои формы", "Рекомендации", "Отчёты", "Справочники"]


def log_in(page, username: str) -> None:
    browser_log_in(page, username)


def menu(page) -> list[str]:
    return [text.strip() for text in page.get_by_role("navigation", name="Основное меню").locator("a").all_inner_texts()]


@pytest.fixture
def forms(world, small_catalog):
    campaign = staffing_campaign(world)
    return {s.organisation.code: s for s in Submission.objects.filter(campaign=campaign)}


def test_department_menu_and_pages(page, world, forms):
    log_in(page, "department")
    assert menu(page) == DEPARTMENT_MENU
    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Организации").click()
    names = page.locator("table.data tbody tr").all_inner_texts()
    assert len(names) == 3 and any("Школа Б" in row for row in names)
    for link, url in (("Данные", "/data/"), ("Цикл", "/cycle/matrix/"), ("Совет", "/cycle/council/")):
        page.get_by_role("navigation", name="Основное меню").get_by_role("link", name=link).click()
        page.wait_for_load_state()
        assert page.url.endswith(url), (link, page.url)
    response = page.goto(f"/data/forms/{forms['OO-B'].pk}/")
    assert response.status == 200 and "Школа Б" in page.content()


def test_school_sees_only_itself_and_not_found_for_school_b(page, world, forms):
    log_in(page, "school_a")
    assert menu(page) == SCHOOL_MENU
    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Моя организация").click()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1 and "Школа А" in rows.first.inner_text()
    assert "Школа Б" not in page.content()
    page.goto("/organisations/OO-A/")
    assert page.get_by_role("heading", name="Школа А").is_visible()

    for url in ("/organisations/OO-B/", f"/data/forms/{forms['OO-B'].pk}/", "/reports/card/?org=OO-B"):
        response = page.goto(url)
        assert response.status == 404, url
        assert "не найден" in page.content(), url
        assert "Школа Б" not in page.content(), url
    response = page.goto("/cycle/matrix/")
    assert response.status == 403
