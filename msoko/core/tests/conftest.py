"""Fixtures of the access tests: the populated `access_world` (per module) and `aw` (per test)."""

from msoko.core.tests.access_world import access_world, aw  # noqa: F401  (fixtures)
