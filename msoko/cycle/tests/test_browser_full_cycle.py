"""In a real browser, on the demo: an ШНОР finding → a recommendation to the school → a measure → a
decision with a deadline → the school reports → the effectiveness verdict → a draft goal for the next year."""

from __future__ import annotations

import pytest

from msoko.analytics.models import AnalysisRun, SchoolStatus
from msoko.core.testing import browser_log_in
from msoko.cycle.models import CycleGoalDraft, Decision, EffectivenessAnalysis, Measure, Recommendation
from msoko.registry.models import ClusterMembership, Role, RoleAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHOOL_PROGRAMME = "Программа повышения качества образовательных результатов"  # the ШНОР rule for the school


@pytest.fixture
def demo(tmp_path):
    from msoko.core.demo import build_demo
    from msoko.demo.generator import DemoConfig

    return build_demo(DemoConfig.for_scale(20, years=3), tmp_path, with_cycle=False)


def log_in(page, demo, username: str) -> None:
    browser_log_in(page, username, next(p["password"] for p in demo.logins if p["username"] == username))


def log_out(page) -> None:
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_load_state()


def test_from_a_shnor_finding_to_the_goal_of_the_next_cycle(page, demo):
    run = AnalysisRun.objects.filter(kind="shnor", status="done").latest("finished_at")
    status = SchoolStatus.objects.filter(run=run, stable_low=True).select_related("organisation").order_by(
        "organisation__code").first()
    school = status.organisation
    cluster = ClusterMembership.objects.get(organisation=school, academic_year__start_year=2023).cluster
    peers = [m.organisation.short_name for m in ClusterMembership.objects.filter(
        cluster=cluster, academic_year__start_year=2023).exclude(organisation=school).select_related("organisation")]
    coordinator = RoleAssignment.objects.get(role=Role.COORDINATOR, direction_number=2).person

    # The ШНОР page lists the school among those with stably low results.
    log_in(page, demo, "department")
    page.goto("/analysis/shnor/")
    stable = page.locator("h2#stable + div")
    assert stable.get_by_role("link", name=school.short_name).is_visible()

    # «Сформировать рекомендации» from the latest run's findings about the school.
    page.goto("/cycle/recommendations/?year=2024")
    form = page.locator("form[action='/cycle/recommendations/from-findings/']")
    form.get_by_label("Организация из выводов анализа").select_option(label=school.short_name)
    form.get_by_label("Выводы анализа").select_option(label="ШНОР / ШНСУ")
    form.get_by_role("button", name="Сформировать рекомендации").click()
    assert page.get_by_text(f"По выводам анализа для «{school.short_name}» сформировано черновиков").is_visible()
    page.get_by_role("link", name=SCHOOL_PROGRAMME).click()
    page.get_by_role("button", name="Утвердить").click()
    page.get_by_role("button", name="Направить адресату").click()
    assert page.get_by_text("направлена", exact=True).is_visible()
    log_out(page)

    # The school's administrator accepts it and reports.
    log_in(page, demo, school.code.lower())
    page.goto("/cycle/recommendations/")
    page.get_by_role("link", name=SCHOOL_PROGRAMME).click()
    page.get_by_role("button", name="Принять к исполнению").click()
    page.get_by_label("Что сделано по рекомендации").fill("Программа утверждена, 6 учителей прошли диагностику дефицитов.")
    page.get_by_role("button", name="Представить отчёт").click()
    assert page.get_by_text("Программа утверждена, 6 учителей прошли диагностику дефицитов.").is_visible()
    log_out(page)

    # The department plans a measure and takes a decision with a deadline.
    log_in(page, demo, "department")
    page.goto("/cycle/roadmap/?year=2024")
    form = page.locator("form[action='/cycle/measures/new/']")
    form.get_by_label("Направление").select_option("2")
    form.get_by_label("Мероприятие").fill(f"Наставничество школы-лидера для {school.short_name}")
    form.get_by_label("Срок").fill("2025-04-15")
    form.get_by_role("button", name="Добавить мероприятие").click()
    assert page.get_by_role("cell", name=f"Наставничество школы-лидера для {school.short_name}").is_visible()

    page.goto("/cycle/decisions/")
    form = page.locator("form[action='/cycle/decisions/new/']")
    form.get_by_label("Вид решения").select_option(label="приказ")
    form.get_by_label("Номер").fill("245-од")
    form.get_by_label("Дата:", exact=True).fill("2024-11-05")
    form.get_by_label("Направление").select_option("2")
    form.get_by_label("Содержание решения").fill(f"Включить {school.short_name} в программу помощи школам с низкими результатами")
    form.get_by_label("Срок исполнения").fill("2025-05-30")
    form.get_by_label("Ответственные").select_option(label=coordinator.full_name)
    form.get_by_role("button", name="Записать решение").click()
    assert page.get_by_text("Управленческое решение записано.").is_visible()

    # The effectiveness analysis: the analytics core's estimate, the suggested verdict, the problem.
    page.goto("/cycle/effectiveness/?year=2024")
    form = page.locator("form[action='/cycle/effectiveness/new/']")
    form.get_by_label("Направление").select_option("2")
    form.get_by_label("Коды показателей (через запятую)").fill("1.01, 1.02")
    form.get_by_label("Целевые организации").select_option(label=school.short_name)
    form.get_by_label("Группа сравнения").select_option(label=peers)
    form.get_by_label("Год «до» (начало учебного года)").fill("2023")
    form.get_by_label("Год «после» (начало учебного года)").fill("2024")
    form.get_by_label("Выявленная проблема").fill("Доля «2» по ВПР в школе остаётся выше, чем в кластере")
    form.get_by_label("Управленческое решение").select_option(label="Приказ № 245-од от 05.11.2024")
    form.get_by_role("button", name="Провести анализ").click()
    assert page.get_by_text("Анализ эффективности записан.").is_visible()
    analysis = EffectivenessAnalysis.objects.get()
    assert page.get_by_text(analysis.get_verdict_display(), exact=True).first.is_visible()
    page.get_by_role("button", name="Создать цель следующего цикла").click()
    assert page.get_by_text("Цель следующего цикла создана (проект).").is_visible()
    goal = CycleGoalDraft.objects.get()
    assert page.get_by_text(goal.text).first.is_visible()

    rec = Recommendation.objects.get(title=SCHOOL_PROGRAMME, organisation=school)
    assert rec.status == "reported" and rec.finding_kind == "shnor" and rec.evidence["run"] == run.pk
    measure = Measure.objects.get()
    assert measure.direction_number == 2 and str(measure.due_date) == "2025-04-15"
    decision = Decision.objects.get()
    assert str(decision.deadline) == "2025-05-30" and list(decision.responsible.all()) == [coordinator]
    assert analysis.decision == decision and [o.code for o in analysis.target_organisations.all()] == [school.code]
    assert [r["indicator"] for r in analysis.results["rows"]] == ["1.01", "1.02"]
    assert analysis.verdict == analysis.results["suggested_verdict"]  # no verdict chosen: the estimate's
    assert goal.source == analysis and goal.year == 2025 and goal.direction_number == 2
    assert "Доля «2» по ВПР в школе остаётся выше, чем в кластере" in goal.text
