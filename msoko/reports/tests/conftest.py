"""A small demo municipality built once per test module through the real import path.

The data is written outside the per-test transactions and flushed when the module is done, so
other modules see an empty database again.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from msoko.core.demo import build_demo
from msoko.demo.generator import DemoConfig

DEMO = DemoConfig(schools=10, preschools=2, additional=1, years=3)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        result = build_demo(DEMO, tmp_path_factory.mktemp("demo"))
        try:
            yield result
        finally:
            call_command("flush", interactive=False, verbosity=0)
