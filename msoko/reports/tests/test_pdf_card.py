"""Report cards as PDF are drawn by ReportLab (fast enough for a region's 1,500 cards): opened back
with pdftotext / pdffonts / pdfimages and checked for what a reader sees — every figure, «—» for
withheld cells, captions, a header on every page, page numbers, embedded DejaVu with Cyrillic."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from PIL import Image

from msoko.reports import charts
from msoko.reports.document import HIDDEN, Column, Document, Figure, Section, Table
from msoko.reports.render import render

LONG_NAME = ("7.77 Доля обучающихся, охваченных индивидуальными образовательными маршрутами, программами "
             "наставничества и сопровождения, от общего числа обучающихся с трудностями в учёбе и поведении "
             "по итогам мониторинга")
LONG_WORD = "Сверхдлинноесловобезединогопробелаитакдалеесовсемдлинноеслово"


def card(rows: int = 3) -> Document:
    """A report card by hand: a title, meta, a values table (`rows` extra plain rows), a chart."""
    doc = Document("card", "Карта: Школа «Ёлочка»", "МБОУ «Школа «Ёлочка»»; 2024/25 учебный год",
                   meta={"Организация": "МБОУ «Школа «Ёлочка»» (OO-A)", "hidden": "служебное"}, toc=False)
    part = doc.section("Показатели & их динамика <сводка>")
    part.para("Сведения: тип — школа; «ёЁ» & <пилот>.")
    table_rows = [
        ["1.01 Доля «2» по ВПР", 12.5, 10.26, 1234.0, "4 из 12"],
        ["1.02 Доля «4» и «5»", HIDDEN, 48.0, None, "1 из 12"],
        [LONG_NAME, 0.0, 3.14, 2.0, "—"],
        [f"9.99 {LONG_WORD}", 1.0, 2.0, 3.0, "2 из 2"],
        ["5.05 Школы A & B <пилот>", 7.0, 8.0, 9.0, "3 из 12"],
    ]
    table_rows += [[f"8.{i:02d} Показатель номер {i}", i + 0.5, i, None, f"{i} из {rows}"] for i in range(1, rows + 1)]
    part.add(Table("card_values", "Показатели организации, 2023/24–2025/26",
                   [Column("Показатель"), Column("2023/24", "num"), Column("2024/25", "num"),
                    Column("Кластер", "num"), Column("Место в кластере", "int")],
                   table_rows, notes=["Место в кластере — по значению в отчётном году."]))
    part.add(Figure("card_dynamics", "Динамика показателей: организация и муниципалитет",
                    charts.LineChart("1.01 Доля «2»", ["2023/24", "2024/25"], {"организация": [12.5, 10.26]})))
    sub = part.add(Section("Выводы"))
    sub.para("Отклонений нет.", "note")
    return doc


def pdf_pages(content: bytes, tmp_path, mode: str = "-layout") -> list[str]:
    path = tmp_path / "card.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page.replace("\u00a0", " ") for page in text.split("\f")[:-1]]


def tool(name: str, content: bytes, tmp_path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(content)
    return subprocess.run([name, *(["-list"] if name == "pdfimages" else []), str(path)], capture_output=True,
                          text=True, check=True).stdout


def line_of(text: str, start: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith(start)]
    assert len(lines) == 1, f"строка «{start}»: {lines}"
    return " ".join(lines[0].split())


def test_cards_are_drawn_by_reportlab_other_documents_by_weasyprint(tmp_path):
    assert "ReportLab" in tool("pdfinfo", render(card(), "pdf"), tmp_path)
    other = card()
    other.kind = "vpr"
    assert "WeasyPrint" in tool("pdfinfo", render(other, "pdf"), tmp_path)


def test_the_card_shows_every_figure_and_a_dash_for_withheld_cells(tmp_path):
    content = render(card(), "pdf")
    assert content[:5] == b"%PDF-"
    text = "\n".join(pdf_pages(content, tmp_path))
    assert "Карта: Школа «Ёлочка»" in text
    assert "Организация: МБОУ «Школа «Ёлочка»» (OO-A)" in text
    assert "hidden" not in text and "служебное" not in text
    # the figures on the row of their indicator, in the columns' order, written the Russian way
    assert line_of(text, "1.01 ").endswith("12,5 10,3 1 234 4 из 12")
    assert line_of(text, "1.02 ").endswith("— 48 — 1 из 12")  # withheld and missing alike: «—»
    assert line_of(text, "7.77 ").endswith("0 3,1 2 —")
    assert line_of(text, "8.01 ").endswith("1,5 1 — 1 из 3")
    assert line_of(text, "8.03 ").endswith("3,5 3 — 3 из 3")
    assert "Таблица 1. Показатели организации, 2023/24–2025/26" in text
    assert "Рисунок 1. Динамика показателей: организация и муниципалитет" in text
    assert "Место в кластере — по значению в отчётном году." in text


def test_markup_characters_are_text(tmp_path):
    text = "\n".join(pdf_pages(render(card(), "pdf"), tmp_path))
    assert "Показатели & их динамика <сводка>" in text  # a heading
    assert "Сведения: тип — школа; «ёЁ» & <пилот>." in text  # a paragraph
    assert line_of(text, "5.05 ").startswith("5.05 Школы A & B <пилот>")  # a table cell


def test_dejavu_is_embedded_and_cyrillic_reads_back(tmp_path):
    content = render(card(), "pdf")
    fonts = tool("pdffonts", content, tmp_path).splitlines()[2:]
    assert fonts and all("DejaVuSans" in line for line in fonts)
    for line in fonts:
        assert "Type 3" not in line
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], f"шрифт не встроен или без Unicode: {line}"
    text = "\n".join(pdf_pages(content, tmp_path))
    assert "ёЁ" in text and "Выводы" in text and "Отклонений нет." in text


def test_a_long_name_wraps_without_losing_words(tmp_path):
    content = render(card(), "pdf")
    layout = "\n".join(pdf_pages(content, tmp_path))
    assert LONG_NAME not in " ".join(layout.split())  # not on one line: the figures sit between its parts
    raw = " ".join("\n".join(pdf_pages(content, tmp_path, "-raw")).split())
    assert LONG_NAME in raw  # every word, in order
    # a word wider than its column is broken inside the word, not cut off
    assert f"9.99{LONG_WORD}" in re.sub(r"\s+", "", raw)


def test_a_long_table_repeats_its_header_and_pages_are_numbered(tmp_path):
    pages = pdf_pages(render(card(rows=150), "pdf"), tmp_path)
    assert len(pages) >= 4
    rows_per_page = []
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[-1].endswith(str(number)), f"стр. {number}: нет номера страницы"
        # the footer shows the title from the second page on (the first page opens with it)
        assert ("Карта: Школа «Ёлочка»" in lines[-1]) == (number > 1)
        rows_per_page.append(sum(bool(re.match(r"8\.\d\d\d? ", line)) for line in lines))
        if rows_per_page[-1]:
            header = [line.split() for line in lines if re.match(r"Показатель\s+2023/24", line)]
            assert len(header) == 1 and header[0][:5] == ["Показатель", "2023/24", "2024/25", "Кластер", "Место"]
    assert sum(rows_per_page) == 150
    assert sum(1 for n in rows_per_page if n) >= 3  # the table runs over three pages or more


def test_the_chart_is_as_wide_as_the_text(tmp_path):
    doc = card()
    content = render(doc, "pdf")
    png = Image.open(io.BytesIO(charts.render(doc.figures()[0].chart, "png")))
    images = tool("pdfimages", content, tmp_path).splitlines()[2:]
    assert len(images) == 1
    fields = images[0].split()
    assert (int(fields[3]), int(fields[4])) == png.size
    # A4 210 mm less margins of 20 and 15 mm: 175 mm across → width_px / (175 / 25.4) pixels per inch
    ppi = png.size[0] / (175 / 25.4)
    assert int(fields[12]) == pytest.approx(ppi, abs=1) and int(fields[13]) == pytest.approx(ppi, abs=1)


@pytest.mark.django_db
def test_a_demo_school_card_prints_each_indicator_row_with_its_figures(demo, tmp_path):
    from msoko.catalog.selectors import current_version
    from msoko.collection.models import DataValue
    from msoko.registry.models import Organisation
    from msoko.reports.builders import build
    from msoko.reports.document import format_cell

    school = Organisation.objects.filter(kind="school").order_by("code").first()
    document = build("card", {"org": school.code, "year": 2025})
    text = "\n".join(pdf_pages(render(document, "pdf"), tmp_path))
    assert school.short_name in text
    text = text[text.index("Показатели организации, "):text.index("Место в кластере — по значению показателя")]
    table = next(t for t in document.tables() if t.key == "card_values")
    assert len(table.rows) > 20
    for row in table.rows:
        code = row[0].split(" ")[0]
        figures = " ".join(format_cell(v, c.kind) for v, c in zip(row[1:], table.columns[1:], strict=True))
        assert line_of(text, f"{code} ").endswith(" ".join(figures.replace("\u00a0", " ").split()))
    # indicator 1.01 by hand from the stored values: «2» in ВПР / participants × 100, one decimal
    values = {v.data_element.code: v.value for v in DataValue.objects.filter(
        organisation=school, period__academic_year__start_year=2025, category="").select_related("data_element")}
    indicator = current_version().indicators.get(code="1.01")
    expected = values[indicator.numerator] / values[indicator.denominator] * indicator.multiplier
    written = f"{expected:.1f}".replace(".", ",").removesuffix(",0")
    assert f" {written} " in line_of(text, "1.01 ")
