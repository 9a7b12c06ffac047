"""A demo municipality generated once per test session (default scale, small inline catalog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from msoko.demo.generator import DemoConfig, DemoManifest, generate
from msoko.demo.tests.catalog_sample import CATALOG


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> tuple[Path, DemoManifest]:
    out = tmp_path_factory.mktemp("demo")
    manifest = generate(DemoConfig(), out, catalog=CATALOG)
    return out, manifest
