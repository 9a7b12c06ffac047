"""XLSX export of every table a page shows: the same URL with ?format=xlsx, the page's own access
rules, the page's figures as numbers and text that can never turn into a formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from msoko.analytics import services as analytics
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.tests.analysis_data import build
from msoko.cycle.services import recommendations as recs
from msoko.reports.page_tables import page_tables, parse_number, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def download(client, url: str) -> dict[str, list[tuple]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return sheets(response.content)


@pytest.mark.parametrize(("text", "expected"), [
    ("1\u00a0234,5", (1234.5, 1, False)),
    ("12,5\u00a0%", (12.5, 1, True)),
    ("−3", (-3, 0, False)),
    ("+0,80", (0.8, 2, False)),
    ("0,714", (0.714, 3, False)),
    ("42", (42, 0, False)),
])
def test_numbers_in_russian_notation_are_read_as_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["0101", "OO-A", "2024/25", "1.2", "12 34", "±0", "7701234567890123", "—", ""])
def test_codes_years_and_dashes_stay_text(text):
    assert parse_number(text) is None


PAGE = """<h1>Страница</h1>
<h2>Школы</h2>
<table><thead><tr><th>Школа</th><th>Доля</th><th>Баллы</th></tr></thead><tbody>
<tr><td>Школа&nbsp;А <button>Удалить</button></td><td>12,5&nbsp;%</td><td>1&nbsp;234</td></tr>
<tr><td>=HYPERLINK("http://evil","x")</td><td>—</td><td><select><option>a</option></select>7</td></tr>
</tbody></table>
<table data-xlsx="skip"><tr><td>раскладка формы</td></tr></table>
<table><caption>Уровень × изменение</caption>
<tr><th rowspan="2">Уровень</th><th colspan="2">Изменение</th></tr>
<tr><th>рост</th><th>спад</th></tr>
<tr><td>высокий</td><td>3</td><td>1</td></tr></table>"""


def test_tables_are_read_with_titles_spans_and_without_controls():
    first, grid = page_tables(PAGE)
    assert first.title == "Школы" and first.header == 1
    assert first.rows == [["Школа", "Доля", "Баллы"], ["Школа А", "12,5 %", "1 234"],
                          ['=HYPERLINK("http://evil","x")', "—", "7"]]
    assert grid.title == "Уровень × изменение" and grid.header == 2
    assert grid.rows == [["Уровень", "Изменение", ""], ["", "рост", "спад"], ["высокий", "3", "1"]]


def test_the_workbook_keeps_figures_as_numbers_and_formulas_as_text():
    book = load_workbook(io.BytesIO(workbook(page_tables(PAGE))))
    schools = book["Школы"]
    assert schools["A1"].value == "Школы"
    assert [c.value for c in schools[3]] == ["Школа", "Доля", "Баллы"]
    assert [c.value for c in schools[4]] == ["Школа А", 12.5, 1234]
    assert schools["B4"].number_format == '# ##0.0" %"'
    injected = schools["A5"]
    assert injected.data_type == "s" and injected.value == '\'=HYPERLINK("http://evil","x")'
    assert book["Уровень × изменение"]["B5"].value == 3


def test_a_page_without_tables_still_gives_a_workbook():
    book = load_workbook(io.BytesIO(workbook([], "Пустая")))
    assert book.active["A3"].value == "На странице нет таблиц."


@pytest.mark.django_db
def test_the_shnor_page_exports_its_table_with_the_pages_figures(world, client_for):
    build(world)
    analytics.run_shnor(world.municipality, ShnorSettings(window=1, group_by="none"), years=[2024])
    client = client_for("department")
    html = client.get("/analysis/shnor/").content.decode()
    assert 'href="?format=xlsx"' in html and "Скачать xlsx" in html
    book = download(client, "/analysis/shnor/?format=xlsx")
    cells = [cell for rows in book.values() for row in rows for cell in row]
    assert "Школа S4" in cells
    assert 0.714 in cells  # S3: 50 / 70, shown on the page as «0,714»


@pytest.mark.django_db
def test_monitoring_export_keeps_the_status_change_grid(world, client_for):
    build(world)
    analytics.run_monitoring(2024, world.municipality)
    book = download(client_for("department"), "/analysis/monitoring/?direction=1&format=xlsx")
    grid = next(rows for title, rows in book.items() if title.startswith("Сетка"))
    assert grid[0][0] == "Сетка «уровень × изменение», 2024/25"  # the heading above the table
    assert grid[2][0] == "Уровень \\ изменение"  # the grid's header row, after the title and a blank row
    assert "Параметры расчёта" in book  # the run's settings (a <details> summary names the sheet)


@pytest.mark.django_db
def test_recommendations_export_writes_a_formula_like_title_as_text(world, client_for):
    rec = recs.create_recommendation(world.department, world.municipality, title="=1+2 пересчитать",
                                     text="…", addressee_level="organisation", organisation=world.school_a,
                                     direction_number=1)
    book = download(client_for("department"), "/cycle/recommendations/?format=xlsx")
    cells = [cell for rows in book.values() for row in rows for cell in row]
    assert "'=1+2 пересчитать" in cells and 3 not in cells
    assert rec.pk


@pytest.mark.django_db
def test_the_export_has_the_pages_access_rules(world, client_for):
    school = client_for("school_a")
    assert school.get("/analysis/shnor/?format=xlsx").status_code == 403
    assert school.get("/cycle/matrix/?format=xlsx").status_code == 403
    assert school.get(f"/organisations/{world.school_b.code}/?format=xlsx").status_code == 404
    assert client_for("department").get("/cycle/matrix/?format=xlsx")["Content-Type"] == XLSX


@pytest.mark.django_db
def test_the_organisation_list_and_card_export(world, client_for):
    client = client_for("department")
    book = download(client, "/organisations/?format=xlsx")
    cells = [cell for rows in book.values() for row in rows for cell in row]
    assert world.school_a.short_name in cells and world.school_b.short_name in cells
    card = download(client, f"/organisations/{world.school_a.code}/?format=xlsx")
    assert card  # at least one sheet (the card's tables or the «no tables» sheet)


CYCLE_PAGES = ["/cycle/matrix/", "/cycle/roadmap/", "/cycle/decisions/", "/cycle/effectiveness/",
               "/cycle/council/", "/cycle/recommendations/", "/cycle/practices/", "/analysis/",
               "/analysis/objectivity/", "/analysis/shnor/compare/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", CYCLE_PAGES)
def test_every_page_with_tables_offers_and_gives_its_workbook(world, client_for, url):
    client = client_for("department")
    assert "Скачать xlsx" in client.get(url).content.decode()
    assert download(client, url + "?format=xlsx")
