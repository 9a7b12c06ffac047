"""Writes of the reports app: request a report, generate it (progress saved as it goes), store the file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from msoko.core import audit
from msoko.reports.builders import KINDS, ReportError, build, check_params
from msoko.reports.models import ReportJob
from msoko.reports.render import FORMATS, render

log = logging.getLogger(__name__)
FILE_FORMATS = ("docx", "pdf", "xlsx")


def check_request(kind: str, fmt: str) -> None:
    if kind not in KINDS:
        raise ReportError(f"Неизвестный вид отчёта «{kind}»; есть: {', '.join(KINDS)}.")
    if fmt not in FILE_FORMATS:
        raise ReportError(f"Формат «{fmt}» не поддерживается: {', '.join(FILE_FORMATS)}.")


def create_job(actor, kind: str, params: dict[str, Any], fmt: str, *, municipality=None,
               organisation=None) -> ReportJob:
    """A queued report job (with its audit entry); `tasks.start` runs it."""
    check_request(kind, fmt)
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    check_params(kind, clean)
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind, params=clean, fmt=fmt, municipality=municipality, organisation=organisation,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            title=KINDS[kind][0], stage="в очереди",
        )
        audit.record(actor, "reports.request", job, after={"kind": kind, "params": clean, "format": fmt})
    return job


def _progress(job: ReportJob, percent: int, stage: str) -> None:
    job.progress, job.stage = percent, stage
    ReportJob.objects.filter(pk=job.pk).update(progress=percent, stage=stage)


def file_name(document_kind: str, params: dict[str, Any], fmt: str) -> str:
    parts = [document_kind] + [str(params[k]) for k in ("org", "direction", "subject", "grade", "year") if params.get(k)]
    safe = "-".join(p.replace("/", "_").replace(" ", "_") for p in parts)
    return f"{safe}.{fmt}"


def generate(kind: str, params: dict[str, Any], fmt: str, municipality=None,
             progress: Callable[[int, str], None] | None = None) -> tuple[bytes, str]:
    """Build and render a report: (file content, document title). Raises ReportError for bad parameters."""
    step = progress or (lambda percent, stage: None)
    step(10, "сбор данных")
    document = build(kind, params, municipality)
    step(50, "оформление документа")
    content = render(document, fmt)
    step(95, "сохранение файла")
    return content, document.title


def run_job(job_id: int) -> ReportJob:
    """Generate a queued job's report into default storage; a failure is kept on the job."""
    job = ReportJob.objects.get(pk=job_id)
    if job.status != ReportJob.Status.PENDING:
        return job
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, progress=1, stage="начато")
    job.status = ReportJob.Status.RUNNING
    try:
        content, title = generate(job.kind, job.params, job.fmt, job.municipality,
                                  lambda percent, stage: _progress(job, percent, stage))
        path = default_storage.save(f"reports/{job.pk}/{file_name(job.kind, job.params, job.fmt)}",
                                    ContentFile(content))
        with transaction.atomic():
            job.file, job.title, job.status = path, title, ReportJob.Status.DONE
            job.progress, job.stage, job.finished_at = 100, "готов", timezone.now()
            job.save(update_fields=["file", "title", "status", "progress", "stage", "finished_at"])
            audit.record(job.created_by, "reports.generated", job, after={"file": path, "bytes": len(content)})
    except ReportError as exc:
        _fail(job, str(exc))
    except Exception as exc:  # noqa: BLE001 — a failed report must not take the worker down
        log.exception("report job %s failed", job.pk)
        _fail(job, f"Не удалось сформировать отчёт: {exc}")
    return job


def _fail(job: ReportJob, message: str) -> None:
    with transaction.atomic():
        job.status, job.error, job.stage, job.finished_at = ReportJob.Status.FAILED, message, "ошибка", timezone.now()
        job.save(update_fields=["status", "error", "stage", "finished_at"])
        audit.record(job.created_by, "reports.failed", job, after={"error": message})


def content_type(job: ReportJob) -> str:
    return FORMATS[job.fmt]
