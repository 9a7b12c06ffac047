"""PDF through WeasyPrint from the same HTML blocks as the page; DejaVu Sans is embedded (subset)."""

from __future__ import annotations

from functools import cache

from msoko.reports.document import Document
from msoko.reports.render.html import pdf_source


@cache
def _font_config():
    """One font configuration per process: the @font-face files are loaded once for a whole batch
    of report cards instead of once per document."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(document: Document) -> bytes:
    from weasyprint import HTML

    font_config = _font_config()
    return HTML(string=pdf_source(document), base_url="/").write_pdf(font_config=font_config)
