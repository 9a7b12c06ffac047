"""In Chromium: a department specialist opens the ШНОР page, the objectivity page and the grid."""

import pytest

from msoko.analytics import services
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.tests.analysis_data import build
from msoko.core.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_department_opens_shnor_objectivity_and_monitoring(world, page):
    build(world)
    services.run_shnor(world.municipality, ShnorSettings(window=1, group_by="none"), years=[2024])
    services.run_monitoring(2024, world.municipality)

    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill("department")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/")

    page.goto("/analysis/shnor/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Школы с низкими результатами")
    row = page.locator("#shnor-table tr", has_text="Школа S4")
    assert "с уверенностью" in row.inner_text()

    page.goto("/analysis/objectivity/")
    assert "Проверки ещё не было" in page.locator("main").inner_text()

    page.goto("/analysis/monitoring/")
    grid = page.locator("#status-change-grid")
    assert grid.is_visible()
    assert "зона риска" in grid.inner_text()
