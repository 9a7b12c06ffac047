"""In a real browser the Content-Security-Policy blocks nothing msoko's own pages need."""

from __future__ import annotations

import pytest

from msoko.core.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_the_year_selector_work_under_the_policy(page, world):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill("department")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Выйти").is_visible()
    with page.expect_navigation():
        page.locator("#year-select").select_option("2023")
    assert "year=2023" in page.url
    assert violations == []
