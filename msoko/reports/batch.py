"""Report cards for every school at once (region scale).

The municipality's indicator values are computed once (`CardBatch`); documents are built in this
process (a few milliseconds each, all database reads here) and rendered — the slow part: charts and
page layout — by a pool of worker processes that never touch the database. The pool starts first
and each document is handed to it as soon as it is built, so building overlaps rendering.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from msoko.reports.builders.card import CardBatch, build_card
from msoko.reports.builders.common import ReportContext
from msoko.reports.document import Document
from msoko.reports.services import file_name

Job = tuple[Document, str, str]  # document, format, target path


def _render_to(job: Job) -> str:
    from msoko.reports.render import render

    document, fmt, path = job
    Path(path).write_bytes(render(document, fmt))
    return path


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run_jobs(jobs: Iterable[Job], total: int, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None, render: Callable[[Job], object] = _render_to,
             ) -> list:
    """Render `jobs` (built lazily, in this process) with `workers` processes; returns what `render`
    returned for each job in completion order. `progress(done, total)` is called after every job."""
    from django.db import connections

    report = progress or (lambda done, total: None)
    workers = workers or default_workers()
    results: list = []
    if workers <= 1 or total < 4:
        for job in jobs:
            results.append(render(job))
            report(len(results), total)
        return results
    # Forked workers never touch the database and leave through os._exit, so an inherited connection
    # is never used or closed by them; closing it first is still the safe default — except inside a
    # transaction (a caller's atomic block, a test), where closing would end the transaction.
    if not any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        connections.close_all()
    lock = threading.Lock()
    failures: list[BaseException] = []

    def finished(result) -> None:  # runs in the pool's result thread
        with lock:
            results.append(result)
            report(len(results), total)

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending = [pool.apply_async(render, (job,), callback=finished, error_callback=failures.append)
                   for job in jobs]
        for item in pending:
            item.wait()
    if failures:
        raise failures[0]
    return results


def card_jobs(contexts: list[ReportContext], fmt: str, folder: Path) -> Iterator[Job]:
    for ctx in contexts:
        batch = CardBatch(ctx)
        for code in ctx.schools:
            target = folder / file_name("card", {"org": code, "year": ctx.year}, fmt)
            yield build_card(ctx, code, batch), fmt, str(target)


def render_cards(contexts: Iterable[ReportContext], fmt: str, folder: Path, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write one card per school of every context into `folder`; returns the files in school order."""
    contexts = list(contexts)
    folder.mkdir(parents=True, exist_ok=True)
    total = sum(len(ctx.schools) for ctx in contexts)
    run_jobs(card_jobs(contexts, fmt, folder), total, workers, progress)
    return [folder / file_name("card", {"org": code, "year": ctx.year}, fmt) for ctx in contexts for code in ctx.schools]
