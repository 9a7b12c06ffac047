"""`msoko analyse`: run the ШНОР / ШНСУ identification, the objectivity check and the monitoring on
the stored data; the results are stored as analysis runs and shown on the /analysis/ pages."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from msoko.analytics import services
from msoko.analytics.core.errors import AnalyticsError
from msoko.analytics.core.objectivity import ObjectivitySettings
from msoko.analytics.core.risk import RiskSettings
from msoko.analytics.core.settings import GROUPINGS, NORMALISATIONS, ShnorSettings
from msoko.analytics.models import AnalysisRun
from msoko.registry.models import AcademicYear, Municipality

KINDS = ("shnor", "objectivity", "monitoring", "all")


class Command(BaseCommand):
    help = "Анализ сохранённых данных: ШНОР/ШНСУ (shnor), объективность (objectivity), мониторинг (monitoring) или всё (all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS, help="вид анализа")
        parser.add_argument("--year", type=int, help="учебный год (год начала) для мониторинга и объективности")
        parser.add_argument("--municipality", help="код муниципалитета (по умолчанию — все)")
        parser.add_argument("--share", type=float, default=0.25, help="доля отбираемых школ ШНОР (0.25)")
        parser.add_argument("--window", type=int, default=3, help="окно анализа ШНОР, лет (3)")
        parser.add_argument("--normalisation", choices=NORMALISATIONS, default="minmax")
        parser.add_argument("--group-by", choices=GROUPINGS, default="cluster")
        parser.add_argument("--n-boot", type=int, default=1000, help="повторений бутстрепа (1000)")
        parser.add_argument("--min-criteria", type=int, default=2, help="критериев объективности для отметки (2)")
        parser.add_argument("--mad-k", type=float, default=3.0, help="порог зоны риска в MAD (3)")

    def handle(self, *args, **options) -> None:
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"Муниципалитет с кодом «{options['municipality']}» не найден.")
        year = options["year"]
        if year is None:
            current = AcademicYear.objects.filter(is_current=True).first() or AcademicYear.objects.order_by("start_year").last()
            year = current.start_year if current else None
        kinds = ["objectivity", "shnor", "monitoring"] if options["kind"] == "all" else [options["kind"]]
        failed = False
        for kind in kinds:
            bar = tqdm(total=100, desc=dict(AnalysisRun.Kind.choices)[kind], unit="%", leave=False)

            def progress(percent: int, stage: str, bar=bar) -> None:
                bar.set_postfix_str(stage)
                bar.n = percent
                bar.refresh()

            try:
                if kind == "shnor":
                    settings = ShnorSettings(
                        share=options["share"], window=options["window"],
                        normalisation=options["normalisation"], group_by=options["group_by"],
                    )
                    run = services.run_shnor(municipality, settings, progress=progress, bootstrap={"n_boot": options["n_boot"]})
                elif kind == "objectivity":
                    run = services.run_objectivity(
                        municipality, ObjectivitySettings(min_criteria=options["min_criteria"]), progress=progress,
                        years=[year] if options["year"] else None,
                    )
                else:
                    if year is None:
                        raise CommandError("Нет учебных лет: укажите --year.")
                    run = services.run_monitoring(year, municipality, RiskSettings(mad_k=options["mad_k"]), progress=progress)
            except AnalyticsError as exc:
                bar.close()
                raise CommandError(str(exc)) from None
            bar.close()
            if run.status == AnalysisRun.Status.DONE:
                self.stdout.write(f"{run}: {self._summary(run)}")
            else:
                failed = True
                self.stderr.write(f"{run}: {run.error}")
        if failed:
            raise CommandError("Часть расчётов завершилась с ошибкой.", returncode=2)

    @staticmethod
    def _summary(run: AnalysisRun) -> str:
        s = run.summary
        if run.kind == "shnor":
            return (f"окно {', '.join(map(str, s['window_years']))}; устойчиво низкие: {len(s['stable_low'])}, "
                    f"наложение: {len(s['overlay'])}, резильентные: {len(s['resilient'])}.")
        if run.kind == "objectivity":
            return "; ".join(f"{y}: {len(codes)} шк. с признаками" for y, codes in s["flagged_by_year"].items()) or "—"
        return f"показателей {s['indicators']}, зон риска {s['risk_zones']} у {s['organisations_at_risk']} организаций."
