"""Renderers of the document model: `render(document, "docx" | "pdf" | "xlsx" | "html")`."""

from __future__ import annotations

from msoko.reports.document import Document

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def render(document: Document, fmt: str) -> bytes:
    if fmt == "docx":
        from msoko.reports.render.docx import render_docx

        return render_docx(document)
    if fmt == "pdf":
        from msoko.reports.render.pdf import render_pdf

        return render_pdf(document)
    if fmt == "xlsx":
        from msoko.reports.render.xlsx import render_xlsx

        return render_xlsx(document)
    if fmt == "html":
        from msoko.reports.render.html import page_fragment

        return page_fragment(document).encode("utf-8")
    raise ValueError(f"Формат «{fmt}» не поддерживается: docx, pdf, xlsx.")
