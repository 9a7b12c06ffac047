"""Adapter from the cycle's effectiveness analysis to the analytics core's effect estimator.

The estimate itself is `msoko.analytics.core.effect.effect_of_measure` (difference in differences
over organisations with a percentile bootstrap interval; see `docs/analytics/effect.md`). The
cycle analyses several indicators at once and stores one table row per indicator, so this module
splits the long frame by indicator, calls the estimator for each one and turns the result into a
plain row (JSON-ready). An indicator the estimator cannot assess (no data for a year, no targeted
organisation with both years) gets a row with the reason in ``error`` instead of numbers.

`suggest_verdict` turns the estimator's per-indicator verdicts into the analysis's verdict.
Pure Polars and the core; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from msoko.analytics.core.effect import IMPROVED, EffectError, effect_of_measure

METHOD = "разность разностей по организациям, 95 %-й бутстреп-интервал (msoko.analytics.core.effect)"
N_BOOT = 2000
SEED = 0


def _row(code: str, result) -> dict:
    return {
        "indicator": code,
        "n_target": result.n_targeted,
        "n_comparison": result.n_comparison,
        "target_before": result.before_targeted,
        "target_after": result.after_targeted,
        "comparison_before": result.before_comparison,
        "comparison_after": result.after_comparison,
        "target_change": result.change_targeted,
        "comparison_change": result.change_comparison,
        "effect": result.did,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "estimate": result.verdict,
        "explanation": result.explanation,
        "excluded": list(result.excluded),
        "error": "",
    }


def indicator_effects(
    values: pl.DataFrame,
    target: list[str],
    comparison: list[str],
    before_year: int,
    after_year: int,
    higher_is_better: Mapping[str, bool],
    names: Mapping[str, str] | None = None,
) -> list[dict]:
    """One row per indicator of `higher_is_better` (in its order) with the core's estimate.

    `values`: ``org_code, year, indicator, value`` (as from the indicator engine); `names` gives the
    indicator names used in the Russian explanation.
    """
    rows: list[dict] = []
    for code, better_up in higher_is_better.items():
        label = (names or {}).get(code) or code
        subset = values.filter(pl.col("indicator") == code).select("org_code", "year", "value")
        try:
            result = effect_of_measure(
                subset, target, comparison, before_year, after_year, better_up,
                n_boot=N_BOOT, seed=SEED, indicator=label,
            )
        except EffectError as exc:
            rows.append({"indicator": code, "estimate": "", "error": str(exc)})
            continue
        rows.append(_row(code, result))
    return rows


def suggest_verdict(rows: list[dict]) -> str:
    """The analysis verdict from the rows: every assessed indicator improved → «effective»; some →
    «partial»; none → «not_effective»; nothing could be assessed → «inconclusive»."""
    assessed = [r for r in rows if not r.get("error")]
    if not assessed:
        return "inconclusive"
    improved = sum(1 for r in assessed if r["estimate"] == IMPROVED)
    if improved == len(assessed):
        return "effective"
    return "partial" if improved else "not_effective"
