"""One document model, four outputs: DOCX with real Word styles, PDF with DejaVu embedded, XLSX safe
from formula injection, and the page fragment — each read back and checked."""

from __future__ import annotations

import io
import subprocess
import warnings

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from msoko.reports import charts
from msoko.reports.document import HIDDEN, Column, Document, Figure, Section, Table, format_cell
from msoko.reports.render import render


def sample() -> Document:
    doc = Document("test", "Аналитическая справка: проверка «ёлочек» и Ё", "Тестовск, 2024/25 учебный год",
                   meta={"Муниципалитет": "город Тестовск"})
    part = doc.section("Результаты ВПР")
    part.para("Доля «2» — 12,5 %.")
    part.add(Table("marks", "Распределение отметок", [Column("Школа"), Column("Участников", "int"),
                                                      Column("«2», %", "pct")],
                   [["Школа А", 40, 12.5], ["=HYPERLINK(\"http://x\")", 1234, HIDDEN],
                    ["+7 (900) 000", 10, 0.0], ["@SUM(A1)", 3, None], ["Итого", 1287, 11.75]], total_rows=1))
    part.add(Figure("dist", "Распределение отметок, %",
                    charts.BarChart("Отметки", ["«2»", "«3»", "«4»", "«5»"], {"Школа А": [12.5, 40, 35, 12.5]})))
    sub = part.add(Section("Выводы"))
    sub.para("Дефицит: задание 7 (решаемость 31,0 %).")
    return doc


def test_numbers_read_the_russian_way():
    assert format_cell(1234, "int") == "1\u00a0234"
    assert format_cell(12.5, "pct") == "12,5\u00a0%"
    assert format_cell(-2.26, "signed") == "−2,3"
    assert format_cell(0.0, "signed") == "±0"
    assert format_cell(HIDDEN, "int") == "—"
    assert format_cell(None, "pct") == "—"


def test_docx_has_word_styles_toc_and_numbered_captions():
    word = WordDocument(io.BytesIO(render(sample(), "docx")))
    styles = [(p.style.name, p.text) for p in word.paragraphs]
    assert ("Title", "Аналитическая справка: проверка «ёлочек» и Ё") in styles
    assert ("Heading 1", "Результаты ВПР") in styles
    assert ("Heading 2", "Выводы") in styles
    captions = [t for s, t in styles if s == "Caption"]
    assert captions == ["Таблица 1. Распределение отметок", "Рисунок 1. Распределение отметок, %"]
    xml = word.element.xml
    assert "TOC \\o" in xml and "SEQ Таблица" in xml
    table = word.tables[0]
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[1].cells] == ["Школа А", "40", "12,5\u00a0%"]
    assert table.rows[2].cells[2].text == "—"
    assert len(word.inline_shapes) == 1  # the chart, as a picture


def test_pdf_embeds_dejavu_and_reads_back_in_russian(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(render(sample(), "pdf"))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu" in fonts
    for line in fonts.splitlines()[2:]:
        assert " yes " in line, f"шрифт не встроен: {line}"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Аналитическая справка: проверка «ёлочек» и Ё" in text
    assert "Таблица 1. Распределение отметок" in text and "Рисунок 1. Распределение отметок, %" in text
    assert "Содержание" in text and "1 234" in text and "12,5 %" in text


def test_xlsx_writes_formula_like_text_as_text():
    book = load_workbook(io.BytesIO(render(sample(), "xlsx")))
    assert book.sheetnames == ["Содержание", "marks"]
    sheet = book["marks"]
    assert sheet["A1"].value == "Таблица 1. Распределение отметок"
    cells = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=1) for r in range(4, 9)}
    for text in ("=HYPERLINK(\"http://x\")", "+7 (900) 000", "@SUM(A1)"):
        assert cells[text].data_type == "s"  # a string, never a formula
        assert cells[text].quotePrefix
    assert sheet["B5"].value == 1234 and sheet["C5"].value == "—"
    assert sheet["C4"].value == 12.5


def test_page_fragment_shows_the_same_numbers_and_the_chart_as_an_image():
    html = render(sample(), "html").decode()
    assert "Таблица 1. Распределение отметок" in html and "12,5\u00a0%" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "style=" not in html  # nothing the page's Content-Security-Policy would block


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_charts_draw_cyrillic_without_missing_glyphs(fmt):
    chart = charts.LineChart("Динамика доли «2», ёЁ", ["2022/23", "2023/24", "2024/25"],
                             {"муниципалитет": [12.0, None, 9.5], "Школа № 1": [20, 18, 15]}, ylabel="%")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns «Glyph … missing from font» otherwise
        out = charts.render(chart, fmt)
    if fmt == "png":
        assert out[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert out.lstrip().startswith(b"<?xml") and b"<path" in out and b"<text" not in out


def test_the_grid_chart_draws_every_count():
    grid = charts.GridChart("Уровень × изменение", ["высокий", "низкий"], ["хуже", "лучше"], [[1, 2], [3, None]],
                            [["good", "norm"], ["risk", ""]])
    svg = charts.render(grid, "svg")
    assert svg.count(b"<path") > 4
