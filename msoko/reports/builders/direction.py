"""Аналитическая справка per direction: indicators with dynamics, status × change, risk zones,
the cycle's recommendations and decisions, effectiveness analyses and the direction's cycle row."""

from __future__ import annotations

import polars as pl

from msoko.catalog import selectors as catalog
from msoko.reports.builders import findings
from msoko.reports.builders.common import ReportContext, ReportError, effectiveness, latest_run, year_label
from msoko.reports.builders.indicators import IndicatorData, load, municipal_table_rows
from msoko.reports.charts import GridChart, LineChart
from msoko.reports.document import Column, Document, Figure, Section, Table

MAX_DYNAMICS_CHARTS = 4


def indicator_section(ctx: ReportContext, data: IndicatorData, key: str, heading: str = "Показатели",
                      charts: int = MAX_DYNAMICS_CHARTS) -> Section:
    section = Section(heading)
    if not data.indicators:
        section.para("Значений показателей за эти годы нет.", "note")
        return section
    columns = [Column("Код", narrow=True), Column("Показатель"), Column("Ед.", narrow=True)]
    columns += [Column(year_label(y), "num") for y in ctx.years]
    columns += [Column("Изменение", "signed"), Column(f"Цель {ctx.label}", "num")]
    section.add(Table(f"{key}_values", f"Значения показателей по муниципалитету, {year_label(ctx.years[0])}–{ctx.label}",
                      columns, municipal_table_rows(data, ctx.years)))
    lookup = {(r["year"], r["indicator"]): r["value"] for r in data.municipal.iter_rows(named=True)}
    shown = 0
    for ind in data.indicators:
        values = [lookup.get((y, ind.code)) for y in ctx.years]
        if sum(v is not None for v in values) < 2 or shown >= charts:
            continue
        shown += 1
        clusters = {}
        for name in sorted(set(data.by_cluster["cluster"].drop_nulls())) if not data.by_cluster.is_empty() else []:
            cl = {(r["year"]): r["value"] for r in data.by_cluster.filter(
                (pl.col("cluster") == name) & (pl.col("indicator") == ind.code)).iter_rows(named=True)}
            clusters[name] = [cl.get(y) for y in ctx.years]
        section.add(Figure(f"{key}_dyn_{ind.code}", f"Динамика показателя {ind.code} «{ind.name}» по кластерам",
                           LineChart(f"{ind.code}", [year_label(y) for y in ctx.years],
                                     {"муниципалитет": values, **clusters}, ylabel=ind.unit or "")))
    return section


def status_change_section(ctx: ReportContext, direction: int, key: str) -> Section:
    from msoko.analytics.models import StatusChange
    from msoko.analytics.selectors import monitoring_tables
    from msoko.registry.models import Organisation

    section = Section("Уровень и изменение показателей (статус × изменение)")
    run = latest_run(ctx, "monitoring", ctx.year)
    if run is None or not StatusChange.objects.filter(run=run, direction_number=direction).exists():
        section.para("Мониторинг показателей направления за этот год не проводился.", "note")
        return section
    tables = monitoring_tables(run, direction, Organisation.objects.filter(municipality=ctx.municipality))
    grid = tables["grid"]
    section.para("Каждая школа по каждому показателю отнесена к одному из пяти уровней (по месту среди школ) и "
                 "к одному из пяти вариантов изменения за год; в клетке — число пар «школа — показатель».")
    section.add(Figure(f"{key}_grid", f"Статус × изменение, {year_label(tables['year'])}",
                       GridChart("Уровень × изменение", [g["status"] for g in grid], list(tables["change_levels"]),
                                 [[c["count"] for c in g["cells"]] for g in grid],
                                 [[c["colour"] for c in g["cells"]] for g in grid])))
    section.add(Table(f"{key}_grid_table", "Статус × изменение: число пар «школа — показатель»",
                      [Column("Уровень", narrow=True), *[Column(c, "int") for c in tables["change_levels"]]],
                      [[g["status"], *[c["count"] for c in g["cells"]]] for g in grid]))
    return section


def build_direction(ctx: ReportContext, number: int) -> Document:
    from msoko.registry.models import AcademicYear

    version = catalog.version_for_year(AcademicYear.objects.filter(start_year=ctx.year).first())
    direction = catalog.direction(version, number) if version else None
    if direction is None:
        raise ReportError(f"Направления {number} нет в каталоге показателей.")
    doc = Document("direction", f"Аналитическая справка по направлению «{direction.name}»",
                   f"{ctx.municipality.name}, {ctx.label} учебный год",
                   meta=ctx.meta(Направление=f"{direction.number}. {direction.short_name}"))
    goals = doc.section("Цели направления")
    for goal in direction.goals.order_by("order"):
        goals.para(f"{goal.code}. {goal.text}", "bullet")
    if not direction.goals.exists():
        goals.para("Цели направления не заданы в каталоге.", "note")
    data = load(ctx, number)
    doc.sections.append(indicator_section(ctx, data, f"d{number}"))
    found = doc.section("Выводы")
    found.add(status_change_section(ctx, number, f"d{number}"))
    found.add(findings.risk_section(ctx, {i.code for i in data.indicators}, f"d{number}_risk"))
    doc.sections.append(findings.cycle_section(ctx, number, f"d{number}"))
    doc.sections.append(effectiveness_section(ctx, number, f"d{number}"))
    doc.sections.append(cycle_row_section(ctx, number, f"d{number}"))
    return doc


def effectiveness_section(ctx: ReportContext, direction: int | None, key: str) -> Section:
    section = Section("Анализ эффективности принятых мер")
    analyses = effectiveness(ctx, direction=direction)
    if not analyses:
        section.para("Анализов эффективности за этот год нет.", "note")
        return section
    section.add(Table(f"{key}_effect", "Анализ эффективности принятых мер", [
        Column("Направление", "int"), Column("Мера или решение"), Column("Показатели"), Column("Годы"),
        Column("Вывод"), Column("Выявленная проблема")],
        [[a.direction_number, str(a.measure or a.decision or "—"), ", ".join(a.indicator_codes),
          f"{year_label(a.before_year)} → {year_label(a.after_year)}", a.get_verdict_display(), a.problem_statement]
         for a in analyses]))
    return section


STATUS_MARK = {"filled": "есть", "partial": "частично", "missing": "нет"}


def cycle_row_section(ctx: ReportContext, direction: int, key: str) -> Section:
    from msoko.cycle.matrix import build_matrix
    from msoko.registry.models import AcademicYear

    section = Section("Позиции управленческого цикла")
    year = AcademicYear.objects.get(start_year=ctx.year)
    rows = [r for r in build_matrix(year, ctx.municipality) if r.number == direction]
    if not rows:
        section.para("Направление не входит в матрицу управленческого цикла.", "note")
        return section
    row = rows[0]
    section.para(f"Заполненность цикла: {row.score_percent:.1f} %".replace(".", ",") + ".")
    section.add(Table(f"{key}_cycle", "Позиции управленческого цикла направления", [
        Column("№", "int"), Column("Позиция"), Column("Состояние", narrow=True), Column("Что есть"), Column("Документы")],
        [[c.number, c.name, STATUS_MARK.get(c.status, c.status), c.note, "; ".join(d.title for d in c.documents)]
         for c in row.cells]))
    return section
