"""DOCX through python-docx: real Word styles (Title, Heading 1–3, Caption, Table Grid), a TOC field
that Word fills on opening (F9 refreshes it), numbered captions with SEQ fields and 150 dpi charts."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from msoko.reports import charts
from msoko.reports.document import Document, Figure, Paragraph, Section, Table, format_cell

FONT = "DejaVu Sans"


def _field(paragraph, instruction: str, cached: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end) so readers see `cached`."""

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(cached)
    char("end")


def _caption(doc, label: str, number: int, text: str) -> None:
    paragraph = doc.add_paragraph(style="Caption")
    paragraph.add_run(f"{label} ")
    _field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
    paragraph.add_run(f". {text}")


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        style = doc.styles[name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:ascii"), FONT)
        rpr.get_or_add_rFonts().set(qn("w:hAnsi"), FONT)


def _table(doc, block: Table, number: int) -> None:
    _caption(doc, "Таблица", number, block.caption)
    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
        cell.text = column.title
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(8)
    # header repeats on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for i, row in enumerate(block.rows):
        cells = table.add_row().cells
        total = i >= len(block.rows) - block.total_rows
        for cell, value, column in zip(cells, row, block.columns, strict=False):
            cell.text = format_cell(value, column.kind)
            paragraph = cell.paragraphs[0]
            if column.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(8)
                run.bold = total
    for note in block.notes:
        p = doc.add_paragraph(note)
        for run in p.runs:
            run.font.size = Pt(8)
            run.italic = True


def _figure(doc, block: Figure, number: int) -> None:
    doc.add_picture(io.BytesIO(charts.render(block.chart, "png")), width=Cm(16))
    _caption(doc, "Рисунок", number, block.caption)


def render_docx(document: Document) -> bytes:
    doc = WordDocument()
    _styles(doc)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    doc.core_properties.title = document.title
    doc.core_properties.language = "ru-RU"
    doc.add_paragraph(document.title, style="Title")
    if document.subtitle:
        doc.add_paragraph(document.subtitle, style="Subtitle")
    for key, value in document.meta.items():
        doc.add_paragraph(f"{key}: {value}")
    if document.toc:  # short documents (report cards) go straight to their sections
        doc.add_paragraph("Содержание", style="TOC Heading" if "TOC Heading" in [s.name for s in doc.styles]
                          else "Heading 1")
        toc = doc.add_paragraph()
        _field(toc, 'TOC \\o "1-3" \\h \\z \\u', "Оглавление обновляется при открытии документа (F9).")
        doc.add_page_break()

    table_no, figure_no = document.numbered()

    def emit(block, level: int) -> None:
        if isinstance(block, Section):
            doc.add_heading(block.heading, level=min(level, 3))
            for child in block.blocks:
                emit(child, level + 1)
        elif isinstance(block, Paragraph):
            style = "List Bullet" if block.style == "bullet" else None
            p = doc.add_paragraph(block.text, style=style)
            if block.style == "note":
                for run in p.runs:
                    run.italic = True
                    run.font.size = Pt(8.5)
        elif isinstance(block, Table):
            _table(doc, block, table_no[id(block)])
        elif isinstance(block, Figure):
            _figure(doc, block, figure_no[id(block)])

    for s in document.sections:
        emit(s, 1)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
