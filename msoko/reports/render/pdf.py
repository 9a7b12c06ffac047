"""PDF through WeasyPrint from the same HTML blocks as the page; DejaVu Sans is embedded (subset)."""

from __future__ import annotations

from msoko.reports.document import Document
from msoko.reports.render.html import pdf_source


def render_pdf(document: Document) -> bytes:
    from weasyprint import HTML

    return HTML(string=pdf_source(document), base_url="/").write_pdf()

