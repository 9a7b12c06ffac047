"""In a real browser, the whole cycle for one school: recommendation → report → measure → decision
→ effectiveness analysis → goal of the next cycle."""

from __future__ import annotations

import pytest

from msoko.core.testing import browser_log_in
from msoko.cycle.models import CycleGoalDraft, Decision, EffectivenessAnalysis, Measure, Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    browser_log_in(page, username)


def log_out(page) -> None:
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_load_state()


def test_a_recommendation_goes_round_the_whole_cycle(page, world, cycle_catalog):
    # The department writes a recommendation to school A, approves it and sends it.
    log_in(page, "department")
    page.goto("/cycle/recommendations/?year=2024")
    form = page.locator("form[action='/cycle/recommendations/new/']")
    form.get_by_label("Направление").select_option("1")
    form.get_by_label("Организация").select_option(label="Школа А")
    form.get_by_label("Заголовок").fill("Организовать перепроверку работ ВПР")
    form.get_by_label("Текст рекомендации").fill("Создать школьную комиссию и перепроверить работы по математике.")
    form.get_by_role("button", name="Создать черновик").click()
    page.get_by_role("button", name="Утвердить").click()
    page.get_by_role("button", name="Направить адресату").click()
    assert page.get_by_text("направлена", exact=True).is_visible()
    log_out(page)

    # School A accepts it and reports.
    log_in(page, "school_a")
    page.goto("/cycle/recommendations/")
    page.get_by_role("link", name="Организовать перепроверку работ ВПР").click()
    page.get_by_role("button", name="Принять к исполнению").click()
    page.get_by_label("Что сделано по рекомендации").fill("Комиссия перепроверила 48 работ, расхождений 3.")
    page.get_by_role("button", name="Представить отчёт").click()
    assert page.get_by_text("Комиссия перепроверила 48 работ, расхождений 3.").is_visible()
    log_out(page)
    assert Recommendation.objects.get().status == "reported"

    # The department plans a measure and takes a decision with a deadline.
    log_in(page, "department")
    page.goto("/cycle/roadmap/")
    form = page.locator("form[action='/cycle/measures/new/']")
    form.get_by_label("Направление").select_option("1")
    form.get_by_label("Мероприятие").fill("Семинар по объективности оценивания для школы А")
    form.get_by_label("Срок").fill("2025-04-15")
    form.get_by_role("button", name="Добавить мероприятие").click()
    assert page.get_by_role("cell", name="Семинар по объективности оценивания для школы А").is_visible()

    page.goto("/cycle/decisions/")
    form = page.locator("form[action='/cycle/decisions/new/']")
    form.get_by_label("Вид решения").select_option(label="приказ")
    form.get_by_label("Номер").fill("112")
    form.get_by_label("Дата:", exact=True).fill("2025-02-03")
    form.get_by_label("Направление").select_option("1")
    form.get_by_label("Содержание решения").fill("Провести независимую перепроверку ВПР в школе А")
    form.get_by_label("Срок исполнения").fill("2025-05-30")
    form.get_by_label("Ответственные").select_option(label="Соколов Дмитрий Андреевич")
    form.get_by_role("button", name="Записать решение").click()
    assert page.get_by_text("Управленческое решение записано.").is_visible()

    # An effectiveness analysis with a verdict, then the next cycle's goal.
    page.goto("/cycle/effectiveness/?year=2024")
    form = page.locator("form[action='/cycle/effectiveness/new/']")
    form.get_by_label("Направление").select_option("1")
    form.get_by_label("Коды показателей (через запятую)").fill("1.01")
    form.get_by_label("Целевые организации").select_option(label="Школа А")
    form.get_by_label("Группа сравнения").select_option(label="Школа Б")
    form.get_by_label("Вывод").select_option(label="частично эффективно")
    form.get_by_label("Выявленная проблема").fill("Расхождения ВПР и текущих отметок сохраняются")
    form.get_by_label("Управленческое решение").select_option(index=1)
    form.get_by_role("button", name="Провести анализ").click()
    assert page.get_by_text("частично эффективно", exact=True).first.is_visible()
    page.get_by_role("button", name="Создать цель следующего цикла").click()
    assert page.get_by_text("Цель следующего цикла создана (проект).").is_visible()

    measure = Measure.objects.get()
    decision = Decision.objects.get()
    analysis = EffectivenessAnalysis.objects.get()
    goal = CycleGoalDraft.objects.get()
    assert measure.direction_number == 1 and str(measure.due_date) == "2025-04-15"
    assert str(decision.deadline) == "2025-05-30" and list(decision.responsible.all()) == [world.coordinator.person]
    assert analysis.verdict == "partial" and analysis.decision == decision
    assert goal.source == analysis and goal.year == 2025 and goal.direction_number == 1
    assert "Расхождения ВПР и текущих отметок сохраняются" in goal.text
