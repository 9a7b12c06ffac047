"""PDF: report cards through ReportLab (`pdf_platypus`), every other document through WeasyPrint from
the same HTML blocks as the page; DejaVu Sans is embedded (subset) either way."""

from __future__ import annotations

from functools import cache

from msoko.reports.document import Document
from msoko.reports.render.html import pdf_source

# Document kinds drawn by ReportLab platypus instead of WeasyPrint. Report cards are produced for a
# whole region at once (issue 6: 1,500 schools in < 10 min on two cores); WeasyPrint spends ≈ 0.65 s
# of CPU on a card, 70 % of it laying out the ≈ 95 × 8 indicator table cell by cell, ReportLab lays
# the same table out as plain strings in a fraction of that. Long, occasional documents (annual report
# with its table of contents and target-counter page numbers) stay on WeasyPrint.
PLATYPUS_KINDS = frozenset({"card"})


@cache
def _font_config():
    """One font configuration per process: the @font-face files are loaded once for a whole batch
    of documents instead of once per document."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(document: Document) -> bytes:
    if document.kind in PLATYPUS_KINDS:
        from msoko.reports.render.pdf_platypus import render_pdf_platypus

        return render_pdf_platypus(document)
    from weasyprint import HTML

    font_config = _font_config()
    return HTML(string=pdf_source(document), base_url="/").write_pdf(font_config=font_config)
