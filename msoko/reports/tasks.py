"""Background generation of reports (Django Tasks, database backend: `msoko db_worker`).

On PostgreSQL the job is enqueued for the worker. On SQLite (no worker: the demo, a laptop) it
runs in a background thread of the web process so the page can show progress at once;
``MSOKO_REPORTS_INLINE=1`` runs it inside the request (tests), ``=0`` always enqueues.
"""

from __future__ import annotations

import os
import threading

from django.db import close_old_connections, connection, transaction
from django_tasks import task

from msoko.reports import services
from msoko.reports.models import ReportJob


@task()
def run_report_task(job_id: int) -> str:
    return services.run_job(job_id).status


def mode() -> str:
    flag = os.environ.get("MSOKO_REPORTS_INLINE", "").strip().lower()
    if flag in {"1", "true", "yes"}:
        return "inline"
    if flag in {"0", "false", "no"}:
        return "queue"
    return "thread" if connection.vendor == "sqlite" else "queue"


def _in_thread(job_id: int) -> None:
    try:
        services.run_job(job_id)
    finally:
        close_old_connections()
        connection.close()


def start(job: ReportJob) -> ReportJob:
    how = mode()
    if how == "inline":
        return services.run_job(job.pk)
    if how == "thread":
        # only once the job's row is committed: a thread started inside the request's transaction
        # could look for the job before it exists (or after it was rolled back)
        thread = threading.Thread(target=_in_thread, args=(job.pk,), name=f"report-{job.pk}", daemon=True)
        transaction.on_commit(thread.start)
        return job
    run_report_task.enqueue(job.pk)
    return job
