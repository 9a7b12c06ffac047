"""Documents of the cycle matrix: adding (file or link), publishing in the public section, removing."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone

from msoko.catalog.cycle import BY_CODE
from msoko.core.audit import record
from msoko.cycle.errors import CycleError
from msoko.cycle.models import CycleDocument
from msoko.cycle.permissions import require_document_editor, require_publisher
from msoko.registry.models import AcademicYear, Municipality

ALLOWED_EXTENSIONS = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".odt", ".ods", ".pptx", ".jpg", ".jpeg", ".png", ".zip"}
MAX_SIZE = 50 * 1024 * 1024


@transaction.atomic
def add_document(
    actor,
    municipality: Municipality,
    *,
    direction_number: int,
    academic_year: AcademicYear,
    position: str,
    title: str,
    kind: str = CycleDocument.Kind.OTHER,
    uploaded=None,
    url: str = "",
) -> CycleDocument:
    """Attach a document (an uploaded file or a link, exactly one of them) to a cell of the matrix."""
    require_document_editor(actor, direction_number)
    if position not in BY_CODE:
        raise CycleError(f"Неизвестная позиция управленческого цикла «{position}».")
    if not title.strip():
        raise CycleError("Укажите название документа.")
    if (uploaded is None) == (not url.strip()):
        raise CycleError("Приложите файл или укажите ссылку на документ (что-то одно).")
    if uploaded is not None:
        extension = os.path.splitext(uploaded.name)[1].lower()
        if extension not in ALLOWED_EXTENSIONS:
            raise CycleError(
                f"Файл «{uploaded.name}»: допускаются форматы {', '.join(sorted(ALLOWED_EXTENSIONS))}."
            )
        if uploaded.size > MAX_SIZE:
            raise CycleError(f"Файл «{uploaded.name}» больше 50 МБ.")
    document = CycleDocument(
        municipality=municipality,
        direction_number=direction_number,
        academic_year=academic_year,
        position=position,
        kind=CycleDocument.Kind(kind),
        title=title.strip(),
        url=url.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if uploaded is not None:
        document.file.save(os.path.basename(uploaded.name), uploaded, save=False)
    document.save()
    record(
        actor, "cycle.document.add", document,
        after={"direction": direction_number, "year": academic_year.start_year, "position": position,
               "file": document.file.name or None, "url": document.url or None},
    )
    return document


@transaction.atomic
def set_published(actor, document: CycleDocument, published: bool) -> CycleDocument:
    """Publish the document in the public section, or withdraw it."""
    require_publisher(actor)
    before = {"published": document.is_published}
    document.is_published = published
    document.published_at = timezone.now() if published else None
    document.published_by = actor if published and getattr(actor, "is_authenticated", False) else None
    document.save(update_fields=["is_published", "published_at", "published_by"])
    record(actor, "cycle.document.publish" if published else "cycle.document.unpublish", document,
           before=before, after={"published": published})
    return document


@transaction.atomic
def delete_document(actor, document: CycleDocument) -> None:
    require_document_editor(actor, document.direction_number)
    if document.is_published:
        raise CycleError("Документ опубликован: сначала снимите его с публикации.")
    record(actor, "cycle.document.delete", document, before={"title": document.title, "file": document.file.name or None})
    if document.file:
        storage, name = document.file.storage, document.file.name
        transaction.on_commit(lambda: storage.delete(name))  # the file goes only if the row does
    document.delete()
