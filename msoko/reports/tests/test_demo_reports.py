"""Every report kind rendered for the demo, opened back (python-docx, pdftotext, openpyxl) and
checked for its headings and for figures counted independently from the stored rows."""

from __future__ import annotations

import io
import subprocess
import time

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from msoko.collection.models import OlympiadResult, VprResult
from msoko.reports.builders import build
from msoko.reports.render import render

pytestmark = pytest.mark.django_db

YEAR = 2025  # the demo's last academic year (2025/26)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def headings(content: bytes) -> list[str]:
    word = WordDocument(io.BytesIO(content))
    return [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]


def nbsp(text: str) -> str:
    return text.replace("\u00a0", " ")


def sheet_rows(content: bytes, key: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    return [row for row in book[key].iter_rows(min_row=4, values_only=True)]


def test_vpr_note_counts_participants_and_marks_as_the_stored_rows_do(demo, tmp_path):
    row = (VprResult.active.filter(academic_year__start_year=YEAR, mark__isnull=False)
           .values_list("subject_code", "grade").order_by("subject_code", "grade").first())
    subject, grade = row
    rows = VprResult.active.filter(academic_year__start_year=YEAR, subject_code=subject, grade=grade,
                                   mark__isnull=False)
    participants, twos = rows.count(), rows.filter(mark=2).count()
    document = build("vpr", {"subject": subject, "grade": grade, "year": YEAR})

    xlsx = render(document, "xlsx")
    by_year = {r[0]: r for r in sheet_rows(xlsx, "vpr_years")}
    assert by_year["2025/26"][1] == participants
    assert by_year["2025/26"][2] == pytest.approx(twos / participants * 100)

    docx = render(document, "docx")
    assert headings(docx)[:2] == ["Результаты", "Выводы"]
    assert "Дефициты: решаемость заданий" in headings(docx)
    assert "Рекомендации и управленческие решения" in headings(docx)

    text = nbsp(pdf_text(render(document, "pdf"), tmp_path))
    assert f"{participants} участников" in text
    assert f"{twos / participants * 100:.1f} %".replace(".", ",") in text
    assert "Рисунок 1." in text and "Таблица 1." in text


def test_oge_and_ege_notes(demo, tmp_path):
    for kind, name in (("oge", "ОГЭ"), ("ege", "ЕГЭ")):
        document = build(kind, {"year": YEAR})
        text = pdf_text(render(document, "pdf"), tmp_path)
        assert f"Аналитическая справка по результатам {name}" in text
        assert "результаты по школам" in text
        assert "Выводы" in headings(render(document, "docx"))


def test_olympiad_note_counts_municipal_stage_participations(demo, tmp_path):
    municipal = OlympiadResult.active.filter(academic_year__start_year=YEAR, stage="municipal")
    participations = municipal.values("participant_code", "subject_code").distinct().count()
    awarded = municipal.filter(status__in=["winner", "prize"]).count()
    document = build("olympiad", {"year": YEAR})
    stages = {r[0]: r for r in sheet_rows(render(document, "xlsx"), "olymp_stages")}
    assert stages["муниципальный"][1] == participations
    assert stages["муниципальный"][2] + stages["муниципальный"][3] == awarded
    assert "Результаты по этапам" in headings(render(document, "docx"))


def test_direction_note_has_the_cycle_and_the_status_change_grid(demo, tmp_path):
    document = build("direction", {"direction": 1, "year": YEAR})
    names = headings(render(document, "docx"))
    for heading in ("Цели направления", "Показатели", "Уровень и изменение показателей (статус × изменение)",
                    "Позиции управленческого цикла", "Анализ эффективности принятых мер"):
        assert heading in names
    cycle = sheet_rows(render(document, "xlsx"), "d1_cycle")
    assert [r[0] for r in cycle] == list(range(1, 10))


def test_school_card_shows_its_own_values(demo, tmp_path):
    from msoko.collection.models import DataValue
    from msoko.registry.models import Organisation

    school = Organisation.objects.filter(kind="school").order_by("code").first()
    # indicator 1.01: «2» in ВПР / participants × 100, from the stored data values
    values = {v.data_element.code: v.value for v in DataValue.objects.filter(
        organisation=school, period__academic_year__start_year=YEAR, category="").select_related("data_element")}
    document = build("card", {"org": school.code, "year": YEAR})
    rows = {str(r[0]).split(" ")[0]: r for r in sheet_rows(render(document, "xlsx"), "card_values")}
    from msoko.catalog.selectors import current_version

    indicator = current_version().indicators.get(code="1.01")
    expected = values[indicator.numerator] / values[indicator.denominator] * indicator.multiplier
    assert rows["1.01"][0].startswith("1.01 Доля участников ВПР")
    assert rows["1.01"][3] == pytest.approx(expected)  # columns: code and name, 2023/24, 2024/25, 2025/26
    text = pdf_text(render(document, "pdf"), tmp_path)
    assert f"Информационная карта организации: {school.short_name}" in text
    assert "Адресные рекомендации" in headings(render(document, "docx"))


def test_school_card_lists_yes_no_indicators_as_flags_with_their_years(demo, tmp_path):
    """«Малокомплектная школа», «… (ШНСУ)» and the other yes/no indicators are a school's flags, not
    rows of its numeric dynamics table: one line per flag set in some year, with those years."""
    from msoko.catalog.selectors import current_version, indicators
    from msoko.collection.models import DataValue
    from msoko.registry.models import Organisation

    school = Organisation.objects.filter(kind="school").order_by("code").first()
    # the card shows the indicators of the main directions (not of the variant ones)
    flags = {i.code: i for i in indicators(current_version(), include_variants=False).filter(kind="yes_no")}
    # expected from the stored «да/нет» data values of each flag's element, year by year
    set_in: dict[str, list[str]] = {}
    for code, indicator in sorted(flags.items()):
        years = sorted({v.period.academic_year.start_year for v in DataValue.objects.filter(
            organisation=school, data_element__code=indicator.numerator, category="", value__gt=0,
            period__academic_year__start_year__gte=YEAR - 3, period__academic_year__start_year__lte=YEAR,
        ).select_related("period__academic_year")})
        if years:
            set_in[code] = [f"{y}/{(y + 1) % 100:02d}" for y in years]
    assert len(set_in) >= 3  # the demo school has several flags set, so the check below is not vacuous

    document = build("card", {"org": school.code, "year": YEAR})
    workbook = render(document, "xlsx")
    flag_rows = {str(r[0]).split(" ")[0]: r[1] for r in sheet_rows(workbook, "card_flags") if r[0]}
    for code, years in set_in.items():
        assert flag_rows[code] == ", ".join(years)
    assert set(flag_rows) <= set(flags)
    value_codes = {str(r[0]).split(" ")[0] for r in sheet_rows(workbook, "card_values") if r[0]}
    assert value_codes and not value_codes & set(flags)  # no yes/no row in the numeric table
    first = min(set_in)
    text = " ".join(pdf_text(render(document, "pdf"), tmp_path).split())
    assert f"{first} {flags[first].name.split()[0]}" in text
    assert "Признаки организации" in text


def test_annual_report_assembles_every_direction_quickly(demo, tmp_path):
    from msoko.registry.models import Organisation

    started = time.monotonic()
    document = build("annual", {"year": YEAR})
    pdf = render(document, "pdf")
    docx = render(document, "docx")
    assert time.monotonic() - started < 30
    names = headings(docx)
    assert "Показатели по направлениям" in names
    assert "Направления и позиции управленческого цикла" in names
    assert sum(1 for n in names if n[:2] in {f"{i}." for i in range(1, 9)}) == 8
    orgs = {r[0]: r[1] for r in sheet_rows(render(document, "xlsx"), "orgs")}
    assert sum(orgs.values()) == Organisation.objects.count()
    matrix = sheet_rows(render(document, "xlsx"), "matrix")
    assert len(matrix) == 8
    assert "О состоянии системы образования" in pdf_text(pdf, tmp_path)


def test_public_figures_publish_nothing_small_and_nothing_recomputable(demo):
    from msoko.reports.builders.common import make_context
    from msoko.reports.builders.public import public_figures
    from msoko.reports.document import HIDDEN
    from msoko.reports.suppression import MIN_BASE, MIN_COUNT, TOTAL
    from msoko.reports.tests.test_suppression import attack

    ctx = make_context(None, YEAR)
    figures = public_figures(ctx)
    assert figures.indicators and figures.hidden  # the demo has small schools: something is hidden
    published = {k: v for k, v in figures.values.items() if k not in figures.hidden}
    assert all(v >= MIN_COUNT for v in published.values())
    elements = {k.split("|")[0] for k in figures.values}
    equations = [(f"{e}|{TOTAL}", [k for k in figures.values if k.startswith(f"{e}|") and not k.endswith(TOTAL)])
                 for e in elements]
    assert attack(figures.values, figures.hidden, equations) == set()
    for ind in figures.indicators:
        for org in [*figures.organisations, TOTAL]:
            share, base = figures.share(ind, org), figures.cell(ind.denominator, org)
            if share is not None and share is not HIDDEN:
                assert base is not HIDDEN and base >= MIN_BASE


def test_static_export_opens_from_the_file_system_with_working_links(demo, tmp_path):
    import re

    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from msoko.cycle.models import CycleDocument
    from msoko.registry.models import AcademicYear

    common = {"municipality": demo.municipality, "direction_number": 1,
              "academic_year": AcademicYear.objects.get(start_year=YEAR), "position": "analysis"}
    published = CycleDocument(title="Аналитическая справка по ВПР", is_published=True, **common)
    published.file.save("spravka.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    CycleDocument.objects.create(title="Черновик для служебного пользования", is_published=False, **common)
    out = tmp_path / "site"
    call_command("publish", out=str(out), year=YEAR)
    direction = (out / "direction-1.html").read_text(encoding="utf-8")
    name = f"{published.pk}-{published.file_name}"  # the storage may add a suffix to «spravka.pdf»
    assert "Аналитическая справка по ВПР" in direction and f'href="docs/{name}"' in direction
    assert (out / "docs" / name).read_bytes() == b"%PDF-1.4 test"
    assert "Черновик для служебного пользования" not in direction
    pages = sorted(out.glob("*.html"))
    assert out / "index.html" in pages and out / "figures.html" in pages and (out / "style.css").exists()
    assert len(pages) == 10  # index, figures and one page per main direction
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            if link.startswith(("data:", "http://", "https://", "#")):
                continue
            assert not link.startswith("/"), f"{page.name}: абсолютная ссылка {link}"
            assert (out / link.split("#")[0]).exists(), f"{page.name}: нет файла {link}"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Механизмы управления качеством образования" in index
    figures = (out / "figures.html").read_text(encoding="utf-8")
    assert "«—» — значение не публикуется" in figures
    assert "participant" not in figures and "Соловьёва" not in figures  # no participant codes, no names


@pytest.mark.parametrize(("kind", "options", "fmt"), [
    ("vpr", {"subject": "ru", "grade": 5}, "docx"), ("oge", {}, "pdf"), ("ege", {}, "xlsx"),
    ("olympiad", {}, "docx"), ("direction", {"direction": 2}, "xlsx"), ("card", {"org": "OO-0001"}, "pdf"),
    ("annual", {}, "docx"),
])
def test_the_report_command_produces_each_kind(demo, tmp_path, kind, options, fmt):
    from django.core.management import call_command

    out = tmp_path / f"{kind}.{fmt}"
    extra = [str(part) for key, value in options.items() for part in (f"--{key}", value)]
    call_command("report", kind, "--format", fmt, "--out", str(out), "--year", str(YEAR), "-v", "0", *extra)
    content = out.read_bytes()
    assert content[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")


def test_the_report_command_refuses_bad_parameters_in_russian(demo, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Для отчёта «Аналитическая справка по ВПР .*» укажите: предмет, класс"):
        call_command("report", "vpr", "--format", "pdf", "--out", str(tmp_path / "x.pdf"), "-v", "0")
    assert not (tmp_path / "x.pdf").exists()


def test_report_cards_of_every_school_come_from_two_worker_processes(demo, tmp_path):
    from django.core.management import call_command

    from msoko.registry.models import Organisation

    out = tmp_path / "cards"
    call_command("report", "card", "--org", "all", "--format", "docx", "--out", str(out), "--year", str(YEAR),
                 "--workers", "2", "-v", "0")
    schools = sorted(Organisation.objects.filter(kind="school").values_list("code", flat=True))
    assert sorted(p.name for p in out.iterdir()) == [f"card-{code}-{YEAR}.docx" for code in schools]
    first = WordDocument(io.BytesIO((out / f"card-{schools[0]}-{YEAR}.docx").read_bytes()))
    assert first.paragraphs[0].text.startswith("Информационная карта организации:")
