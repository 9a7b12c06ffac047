"""Background imports of uploaded files (Django Tasks, database backend: `msoko db_worker`).

`start` enqueues `run_upload_task` for a queued `UploadJob`. Where no worker runs — SQLite (the
single-user setup and the demo), or with ``MSOKO_IMPORT_INLINE=1`` / the setting
``MSOKO_IMPORT_INLINE = True`` — the import runs at once inside the request instead; the page then
shows the finished state on its first poll. ``MSOKO_IMPORT_INLINE=0`` forces the queue.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.db import connection
from django_tasks import task

from msoko.collection import uploads
from msoko.collection.models import UploadJob


@task()
def run_upload_task(job_id: int) -> str:
    """Import the file of a queued upload job; progress is saved on the job."""
    return uploads.run(job_id).status


def runs_inline() -> bool:
    configured = getattr(settings, "MSOKO_IMPORT_INLINE", None)
    if configured is not None:
        return bool(configured)
    flag = os.environ.get("MSOKO_IMPORT_INLINE", "").strip().lower()
    if flag in {"0", "false", "no"}:
        return False
    return flag in {"1", "true", "yes"} or connection.vendor == "sqlite"


def start(job: UploadJob) -> UploadJob:
    """Run the queued job now (inline) or hand it to the task worker."""
    if runs_inline():
        return uploads.run(job.pk)
    run_upload_task.enqueue(job.pk)
    return job
