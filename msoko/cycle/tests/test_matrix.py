"""The direction × cycle matrix: cell statuses, completeness score and gaps, on a constructed case.

Year 2024/25 (1.9.2024 – 31.8.2025), today 1 March 2025. Hand-computed expectations:

* «Качество подготовки»: goals 2, indicators 5 (all with methods), data of school A, an analytical
  note, one recommendation sent, one measure of the year's roadmap, one decision overdue, an
  analysis whose problem became a next-cycle goal → 8 filled + 1 partial = 8.5 / 9 = 94.4 %.
* «Воспитание»: only a goal draft, 2 indicators (1 with method), a draft recommendation, a
  decision document without a decision record → 5 partial = 2.5 / 9 = 27.8 %.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from msoko.catalog.models import DataElement
from msoko.collection.models import DataValue
from msoko.cycle.matrix import all_gaps, build_matrix
from msoko.cycle.models import (
    CycleGoalDraft,
    Decision,
    EffectivenessAnalysis,
    Measure,
    Recommendation,
    Roadmap,
)
from msoko.cycle.services import documents
from msoko.registry.models import Municipality

TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def case(world, cycle_catalog):
    m, year, dept = world.municipality, world.years[2024], world.department
    DataValue.objects.create(data_element=DataElement.objects.get(code="q1"), organisation=world.school_a,
                             period=world.periods[2024], value=3)
    documents.add_document(dept, m, direction_number=1, academic_year=year, position="analysis",
                           title="Аналитическая справка по итогам ВПР 2024", kind="analytical_note",
                           uploaded=SimpleUploadedFile("spravka.pdf", b"%PDF-1.4 test"))
    Recommendation.objects.create(municipality=m, direction_number=1, academic_year=year, addressee_level="organisation",
                                  organisation=world.school_a, title="Провести анализ", text="…", status="sent")
    roadmap = Roadmap.objects.create(municipality=m, title="Дорожная карта 2024/25", academic_year=year)
    Measure.objects.create(roadmap=roadmap, municipality=m, number="1", content="Семинар для учителей", direction_number=1,
                           deadline_kind="date", due_date=dt.date(2025, 5, 1))
    Decision.objects.create(municipality=m, kind="order", number="12", date=dt.date(2024, 10, 1), content="Приказ",
                            direction_number=1, deadline=dt.date(2025, 1, 15))
    analysis = EffectivenessAnalysis.objects.create(
        municipality=m, direction_number=1, academic_year=year, before_year=2023, after_year=2024,
        verdict="partial", problem_statement="Доля «2» в ВПР не снизилась в сельских школах",
    )
    CycleGoalDraft.objects.create(municipality=m, direction_number=1, year=2025, text="Снизить долю «2»", source=analysis)

    CycleGoalDraft.objects.create(municipality=m, direction_number=7, year=2024, text="Проект цели воспитания")
    Recommendation.objects.create(municipality=m, direction_number=7, academic_year=year, addressee_level="municipality",
                                  title="Черновик", text="…")
    documents.add_document(dept, m, direction_number=7, academic_year=year, position="decisions",
                           title="Приказ о воспитательной работе", kind="order", url="https://example.test/prikaz.pdf")
    # Noise that must not count: another year, another municipality.
    EffectivenessAnalysis.objects.create(municipality=m, direction_number=7, academic_year=world.years[2023],
                                         before_year=2022, after_year=2023, verdict="effective")
    other = Municipality.objects.create(region=world.region, code="OTH", name="Другой район")
    Decision.objects.create(municipality=other, kind="order", date=dt.date(2024, 11, 1), content="Чужое решение",
                            direction_number=7)
    return year


def statuses(row) -> dict[str, str]:
    return {c.position: c.status for c in row.cells}


def test_cells_scores_and_gaps_of_a_constructed_year(world, case):
    quality, upbringing = build_matrix(case, world.municipality, TODAY)
    assert statuses(quality) == {
        "goals": "filled", "indicators": "filled", "methods": "filled", "monitoring": "filled", "analysis": "filled",
        "recommendations": "filled", "measures": "filled", "decisions": "partial", "effectiveness": "filled",
    }
    assert quality.score_percent == 94.4
    assert quality.gaps == ["Качество подготовки: просрочено решений: 1 из 1"]

    assert statuses(upbringing) == {
        "goals": "partial", "indicators": "partial", "methods": "partial", "monitoring": "missing",
        "analysis": "missing", "recommendations": "partial", "measures": "missing", "decisions": "partial",
        "effectiveness": "missing",
    }
    assert upbringing.score_percent == 27.8
    assert "Воспитание: нет анализа эффективности мер за 2024/25" in upbringing.gaps
    assert "Воспитание: нет данных мониторинга за 2024/25" in upbringing.gaps
    assert "Воспитание: рекомендации не направлены адресатам (1)" in upbringing.gaps
    assert "Воспитание: методы сбора указаны не для всех показателей (1 из 2)" in upbringing.gaps
    assert len(all_gaps([quality, upbringing])) == 1 + 9  # every unfilled cell names its gap


def test_cells_carry_documents_counts_and_the_technology_card(world, case):
    quality, upbringing = build_matrix(case, world.municipality, TODAY)
    analysis = quality.cells[4]
    assert [d.title for d in analysis.documents] == ["Аналитическая справка по итогам ВПР 2024"]
    assert analysis.documents[0].kind == "аналитическая справка"
    decisions = upbringing.cells[7]
    assert decisions.count == 0 and decisions.documents[0].external_url == "https://example.test/prikaz.pdf"
    roles = {r.role: r.names for r in quality.cells[0].responsible}
    assert roles == {
        "координатор": ("Соколов Дмитрий Андреевич",),
        "ответственные исполнители": (),
        "муниципальный оператор": ("Козлов Артём Олегович",),
    }
    assert quality.cells[7].note == "решений: 1, просрочено: 1"


def test_an_analysis_whose_problem_has_no_next_goal_leaves_the_cycle_open(world, case):
    CycleGoalDraft.objects.filter(direction_number=1).delete()
    quality = build_matrix(case, world.municipality, TODAY)[0]
    assert quality.cells[8].status == "partial"
    assert "Качество подготовки: проблема из анализа эффективности не стала целью следующего цикла (1)" in quality.gaps


def test_a_decision_executed_in_time_fills_the_cell(world, case):
    Decision.objects.filter(direction_number=1).update(status="executed", executed_on=dt.date(2025, 1, 10))
    quality = build_matrix(case, world.municipality, TODAY)[0]
    assert quality.cells[7].status == "filled"
    assert quality.score_percent == 100.0 and quality.gaps == []


def test_the_public_view_lists_published_documents_only_and_no_people(world, case):
    quality = build_matrix(case, world.municipality, TODAY, published_only=True)[0]
    assert quality.cells[4].documents == []
    assert all(c.responsible == [] for c in quality.cells)
    doc = world.municipality.cycle_documents.get(position="analysis")
    documents.set_published(world.operator, doc, True)
    quality = build_matrix(case, world.municipality, TODAY, published_only=True)[0]
    assert [d.title for d in quality.cells[4].documents] == ["Аналитическая справка по итогам ВПР 2024"]


def test_without_a_catalog_there_is_no_matrix(world):
    assert build_matrix(world.current_year, world.municipality) == []
