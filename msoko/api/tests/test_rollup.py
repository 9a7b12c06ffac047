"""Region roll-up: the region user sees both municipalities; aggregates sum numerators and denominators.

R1 = vpr_m2 / vpr_n × 100 for 2024/25 (see conftest): TSK = (6 + 3) / (40 + 10) = 18 %, not the mean of
15 % and 30 %; OTH = 5 / 50 = 10 %; the region = 14 / 100 = 14 %; the urban clusters of both
municipalities together = (6 + 5) / (40 + 50) = 12.2 %.
"""

import pytest

from msoko.analytics.selectors import aggregate_values, indicator_values


def rows(response) -> dict:
    assert response.status_code == 200, response.content
    return {r["group"]: (r["numerator"], r["denominator"], r["value"], r["organisations"]) for r in response.json()}


def test_region_user_sees_organisations_of_both_municipalities(values, tokens, api_get):
    codes = {o["code"] for o in api_get(tokens["region"], "organisations/").json()["items"]}
    assert codes == {"OO-A", "OO-B", "DOO-1", "OO-C"}
    assert {c["municipality"] for c in api_get(tokens["region"], "clusters/").json()} == {"TSK", "OTH"}


def test_municipal_figures_sum_numerators_and_denominators(values, tokens, api_get):
    got = rows(api_get(tokens["region"], "indicators/R1/values/", year=2024, by="municipality"))
    assert got["TSK"][:2] == (9.0, 50.0) and got["TSK"][2] == pytest.approx(18.0) and got["TSK"][3] == 2
    assert got["OTH"][:2] == (5.0, 50.0) and got["OTH"][2] == pytest.approx(10.0)
    region = rows(api_get(tokens["region"], "indicators/R1/values/", year=2024, by="region"))
    assert region["TST"][:2] == (14.0, 100.0) and region["TST"][2] == pytest.approx(14.0) and region["TST"][3] == 3


def test_region_total_equals_the_sum_over_municipalities(values, tokens, api_get):
    municipal = rows(api_get(tokens["region"], "indicators/R1/values/", year=2024, by="municipality"))
    region = rows(api_get(tokens["region"], "indicators/R1/values/", year=2024, by="region"))["TST"]
    assert sum(m[0] for m in municipal.values()) == region[0]
    assert sum(m[1] for m in municipal.values()) == region[1]


def test_clusters_are_compared_across_municipalities(values, tokens, api_get):
    got = rows(api_get(tokens["region"], "indicators/R1/values/", year=2024, by="cluster"))
    assert got["urban"][:2] == (11.0, 90.0) and got["urban"][2] == pytest.approx(100 * 11 / 90) and got["urban"][3] == 2
    assert got["rural"][:2] == (3.0, 10.0) and got["rural"][2] == pytest.approx(30.0)


def test_per_organisation_values_and_the_municipal_user_sees_only_their_municipality(values, tokens, api_get, catalog):
    got = rows(api_get(tokens["region"], "indicators/R1/values/", year=2024))
    assert {k: v[2] for k, v in got.items()} == pytest.approx({"OO-A": 15.0, "OO-B": 30.0, "OO-C": 10.0})
    municipal = rows(api_get(tokens["department"], "indicators/R1/values/", year=2024, by="region"))
    assert municipal["TST"][:2] == (9.0, 50.0)


def test_api_agrees_with_the_analytics_selector(values, tokens, api_get, catalog, world, other):
    per_org = indicator_values([catalog["R1"]], years=[2024])
    expected = aggregate_values([catalog["R1"]], per_org).row(0, named=True)
    region = rows(api_get(tokens["region"], "indicators/R1/values/", year=2024, by="region"))["TST"]
    assert (expected["numerator"], expected["denominator"]) == region[:2]
