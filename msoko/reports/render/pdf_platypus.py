"""PDF through ReportLab platypus: the same page as the WeasyPrint card (`reports/pdf.html`), laid out
directly — tables become ReportLab tables of plain strings instead of a CSS cascade and a text layout
per cell, about a tenth of the CPU time for a report card's long indicator table.

Used for the document kinds in `pdf.PLATYPUS_KINDS`. What it draws follows `pdf.html`: A4, margins
20/15/20/20 mm, DejaVu Sans 9.5 pt (embedded as a subset), a compact title block, h2/h3/h4 headings,
tables with rules above, below and under a header that repeats on every page, every other row shaded,
numbers right aligned; the page number bottom right and the document title bottom left from page 2.

Text cells are wrapped here (`simpleSplit`) and handed to the table as plain multi-line strings — a
`Paragraph` per cell costs several times more; only a cell with a word wider than its column (which
must be broken inside the word) becomes a `Paragraph`.
"""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from msoko.reports import charts
from msoko.reports.document import Document, Figure, Paragraph, Section, Table, caption_text, format_cell
from msoko.reports.render.html import column_share, font_file

# streams are Flate-compressed only: the ASCII85 layer ReportLab adds by default (7-bit safe PDF, a
# need of the 1990s) makes them a quarter bigger and costs ≈ 50 ms of pure Python per card for the chart
rl_config.useA85 = 0

REGULAR, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
MARGINS = {"top": 20 * mm, "right": 15 * mm, "bottom": 20 * mm, "left": 20 * mm}
LINE_HEIGHT = 1.35  # body line height of pdf.html
INK, RULE, HEADER_BG, STRIPE_BG, TOTAL_BG = "#111111", "#555555", "#e8eef4", "#eef1f4", "#f4f4f4"
CELL_SIZE, HEADER_SIZE = 8, 7
PAD_X, PAD_Y = 1.5 * mm, 0.9 * mm
# a table starts on a new page unless its caption, header and first rows fit on this one
TABLE_START = 30 * mm


@cache
def _fonts() -> tuple[str, str, str]:
    """Registers DejaVu Sans (regular, bold, oblique) once per process; returns the three names.

    Without DejaVuSans-Oblique.ttf (Debian: fonts-dejavu-extra) captions fall back to the upright face."""
    names = []
    for name, files in ((REGULAR, ("DejaVuSans.ttf",)), (BOLD, ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")),
                        (ITALIC, ("DejaVuSans-Oblique.ttf", "DejaVuSans.ttf"))):
        path = next((p for p in map(font_file, files) if p), None)
        if path is None:
            raise RuntimeError("Не найден шрифт DejaVu Sans (пакет fonts-dejavu-core).")
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names.append(name)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    return tuple(names)


def _style(name: str, size: float, font: str = REGULAR, color: str = INK, before: float = 0, after: float = 0,
           **extra) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * LINE_HEIGHT, textColor=color,
                          spaceBefore=before, spaceAfter=after, **extra)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of pdf.html (sizes in pt, margins in mm as there)."""
    _fonts()
    body = 9.5
    return {
        "title": _style("title", 16, BOLD, after=6 * mm),
        "subtitle": _style("subtitle", 12, color="#333333", after=12),
        "meta": _style("meta", 9, color="#555555", before=4 * mm, after=9),
        "h2": _style("h2", 14, BOLD, before=8 * mm, after=3 * mm),
        "h3": _style("h3", 11.5, BOLD, before=6 * mm, after=2 * mm),
        "h4": _style("h4", 10, BOLD, before=4 * mm, after=2 * mm),
        "normal": _style("normal", body, before=body, after=body),
        "lead": _style("lead", 10.5, before=10.5, after=10.5),
        "note": _style("note", 8, color="#444444", before=8, after=8),
        "bullet": _style("bullet", body, before=1 * mm, after=1 * mm, leftIndent=4 * mm),
        "caption": _style("caption", 8.5, ITALIC, color="#333333", before=1 * mm, after=1 * mm),
        "cell": _style("cell", CELL_SIZE),
        "cell_total": _style("cell_total", CELL_SIZE, BOLD),
        "header": _style("header", HEADER_SIZE, BOLD, hyphenationLang="ru_RU"),
        "header_num": _style("header_num", HEADER_SIZE, BOLD, alignment=TA_RIGHT, hyphenationLang="ru_RU"),
    }


def _para(text: str, style: str) -> RLParagraph:
    return RLParagraph(escape(text), _styles()[style])


def _column_widths(table: Table, width: float) -> list[float]:
    """Numeric and narrow columns get their share of the width (`column_share`, as in pdf.html);
    text columns split the rest equally."""
    shares = [column_share(c, table) for c in table.columns]
    free = max(0.0, 100.0 - sum(s for s in shares if s))
    n_text = sum(s is None for s in shares)
    return [width * (s if s else free / n_text) / 100 for s in shares]


def _text_cell(text: str, width: float, font: str, size: float, style: str):
    """A text cell wrapped to `width`: plain lines, or a Paragraph when a word must be broken."""
    if not text:
        return ""
    lines = simpleSplit(text, font, size, width)
    if len(lines) > 1 and any(pdfmetrics.stringWidth(line, font, size) > width for line in lines):
        return _para(text, style)
    return "\n".join(lines)


def _header_cell(title: str, width: float, numeric: bool):
    """A header title on one line if it fits — a single word («2024/25») may run into the cell's
    padding, as in the browser — otherwise a Paragraph that wraps and hyphenates (Pyphen, ru_RU)."""
    title_width = pdfmetrics.stringWidth(title, BOLD, HEADER_SIZE)
    if title_width <= width or (" " not in title and title_width <= width + PAD_X):
        return title
    return _para(title, "header_num" if numeric else "header")


def _table(table: Table, width: float) -> RLTable:
    widths = _column_widths(table, width)
    inner = [w - 2 * PAD_X for w in widths]
    first_total = len(table.rows) - table.total_rows
    data = [[_header_cell(c.title, w, c.numeric) for c, w in zip(table.columns, inner, strict=True)]]
    for i, row in enumerate(table.rows):
        total = i >= first_total
        font, style = (BOLD, "cell_total") if total else (REGULAR, "cell")
        cells = []
        for value, column, w in zip(row, table.columns, inner, strict=False):
            text = format_cell(value, column.kind)
            cells.append(text if column.numeric else _text_cell(text, w, font, CELL_SIZE, style))
        data.append(cells)
    last = len(data) - 1
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 1), (-1, -1), CELL_SIZE * LINE_HEIGHT),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.HexColor(INK)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        # the header: small bold type on a light background, a rule above and below; repeated
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("FONTSIZE", (0, 0), (-1, 0), HEADER_SIZE),
        ("LEADING", (0, 0), (-1, 0), HEADER_SIZE * LINE_HEIGHT),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_BG)),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.HexColor(RULE)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(RULE)),
        # the closing rule, also where the table breaks across pages
        ("LINEBELOW", (0, last), (-1, last), 0.8, colors.HexColor(RULE)),
        ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.8, colors.HexColor(RULE)),
    ]
    if last:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, last), [None, colors.HexColor(STRIPE_BG)]))
    for j, column in enumerate(table.columns):
        if column.numeric:
            commands.append(("ALIGN", (j, 0), (j, -1), "RIGHT"))
    if table.total_rows:
        commands += [("FONTNAME", (0, first_total + 1), (-1, last), BOLD),
                     ("BACKGROUND", (0, first_total + 1), (-1, last), colors.HexColor(TOTAL_BG))]
    return RLTable(data, colWidths=widths, repeatRows=1, style=commands, hAlign="LEFT")


def _chart(figure: Figure, width: float) -> tuple[bytes, float]:
    """The chart's PNG (drawn once, `charts.render` caches it) and its height when `width` wide."""
    png = charts.render(figure.chart, "png")
    px_width, px_height = ImageReader(io.BytesIO(png)).getSize()
    return png, width * px_height / px_width


def _figure(figure: Figure, number: int, width: float) -> KeepTogether:
    png, height = _chart(figure, width)
    image = Image(io.BytesIO(png), width=width, height=height)
    return KeepTogether([Spacer(0, 3 * mm), image, _para(caption_text("Рисунок", number, figure.caption), "caption"),
                         Spacer(0, 2 * mm)])


def _lead_height(block, width: float) -> float:
    """How much of `block` must fit under a heading for the heading to stay on this page."""
    styles = _styles()
    if isinstance(block, Section):
        style = styles[f"h{min(block.level + 1, 4)}"]
        return style.spaceBefore + style.leading + (_lead_height(block.blocks[0], width) if block.blocks else 0)
    if isinstance(block, Table):
        return TABLE_START
    if isinstance(block, Figure):
        return 3 * mm + _chart(block, width)[1]
    style = styles.get(block.style, styles["normal"])
    return style.spaceBefore + 2 * style.leading


def _footer(title: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        page = canvas.getPageNumber()
        y = MARGINS["bottom"] / 2 - 1 * mm
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawRightString(A4[0] - MARGINS["right"], y, str(page))
        if page > 1:
            canvas.setFont(REGULAR, 7)
            canvas.setFillColor(colors.HexColor("#777777"))
            canvas.drawString(MARGINS["left"], y, title)
        canvas.restoreState()

    return draw


def render_pdf_platypus(document: Document) -> bytes:
    """The document as a PDF drawn by ReportLab (see the module docstring for what it looks like)."""
    styles = _styles()
    width = A4[0] - MARGINS["left"] - MARGINS["right"]
    height = A4[1] - MARGINS["top"] - MARGINS["bottom"]
    table_no, figure_no = document.numbered()
    story: list = [_para(document.title, "title")]
    if document.subtitle:
        story.append(_para(document.subtitle, "subtitle"))
    meta = [f"{escape(str(k))}: {escape(str(v))}" for k, v in document.meta.items() if k != "hidden"]
    if meta:
        story.append(RLParagraph("<br/>".join(meta), styles["meta"]))

    def emit(block, level: int) -> None:
        if isinstance(block, Section):
            style = styles[f"h{min(level + 1, 4)}"]
            # a heading is not left alone at the foot of a page (pdf.html: page-break-after: avoid)
            follow = _lead_height(block.blocks[0], width) if block.blocks else 0
            story.append(CondPageBreak(style.spaceBefore + style.leading + style.spaceAfter + follow))
            story.append(_para(block.heading, style.name))
            for child in block.blocks:
                emit(child, level + 1)
        elif isinstance(block, Paragraph):
            if block.style == "bullet":
                story.append(RLParagraph("•\u00a0" + escape(block.text), styles["bullet"]))
            else:
                story.append(_para(block.text, block.style if block.style in styles else "normal"))
        elif isinstance(block, Table):
            # the caption stays with the table's first rows; keepWithNext would keep it with the whole
            # table and push a long table to the next page
            story.append(CondPageBreak(TABLE_START))
            story.append(_para(caption_text("Таблица", table_no[id(block)], block.caption), "caption"))
            story.append(_table(block, width))
            story.extend(_para(note, "note") for note in block.notes)
            story.append(Spacer(0, 2 * mm))
        elif isinstance(block, Figure):
            story.append(_figure(block, figure_no[id(block)], width))
        else:
            raise TypeError(f"unknown block {type(block).__name__}")

    for section in document.sections:
        emit(section, 1)

    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer, pagesize=A4, title=document.title, author="МСОКО", lang="ru-RU", initialFontName=REGULAR,
        leftMargin=MARGINS["left"], rightMargin=MARGINS["right"], topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
    )
    frame = Frame(MARGINS["left"], MARGINS["bottom"], width, height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template.addPageTemplates([PageTemplate("page", [frame], onPage=_footer(document.title))])
    template.build(story)
    return buffer.getvalue()
