"""The document model every report is built into and every renderer reads.

A report is plain data: a title, sections with headings, paragraphs, tables with captions and
figures (chart specifications) with captions. Builders fill it from selectors; the HTML page,
DOCX, PDF and XLSX renderers draw the same object, so a document shows the page's numbers.

Table cells hold raw values (str, int, float, None or `HIDDEN`); formatting happens in
`format_cell` so every output writes «12,5 %» the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msoko.reports.charts import Chart

NBSP = "\u00a0"
DASH = "—"


class _Hidden:
    """A cell withheld by small-cell suppression: shown as «—» with the table's note."""

    _instance: _Hidden | None = None

    def __new__(cls) -> _Hidden:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "HIDDEN"

    def __bool__(self) -> bool:
        return False


HIDDEN = _Hidden()
SUPPRESSION_NOTE = (
    "«—» — значение не публикуется: число меньше 5 или доля рассчитана менее чем по 10 участникам "
    "(а также скрытые дополнительно, чтобы их нельзя было вычислить из итогов)."
)


@dataclass
class Column:
    title: str
    kind: str = "text"  # text | int | num | num2 | pct | signed
    narrow: bool = False  # a short text column (codes, years, places): a narrow fixed width in PDF

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass
class Paragraph:
    text: str
    style: str = "normal"  # normal | note | lead | bullet


@dataclass
class Table:
    key: str  # stable identifier: XLSX sheet name, anchors
    caption: str
    columns: list[Column]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    total_rows: int = 0  # how many final rows are totals (drawn bold)

    def has_hidden(self) -> bool:
        return any(cell is HIDDEN for row in self.rows for cell in row)


@dataclass
class Figure:
    key: str
    caption: str
    chart: Chart


@dataclass
class Section:
    heading: str
    blocks: list[Paragraph | Table | Figure | Section] = field(default_factory=list)
    level: int = 1

    def add(self, block: Paragraph | Table | Figure | Section) -> Paragraph | Table | Figure | Section:
        if isinstance(block, Section):
            block.level = self.level + 1
        self.blocks.append(block)
        return block

    def para(self, text: str, style: str = "normal") -> None:
        self.blocks.append(Paragraph(text, style))


@dataclass
class Document:
    kind: str
    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    toc: bool = True  # a table of contents (short documents such as report cards go without)

    def section(self, heading: str) -> Section:
        section = Section(heading)
        self.sections.append(section)
        return section

    def walk(self):
        """Every block in reading order (sections included), depth first."""

        def visit(blocks):
            for block in blocks:
                yield block
                if isinstance(block, Section):
                    yield from visit(block.blocks)

        yield from visit(self.sections)

    def tables(self) -> list[Table]:
        return [b for b in self.walk() if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.walk() if isinstance(b, Figure)]

    def numbered(self) -> tuple[dict[int, int], dict[int, int]]:
        """Caption numbers: id(table) → n and id(figure) → n in reading order."""
        tables, figures = {}, {}
        for block in self.walk():
            if isinstance(block, Table):
                tables[id(block)] = len(tables) + 1
            elif isinstance(block, Figure):
                figures[id(block)] = len(figures) + 1
        return tables, figures


def format_number(value: Any, digits: int = 1) -> str:
    """1234.5 → «1 234,5»; None, NaN and `HIDDEN` → «—» (the same rule as the `num` template filter)."""
    if value is None or value is HIDDEN or value == "":
        return DASH
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:
        return DASH
    if number.is_integer():
        return f"{int(number):,}".replace(",", NBSP)
    return f"{number:,.{digits}f}".replace(",", NBSP).replace(".", ",")


def format_cell(value: Any, kind: str) -> str:
    if value is HIDDEN or value is None:
        return DASH
    if kind == "text":
        return str(value)
    if isinstance(value, str):
        return value
    if kind == "int":
        return format_number(round(float(value)), 0)
    if kind == "pct":
        text = format_number(value, 1)
        return text if text == DASH else f"{text}{NBSP}%"
    if kind == "signed":
        if float(value) == 0:
            return "±0"
        return ("+" if value > 0 else "−") + format_number(abs(value), 1)
    return format_number(value, 1 if kind == "num" else 2)


def caption_text(prefix: str, number: int, caption: str) -> str:
    return f"{prefix} {number}. {caption}"
