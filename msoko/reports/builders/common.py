"""What every report builder needs: the municipality, the year window, schools with their clusters,
indicator values per school and aggregated, and the cycle records of a direction and year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl
from django.utils import timezone

from msoko.registry.models import AcademicYear, ClusterMembership, Municipality, Organisation

WINDOW = 4  # years shown in dynamics (at least 3 when the data has them)


class ReportError(ValueError):
    """A report cannot be built with these parameters (the message is for the user, in Russian)."""


def year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass
class ReportContext:
    municipality: Municipality
    year: int  # start year of the academic year the report is about
    years: list[int] = field(default_factory=list)  # the dynamics window, ascending, ending with `year`

    @cached_property
    def schools(self) -> dict[str, Organisation]:
        qs = Organisation.objects.filter(municipality=self.municipality, kind=Organisation.Kind.SCHOOL)
        return {o.code: o for o in qs.order_by("code")}

    @cached_property
    def organisations(self) -> dict[str, Organisation]:
        return {o.code: o for o in Organisation.objects.filter(municipality=self.municipality).order_by("code")}

    @cached_property
    def clusters(self) -> dict[str, str]:
        """Organisation code → cluster name in the report year (empty when it has none)."""
        qs = ClusterMembership.objects.filter(
            academic_year__start_year=self.year, organisation__municipality=self.municipality
        ).values_list("organisation__code", "cluster__name")
        return dict(qs)

    def cluster_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [(code, self.clusters.get(code) or "без кластера") for code in self.organisations],
            schema={"org_code": pl.String, "cluster": pl.String}, orient="row",
        )

    def name(self, code: str) -> str:
        org = self.organisations.get(code)
        return org.short_name if org else code

    @property
    def label(self) -> str:
        return year_label(self.year)

    def meta(self, **extra) -> dict:
        out = {"Муниципалитет": self.municipality.name, "Учебный год": self.label}
        out.update(extra)
        out["Сформирован"] = timezone.localtime().strftime("%d.%m.%Y %H:%M")
        return out


def make_context(municipality: Municipality | None = None, year: int | None = None) -> ReportContext:
    """The context of a report: the only (or given) municipality and the given or current year."""
    if municipality is None:
        municipalities = list(Municipality.objects.order_by("pk")[:2])
        if not municipalities:
            raise ReportError("Нет ни одного муниципалитета: сначала загрузите организации.")
        municipality = municipalities[0]
    years = sorted(AcademicYear.objects.values_list("start_year", flat=True))
    if not years:
        raise ReportError("Нет учебных лет: сначала создайте учебный год.")
    if year is None:
        current = AcademicYear.objects.filter(is_current=True).first()
        year = current.start_year if current else years[-1]
    if year not in years:
        raise ReportError(f"Учебного года {year_label(year)} нет в системе; есть: "
                          f"{', '.join(year_label(y) for y in years)}.")
    window = [y for y in years if y <= year][-WINDOW:]
    return ReportContext(municipality=municipality, year=year, years=window)


def year_bounds(start_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 8, 31)


def recommendations(ctx: ReportContext, *, direction: int | None = None, organisation=None) -> list:
    from msoko.cycle.models import Recommendation

    qs = Recommendation.objects.filter(municipality=ctx.municipality).select_related("organisation", "academic_year")
    qs = qs.filter(academic_year__start_year=ctx.year) | qs.filter(academic_year__isnull=True,
                                                                   created_at__year__in=[ctx.year, ctx.year + 1])
    if direction is not None:
        qs = qs.filter(direction_number=direction)
    if organisation is not None:
        qs = qs.filter(organisation=organisation).exclude(status=Recommendation.Status.DRAFT)
    return list(qs.order_by("direction_number", "pk"))


def decisions(ctx: ReportContext, *, direction: int | None = None) -> list:
    from msoko.cycle.models import Decision

    start, end = year_bounds(ctx.year)
    qs = Decision.objects.filter(municipality=ctx.municipality, date__range=(start, end))
    if direction is not None:
        qs = qs.filter(direction_number=direction)
    return list(qs.order_by("date", "pk"))


def effectiveness(ctx: ReportContext, *, direction: int | None = None) -> list:
    from msoko.cycle.models import EffectivenessAnalysis

    qs = EffectivenessAnalysis.objects.filter(municipality=ctx.municipality, academic_year__start_year=ctx.year)
    if direction is not None:
        qs = qs.filter(direction_number=direction)
    return list(qs.order_by("direction_number", "pk"))


def latest_run(ctx: ReportContext, kind: str, year: int | None = None):
    """The newest finished analysis run of this kind for the municipality (covering `year` if given)."""
    from msoko.analytics.models import AnalysisRun
    from msoko.analytics.selectors import models_q_municipality

    qs = AnalysisRun.objects.filter(kind=kind, status=AnalysisRun.Status.DONE).filter(
        models_q_municipality(ctx.municipality.pk)).order_by("-finished_at", "-id")
    for run in qs:
        if year is None or year in (run.years or []):
            return run
    return None
