"""The document model as HTML: the page fragment (inline SVG charts) and the PDF source (PNG charts)."""

from __future__ import annotations

import base64
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.text import slugify

from msoko.reports import charts
from msoko.reports.document import (
    HIDDEN,
    Column,
    Document,
    Figure,
    Paragraph,
    Section,
    Table,
    caption_text,
    format_cell,
)

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))


def _anchor(text: str, n: int) -> str:
    return f"s{n}-{slugify(text, allow_unicode=True)[:40]}"


def column_share(column: Column, table: Table) -> int | None:
    """The share of the page width (%) a column gets in PDF, or None for a text column (text columns
    share what is left equally): numeric columns share about 60 % of the width (8–14 % each, so a
    table with few figures does not squeeze them into hyphenated headers), codes get 7 %."""
    if column.numeric:
        share = 60 / max(1, sum(c.numeric for c in table.columns))
        return min(14, max(8, int(share) // 2 * 2))
    return 7 if column.narrow else None


def _width(column: Column, table: Table) -> str:
    """The width class of a column in the PDF template (`col.w8` … `col.w14`, `col.narrow`, `col.text`)."""
    share = column_share(column, table)
    if column.numeric:
        return f"num w{share}"
    return "narrow" if share else "text"


def blocks_context(document: Document, chart_format="svg") -> dict:
    """Nested plain dicts the templates walk: headings with anchors, formatted cells, chart sources.

    `chart_format`: "svg" (data URI, pages), "png" (data URI, PDF) or a function figure → URL.
    """
    table_no, figure_no = document.numbered()
    counter = {"n": 0}
    toc: list[dict] = []

    def block(b, level: int) -> dict:
        if isinstance(b, Section):
            counter["n"] += 1
            anchor = _anchor(b.heading, counter["n"])
            toc.append({"heading": b.heading, "level": level, "anchor": anchor})
            return {"type": "section", "heading": b.heading, "level": level, "tag": f"h{min(level + 1, 6)}",
                    "anchor": anchor, "blocks": [block(x, level + 1) for x in b.blocks]}
        if isinstance(b, Paragraph):
            return {"type": "paragraph", "text": b.text, "style": b.style}
        if isinstance(b, Table):
            return {
                "type": "table", "key": b.key,
                "caption": caption_text("Таблица", table_no[id(b)], b.caption),
                "columns": [{"title": c.title, "numeric": c.numeric, "width": _width(c, b)} for c in b.columns],
                "rows": [
                    {"total": i >= len(b.rows) - b.total_rows,
                     "cells": [{"text": format_cell(v, c.kind), "numeric": c.numeric, "hidden": v is HIDDEN}
                               for v, c in zip(row, b.columns, strict=False)]}
                    for i, row in enumerate(b.rows)
                ],
                "notes": b.notes,
            }
        if isinstance(b, Figure):
            if chart_format == "svg":
                # an <img> (not inline SVG): the page's Content-Security-Policy forbids inline styles
                src = "data:image/svg+xml;base64," + base64.b64encode(charts.render(b.chart, "svg")).decode("ascii")
            elif callable(chart_format):
                src = chart_format(b)  # the static export writes the file and returns its relative path
            else:
                src = "data:image/png;base64," + base64.b64encode(charts.render(b.chart, "png")).decode("ascii")
            return {"type": "figure", "key": b.key, "caption": caption_text("Рисунок", figure_no[id(b)], b.caption),
                    "src": src}
        raise TypeError(f"unknown block {type(b).__name__}")

    sections = [block(s, 1) for s in document.sections]
    return {"document": document, "sections": sections, "toc": toc}


def page_fragment(document: Document) -> str:
    """The report body for a page (inside `web/base.html`)."""
    return render_to_string("reports/_document.html", blocks_context(document, "svg"))


def font_file(name: str) -> Path | None:
    """The first of FONT_DIRS holding the font file `name` (DejaVuSans.ttf …), None if none does."""
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return path
    return None


def font_faces() -> list[dict]:
    """The @font-face rules for the PDF: DejaVu Sans (body) and DejaVu Sans Bold, Liberation as fallback."""
    faces = []
    for family, weight, name in (
        ("DejaVu Sans", "normal", "DejaVuSans.ttf"), ("DejaVu Sans", "bold", "DejaVuSans-Bold.ttf"),
        ("Liberation Serif", "normal", "LiberationSerif-Regular.ttf"),
    ):
        path = font_file(name)
        if path:
            faces.append({"family": family, "weight": weight, "url": path.as_uri()})
    return faces


def pdf_source(document: Document) -> str:
    context = blocks_context(document, "png")
    context["fonts"] = font_faces()
    return render_to_string("reports/pdf.html", context)
