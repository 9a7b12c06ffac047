"""First end-to-end check in a real Chromium: the login page renders and asks for a password."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_login_page_renders_with_a_password_field(page):
    response = page.goto("/login/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "ru"
    password = page.locator("input[type=password]")
    assert password.count() == 1
    assert password.first.is_visible()
    assert page.locator("input[name=username]").is_visible()
