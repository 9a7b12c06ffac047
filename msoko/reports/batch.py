"""Report cards for every school at once (region scale).

The municipality's indicator values are computed once (`CardBatch`); documents are built in this
process (a few milliseconds each, all database reads here) and rendered — the slow part: charts and
page layout — by a pool of worker processes that never touch the database.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from msoko.reports.builders.card import CardBatch, build_card
from msoko.reports.builders.common import ReportContext
from msoko.reports.document import Document
from msoko.reports.services import file_name


def _render_to(job: tuple[Document, str, str]) -> str:
    from msoko.reports.render import render

    document, fmt, path = job
    Path(path).write_bytes(render(document, fmt))
    return path


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def render_cards(contexts: Iterable[ReportContext], fmt: str, folder: Path, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write one card per school of every context into `folder`; returns the files in order."""
    from django.db import connections

    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    for ctx in contexts:
        batch = CardBatch(ctx)
        for code in ctx.schools:
            target = folder / file_name("card", {"org": code, "year": ctx.year}, fmt)
            jobs.append((build_card(ctx, code, batch), fmt, str(target)))
    report = progress or (lambda done, total: None)
    workers = workers or default_workers()
    done = 0
    if workers <= 1 or len(jobs) < 4:
        for job in jobs:
            _render_to(job)
            done += 1
            report(done, len(jobs))
        return [Path(j[2]) for j in jobs]
    connections.close_all()  # forked workers must not share the parent's database connections
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for _ in pool.imap_unordered(_render_to, jobs, chunksize=4):
            done += 1
            report(done, len(jobs))
    return [Path(j[2]) for j in jobs]
