"""Uploads from the web page: store the file → preview and mapping → background import with progress.

An `UploadJob` keeps the stored file, the confirmed mapping and the progress the import reports.
The import itself is `services.import_file`, so the web, the CLI and the demo share one path.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from msoko.collection import services
from msoko.collection.formats import KINDS
from msoko.collection.models import ImportBatch, UploadJob
from msoko.collection.readers import ReadError
from msoko.core import audit
from msoko.core.uploads import check_upload

UPLOAD_EXTENSIONS = ("xlsx", "csv")


class UploadError(Exception):
    """A refused upload, with a Russian message."""


def start_upload(uploaded, *, kind: str = "", year: str = "", actor: Any = None) -> UploadJob:
    """Store the uploaded file through Django storage and open a job in the «предпросмотр» state."""
    name = Path(getattr(uploaded, "name", "") or "файл").name
    if kind and kind not in KINDS:
        raise UploadError(f"Неизвестный вид данных «{kind}».")
    try:
        check_upload(uploaded, UPLOAD_EXTENSIONS)  # size, extension and magic bytes, before storing
    except ValidationError as exc:
        raise UploadError(str(exc)) from None
    try:
        start_year = services.parse_year_argument(year)
    except services.ImportError_ as exc:
        raise UploadError(str(exc)) from None
    stored = default_storage.save(f"uploads/{uuid.uuid4().hex}/{name}", uploaded)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        job = UploadJob.objects.create(file_name=name, stored_file=stored, kind=kind, year=start_year, created_by=user)
        audit.record(actor, "upload", job, summary=f"Загружен файл «{name}»")
    return job


def job_path(job: UploadJob) -> Path:
    return Path(default_storage.path(job.stored_file))


def preview(job: UploadJob) -> tuple[services.Preview | None, str]:
    """The preview with the job's mapping, or (None, the Russian reason the file cannot be read)."""
    try:
        result = services.preview_file(job_path(job), job.kind or None, name=job.file_name,
                                       profile=job.mapping or None, year=job.year)
    except ReadError as exc:
        return None, exc.message
    except services.ImportError_ as exc:
        return None, str(exc)
    if not job.kind:
        job.kind = result.kind
        job.save(update_fields=["kind", "updated_at"])
    return result, ""


def apply_mapping(job: UploadJob, *, kind: str, mapping: dict[str, str], profile_name: str = "", actor: Any = None) -> UploadJob:
    """Keep the mapping the user confirmed (and save it as a named profile if asked)."""
    if kind not in KINDS:
        raise UploadError(f"Неизвестный вид данных «{kind}».")
    if job.status != UploadJob.Status.PREVIEW:
        raise UploadError("Этот файл уже загружается или загружен; начните новую загрузку.")
    with transaction.atomic():
        before = {"kind": job.kind, "mapping": job.mapping}
        if kind != job.kind:
            mapping = {}
        job.kind, job.mapping = kind, mapping
        job.save(update_fields=["kind", "mapping", "updated_at"])
        audit.record(actor, "map", job, before=before, after={"kind": kind, "mapping": mapping})
        if profile_name.strip():
            try:
                services.save_profile(kind, profile_name, mapping, actor=actor)
            except services.ImportError_ as exc:
                raise UploadError(str(exc)) from None
    return job


def queue(job: UploadJob, *, confirm_replace: bool = False, actor: Any = None) -> UploadJob:
    """Hand the job to the importer (status «в очереди»); `tasks.start` runs it."""
    allowed = {UploadJob.Status.PREVIEW, UploadJob.Status.CONFIRM}
    if job.status not in allowed:
        raise UploadError("Этот файл уже загружается или загружен.")
    if confirm_replace and job.status != UploadJob.Status.CONFIRM:
        raise UploadError("Замена не требуется.")
    with transaction.atomic():
        job.status = UploadJob.Status.QUEUED
        job.confirm_replace = confirm_replace
        job.stage, job.done, job.total = "в очереди", 0, 0
        job.save()
        audit.record(actor, "replace-confirm" if confirm_replace else "queue", job)
    return job


def run(job_id: int) -> UploadJob:
    """Run the import of a queued job, saving progress as it goes."""
    job = UploadJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != UploadJob.Status.QUEUED:
        return job
    UploadJob.objects.filter(pk=job.pk).update(status=UploadJob.Status.RUNNING, stage="чтение")

    def progress(done: int, total: int, stage: str) -> None:
        UploadJob.objects.filter(pk=job.pk).update(done=done, total=total, stage=stage)

    try:
        result = services.import_file(
            job.kind or None, job_path(job), name=job.file_name, profile=job.mapping or None, year=job.year,
            actor=job.created_by, confirm_replace=job.confirm_replace, progress=progress,
        )
        services.refresh_after_import(result, progress)
    except Exception as exc:  # the job must end in a state the page can show
        result = services.ImportResult("failed", f"Загрузка прервана, данные не изменены: {type(exc).__name__}: {exc}")
    job.refresh_from_db()
    statuses = {"done": UploadJob.Status.DONE, "unchanged": UploadJob.Status.UNCHANGED,
                "needs_confirmation": UploadJob.Status.CONFIRM}
    job.status = statuses.get(result.status, UploadJob.Status.FAILED)
    job.message = result.message
    job.batch = result.batch
    job.kind = result.kind if result.kind and result.kind != "?" else job.kind
    job.conflicts = [{"pk": b.pk, "file": b.file_name, "created": b.created_at.isoformat(), "rows": b.rows_total}
                     for b in result.conflicts]
    job.stage = job.get_status_display()
    job.done = job.total = max(job.total, 1)
    job.save()
    return job


def restore(batch: ImportBatch, actor: Any = None) -> services.ImportResult:
    result = services.restore_import(batch, actor=actor)
    services.refresh_after_import(result)
    return result
