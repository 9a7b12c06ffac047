"""`msoko report KIND [--year Y] [--org CODE] [--direction N] [--subject S] [--grade G] --format F --out PATH`.

`--org all` with KIND card writes the report card of every school of the municipality into the
folder PATH (one file per school), computing the municipality's indicator values once.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from msoko.reports.builders import KINDS, ReportError
from msoko.reports.services import FILE_FORMATS, generate


class Command(BaseCommand):
    help = "Сформировать отчёт: " + "; ".join(f"{k} — {v[0]}" for k, v in KINDS.items())

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS), help="вид отчёта")
        parser.add_argument("--year", type=int, help="учебный год (год начала, например 2024 = 2024/25)")
        parser.add_argument("--org", help="код организации (для card; all — все школы, --out тогда папка)")
        parser.add_argument("--direction", type=int, help="номер направления (для direction)")
        parser.add_argument("--subject", help="код предмета (vpr: ru, ma, …; oge/ege — необязательно)")
        parser.add_argument("--grade", type=int, help="класс (для vpr)")
        parser.add_argument("--format", dest="fmt", choices=FILE_FORMATS, required=True)
        parser.add_argument("--out", required=True, help="файл (или папка для --org all)")
        parser.add_argument("--workers", type=int, help="процессов оформления для --org all (по умолчанию — ядер)")

    def handle(self, *args, **options):
        kind, fmt, out = options["kind"], options["fmt"], Path(options["out"])
        params = {k: options[k] for k in ("year", "org", "direction", "subject", "grade") if options.get(k) is not None}
        try:
            if kind == "card" and str(params.get("org", "")).lower() == "all":
                self._all_cards(params, fmt, out, options["workers"])
                return
            bar = tqdm(total=100, desc=KINDS[kind][0][:40], unit="%", disable=options["verbosity"] == 0)

            def step(percent: int, stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.update(percent - bar.n)

            content, title = generate(kind, params, fmt, progress=step)
            step(100, "готово")
            bar.close()
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        size = f"{len(content):,}".replace(",", " ")
        self.stdout.write(f"{title}: {out} ({size} байт)")

    def _all_cards(self, params: dict, fmt: str, folder: Path, workers: int | None) -> None:
        from msoko.reports.batch import render_cards
        from msoko.reports.builders.common import make_context

        ctx = make_context(None, params.get("year"))
        bar = tqdm(total=len(ctx.schools), desc="Карты организаций", unit="шк.")

        def step(done: int, total: int) -> None:
            bar.update(done - bar.n)

        files = render_cards([ctx], fmt, folder, workers, step)
        bar.close()
        self.stdout.write(f"Карт организаций: {len(files)} в {folder}")
