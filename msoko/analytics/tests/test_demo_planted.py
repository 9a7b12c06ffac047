"""The demo's planted truth is found by the runs on data imported through the real import path."""

import polars as pl
import pytest

from msoko.analytics import services
from msoko.analytics.core.risk import RiskSettings
from msoko.analytics.models import AnalysisRun, ObjectivityFlag, SchoolStatus
from msoko.collection import frames
from msoko.core.demo import build_demo
from msoko.demo.generator import DemoConfig

pytestmark = pytest.mark.django_db


def test_runs_find_the_planted_stably_low_and_inflated_schools(tmp_path):
    result = build_demo(DemoConfig(schools=20, preschools=2, additional=1, years=3), tmp_path)
    planted = result.planted
    municipality = result.municipality

    vpr = frames.vpr_frame()
    assert vpr.columns == list(frames.VPR_SCHEMA) and vpr.height > 0
    assert set(frames.gia_frame()["exam"].unique()) <= {"ОГЭ", "ЕГЭ", "ГВЭ"}
    assert {"school", "municipal"} <= set(frames.olympiad_frame()["stage"].unique())

    objectivity = services.run_objectivity(municipality)
    assert objectivity.status == AnalysisRun.Status.DONE, objectivity.error
    flagged = set(
        ObjectivityFlag.objects.filter(run=objectivity, criterion="summary", flagged=True)
        .values_list("organisation__code", flat=True)
    )
    assert set(planted["inflated"]) <= flagged
    # every flagged verdict carries its evidence
    assert all(f.evidence for f in ObjectivityFlag.objects.filter(run=objectivity).exclude(criterion="summary"))

    shnor = services.run_shnor(municipality, bootstrap={"n_boot": 200})
    assert shnor.status == AnalysisRun.Status.DONE, shnor.error
    stable = set(SchoolStatus.objects.filter(run=shnor, stable_low=True).values_list("organisation__code", flat=True))
    assert set(planted["stably_low"]) <= stable
    # the planted low schools are not lost among many: at most a couple of others are stably low
    assert len(stable - set(planted["stably_low"])) <= 2
    assert shnor.inputs["imports"] and shnor.inputs["catalog_version"]

    # a small demo has clusters of fewer than 5 schools: compare with every school of the municipality
    monitoring = services.run_monitoring(2025, municipality, RiskSettings(group_by="none"))
    assert monitoring.status == AnalysisRun.Status.DONE, monitoring.error
    at_risk = pl.DataFrame(
        list(monitoring.risk_zones.values_list("organisation__code", "indicator_code")),
        schema=["org", "indicator"], orient="row",
    )
    # the share of «2» in ВПР (1.01) puts every planted low school in a risk zone
    assert set(planted["stably_low"]) <= set(at_risk.filter(pl.col("indicator") == "1.01")["org"])
