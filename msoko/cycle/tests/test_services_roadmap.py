"""Roadmap import (tables shaped like seeds 001 and 004) and measure status transitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document
from openpyxl import Workbook

from msoko.core.models import AuditEntry
from msoko.cycle.errors import CycleError
from msoko.cycle.models import Measure, Roadmap
from msoko.cycle.roadmap_import import RoadmapFileError
from msoko.cycle.services import roadmap as service

SEED_001_ROWS = [
    ["Дорожная карта по развитию муниципальной системы оценки качества образования"],
    ["№", "Мероприятие (содержание деятельности)", "Сроки исполнения", "Ответственный исполнитель", "Результат"],
    [1, 2, 3, 4, 5],
    ["1. Нормативно-правовое обеспечение развития муниципальной системы оценки качества образования"],
    ["1.1.", "Создание рабочей группы по разработке и реализации моделей МСОКО", "Февраль 2021 г.", "УО", "Пакет документов"],
    ["1.3.", "Разработка плана – графика реализации мероприятий МСОКО", "Март-июнь 2021г.", "УО МКУ «ЦРО»", "Утвержденный план – график"],
    ["1.18.", "Принятие управленческих решений по результатам анализа мониторингов", "Постоянно", "УО", "Письма, приказы, протоколы совещаний"],
    ["3. Система работы со школами с низкими образовательными результатами, функционирующая в неблагоприятных социальных условиях"],
    ["3.4.", "Направление адресных рекомендаций для школ,", "Ежегодно", "МКУ «ЦРО»", "Методические рекомендации"],
    [None, "педагогов по результатам анализа", None, None, None],
    ["3.1.", "Участие в проведении сбора, обработки и анализа информации", "с 2020г.", "МКУ «ЦРО»", "Список школ с низкими образовательными результатами"],
]


def _xlsx(tmp_path, rows, name="дорожная_карта.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Дорожная карта"
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def _docx_004(tmp_path):
    document = Document()
    document.add_paragraph("ДОРОЖНАЯ КАРТА по развитию механизмов управления качеством образования")
    rows = [
        ["Этап", "Действия", "Срок", "Ответственный"],
        ["Система выявления, поддержки и развития способностей и талантов у детей и молодежи"] * 4,
        ["Цели", "Разработать нормативный документ (модель/порядок) мониторинга", "май 2022 г.", "Ковтун И.И."],
        ["", "Разработать «дорожную карту» по выявлению дефицитов", "декабрь 2021 г.", "Усольцева Е.А."],
        ["Мониторинг", "Проведение мониторинга участия в олимпиадах", "ежегодно май", "Усольцева Е.А."],
        ["Анализ эффективности принятых мер", "Корректировка мероприятий по результатам анализа", "постоянно", "Ковтун И.И."],
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    merged = table.cell(1, 0).merge(table.cell(1, 3))
    merged.text = rows[1][0]
    path = tmp_path / "енисейск.docx"
    document.save(path)
    return path


def test_import_of_a_seed_001_table_from_xlsx(world, tmp_path):
    roadmap = service.import_roadmap(
        world.department, world.municipality, _xlsx(tmp_path, SEED_001_ROWS), title="Дорожная карта МСОКО",
        academic_year=world.current_year,
    )
    measures = list(roadmap.measures.order_by("order"))
    assert [m.number for m in measures] == ["1.1", "1.3", "1.18", "3.4", "3.1"]
    first, plan, decisions, addressed, shnor = measures
    assert first.section.startswith("1. Нормативно-правовое") and first.direction_number is None
    assert (first.deadline_kind, first.period_start, first.period_end) == ("period", dt.date(2021, 2, 1), dt.date(2021, 2, 28))
    assert (plan.period_start, plan.period_end) == (dt.date(2021, 3, 1), dt.date(2021, 6, 30))
    assert (decisions.deadline_kind, decisions.recurrence) == ("recurring", "constantly")
    assert decisions.result_document_kind == "приказ"
    assert addressed.content == "Направление адресных рекомендаций для школ, педагогов по результатам анализа"
    assert (addressed.direction_number, addressed.recurrence) == (2, "annually")
    assert addressed.result_document_kind == "методические рекомендации"
    assert (shnor.period_start, shnor.period_end) == (dt.date(2020, 1, 1), None)
    assert all(m.status == Measure.Status.PLANNED for m in measures)
    assert roadmap.source_name == "дорожная_карта.xlsx"
    assert AuditEntry.objects.filter(action="cycle.roadmap.import", object_id=str(roadmap.pk)).exists()


def test_import_of_a_seed_004_table_with_stages_from_docx(world, tmp_path):
    roadmap = service.import_roadmap(world.department, world.municipality, _docx_004(tmp_path), title="Енисейск")
    measures = list(roadmap.measures.order_by("order"))
    assert [(m.number, m.cycle_position, m.direction_number) for m in measures] == [
        ("1", "goals", 3), ("2", "goals", 3), ("3", "monitoring", 3), ("4", "effectiveness", 3),
    ]
    assert measures[0].due_date is None and measures[0].period_end == dt.date(2022, 5, 31)
    assert measures[2].recurrence == "annually" and measures[2].deadline_text == "ежегодно май"
    assert measures[3].responsible_text == "Ковтун И.И."


def test_bad_rows_are_all_reported_with_file_sheet_row_and_column_and_nothing_is_written(world, tmp_path):
    rows = [list(r) for r in SEED_001_ROWS]
    rows[5][2] = "когда-нибудь"  # row 6 of the sheet
    rows[6][1] = None  # row 7: a number without content
    with pytest.raises(RoadmapFileError) as caught:
        service.import_roadmap(world.department, world.municipality, _xlsx(tmp_path, rows, "карта.xlsx"), title="x")
    assert caught.value.errors == [
        "Файл «карта.xlsx», лист «Дорожная карта», строка 6, столбец «сроки»: не удалось распознать срок "
        "«когда-нибудь»: укажите дату (01.08.2025), месяц и год («февраль 2025 г.»), период («март - июнь 2025 г.», "
        "«2025-2026 гг.») или «ежегодно», «постоянно», «по графику», «в течение года», «по мере необходимости».",
        "Файл «карта.xlsx», лист «Дорожная карта», строка 7, столбец «мероприятие»: не заполнено содержание мероприятия.",
    ]
    assert not Roadmap.objects.exists() and not Measure.objects.exists()
    assert not AuditEntry.objects.filter(action="cycle.roadmap.import").exists()


def test_a_file_without_a_roadmap_table_or_of_another_type_is_refused(world, tmp_path):
    with pytest.raises(RoadmapFileError, match="не найдена строка заголовков"):
        service.import_roadmap(world.department, world.municipality, _xlsx(tmp_path, [["a", "b"], [1, 2]]), title="x")
    other = tmp_path / "карта.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(RoadmapFileError, match="из файлов .xlsx или .docx"):
        service.import_roadmap(world.department, world.municipality, other, title="x")


def test_a_coordinator_imports_only_their_own_direction(world, tmp_path):
    with pytest.raises(PermissionDenied):
        service.import_roadmap(world.coordinator, world.municipality, _xlsx(tmp_path, SEED_001_ROWS), title="x")
    assert not Roadmap.objects.exists()
    roadmap = service.import_roadmap(
        world.coordinator, world.municipality, _xlsx(tmp_path, SEED_001_ROWS), title="x", direction_number=1
    )
    assert set(roadmap.measures.values_list("direction_number", flat=True)) == {1}


def _measure(world, direction=2, status=Measure.Status.PLANNED):
    return Measure.objects.create(
        municipality=world.municipality, number="2.1", content="Семинар для учителей", direction_number=direction, status=status
    )


ALL = [s.value for s in Measure.Status]
ALLOWED = {
    ("planned", "in_progress"), ("planned", "overdue"), ("planned", "cancelled"),
    ("in_progress", "done"), ("in_progress", "overdue"), ("in_progress", "cancelled"),
    ("overdue", "done"), ("overdue", "cancelled"),
}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_status_transition(world, source, target):
    measure = _measure(world, status=source)
    if (source, target) in ALLOWED:
        service.change_status(world.executor, measure, target)
        assert Measure.objects.get(pk=measure.pk).status == target
        assert AuditEntry.objects.filter(action="cycle.measure.status", object_id=str(measure.pk)).count() == 1
    else:
        with pytest.raises(CycleError, match="не допускается"):
            service.change_status(world.executor, measure, target)
        assert Measure.objects.get(pk=measure.pk).status == source


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("executor", True), ("department", True), ("coordinator", False), ("methodist", False), ("school_a", False), ("council", False)],
)
def test_who_may_move_a_measure_of_direction_2(world, persona, allowed):
    measure = _measure(world, direction=2)
    if allowed:
        service.change_status(world.user(persona), measure, "in_progress")
    else:
        with pytest.raises(PermissionDenied):
            service.change_status(world.user(persona), measure, "in_progress")
        assert Measure.objects.get(pk=measure.pk).status == "planned"


def test_edit_and_moving_to_another_direction_need_both_directions(world):
    measure = _measure(world, direction=2)
    service.update_measure(world.executor, measure, content="Семинар-практикум", expected_result="Протокол")
    assert Measure.objects.get(pk=measure.pk).content == "Семинар-практикум"
    with pytest.raises(PermissionDenied):
        service.update_measure(world.executor, measure, direction_number=1)
    with pytest.raises(CycleError, match="status"):
        service.update_measure(world.executor, measure, status="done")
