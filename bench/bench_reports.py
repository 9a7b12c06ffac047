"""Benchmark of the reports (issue 6): the annual report of the demo municipality (< 30 s) and
report cards at region scale (1,500 schools, < 10 min).

    MSOKO_DATA_DIR=DIR .venv/bin/python bench/bench_reports.py [--cards 1500] [--format pdf] \
        [--workers N] [--year 2025] [--cards-only]

Needs a database with the demo (`msoko demo --no-serve` into the same MSOKO_DATA_DIR). Timed:

(a) the annual report «О состоянии системы образования»: building the document from the database,
    then DOCX and PDF rendering, each separately and in total;
(b) report cards: the municipality's indicator values and analysis results are read once
    (`CardBatch`), `--cards` documents are built (the demo's schools in turn, so a 28-school demo
    stands in for a 1,500-school region: the per-card work — building, charts, layout — is the same)
    and rendered by `--workers` processes (`msoko.reports.batch.run_jobs`) into a temporary folder,
    building overlapping the rendering.
`--cards-only` skips (a). Printed: seconds for each step, cards per second and the projection for
1,500 cards from the wall time; then the CPU seconds per card (rendering in the workers, building
here), which the load of a shared machine hardly changes, and the projection for 1,500 cards on
otherwise idle cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def _timed_render(job) -> float:
    """Render one card in a worker; returns the CPU seconds it took (the load-independent figure)."""
    from msoko.reports.batch import _render_to

    started = time.process_time()
    _render_to(job)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1500)
    parser.add_argument("--format", default="pdf", choices=["pdf", "docx", "xlsx"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--cards-only", action="store_true", help="time the report cards only, not the annual report")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
    import django

    django.setup()
    from msoko.reports.batch import default_workers, run_jobs
    from msoko.reports.builders import build
    from msoko.reports.builders.card import CardBatch, build_card
    from msoko.reports.builders.common import make_context
    from msoko.reports.render import render
    from msoko.reports.services import file_name

    if not args.cards_only:
        params = {"year": args.year} if args.year else {}
        started = time.perf_counter()
        document = build("annual", params)
        built = time.perf_counter()
        docx = render(document, "docx")
        rendered_docx = time.perf_counter()
        pdf = render(document, "pdf")
        done = time.perf_counter()
        print(f"annual report: build {built - started:.1f} s, DOCX {rendered_docx - built:.1f} s "
              f"({len(docx) // 1024} KB), PDF {done - rendered_docx:.1f} s ({len(pdf) // 1024} KB); "
              f"total {done - started:.1f} s (target < 30 s)")

    ctx = make_context(None, args.year)
    schools = list(ctx.schools)
    workers = args.workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="msoko-cards-") as folder:
        started = time.perf_counter()
        batch = CardBatch(ctx)
        batch.data, batch.ranks  # noqa: B018 — computed once, timed here
        loaded = time.perf_counter()
        building = {"seconds": 0.0}

        def jobs():
            for n in range(args.cards):
                begun = time.perf_counter()
                code = schools[n % len(schools)]
                target = Path(folder) / file_name("card", {"org": f"{code}-{n}", "year": ctx.year}, args.format)
                job = (build_card(ctx, code, batch), args.format, str(target))
                building["seconds"] += time.perf_counter() - begun
                yield job

        cpu = sum(run_jobs(jobs(), args.cards, workers, render=_timed_render))
        done = time.perf_counter()
        built = loaded + building["seconds"]
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
    total = done - started
    per_card = total / args.cards
    print(f"report cards: {args.cards} × {args.format.upper()} with {workers} worker(s): data {loaded - started:.1f} s, "
          f"documents {built - loaded:.1f} s (overlapping the rendering); total {total:.1f} s "
          f"({args.cards / total:.2f} cards/s, {size // args.cards // 1024} KB each); "
          f"1,500 cards ≈ {per_card * 1500 / 60:.1f} min (target < 10 min)")
    # all the work (data, documents in this process, rendering in the workers) spread over the cores
    work = (loaded - started) + (built - loaded + cpu) / args.cards * 1500
    print(f"rendering CPU {cpu / args.cards:.2f} s per card in the workers, documents "
          f"{(built - loaded) / args.cards:.3f} s per card here; on {workers} otherwise idle cores "
          f"1,500 cards ≈ {work / workers / 60:.1f} min; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
