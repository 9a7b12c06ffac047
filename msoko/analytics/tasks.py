"""Background execution of analysis runs (Django Tasks, database backend: `msoko db_worker`).

`start` creates nothing itself: it enqueues `execute_run_task` for a run made by
`services.create_run`, or — where no worker runs (SQLite, the demo) or with
``MSOKO_ANALYSIS_INLINE=1`` — executes the run at once in the request.
"""

from __future__ import annotations

import os

from django.db import connection
from django_tasks import task

from msoko.analytics import services
from msoko.analytics.models import AnalysisRun


@task()
def execute_run_task(run_id: int) -> str:
    """Execute a pending run; progress is saved on the run as it goes."""
    run = AnalysisRun.objects.get(pk=run_id)
    if run.status != AnalysisRun.Status.PENDING:
        return run.status
    return services.execute_run(run, actor=run.created_by).status


def runs_inline() -> bool:
    flag = os.environ.get("MSOKO_ANALYSIS_INLINE", "").strip().lower()
    if flag in {"0", "false", "no"}:
        return False
    return flag in {"1", "true", "yes"} or connection.vendor == "sqlite"


def start(run: AnalysisRun) -> AnalysisRun:
    """Execute the run now (inline) or hand it to the task worker."""
    if runs_inline():
        return services.execute_run(run, actor=run.created_by)
    execute_run_task.enqueue(run.pk)
    return run
