"""How a report job is started: on SQLite without a worker, in a thread of the web process — but only
once the job's row is committed, so the thread never looks for a job that is not there yet."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from msoko.reports import services, tasks
from msoko.reports.models import ReportJob


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_job_runs_in_a_thread_started_when_the_job_is_committed(monkeypatch, world):
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL a job goes to the task worker")
    monkeypatch.delenv("MSOKO_REPORTS_INLINE", raising=False)
    assert tasks.mode() == "thread"

    with transaction.atomic():
        job = services.create_job(world.department, "card", {"org": "OO-A", "year": 2024}, "xlsx")
        tasks.start(job)
        assert not any(t.name == f"report-{job.pk}" for t in threading.enumerate())  # not before the commit

    deadline = time.monotonic() + 60
    while ReportJob.objects.get(pk=job.pk).status in (ReportJob.Status.PENDING, ReportJob.Status.RUNNING):
        assert time.monotonic() < deadline, "the report thread did not finish"
        time.sleep(0.1)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.file  # the workbook is in storage for the download link
