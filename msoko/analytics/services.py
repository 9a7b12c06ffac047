"""Analysis runs: compute with the pure core, store every result with its settings and inputs.

A run is created (`create_run`, status «в очереди»), then executed (`execute_run`): the input
frames are read, the core computes (progress is saved on the run as it goes), and all result rows,
the run's status and an audit entry are written in one transaction. Bad input or settings fail the
run with a Russian message and store no result rows. `run_shnor`, `run_objectivity` and
`run_monitoring` do both steps at once (for the command line, tests and the SQLite demo); pages
enqueue `msoko.analytics.tasks.execute_run_task` where a worker runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from msoko.analytics import inputs
from msoko.analytics.core.errors import AnalyticsError
from msoko.analytics.core.index_uncertainty import results_index_ci
from msoko.analytics.core.objectivity import CRITERIA, ObjectivitySettings
from msoko.analytics.core.objectivity import run_objectivity as objectivity_core
from msoko.analytics.core.risk import RiskSettings, risk_zones
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.core.shnor import ALL_SCHOOLS, identify
from msoko.analytics.core.status_change import StatusChangeSettings, status_change
from msoko.analytics.core.typology import TypologySettings, classify
from msoko.analytics.core.uncertainty import BORDERLINE, CONFIDENT
from msoko.analytics.models import (
    AnalysisRun,
    ObjectivityFlag,
    RiskZone,
    SchoolStatus,
    ShnorResult,
    StatusChange,
)
from msoko.catalog import selectors as catalog
from msoko.collection import frames
from msoko.collection.locks import read_snapshot
from msoko.core import audit
from msoko.registry.models import AcademicYear, Municipality, Organisation

Progress = Callable[[int, str], None]
DATA_KINDS = ("vpr", "gia", "olympiad", "oo1", "values", "preschool", "survey")
BOOTSTRAP_DEFAULTS = {"n_boot": 1000, "alpha": 0.05, "seed": 0}
BATCH = 5000


# ------------------------------------------------------------------------------------------------
# settings of a run (plain JSON on the run ↔ the core's dataclasses)


def shnor_settings_json(
    shnor: ShnorSettings | None = None, typology: TypologySettings | None = None, bootstrap: dict | None = None
) -> dict:
    return {
        "shnor": (shnor or ShnorSettings()).to_dict(),
        "typology": (typology or TypologySettings()).to_dict(),
        "bootstrap": {**BOOTSTRAP_DEFAULTS, **(bootstrap or {})},
    }


def objectivity_from_json(data: dict) -> ObjectivitySettings:
    values = dict(data)
    if "gia_pairs" in values:
        values["gia_pairs"] = tuple(tuple(p) for p in values["gia_pairs"])
    if "gia_subjects" in values:
        values["gia_subjects"] = tuple(values["gia_subjects"])
    if isinstance(values.get("gia_subject_aliases"), dict):
        values["gia_subject_aliases"] = tuple(values["gia_subject_aliases"].items())
    return ObjectivitySettings(**values)


def status_change_from_json(data: dict) -> StatusChangeSettings:
    values = dict(data)
    for name in ("status_quantiles", "change_cuts"):
        if name in values:
            values[name] = tuple(values[name])
    if isinstance(values.get("fixed_cuts"), dict):
        values["fixed_cuts"] = tuple((k, tuple(v)) for k, v in values["fixed_cuts"].items())
    if "grid" in values:
        values["grid"] = tuple(tuple(row) for row in values["grid"])
    return StatusChangeSettings(**values)


# ------------------------------------------------------------------------------------------------
# the run's life


def create_run(
    kind: str, *, municipality: Municipality | None = None, years: list[int] | None = None,
    settings: dict | None = None, actor: Any = None,
) -> AnalysisRun:
    """A new run «в очереди» with its settings (validated now, so a bad form fails at once)."""
    settings = settings or {}
    if kind == AnalysisRun.Kind.SHNOR:
        ShnorSettings(**settings.get("shnor", {}))
        TypologySettings(**settings.get("typology", {}))
    elif kind == AnalysisRun.Kind.OBJECTIVITY:
        objectivity_from_json(settings.get("objectivity", {}))
    elif kind == AnalysisRun.Kind.MONITORING:
        RiskSettings(**settings.get("risk", {}))
        status_change_from_json(settings.get("status_change", {}))
        if not years:
            raise AnalyticsError("Для мониторинга укажите учебный год.")
    else:
        raise AnalyticsError(f"Неизвестный вид анализа «{kind}».")
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        run = AnalysisRun.objects.create(
            kind=kind, municipality=municipality, years=list(years or []), settings=settings, created_by=user,
        )
        audit.record(actor, "analysis.create", run, after={"kind": kind, "years": run.years, "settings": settings})
    return run


def execute_run(run: AnalysisRun, progress: Progress | None = None, actor: Any = None) -> AnalysisRun:
    """Compute and store the run; on bad input the run is «ошибка» with the message, nothing else."""
    def report(percent: int, stage: str) -> None:
        AnalysisRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage[:200])
        run.progress, run.stage = percent, stage
        if progress:
            progress(percent, stage)

    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING, started_at=timezone.now())
    run.status = AnalysisRun.Status.RUNNING
    try:
        compute = {"shnor": _compute_shnor, "objectivity": _compute_objectivity, "monitoring": _compute_monitoring}
        store = compute[run.kind](run, report)
    except AnalyticsError as exc:
        with transaction.atomic():
            run.status = AnalysisRun.Status.FAILED
            run.error = str(exc)
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            audit.record(actor, "analysis.failed", run, after={"error": run.error})
        return run
    report(90, "Сохранение результатов")
    with transaction.atomic():
        store()
        run.status = AnalysisRun.Status.DONE
        run.progress, run.stage = 100, "Готово"
        run.finished_at = timezone.now()
        run.save()
        audit.record(actor, "analysis.done", run, after={"summary": run.summary, "inputs": run.inputs})
    refresh_indicator_store()  # the pages read indicator values stored once per data change
    if progress:
        progress(100, "Готово")
    return run


def _org_ids(orgs: list[Organisation]) -> dict[str, int]:
    return {o.code: o.pk for o in orgs}


def _inputs(version, years: list[int]) -> dict:
    return {
        "catalog_version": version.label if version else None,
        "imports": frames.batches_in_force(DATA_KINDS, years),
    }


def _bulk(model, rows: list) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])


# ------------------------------------------------------------------------------------------------
# ШНОР / ШНСУ


def run_shnor(
    municipality: Municipality | None = None,
    settings: ShnorSettings | None = None,
    actor: Any = None,
    progress: Progress | None = None,
    *,
    typology: TypologySettings | None = None,
    bootstrap: dict | None = None,
    years: list[int] | None = None,
) -> AnalysisRun:
    run = create_run(
        AnalysisRun.Kind.SHNOR, municipality=municipality, years=years,
        settings=shnor_settings_json(settings, typology, bootstrap), actor=actor,
    )
    return execute_run(run, progress, actor)


def _compute_shnor(run: AnalysisRun, report: Progress) -> Callable[[], None]:
    settings = ShnorSettings(**run.settings.get("shnor", {}))
    typology_settings = TypologySettings(**run.settings.get("typology", {}))
    boot = {**BOOTSTRAP_DEFAULTS, **run.settings.get("bootstrap", {})}
    version = catalog.current_version()
    if version is None:
        raise AnalyticsError("Не загружен каталог показателей: выявление ШНОР невозможно.")
    orgs = inputs.schools(run.municipality)
    if not orgs:
        raise AnalyticsError("Нет школ: загрузите реестр организаций.")
    years = run.years or inputs.stored_years()
    report(5, "Чтение значений показателей")
    with read_snapshot():  # the values and the list of imports they came from: one committed state
        long, _ = inputs.shnor_long_frame(version, orgs, years)
        used = _inputs(version, years)
    if long.is_empty():
        raise AnalyticsError("Нет значений показателей результатов и социальных условий: загрузите данные.")
    report(25, "Выявление ШНОР и ШНСУ")
    result = identify(long.drop("numerator", "denominator", "multiplier"), settings)
    run.years = result.window_years
    report(45, "Доверительные интервалы индекса результатов")
    results_rows = long.filter((pl.col("block") == "results") & pl.col("year").is_in(result.window_years))
    group = pl.col("cluster") if settings.group_by == "cluster" else pl.lit(ALL_SCHOOLS)
    ci = results_index_ci(
        results_rows.with_columns(group=group), settings,
        n_boot=int(boot["n_boot"]), alpha=float(boot["alpha"]), seed=boot["seed"],
    ).select("year", "group", "org_code", ci_low="low", ci_high="high")
    results = _certainty(result.results.join(ci, on=["year", "group", "org_code"], how="left"))

    report(60, "Типология школ с низкими результатами")
    latest = result.window_years[-1]
    low_latest = set(result.results.filter((pl.col("year") == latest) & pl.col("low"))["org_code"].to_list())
    typed_codes = sorted(set(result.stable_low) | low_latest)
    typed = [o for o in orgs if o.code in typed_codes]
    types: dict[str, dict] = {}
    conditions_how: dict[str, str] = {}
    if typed:
        conditions, conditions_how = inputs.conditions_frame(version, orgs, latest)
        conditions = conditions.filter(pl.col("org_code").is_in(typed_codes))
        findings = _objectivity_findings(run.municipality, latest)
        typology = classify(conditions, objectivity=findings, settings=typology_settings)
        areas = typology.areas.with_columns(pl.col("failed").list.join("; "))
        by_org: dict[str, list[dict]] = {}
        for row in areas.iter_rows(named=True):
            by_org.setdefault(row["org_code"], []).append(
                {"area": row["area_title"], "index": row["index"], "group": row["group"], "failed": row["failed"]}
            )
        for row in typology.schools.iter_rows(named=True):
            types[row["org_code"]] = {
                "types": row["types"], "reasons": row["reasons"], "objectivity": row["objectivity"],
                "areas": by_org.get(row["org_code"], []), "year": latest,
            }
    ids = _org_ids(orgs)
    report(80, "Подготовка результатов")
    shnor_rows = []
    for block, table, flag in (("results", results, "low"), ("social", result.social, "unfavourable")):
        has_ci = "ci_low" in table.columns
        for row in table.iter_rows(named=True):
            shnor_rows.append(
                ShnorResult(
                    run=run, organisation_id=ids[row["org_code"]], year=row["year"], group=row["group"] or "",
                    block=block, index=row["index"], rank=row["rank"], schools=row["n"], flagged=bool(row[flag]),
                    ci_low=row["ci_low"] if has_ci else None, ci_high=row["ci_high"] if has_ci else None,
                    confidence=(row.get("certainty") or "") if has_ci else "",
                    indicators_used=row["indicators_used"] or 0, missing=bool(row["indicators_missing"]),
                )
            )
    status_rows = [
        SchoolStatus(
            run=run, organisation_id=ids[row["org_code"]], cluster=row["cluster"] or "",
            low_years=row["low_years"], unfavourable_years=row["unfavourable_years"],
            stable_low=row["stable_low"], social_status=row["social_status"], overlay=row["overlay"],
            resilient=row["resilient"], insufficient_data=row["insufficient_data"],
            types=types.get(row["org_code"], {}),
        )
        for row in result.schools.iter_rows(named=True)
    ]
    run.inputs = {**used, "imports": [i for i in used["imports"] if i["year"] in result.window_years]}
    run.warnings = list(result.warnings)
    run.summary = {
        "window_years": result.window_years,
        "schools": result.schools.height,
        "stable_low": result.stable_low,
        "overlay": result.overlay,
        "resilient": result.resilient,
        "insufficient_data": result.insufficient_data,
        "social_status": result.social_status,
        "low_by_year": {
            str(y): sorted(result.results.filter((pl.col("year") == y) & pl.col("low"))["org_code"].to_list())
            for y in result.window_years
        },
        "conditions_norms": conditions_how,
    }

    def store() -> None:
        _bulk(ShnorResult, shnor_rows)
        _bulk(SchoolStatus, status_rows)

    return store


def _certainty(results: pl.DataFrame) -> pl.DataFrame:
    """Add ``cutoff`` and ``certainty`` per year and group.

    The cutoff is the boundary of the flagged zone: midway between the highest index flagged low
    and the lowest index not flagged (the highest flagged index when every school is flagged).
    «с уверенностью» — the whole interval lies at or below the cutoff (the school stays in the list
    wherever in its interval its true index is); «пограничная» — only part of it (or the point
    index) does: the rule of `uncertainty.classify_interval`.
    """
    ranked = results.filter(pl.col("index").is_not_null())
    top = ranked.filter(pl.col("low")).group_by("year", "group").agg(top=pl.col("index").max())
    rest = ranked.filter(~pl.col("low")).group_by("year", "group").agg(rest=pl.col("index").min())
    cutoff = top.join(rest, on=["year", "group"], how="left").select(
        "year", "group",
        cutoff=pl.when(pl.col("rest").is_null()).then(pl.col("top")).otherwise((pl.col("top") + pl.col("rest")) / 2),
    )
    lo, hi, cut = pl.col("ci_low"), pl.col("ci_high"), pl.col("cutoff")
    certainty = (
        pl.when(lo.is_null() | hi.is_null() | cut.is_null()).then(None)
        .when(hi <= cut).then(pl.lit(CONFIDENT))
        .when((lo <= cut) | (pl.col("index") <= cut)).then(pl.lit(BORDERLINE))
        .otherwise(None)
    )
    return results.join(cutoff, on=["year", "group"], how="left").with_columns(certainty=certainty.cast(pl.String))


def latest_run(kind: str, municipality: Municipality | None) -> AnalysisRun | None:
    """The newest finished run of a kind for the municipality (or for all municipalities)."""
    qs = AnalysisRun.objects.filter(kind=kind, status=AnalysisRun.Status.DONE)
    if municipality is not None:
        qs = qs.filter(municipality__in=[municipality]) | qs.filter(municipality__isnull=True)
    return qs.order_by("-finished_at", "-id").first()


def _objectivity_findings(municipality: Municipality | None, year: int) -> pl.DataFrame | None:
    """Flagged school-years of the latest objectivity run: the typology's ``org_code, finding``."""
    run = latest_run(AnalysisRun.Kind.OBJECTIVITY, municipality)
    if run is None:
        return None
    rows = ObjectivityFlag.objects.filter(
        run=run, criterion=ObjectivityFlag.SUMMARY, flagged=True, year=year
    ).values_list("organisation__code", "scope")
    return pl.DataFrame(
        [(code, f"{year}/{(year + 1) % 100:02d}: {scope}") for code, scope in rows],
        schema={"org_code": pl.String, "finding": pl.String}, orient="row",
    )


# ------------------------------------------------------------------------------------------------
# objectivity


def run_objectivity(
    municipality: Municipality | None = None,
    settings: ObjectivitySettings | None = None,
    actor: Any = None,
    progress: Progress | None = None,
    *,
    years: list[int] | None = None,
) -> AnalysisRun:
    run = create_run(
        AnalysisRun.Kind.OBJECTIVITY, municipality=municipality, years=years,
        settings={"objectivity": (settings or ObjectivitySettings()).to_dict()}, actor=actor,
    )
    return execute_run(run, progress, actor)


def _compute_objectivity(run: AnalysisRun, report: Progress) -> Callable[[], None]:
    settings = objectivity_from_json(run.settings.get("objectivity", {}))
    orgs = inputs.schools(run.municipality)
    ids = _org_ids(orgs)
    years = run.years or None
    report(5, "Чтение результатов ВПР, ГИА и ВсОШ")
    # ГИА of the next year is compared with ВПР of this one: read one year more when years are given
    gia_years = sorted({*years, *(y + 1 for y in years)}) if years else None
    with read_snapshot():  # the three procedures and the list of imports they came from: one committed state
        vpr = frames.vpr_frame(organisation_ids=ids.values(), years=years)
        gia = frames.gia_frame(organisation_ids=ids.values(), years=gia_years)
        olympiad = frames.olympiad_frame(organisation_ids=ids.values(), years=years)
        imports = frames.batches_in_force(("vpr", "gia", "olympiad"), gia_years)
    if vpr.is_empty():
        raise AnalyticsError("Нет результатов ВПР: загрузите выгрузку ФИС ОКО.")
    report(45, "Проверка критериев объективности")
    result = objectivity_core(vpr, None if gia.is_empty() else gia, None if olympiad.is_empty() else olympiad, settings)
    details = result.details
    summary = result.summary
    if years:
        details = details.filter(pl.col("year").is_in(years))
        summary = summary.filter(pl.col("year").is_in(years))
    run.years = sorted(summary["year"].unique().to_list()) if years is None else list(years)
    kept = details.filter(pl.col("flagged"))
    flags = [
        ObjectivityFlag(
            run=run, organisation_id=ids[r["org_code"]], year=r["year"], criterion=r["criterion"],
            scope=(r["scope"] or "")[:200], flagged=True, value=r["value"], threshold=r["threshold"],
            evidence=r["evidence"] or "",
        )
        for r in kept.iter_rows(named=True) if r["org_code"] in ids
    ]
    flags += [
        ObjectivityFlag(
            run=run, organisation_id=ids[r["org_code"]], year=r["year"], criterion=ObjectivityFlag.SUMMARY,
            scope=(r["criteria"] or "")[:200], flagged=bool(r["flagged"]), value=float(r["criteria_flagged"]),
            threshold=float(settings.min_criteria),
            evidence=f"Проверено критериев: {r['criteria_checked']}, с признаками: {r['criteria_flagged']}.",
        )
        for r in summary.iter_rows(named=True) if r["org_code"] in ids and r["criteria_flagged"] > 0
    ]
    flagged = summary.filter(pl.col("flagged"))
    run.inputs = {
        "imports": imports,
        "participants": {"vpr": vpr.height, "gia": gia.height, "olympiad": olympiad.height},
    }
    run.summary = {
        "flagged_by_year": {
            str(y): sorted(flagged.filter(pl.col("year") == y)["org_code"].to_list()) for y in run.years
        },
        "signals": kept.group_by("criterion").len().sort("criterion").rows(),
        "criteria": CRITERIA,
    }

    def store() -> None:
        _bulk(ObjectivityFlag, flags)

    return store


# ------------------------------------------------------------------------------------------------
# monitoring: risk zones and status × change


def run_monitoring(
    year: int,
    municipality: Municipality | None = None,
    risk: RiskSettings | None = None,
    grid: StatusChangeSettings | None = None,
    actor: Any = None,
    progress: Progress | None = None,
) -> AnalysisRun:
    run = create_run(
        AnalysisRun.Kind.MONITORING, municipality=municipality, years=[year],
        settings={"risk": (risk or RiskSettings()).to_dict(), "status_change": (grid or StatusChangeSettings()).to_dict()},
        actor=actor,
    )
    return execute_run(run, progress, actor)


def _compute_monitoring(run: AnalysisRun, report: Progress) -> Callable[[], None]:
    risk_settings = RiskSettings(**run.settings.get("risk", {}))
    grid_settings = status_change_from_json(run.settings.get("status_change", {}))
    year = run.years[-1]
    academic_year = AcademicYear.objects.filter(start_year=year).first()
    version = catalog.version_for_year(academic_year)
    if version is None:
        raise AnalyticsError("Не загружен каталог показателей.")
    orgs = inputs.organisations(run.municipality)
    ids = _org_ids(orgs)
    report(10, "Чтение значений показателей")
    with read_snapshot():  # the values and the list of imports they came from: one committed state
        data, indicators = inputs.monitoring_frame(version, orgs, year)
        used = _inputs(version, [year - 1, year])
    if data.filter(pl.col("year") == year).is_empty():
        raise AnalyticsError(f"Нет значений показателей за {year}/{(year + 1) % 100:02d} учебный год.")
    report(40, "Зоны риска")
    zones = risk_zones(data.filter(pl.col("year") == year), risk_settings)
    report(60, "Уровни и изменения")
    grid = status_change(data, grid_settings).filter(pl.col("year") == year)
    direction = dict(data.select("indicator", "direction_number").unique().iter_rows())
    zone_rows = [
        RiskZone(
            run=run, organisation_id=ids[r["org_code"]], year=r["year"], indicator_code=r["indicator"],
            rule=r["rule"], value=r["value"], reference=r["reference"], reason=r["reason"],
        )
        for r in zones.iter_rows(named=True)
    ]
    grid_rows = [
        StatusChange(
            run=run, organisation_id=ids[r["org_code"]], year=r["year"], indicator_code=r["indicator"],
            direction_number=direction.get(r["indicator"]), value=r["value"], previous=r["previous"],
            rank=r["rank"], status_level=r["status_level"], change_level=r["change_level"], colour=r["colour"] or "",
        )
        for r in grid.iter_rows(named=True)
    ]
    run.inputs = used
    run.summary = {
        "indicators": len(indicators),
        "risk_zones": len(zone_rows),
        "organisations_at_risk": zones["org_code"].n_unique() if zones.height else 0,
        "colours": dict(grid.group_by("colour").len().drop_nulls().iter_rows()),
    }

    def store() -> None:
        _bulk(RiskZone, zone_rows)
        _bulk(StatusChange, grid_rows)

    return store


def parse_settings(kind: str, values: dict[str, str]) -> dict:
    """Settings JSON of a run from form fields named like the dataclass fields (empty = default)."""
    def typed(cls, data: dict[str, str]) -> dict:
        out: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            raw = (data.get(f.name) or "").strip()
            if not raw:
                continue
            if f.type in ("int", int):
                try:
                    out[f.name] = int(raw)
                except ValueError:
                    raise AnalyticsError(f"Параметр {f.name}: ожидается целое число, получено «{raw}».") from None
            elif f.type in ("float", float):
                try:
                    out[f.name] = float(raw.replace(",", "."))
                except ValueError:
                    raise AnalyticsError(f"Параметр {f.name}: ожидается число, получено «{raw}».") from None
            elif f.type in ("str", str):
                out[f.name] = raw
        return out

    if kind == AnalysisRun.Kind.SHNOR:
        shnor = typed(ShnorSettings, values)
        return shnor_settings_json(ShnorSettings(**shnor), TypologySettings(**typed(TypologySettings, values)))
    if kind == AnalysisRun.Kind.OBJECTIVITY:
        return {"objectivity": ObjectivitySettings(**typed(ObjectivitySettings, values)).to_dict()}
    return {
        "risk": RiskSettings(**typed(RiskSettings, values)).to_dict(),
        "status_change": StatusChangeSettings().to_dict(),
    }


# ------------------------------------------------------------------------------------------------
# stored indicator values: computed once per import / analysis run, read by the pages


def _store_versions() -> list:
    """Every catalog version a year is computed with, and the current one."""
    from msoko.catalog.models import CatalogVersion

    ids = {y.catalog_version_id for y in AcademicYear.objects.all() if y.catalog_version_id}
    current = catalog.current_version()
    if current is not None:
        ids.add(current.pk)
    return list(CatalogVersion.objects.filter(pk__in=ids).order_by("pk"))


def refresh_indicator_store(*, force: bool = False):
    """Recompute the stored indicator values and municipal aggregates if the data changed.

    Per organisation × year × indicator (of every catalog version in use) the numerator, denominator
    and value, and per municipality × organisation kind × year the aggregate by the indicator's rule
    (the same `aggregate` the pages used to call per request). Runs after every analysis run and,
    lazily, on the first page that needs the values after an import; concurrent callers wait on the
    state row and the later one finds the store fresh. Returns the `IndicatorStore` state.
    """
    import time

    from msoko.analytics import selectors
    from msoko.analytics.models import IndicatorAggregate, IndicatorStore, IndicatorValue

    stamp = selectors.data_stamp()
    state = IndicatorStore.objects.filter(pk=1).first()
    if state is not None and state.stamp == stamp and not force:
        return state
    started = time.perf_counter()
    with transaction.atomic():
        state, _ = IndicatorStore.objects.select_for_update().get_or_create(pk=1)
        if state.stamp == stamp and not force:
            return state
        orgs = {o.code: o for o in Organisation.objects.only("pk", "code", "municipality_id", "kind")}
        values, aggregates, held = [], [], []
        for version in _store_versions():
            indicators = list(version.indicators.all())
            held += [i.pk for i in indicators]
            per_org = selectors.indicator_values(indicators)
            if per_org.is_empty():
                continue
            ids = {i.code: i.pk for i in indicators}
            per_org = per_org.filter(pl.col("org_code").is_in(list(orgs)))
            for r in per_org.iter_rows(named=True):
                values.append(IndicatorValue(
                    indicator_id=ids[r["indicator"]], organisation_id=orgs[r["org_code"]].pk, year=r["year"],
                    numerator=r["numerator"], denominator=r["denominator"], value=r["value"],
                ))
            labels = pl.DataFrame(
                [(code, o.municipality_id, o.kind) for code, o in orgs.items()],
                schema={"org_code": pl.Utf8, "municipality": pl.Int64, "org_kind": pl.Utf8}, orient="row",
            )
            grouped = selectors.aggregate_values(
                indicators, per_org.join(labels, on="org_code", how="inner"), by=("municipality", "org_kind", "year")
            )
            for r in grouped.iter_rows(named=True):
                aggregates.append(IndicatorAggregate(
                    indicator_id=ids[r["indicator"]], municipality_id=r["municipality"], org_kind=r["org_kind"],
                    year=r["year"], numerator=r["numerator"], denominator=r["denominator"], value=r["value"],
                    organisations=r["organisations"] or 0,
                ))
        IndicatorValue.objects.all().delete()
        IndicatorAggregate.objects.all().delete()
        _bulk(IndicatorValue, values)
        _bulk(IndicatorAggregate, aggregates)
        before = {"stamp": state.stamp, "rows": state.rows}
        state.stamp, state.indicator_ids, state.rows = stamp, held, len(values)
        state.refreshed_at = timezone.now()
        state.seconds = round(time.perf_counter() - started, 3)
        state.save()
        audit.record(None, "indicators.refresh", state, before=before,
                     after={"stamp": stamp, "rows": len(values), "aggregates": len(aggregates)})
    return state
