"""XLSX export of every table a page shows: the same URL with ``?format=xlsx``.

One mechanism for all pages instead of per-page export code: a view decorated with `xlsx_export`
renders its page as usual (same permissions, same filters, same numbers), and when the request
asks for ``format=xlsx`` the HTML tables of the rendered page are read back (`page_tables`) and
written one sheet per table (`workbook`). The template adds the «Скачать xlsx» link with
``{% load page_tables %}{% xlsx_link %}``.

Cells: text shown as a number in Russian notation («1 234,5», «12,5 %», «−3», «+0,8») is written
as a number (a percentage keeps its «%» through the number format); everything else is text passed
through `msoko.core.xlsx_safe.safe_cell`, so a value starting with = + - @ never becomes a formula.
Codes with leading zeros and long digit strings stay text. A table marked ``data-xlsx="skip"``
(layout, forms) is left out; ``data-xlsx-title`` overrides the sheet's title, which is otherwise
the table's ``<caption>`` or the nearest heading / figure caption before it.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from html.parser import HTMLParser

from django.http import HttpRequest, HttpResponse

from msoko.core.xlsx_safe import safe_cell
from msoko.reports.render.xlsx import new_workbook, sheet_name

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMAT_PARAM = "format"
SKIPPED_TAGS = {"script", "style", "button", "select", "option", "textarea", "template"}
VOID_TAGS = {"input", "img", "br", "hr", "meta", "link", "source", "wbr", "col"}
HEADINGS = {"h1", "h2", "h3", "h4", "figcaption", "legend", "summary"}
_SPACES = "\u00a0\u202f\u2009 "
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−])?(?P<int>\d{1,3}(?:[" + _SPACES + r"]\d{3})+|\d+)(?:,(?P<frac>\d+))?"
    r"(?:[" + _SPACES + r"]?(?P<pct>%))?$"
)


@dataclass
class PageTable:
    """One table of a page as text cells; `header` — how many leading rows are headings."""

    title: str
    rows: list[list[str]] = field(default_factory=list)
    header: int = 0


def parse_number(text: str) -> tuple[float | int, int, bool] | None:
    """«1 234,5» → (1234.5, 1, False); «12,5 %» → (12.5, 1, True); «−3» → (-3, 0, False); text → None.

    Returns the value, the number of decimals shown and whether it is a percentage. Codes with a
    leading zero («0101») and digit strings longer than 15 characters (identifiers) are not numbers.
    """
    match = _NUMBER.match(text.strip())
    if match is None:
        return None
    digits = re.sub(r"\D", "", match["int"])
    if (len(digits) > 1 and digits.startswith("0")) or len(digits) > 15:
        return None
    frac = match["frac"] or ""
    value: float | int = float(f"{digits}.{frac}") if frac else int(digits)
    if match["sign"] in ("-", "−"):
        value = -value
    return value, len(frac), bool(match["pct"])


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[PageTable] = []
        self._stack: list[dict] = []  # open tables (nested ones are read as separate tables)
        self._skip = 0  # depth inside a skipped element (buttons, selects, hidden parts)
        self._skip_tag = ""
        self._heading: list[str] | None = None
        self._last_heading = ""
        self._caption: list[str] | None = None

    # -- helpers
    @property
    def _table(self) -> dict | None:
        return self._stack[-1] if self._stack else None

    def _text(self, data: str) -> None:
        if self._skip:
            return
        if self._caption is not None:
            self._caption.append(data)
        table = self._table
        if table is not None and table["cell"] is not None:
            table["cell"].append(data)
        elif self._heading is not None:
            self._heading.append(data)

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._skip:
            if tag == self._skip_tag:
                self._skip += 1
            return
        if tag not in VOID_TAGS and (tag in SKIPPED_TAGS or "hidden" in attributes):
            self._skip, self._skip_tag = 1, tag
            return
        table = self._table
        if tag == "table":
            self._stack.append({
                "skip": attributes.get("data-xlsx") == "skip", "title": attributes.get("data-xlsx-title") or "",
                "rows": [], "row": None, "cell": None, "head": False, "header_rows": 0, "spans": {},
                "row_is_header": True, "before": self._last_heading,
            })
        elif table is None:
            if tag in HEADINGS:
                self._heading = []
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            table["head"] = True
        elif tag in ("tbody", "tfoot"):
            table["head"] = False
        elif tag == "tr":
            table["row"] = []
            table["row_is_header"] = True
        elif tag in ("td", "th") and table["row"] is not None:
            table["cell"] = []
            table["colspan"] = _int(attributes.get("colspan"))
            table["rowspan"] = _int(attributes.get("rowspan"))
            if tag == "td":
                table["row_is_header"] = False
        elif tag == "br":
            self._text(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._text(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip_tag:
                self._skip -= 1
            return
        table = self._table
        if table is None:
            if tag in HEADINGS and self._heading is not None:
                self._last_heading = _clean("".join(self._heading))
                self._heading = None
            return
        if tag == "caption" and self._caption is not None:
            table["caption"] = _clean("".join(self._caption))
            self._caption = None
        elif tag in ("td", "th") and table["cell"] is not None:
            self._close_cell(table)
        elif tag == "tr" and table["row"] is not None:
            if table["cell"] is not None:
                self._close_cell(table)
            self._close_row(table)
        elif tag == "table":
            if table["row"] is not None:
                self._close_row(table)
            self._stack.pop()
            if not table["skip"] and table["rows"]:
                title = table["title"] or table.get("caption") or table["before"] or f"Таблица {len(self.tables) + 1}"
                self.tables.append(PageTable(title, table["rows"], table["header_rows"]))

    def handle_data(self, data: str) -> None:
        self._text(data)

    def _fill_spans(self, table: dict) -> None:
        """Put the cells continued from rows above (rowspan) into the current row."""
        row, spans = table["row"], table["spans"]
        while len(row) in spans:
            text, left = spans.pop(len(row))
            row.append("")
            if left > 1:
                spans[len(row) - 1] = (text, left - 1)

    def _close_cell(self, table: dict) -> None:
        self._fill_spans(table)
        text = _clean("".join(table["cell"]))
        row = table["row"]
        for i in range(table["colspan"]):
            if table["rowspan"] > 1:
                table["spans"][len(row)] = (text, table["rowspan"] - 1)
            row.append(text if i == 0 else "")
            self._fill_spans(table)
        table["cell"] = None

    def _close_row(self, table: dict) -> None:
        self._fill_spans(table)
        row = table["row"]
        table["row"] = None
        if not row:
            return
        header = table["head"] or table["row_is_header"]
        if header and len(table["rows"]) == table["header_rows"]:
            table["header_rows"] += 1
        table["rows"].append(row)


def _int(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 100))
    except ValueError:
        return 1


def _clean(text: str) -> str:
    return " ".join(text.split())


def page_tables(html: str) -> list[PageTable]:
    """The tables of a rendered page in document order."""
    reader = _TableReader()
    reader.feed(html)
    reader.close()
    return reader.tables


def workbook(tables: list[PageTable], title: str = "") -> bytes:
    """One sheet per table: the title in A1, the table from row 3, numbers as numbers."""
    buffer = io.BytesIO()
    book, bold, head = new_workbook(buffer)
    text = book.add_format({"border": 1, "valign": "top"})
    formats: dict[tuple[int, bool], object] = {}

    def number_format(decimals: int, percent: bool):
        key = (decimals, percent)
        if key not in formats:
            pattern = "# ##0" + ("." + "0" * decimals if decimals else "") + ('" %"' if percent else "")
            formats[key] = book.add_format({"border": 1, "num_format": pattern})
        return formats[key]

    used: set[str] = set()
    if not tables:
        sheet = book.add_worksheet(sheet_name("Страница", used))
        sheet.write_string(0, 0, safe_cell(title or "Страница"), bold)
        sheet.write_string(2, 0, "На странице нет таблиц.")
    for table in tables:
        sheet = book.add_worksheet(sheet_name(table.title, used))
        sheet.write_string(0, 0, safe_cell(table.title), bold)
        widths: dict[int, int] = {}
        for r, row in enumerate(table.rows):
            is_header = r < table.header
            for c, cell in enumerate(row):
                widths[c] = max(widths.get(c, 6), min(len(cell), 60))
                number = None if is_header else parse_number(cell)
                if number is not None:
                    sheet.write_number(r + 2, c, number[0], number_format(number[1], number[2]))
                elif cell == "":
                    sheet.write_blank(r + 2, c, None, head if is_header else text)
                else:
                    sheet.write_string(r + 2, c, safe_cell(cell), head if is_header else text)
        for c, width in widths.items():
            sheet.set_column(c, c, width + 2)
        if table.header:
            sheet.freeze_panes(2 + table.header, 0)
    book.close()
    return buffer.getvalue()


def xlsx_response(html: str, name: str) -> HttpResponse:
    """The workbook of a rendered page as a download `<name>-<date>.xlsx`."""
    tables = page_tables(html)
    title_match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    title = _clean(re.sub(r"<[^>]+>", " ", title_match.group(1))) if title_match else name
    response = HttpResponse(workbook(tables, title), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{name}-{datetime.date.today():%Y%m%d}.xlsx"'
    return response


def wants_xlsx(request: HttpRequest) -> bool:
    return request.method == "GET" and request.GET.get(FORMAT_PARAM) == "xlsx"


def xlsx_export(name: str) -> Callable:
    """Decorate a page view: with ``?format=xlsx`` its rendered tables come back as a workbook.

    The view runs unchanged, so access checks (404 outside scope, 403), filters and pagination are
    the page's own; any response but a 200 HTML page (redirects, errors) is returned as is.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if (wants_xlsx(request) and response.status_code == 200 and not response.streaming
                    and response.get("Content-Type", "").startswith("text/html")):
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                return xlsx_response(response.content.decode(response.charset or "utf-8"), name)
            return response

        return wrapper

    return decorate
