"""Analysis pages: staff see runs and results; school users get 403; the card partial's selector."""

import pytest
from django.template.loader import render_to_string

from msoko.analytics import services, tasks
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.core.uncertainty import NOT_FOR_RATING_WARNING
from msoko.analytics.models import AnalysisRun
from msoko.analytics.selectors import analysis_for_organisation
from msoko.analytics.tests.analysis_data import build

pytestmark = pytest.mark.django_db
PAGES = ["/analysis/", "/analysis/shnor/", "/analysis/shnor/compare/", "/analysis/objectivity/", "/analysis/monitoring/"]


@pytest.mark.parametrize("url", PAGES)
def test_school_users_may_not_open_analysis_pages(client_for, url):
    assert client_for("school_a").get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_pages_without_runs_say_what_to_do(client_for, url):
    response = client_for("department").get(url)
    assert response.status_code == 200
    assert "msoko analyse" in response.content.decode() or "Выберите два" in response.content.decode()


def test_shnor_page_lists_the_flagged_school_with_interval_and_the_rating_warning(world, client_for):
    build(world)
    run = services.run_shnor(world.municipality, ShnorSettings(window=1, group_by="none"), years=[2024])
    html = client_for("department").get("/analysis/shnor/").content.decode()
    assert f"№{run.pk}" in html
    assert "Школа S4" in html and "низкие результаты" in html and "с уверенностью" in html
    assert NOT_FOR_RATING_WARNING in html  # R1 is marked not for rating
    assert "0,714" in html  # S3: 50 / 70, Russian decimal comma


def test_rerun_with_other_settings_and_compare_side_by_side(world, client_for, monkeypatch):
    monkeypatch.setenv("MSOKO_ANALYSIS_INLINE", "1")  # no task worker in tests: run in the request
    build(world)
    first = services.run_shnor(world.municipality, ShnorSettings(window=1, group_by="none"), years=[2024])
    client = client_for("department")
    response = client.post(
        "/analysis/start/shnor/", {"window": "1", "group_by": "none", "share": "0.5"}, follow=True
    )
    second = AnalysisRun.objects.exclude(pk=first.pk).get(kind="shnor")
    assert second.status == "done" and second.settings["shnor"]["share"] == 0.5
    assert response.redirect_chain[-1][0] == f"/analysis/shnor/{second.pk}/"
    html = client.get(f"/analysis/shnor/compare/?a={first.pk}&b={second.pk}").content.decode()
    # share 0.5 → k = 2: S3 joins S4 among the low; S3 differs between the runs
    assert "различаются: 1" in html and "Школа S3" in html


def test_with_a_worker_the_run_is_queued_and_the_task_executes_it(world, client_for, monkeypatch):
    monkeypatch.setenv("MSOKO_ANALYSIS_INLINE", "0")
    build(world)
    client = client_for("department")
    response = client.post("/analysis/start/shnor/", {"window": "1", "group_by": "none"}, follow=True)
    run = AnalysisRun.objects.get(kind="shnor")
    assert run.status == "pending" and "в очереди" in response.content.decode()
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(args_kwargs__args=[run.pk]).exists()
    assert tasks.execute_run_task.call(run.pk) == "done"
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100
    assert client.get(f"/analysis/runs/{run.pk}/").url == f"/analysis/shnor/{run.pk}/"


def test_a_bad_setting_starts_nothing_and_says_why(world, client_for):
    response = client_for("department").post("/analysis/start/shnor/", {"share": "2"}, follow=True)
    assert "Расчёт не запущен" in response.content.decode()
    assert not AnalysisRun.objects.exists()


def test_objectivity_and_monitoring_pages_render_results(world, client_for):
    build(world)
    services.run_monitoring(2024, world.municipality)
    html = client_for("department").get("/analysis/monitoring/?direction=1").content.decode()
    assert 'id="status-change-grid"' in html and "зона риска" in html
    assert "Значение 80 хуже нормы 25" in html


def test_analysis_for_organisation_returns_plain_data_for_the_card(world):
    _, schools = build(world)
    services.run_shnor(world.municipality, ShnorSettings(window=1, group_by="none"), years=[2024])
    services.run_monitoring(2024, world.municipality)
    data = analysis_for_organisation(schools["S4"], 2024)
    assert data["shnor"]["stable_low"] and data["shnor"]["overlay"]
    assert [i["block"] for i in data["shnor"]["indices"]] == ["results", "social"]
    assert [(r["indicator"], r["rule"]) for r in data["risks"]] == [("R1", "norm")]
    assert data["risks"][0]["warning"] == NOT_FOR_RATING_WARNING
    html = render_to_string("analytics/_school_analysis.html", {"analysis": data})
    assert "устойчиво низкие результаты" in html
    empty = analysis_for_organisation(world.school_a, 2024)
    assert empty["shnor"] is None and empty["risks"] == []


def test_shnor_page_sums_up_the_typology_by_type_with_links_to_each_school_card(world, client_for):
    from msoko.analytics.models import SchoolStatus

    build(world)
    run = services.run_shnor(world.municipality, ShnorSettings(window=1, group_by="none"), years=[2024])
    typed = [s for s in SchoolStatus.objects.filter(run=run).select_related("organisation") if s.types]
    assert typed, "the test data has schools with low results to type"
    html = client_for("department").get("/analysis/shnor/").content.decode()
    table = html[html.index('id="typology-table"'):]
    table = table[:table.index("</table>")]
    for status in typed:
        names = status.types.get("types") or ["главный фактор не выявлен"]
        for name in names:
            row = table[table.index(name):]
            row = row[:row.index("</tr>")]
            assert f'href="/organisations/{status.organisation.code}/#school-analysis"' in row
    assert f"у {len(typed)} шк." in html
    assert "при нормативе" not in html  # the reasons stay on the school's own card


def test_typology_counts_a_school_under_each_of_its_types_most_frequent_type_first():
    from msoko.analytics.models import SchoolStatus
    from msoko.analytics.selectors import _typology

    a = SchoolStatus(types={"types": ["кадровый дефицит", "девиация"], "reasons": ["…"]})
    b = SchoolStatus(types={"types": ["девиация"], "reasons": ["…"]})
    c = SchoolStatus(types={"types": [], "reasons": ["главный фактор не выявлен"]})
    d = SchoolStatus(types={})  # not a school with low results
    typology = _typology([a, b, c, d])
    assert typology["by_type"] == [("девиация", [a, b]), ("кадровый дефицит", [a])]
    assert typology["unidentified"] == [c] and typology["schools"] == 3
