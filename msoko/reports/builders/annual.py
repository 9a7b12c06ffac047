"""Annual report «О состоянии системы образования» of a municipality: every direction's indicators,
the assessment procedures, ШНОР / ШНСУ, the direction × cycle matrix and the effectiveness analyses."""

from __future__ import annotations

import polars as pl

from msoko.collection import frames, vpr_spec
from msoko.reports import stats
from msoko.reports.builders import findings
from msoko.reports.builders.common import ReportContext, latest_run, year_label
from msoko.reports.builders.direction import STATUS_MARK, effectiveness_section, indicator_section
from msoko.reports.builders.indicators import IndicatorData, load
from msoko.reports.charts import BarChart
from msoko.reports.document import Column, Document, Section, Table


def _organisations_section(ctx: ReportContext) -> Section:
    from collections import Counter

    from msoko.registry.models import Organisation

    section = Section("Общие сведения о системе образования")
    kinds = Counter(o.kind for o in ctx.organisations.values())
    labels = dict(Organisation.Kind.choices)
    section.para(f"Муниципалитет: {ctx.municipality.name}. Организаций в {ctx.label} учебном году — "
                 f"{len(ctx.organisations)}, из них школ — {kinds.get('school', 0)}.")
    clusters = Counter(ctx.clusters.get(code) or "без кластера" for code in ctx.schools)
    section.add(Table("orgs", "Организации по типам", [Column("Тип"), Column("Число", "int")],
                      [[labels.get(k, k), n] for k, n in sorted(kinds.items())]))
    section.add(Table("clusters", "Школы по кластерам", [Column("Кластер"), Column("Школ", "int")],
                      [[k, n] for k, n in sorted(clusters.items())]))
    return section


def _procedures_section(ctx: ReportContext) -> Section:
    section = Section("Результаты оценочных процедур")
    ids = [o.pk for o in ctx.schools.values()]
    vpr = frames.vpr_frame(organisation_ids=ids, years=[ctx.year])
    if not vpr.is_empty():
        summary = stats.mark_summary(vpr, ["subject", "grade"])
        section.add(Table("vpr_summary", f"ВПР по предметам и классам, {ctx.label}", [
            Column("Предмет"), Column("Класс", "int"), Column("Участников", "int"), Column("«2», %", "pct"),
            Column("Качество, %", "pct")],
            [[vpr_spec.SUBJECTS.get(r["subject"], r["subject"]), r["grade"], r["participants"], r["p2"], r["quality"]]
             for r in summary.iter_rows(named=True)]))
        by_subject = stats.mark_summary(vpr, ["subject"])
        from msoko.reports.document import Figure

        section.add(Figure("vpr_summary_chart", f"ВПР: доля «2» и качество по предметам, {ctx.label}",
                           BarChart("ВПР по предметам", [vpr_spec.SUBJECTS.get(s, s) for s in by_subject["subject"]],
                                    {"доля «2»": by_subject["p2"].to_list(), "качество": by_subject["quality"].to_list()},
                                    ylabel="%")))
    gia = frames.gia_frame(organisation_ids=ids, years=ctx.years)
    if not gia.is_empty():
        summary = stats.gia_summary(gia.filter(pl.col("exam").is_in(["ОГЭ", "ЕГЭ"])), ["exam", "year"])
        section.add(Table("gia_summary", "ГИА по годам", [
            Column("Экзамен"), Column("Учебный год"), Column("Результатов", "int"), Column("Ниже минимума, %", "pct"),
            Column("Высокий балл (ЕГЭ), %", "pct")],
            [[r["exam"], year_label(r["year"]), r["participants"], r["p_below"],
              r["p_high"] if r["exam"] == "ЕГЭ" else None] for r in summary.iter_rows(named=True)]))
    olympiad = frames.olympiad_frame(organisation_ids=ids, years=ctx.years)
    if not olympiad.is_empty():
        summary = stats.olympiad_summary(olympiad.filter(pl.col("stage") == "municipal"), ["year"])
        section.add(Table("olymp_summary", "ВсОШ, муниципальный этап", [
            Column("Учебный год"), Column("Участий", "int"), Column("Победителей", "int"), Column("Призёров", "int")],
            [[year_label(r["year"]), r["participants"], r["winners"], r["prizes"]] for r in summary.iter_rows(named=True)]))
    if not section.blocks:
        section.para("Результатов оценочных процедур за этот год нет.", "note")
    return section


def _shnor_section(ctx: ReportContext) -> Section:
    from msoko.analytics.models import SchoolStatus

    section = Section("Школы с низкими результатами и в неблагоприятных условиях")
    run = latest_run(ctx, "shnor")
    if run is None:
        section.para("Расчёт ШНОР / ШНСУ не проводился.", "note")
        return section
    statuses = list(SchoolStatus.objects.filter(run=run, organisation__municipality=ctx.municipality)
                    .select_related("organisation").order_by("organisation__code"))
    stable = [s for s in statuses if s.stable_low]
    section.para(f"Расчёт №{run.pk} за {', '.join(year_label(y) for y in run.years)}: школ с устойчиво низкими "
                 f"результатами — {len(stable)}, с низкими результатами в неблагоприятных условиях — "
                 f"{sum(s.overlay for s in statuses)}, резильентных — {sum(s.resilient for s in statuses)}.")
    if stable:
        section.add(Table("shnor_list", "Школы с устойчиво низкими образовательными результатами", [
            Column("Школа"), Column("Кластер"), Column("Лет с низкими результатами", "int"),
            Column("Социальные условия"), Column("Типы")],
            [[s.organisation.short_name, s.cluster, s.low_years, s.social_status,
              "; ".join((s.types or {}).get("types", []))] for s in stable]))
    return section


def _matrix_section(ctx: ReportContext) -> Section:
    from msoko.catalog.cycle import CYCLE_POSITIONS
    from msoko.cycle.matrix import build_matrix
    from msoko.registry.models import AcademicYear

    section = Section("Направления и позиции управленческого цикла")
    rows = build_matrix(AcademicYear.objects.get(start_year=ctx.year), ctx.municipality)
    section.para("Для каждого направления — состояние девяти позиций управленческого цикла в отчётном году: "
                 "«есть», «частично» или «нет».")
    section.add(Table("matrix", f"Матрица «направление × позиция цикла», {ctx.label}", [
        Column("Направление"), *[Column(p.tab, narrow=True) for p in CYCLE_POSITIONS],
        Column("Заполненность, %", "pct")],
        [[f"{r.number}. {r.short_name}", *[STATUS_MARK.get(c.status, c.status) for c in r.cells], r.score_percent]
         for r in rows]))
    return section


def build_annual(ctx: ReportContext) -> Document:
    from msoko.catalog import selectors as catalog
    from msoko.registry.models import AcademicYear

    doc = Document("annual", f"О состоянии системы образования: {ctx.municipality.name}",
                   f"Ежегодный отчёт за {ctx.label} учебный год", meta=ctx.meta())
    doc.sections.append(_organisations_section(ctx))
    version = catalog.version_for_year(AcademicYear.objects.filter(start_year=ctx.year).first())
    data = load(ctx)
    directions = doc.section("Показатели по направлениям")
    variants = set(ctx.municipality.variant_directions or [])
    for direction in (catalog.directions_in_use(version, variants) if version else []):
        codes = {i.code for i in direction.indicators.all()}
        part = IndicatorData([i for i in data.indicators if i.code in codes],
                             data.per_org.filter(pl.col("indicator").is_in(codes)) if not data.per_org.is_empty() else data.per_org,
                             data.municipal.filter(pl.col("indicator").is_in(codes)) if not data.municipal.is_empty() else data.municipal,
                             data.by_cluster.filter(pl.col("indicator").is_in(codes)) if not data.by_cluster.is_empty() else data.by_cluster)
        sub = indicator_section(ctx, part, f"a{direction.number}", f"{direction.number}. {direction.name}", charts=1)
        directions.add(sub)
    doc.sections.append(_procedures_section(ctx))
    doc.sections.append(_shnor_section(ctx))
    found = doc.section("Зоны риска и объективность")
    found.add(findings.risk_section(ctx, None, "annual_risk", summary=True))
    found.add(findings.objectivity_section(ctx, None, "annual_obj", summary=True))
    doc.sections.append(_matrix_section(ctx))
    doc.sections.append(effectiveness_section(ctx, None, "annual"))
    doc.sections.append(findings.cycle_section(ctx, None, "annual"))
    return doc
