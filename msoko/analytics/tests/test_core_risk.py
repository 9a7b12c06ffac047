"""Risk zones: worse than the norm, or worse than the group median by more than k × MAD."""

import polars as pl
import pytest

from msoko.analytics.core.errors import SettingsError
from msoko.analytics.core.risk import RiskSettings, risk_zones


def frame(values, *, hib=False, norm=None, group="urban", indicator="1.01", year=2024):
    return pl.DataFrame(
        {
            "year": [year] * len(values),
            "group": [group] * len(values),
            "org_code": [f"S{i + 1}" for i in range(len(values))],
            "indicator": [indicator] * len(values),
            "value": values,
            "higher_is_better": [hib] * len(values),
            "norm": [norm] * len(values),
        },
        schema_overrides={"norm": pl.Float64, "value": pl.Float64},
    )


def test_a_value_beyond_the_norm_is_a_risk_with_its_reason():
    # share of «2», lower is better, norm 10 %: 12 is worse, 10 is exactly the norm (not a risk)
    out = risk_zones(frame([12.0, 10.0, 4.0], norm=10.0), RiskSettings(rule="norm"))
    assert out["org_code"].to_list() == ["S1"]
    row = out.row(0, named=True)
    assert row["rule"] == "norm" and row["reference"] == 10.0
    assert row["reason"] == "Значение 12 хуже нормы 10 (норма: не больше 10)."


def test_higher_is_better_norm_flags_values_below_it():
    out = risk_zones(frame([70.0, 85.5], hib=True, norm=80.0), RiskSettings(rule="norm"))
    assert out["org_code"].to_list() == ["S1"]
    assert "не меньше 80" in out["reason"][0]


def test_median_rule_uses_k_mad_of_the_group():
    # values 1, 2, 3, 4, 20: median 3, |x − 3| = 2, 1, 0, 1, 17 → MAD 1; k = 3 → limit 3.
    # lower is better: S5 is 17 above the median (> 3) → risk; S1 is better, never a risk.
    out = risk_zones(frame([1.0, 2.0, 3.0, 4.0, 20.0]), RiskSettings(rule="median", mad_k=3))
    assert out["org_code"].to_list() == ["S5"]
    row = out.row(0, named=True)
    assert row["reference"] == 3.0
    assert row["reason"] == "Значение 20 хуже медианы сопоставимых школ (3, 5 шк.) на 17 — больше 3 × MAD = 3."


def test_median_rule_boundary_is_not_a_risk_and_needs_enough_schools():
    # 1, 2, 3, 4, 6: median 3, MAD 1, S5 is 3 worse = exactly 3 × MAD → not beyond
    assert risk_zones(frame([1.0, 2.0, 3.0, 4.0, 6.0]), RiskSettings(rule="median")).is_empty()
    # four schools < min_group 5: no judgement by the median
    assert risk_zones(frame([1.0, 2.0, 3.0, 40.0]), RiskSettings(rule="median")).is_empty()
    # zero spread (MAD 0) is no basis for a judgement either
    assert risk_zones(frame([0.0, 0.0, 0.0, 0.0, 1.0]), RiskSettings(rule="median")).is_empty()


def test_groups_are_compared_separately_unless_group_by_none():
    urban = frame([1.0, 2.0, 3.0, 4.0, 5.0], group="urban")
    rural = frame([20.0, 21.0, 22.0, 23.0, 24.0], group="rural").with_columns(
        pl.format("R{}", pl.int_range(1, 6)).alias("org_code")
    )
    both = pl.concat([urban, rural])
    assert risk_zones(both, RiskSettings(rule="median")).is_empty()
    # all ten together: median 12.5, MAD 9.5 → limit 28.5; nobody is 28.5 worse than 12.5
    assert risk_zones(both, RiskSettings(rule="median", group_by="none")).is_empty()
    # with k = 0.5 the limit is 4.75: rural schools 20…24 are 7.5…11.5 worse than 12.5
    flagged = risk_zones(both, RiskSettings(rule="median", group_by="none", mad_k=0.5))
    assert flagged["org_code"].to_list() == ["R1", "R2", "R3", "R4", "R5"]


def test_both_rules_report_separately():
    out = risk_zones(frame([1.0, 2.0, 3.0, 4.0, 20.0], norm=15.0))
    assert out.select("org_code", "rule").rows() == [("S5", "median"), ("S5", "norm")]


@pytest.mark.parametrize("bad", [{"rule": "x"}, {"mad_k": 0}, {"min_group": 1}, {"group_by": "region"}])
def test_invalid_settings_are_refused_in_russian(bad):
    with pytest.raises(SettingsError, match="Параметр"):
        RiskSettings(**bad)
