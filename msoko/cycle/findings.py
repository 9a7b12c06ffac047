"""Findings of the stored analysis runs (`msoko.analytics`) that call for addressed recommendations.

The latest finished run of each kind is read: ШНОР / ШНСУ (school statuses over the window:
stably low results → «устойчиво низкие» and «ШНОР»; low results with unfavourable conditions →
also «ШНСУ»), objectivity (the schools flagged in a year) and monitoring (risk zones of a year,
by the direction of the indicator in the catalog). Each becomes a `Finding` with the evidence the
recommendation keeps. Reads only.
"""

from __future__ import annotations

from django.db.models import Q

from msoko.analytics.models import AnalysisRun, ObjectivityFlag, RiskZone, SchoolStatus
from msoko.cycle.models import FindingKind
from msoko.cycle.services.recommendations import Finding
from msoko.registry.models import Municipality, Organisation

SHNOR_DIRECTION = 2
OBJECTIVITY_DIRECTION = 1


def latest_run(municipality: Municipality, kind: str, year: int | None = None) -> AnalysisRun | None:
    """The newest finished run of `kind` for the municipality (or for all); `year` — its last year."""
    runs = AnalysisRun.objects.filter(kind=kind, status=AnalysisRun.Status.DONE).filter(
        Q(municipality=municipality) | Q(municipality__isnull=True)
    ).order_by("-finished_at", "-id")
    if year is None:
        return runs.first()
    return next((r for r in runs if r.years and r.years[-1] == year), None)


def shnor_findings(run: AnalysisRun, organisations=None) -> list[Finding]:
    """Stably low schools: «устойчиво низкие» and «ШНОР»; with unfavourable conditions also «ШНСУ»."""
    statuses = SchoolStatus.objects.filter(run=run).filter(stable_low=True).select_related("organisation")
    if organisations is not None:
        statuses = statuses.filter(organisation__in=organisations)
    window = run.summary.get("window_years", run.years)
    label = f"{_label(window[0])}–{_label(window[-1])}" if window else ""
    out: list[Finding] = []
    for s in statuses.order_by("organisation__code"):
        evidence = {"run": run.pk, "window": label, "low_years": s.low_years, "social_status": s.social_status,
                    "types": (s.types or {}).get("types", [])}
        indicator = "индекс образовательных результатов"
        out.append(Finding(FindingKind.SHNOR_STABLE, s.organisation, SHNOR_DIRECTION, indicator, evidence))
        out.append(Finding(FindingKind.SHNOR, s.organisation, SHNOR_DIRECTION, indicator, evidence))
        if s.overlay:
            out.append(Finding(FindingKind.SHNSU, s.organisation, SHNOR_DIRECTION, "индекс социального благополучия",
                               evidence))
    return out


def objectivity_findings(run: AnalysisRun, year: int, organisations=None) -> list[Finding]:
    """Schools whose results of the year show signs of bias (the summary verdict of the run)."""
    flags = ObjectivityFlag.objects.filter(run=run, year=year, criterion=ObjectivityFlag.SUMMARY, flagged=True)
    if organisations is not None:
        flags = flags.filter(organisation__in=organisations)
    out = []
    for f in flags.select_related("organisation").order_by("organisation__code"):
        signals = list(
            ObjectivityFlag.objects.filter(run=run, year=year, organisation=f.organisation, flagged=True)
            .exclude(criterion=ObjectivityFlag.SUMMARY).values_list("scope", flat=True)[:5]
        )
        out.append(Finding(FindingKind.OBJECTIVITY, f.organisation, OBJECTIVITY_DIRECTION, "результаты ВПР",
                           {"run": run.pk, "year": year, "evidence": f.evidence, "signals": signals}))
    return out


def risk_zone_findings(run: AnalysisRun, direction_number: int | None = None, organisations=None) -> list[Finding]:
    """One finding per organisation and indicator in a risk zone (directions from the catalog)."""
    from msoko.catalog.selectors import current_version

    version = current_version()
    indicators = {i.code: i for i in version.indicators.select_related("direction")} if version else {}
    zones = RiskZone.objects.filter(run=run).select_related("organisation").order_by("indicator_code", "organisation__code")
    if organisations is not None:
        zones = zones.filter(organisation__in=organisations)
    out: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for z in zones:
        indicator = indicators.get(z.indicator_code)
        number = indicator.direction.number if indicator else None
        if number is None or (direction_number is not None and number != direction_number):
            continue
        if (z.organisation_id, z.indicator_code) in seen:
            continue
        seen.add((z.organisation_id, z.indicator_code))
        out.append(Finding(FindingKind.RISK_ZONE, z.organisation, number, f"{z.indicator_code} {indicator.name}",
                           {"run": run.pk, "year": z.year, "indicator_code": z.indicator_code, "rule": z.rule,
                            "value": z.value, "reference": z.reference, "reason": z.reason}))
    return out


SOURCES = {
    AnalysisRun.Kind.SHNOR: "ШНОР / ШНСУ",
    AnalysisRun.Kind.OBJECTIVITY: "объективность результатов",
    AnalysisRun.Kind.MONITORING: "мониторинг показателей (зоны риска)",
}


def findings_for_organisation(
    municipality: Municipality, organisation: Organisation, sources: list[str] | None = None
) -> list[Finding]:
    """What the latest runs of the given kinds (all three by default) found about one organisation."""
    only = [organisation]
    out: list[Finding] = []
    kinds = sources or list(SOURCES)
    if AnalysisRun.Kind.SHNOR in kinds and (shnor := latest_run(municipality, AnalysisRun.Kind.SHNOR)):
        out += shnor_findings(shnor, only)
    objectivity = latest_run(municipality, AnalysisRun.Kind.OBJECTIVITY)
    if AnalysisRun.Kind.OBJECTIVITY in kinds and objectivity is not None and objectivity.years:
        out += objectivity_findings(objectivity, objectivity.years[-1], only)
    if AnalysisRun.Kind.MONITORING in kinds and (monitoring := latest_run(municipality, AnalysisRun.Kind.MONITORING)):
        out += risk_zone_findings(monitoring, None, only)
    return out


def _label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"
