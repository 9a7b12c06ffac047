"""The static export of the public section «Механизмы управления качеством образования».

`export(ctx, folder)` writes a folder a municipal website can host as is (relative links only,
opens from the file system): index.html, one page per direction with its cycle positions and
published documents, figures.html with the suppressed aggregate figures, style.css and docs/ with
the published documents' files. Only documents marked published and suppressed aggregates go out.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.text import get_valid_filename

from msoko.reports.builders.common import ReportContext
from msoko.reports.builders.public import build_public, indicator_table, public_figures
from msoko.reports.document import Document, Section
from msoko.reports.render.html import blocks_context

CSS = Path(__file__).parent / "static" / "reports" / "reports.css"


@dataclass
class PublishedDocument:
    title: str
    kind: str
    href: str


def _documents(ctx: ReportContext, folder: Path) -> dict[tuple[int, str], list[PublishedDocument]]:
    from django.core.files.storage import default_storage

    from msoko.cycle.models import CycleDocument

    out: dict[tuple[int, str], list[PublishedDocument]] = {}
    qs = CycleDocument.objects.filter(municipality=ctx.municipality, academic_year__start_year=ctx.year,
                                      is_published=True).order_by("direction_number", "position", "title", "pk")
    for doc in qs:
        href = doc.url
        if doc.file and default_storage.exists(doc.file.name):
            name = f"{doc.pk}-{get_valid_filename(doc.file_name)}"
            with default_storage.open(doc.file.name, "rb") as source, (folder / "docs" / name).open("wb") as target:
                shutil.copyfileobj(source, target)
            href = f"docs/{name}"
        if href:
            out.setdefault((doc.direction_number, doc.position), []).append(
                PublishedDocument(doc.title, doc.get_kind_display(), href))
    return out


def _page(path: Path, title: str, body: str, ctx: ReportContext, home: bool = False) -> None:
    html = render_to_string("reports/static_page.html", {"title": title, "body": body, "ctx": ctx, "home": home})
    path.write_text(html, encoding="utf-8")


def export(ctx: ReportContext, folder: Path) -> list[Path]:
    """Write the static section; returns the written HTML pages."""
    from msoko.catalog import selectors as catalog
    from msoko.catalog.cycle import CYCLE_POSITIONS
    from msoko.registry.models import AcademicYear

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "docs").mkdir(exist_ok=True)
    shutil.copyfile(CSS, folder / "style.css")
    documents = _documents(ctx, folder)
    figures = public_figures(ctx)
    version = catalog.version_for_year(AcademicYear.objects.filter(start_year=ctx.year).first())
    variants = set(ctx.municipality.variant_directions or [])
    directions = list(catalog.directions_in_use(version, variants)) if version else []
    pages: list[Path] = []
    for direction in directions:
        positions = [{"position": p, "documents": documents.get((direction.number, p.code), [])}
                     for p in CYCLE_POSITIONS]
        tables = [indicator_table(ctx, figures, i) for i in figures.indicators if i.direction.number == direction.number]
        document = Document("public", direction.name)
        if tables:
            section = Section("Показатели направления")
            section.blocks.extend(tables)
            document.sections.append(section)
        body = render_to_string("reports/static_direction.html", {
            "direction": direction, "positions": positions, "ctx": ctx,
            **blocks_context(document, "svg"),
        })
        path = folder / f"direction-{direction.number}.html"
        _page(path, f"{direction.number}. {direction.name}", body, ctx)
        pages.append(path)
    public = build_public(ctx, figures)
    body = render_to_string("reports/_document.html", blocks_context(public, "svg"))
    _page(folder / "figures.html", public.title, body, ctx)
    pages.append(folder / "figures.html")
    index = render_to_string("reports/static_index.html", {
        "ctx": ctx, "directions": directions, "count": sum(len(v) for v in documents.values())})
    _page(folder / "index.html", "Механизмы управления качеством образования", index, ctx, home=True)
    pages.insert(0, folder / "index.html")
    return pages
