"""Builders of small long frames for the ШНОР / ШНСУ tests (not a test module)."""

from __future__ import annotations

import polars as pl

from msoko.analytics.core.validation import LONG_SCHEMA


def long_frame(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (org_code, cluster, year, block, indicator, value, higher_is_better)."""
    return pl.DataFrame(
        [
            (org, f"Школа {org}", cluster, year, block, ind, None if v is None else float(v), bool(hib))
            for org, cluster, year, block, ind, v, hib in rows
        ],
        schema=LONG_SCHEMA,
        orient="row",
    )


def one_indicator(
    values: dict[int, dict[str, float | None]],
    *,
    block: str = "results",
    indicator: str = "vpr_share_2",
    higher_is_better: bool = False,
    cluster: str = "К1",
) -> list[tuple]:
    """Rows of one indicator: {year: {org_code: value}}."""
    return [
        (org, cluster, year, block, indicator, value, higher_is_better)
        for year, per_org in values.items()
        for org, value in per_org.items()
    ]
