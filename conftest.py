"""Test-wide setup: an isolated data directory, fixed personas, and Playwright browser fixtures.

pytest-django imports `msoko.settings` before this file is loaded, so the data directory is
redirected here by overriding the settings that derive from it (and `MSOKO_DATA_DIR` for any
subprocess a test starts). `scripts/test.sh` also sets `MSOKO_DATA_DIR` to a temporary directory.

Browser tests are marked `browser` (tests using the `page` or `browser` fixture are marked
automatically). They run in Debian's Chromium (`/usr/bin/chromium`, or `MSOKO_CHROMIUM`) through
Playwright's sync API; without Chromium they are skipped, except in CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from msoko.core.testing import client_for, world  # noqa: F401  (shared fixtures)

CHROMIUM = Path(os.environ.get("MSOKO_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_FIXTURES = {"browser", "page"}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    data_dir = Path(tempfile.mkdtemp(prefix="msoko-pytest-"))
    config.stash[_data_dir_key] = data_dir
    os.environ["MSOKO_DATA_DIR"] = str(data_dir)
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = data_dir / "files"
    settings.STATIC_ROOT = data_dir / "static"
    settings.STATIC_ROOT.mkdir()
    # Rolled-back tests reuse audit ids on SQLite, so a cache keyed by the last audit id could carry a
    # figure from one test into the next; tests that exercise the cache turn it on themselves.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    os.environ["MSOKO_CACHE"] = "dummy"
    default_db = settings.DATABASES["default"]
    if default_db["ENGINE"].endswith("sqlite3"):
        default_db["NAME"] = str(data_dir / "msoko.sqlite3")


def pytest_unconfigure(config: pytest.Config) -> None:
    data_dir = config.stash.get(_data_dir_key, None)
    if data_dir is not None:
        shutil.rmtree(data_dir, ignore_errors=True)


_data_dir_key = pytest.StashKey[Path]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that use a browser fixture as `browser`; skip them when Chromium is absent."""
    missing = not CHROMIUM.exists()
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if missing and not _in_ci() and item.get_closest_marker("browser"):
            item.add_marker(
                pytest.mark.skip(
                    reason=f"нет {CHROMIUM}: установите Debian-пакет chromium (apt-get install chromium)"
                )
            )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item so the `page` fixture can see a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session (Debian's package; never downloaded)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Нет {CHROMIUM}: браузерные тесты требуют Debian-пакет chromium.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must still allow DB access.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context per test, with relative URLs resolved against the live server.

    When the test fails, a full-page screenshot is saved into `test-artifacts/`.
    """
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        artifacts = Path(request.config.rootpath) / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[:180]
        try:
            tab.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"Снимок экрана не сохранён: {exc}")
    context.close()
