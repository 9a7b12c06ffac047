"""Analysis runs on constructed data stored through the models; expectations computed by hand."""

import pytest

from msoko.analytics import services
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.models import AnalysisRun, RiskZone, SchoolStatus, ShnorResult, StatusChange
from msoko.analytics.tests.analysis_data import build
from msoko.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ONE_YEAR = ShnorSettings(window=1, group_by="none")


def test_shnor_run_stores_indices_ranks_flags_and_intervals(world):
    build(world)
    run = services.run_shnor(world.municipality, ONE_YEAR, actor=world.department, years=[2024])
    assert run.status == AnalysisRun.Status.DONE, run.error
    # R1 2024 (lower is better): S1 10 %, S2 20 %, S3 30 %, S4 80 % → min–max inverted over [10, 80]:
    # S1 70/70 = 1, S2 60/70 = 0.857…, S3 50/70 = 0.714…, S4 0. k = ⌈0.25 × 4⌉ = 1 → S4, rank 1.
    rows = {r.organisation.code: r for r in ShnorResult.objects.filter(run=run, block="results")}
    assert rows["S1"].index == pytest.approx(1.0)
    assert rows["S2"].index == pytest.approx(60 / 70)
    assert rows["S3"].index == pytest.approx(50 / 70)
    assert rows["S4"].index == pytest.approx(0.0)
    assert [rows[c].rank for c in ("S4", "S3", "S2", "S1")] == [1, 2, 3, 4]
    assert [c for c, r in rows.items() if r.flagged] == ["S4"]
    # cutoff midway between S4 (0) and S3 (0.714): 0.357. S4's share resampled from 100 pupils
    # (80 ± ~8 %) keeps its index below 0.2: the whole interval is in the zone.
    s4 = rows["S4"]
    assert s4.ci_low <= 0 <= s4.ci_high < 50 / 70 / 2
    assert s4.confidence == "с уверенностью"
    assert rows["S1"].confidence == ""
    # S1 (1 % on the register) … S4 (8 %): the social index is highest for S4 → unfavourable
    social = {r.organisation.code: r for r in ShnorResult.objects.filter(run=run, block="social")}
    assert [c for c, r in social.items() if r.flagged] == ["S4"]
    status = SchoolStatus.objects.get(run=run, organisation__code="S4")
    assert status.stable_low and status.overlay and status.social_status == "неблагоприятные"
    assert run.summary["stable_low"] == ["S4"] and run.years == [2024]
    assert run.settings["shnor"]["window"] == 1 and run.inputs["catalog_version"] == "тест-1"
    assert AuditEntry.objects.filter(action="analysis.done", object_id=str(run.pk)).exists()


def test_shnor_window_of_two_years_needs_low_in_both(world):
    build(world)
    run = services.run_shnor(world.municipality, ShnorSettings(window=2, group_by="none"))
    assert run.years == [2023, 2024]
    # 2023: S4 70 % is the worst again → low both years → stably low
    assert SchoolStatus.objects.get(run=run, organisation__code="S4").low_years == 2
    assert run.summary["stable_low"] == ["S4"]


def test_a_run_without_data_fails_with_a_russian_message_and_stores_nothing(world):
    build(world)
    run = services.run_shnor(world.municipality, ShnorSettings(window=3, group_by="none"), years=[2023, 2024])
    assert run.status == AnalysisRun.Status.FAILED
    assert "окно анализа — 3" in run.error
    assert not ShnorResult.objects.filter(run=run).exists()
    assert AuditEntry.objects.filter(action="analysis.failed", object_id=str(run.pk)).exists()


def test_progress_is_reported_and_saved(world):
    build(world)
    seen = []
    run = services.run_shnor(world.municipality, ONE_YEAR, years=[2024], progress=lambda p, s: seen.append(p))
    assert seen[0] < seen[-1] == 100 and run.progress == 100


def test_monitoring_finds_risk_zones_by_norm_with_reasons(world):
    build(world)
    run = services.run_monitoring(2024, world.municipality)
    assert run.status == AnalysisRun.Status.DONE, run.error
    zones = RiskZone.objects.filter(run=run, indicator_code="R1").order_by("organisation__code")
    # norm 25 % for 2024 (lower is better): S3 30 % and S4 80 % are worse; four schools are too few
    # for the median rule (5 needed)
    assert [(z.organisation.code, z.rule) for z in zones] == [("S3", "norm"), ("S4", "norm")]
    assert zones[1].reason == "Значение 80 хуже нормы 25 (норма: не больше 25)."
    grid = {s.organisation.code: s for s in StatusChange.objects.filter(run=run, indicator_code="R1")}
    # 2024 oriented values sorted −80, −30, −20, −10; quantile q at position 3q (linear):
    # 0.2 → −80 + 0.6 × 50 = −50, 0.4 → −28, 0.6 → −22, 0.8 → −16 → S4 1, S3 2, S2 4, S1 5
    assert [grid[c].status_level for c in ("S1", "S2", "S3", "S4")] == [5, 4, 2, 1]
    # change S4 +10 % (worse): sd of 2024 values = √(((10−35)²+(20−35)²+(30−35)²+(80−35)²)/4) = √725 ≈ 26.9;
    # −10 < −0.1 × 26.9 but > −0.5 × 26.9 → «ухудшился» (2); very low × declined → risk
    assert grid["S4"].change_level == 2 and grid["S4"].colour == "risk"
    assert grid["S1"].change_level == 3  # −2 % better: within ±2.69 → без изменений


def test_settings_from_a_form_are_checked(world):
    assert services.parse_settings("shnor", {"share": "0,3", "normalisation": "zscore"})["shnor"]["share"] == 0.3
    with pytest.raises(services.AnalyticsError, match="share"):
        services.parse_settings("shnor", {"share": "много"})
    with pytest.raises(services.AnalyticsError, match="Параметр share"):
        services.parse_settings("shnor", {"share": "1.5"})
