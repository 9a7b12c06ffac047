"""School report card: its indicators with dynamics, its place in its cluster, risk zones, ШНОР
status, objectivity signals and the recommendations addressed to it with their status.

Yes/no indicators (catalog kind `yes_no`: «Малокомплектная школа», «… (ШНСУ)» — for one school a
0/1 flag) are not rows of the numeric dynamics table: they are listed as the organisation's flags
with the years in which each is set, which is easier to read and keeps the table (the bulk of the
PDF layout cost of a region's cards) about a fifth smaller.

`CardBatch` computes the municipality's indicator values once; `build_card` then only filters
frames, so report cards for a whole region are produced without a query per indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import polars as pl

from msoko.catalog.models import Indicator
from msoko.reports.builders.common import ReportContext, ReportError, recommendations, year_label
from msoko.reports.builders.indicators import IndicatorData, load
from msoko.reports.charts import LineChart, PanelChart
from msoko.reports.document import Column, Document, Figure, Table

MAX_CHARTS = 4
YES_NO = Indicator.Kind.YES_NO


def flag_years(values: dict, code: str, years: list[int]) -> list[int]:
    """The years in which a yes/no indicator is set for the organisation (its value is 1, i.e. «да»)."""
    return [y for y in years if (values.get((y, code)) or 0) > 0]


@dataclass
class CardBatch:
    ctx: ReportContext

    @cached_property
    def data(self) -> IndicatorData:
        return load(self.ctx)

    @cached_property
    def ranks(self) -> pl.DataFrame:
        """Place of each organisation in its cluster per indicator in the report year (1 — best)."""
        per = self.data.per_org
        if per.is_empty():
            return pl.DataFrame(schema={"org_code": pl.String, "indicator": pl.String, "place": pl.UInt32,
                                        "of": pl.UInt32, "cluster": pl.String})
        better = {i.code: i.higher_is_better for i in self.data.indicators}
        current = per.filter((pl.col("year") == self.ctx.year) & pl.col("value").is_not_null()).join(
            self.ctx.cluster_frame(), on="org_code", how="left")
        current = current.with_columns(
            key=pl.when(pl.col("indicator").replace_strict(better, default=True)).then(-pl.col("value"))
            .otherwise(pl.col("value")))
        return current.with_columns(
            place=pl.col("key").rank("min").over("cluster", "indicator").cast(pl.UInt32),
            of=pl.len().over("cluster", "indicator").cast(pl.UInt32),
        ).select("org_code", "indicator", "place", "of", "cluster")


def build_card(ctx: ReportContext, code: str, batch: CardBatch | None = None) -> Document:
    from msoko.analytics.selectors import analysis_for_organisation

    org = ctx.organisations.get(code)
    if org is None:
        raise ReportError(f"Организации с кодом «{code}» нет в муниципалитете {ctx.municipality.name}.")
    batch = batch or CardBatch(ctx)
    data = batch.data
    cluster = ctx.clusters.get(code, "")
    doc = Document("card", f"Информационная карта организации: {org.short_name}",
                   f"{org.full_name}; {ctx.label} учебный год",
                   meta=ctx.meta(Организация=f"{org.short_name} ({org.code})", Кластер=cluster or "—"), toc=False)
    facts = doc.section("Сведения об организации")
    facts.para(f"Тип: {org.get_kind_display()}; {org.get_settlement_display()}"
               + ("; малокомплектная" if org.is_small else "") + ("; удалённая" if org.is_remote else "")
               + (f". Кластер: {cluster}." if cluster else "."))
    mine = data.per_org.filter(pl.col("org_code") == code) if not data.per_org.is_empty() else data.per_org
    values = {(r["year"], r["indicator"]): r["value"] for r in mine.iter_rows(named=True)}
    municipal = {(r["year"], r["indicator"]): r["value"] for r in data.municipal.iter_rows(named=True)}
    clustered = {(r["indicator"]): r["value"] for r in data.by_cluster.filter(
        (pl.col("year") == ctx.year) & (pl.col("cluster") == cluster)).iter_rows(named=True)} if cluster else {}
    places = {r["indicator"]: r for r in batch.ranks.filter(pl.col("org_code") == code).iter_rows(named=True)}
    indicators = doc.section("Показатели и их динамика")
    present = [ind for ind in data.indicators if any((y, ind.code) in values for y in ctx.years)]
    flags = [ind for ind in present if ind.kind == YES_NO]
    shown = [ind for ind in present if ind.kind != YES_NO]
    flag_rows = [[f"{ind.code} {ind.name}", ", ".join(year_label(y) for y in years)]
                 for ind in flags if (years := flag_years(values, ind.code, ctx.years))]
    if flag_rows:
        indicators.add(Table("card_flags", "Признаки организации (показатели «да/нет») и годы, в которые они "
                             "установлены", [Column("Признак"), Column("Учебные годы")], flag_rows))
    elif flags:
        indicators.para("Признаки не установлены (ни один показатель вида «да/нет» не отмечен ни в одном году).")
    rows = []
    for ind in shown:
        place = places.get(ind.code)
        rows.append([f"{ind.code} {ind.name}", *[values.get((y, ind.code)) for y in ctx.years], clustered.get(ind.code),
                     municipal.get((ctx.year, ind.code)), f"{place['place']} из {place['of']}" if place else "—"])
    if not rows:
        indicators.para("Значений показателей нет.", "note")
    else:
        indicators.add(Table("card_values", f"Показатели организации, {year_label(ctx.years[0])}–{ctx.label}", [
            Column("Показатель"), *[Column(year_label(y), "num") for y in ctx.years],
            Column("Кластер", "num"), Column("Муниципалитет", "num"), Column("Место в кластере", "int")], rows))
        indicators.para("Место в кластере — по значению показателя в отчётном году (1 — лучшее с учётом того, "
                        "растёт показатель к лучшему или к худшему).", "note")
    panels = []
    for ind in shown:
        series = [values.get((y, ind.code)) for y in ctx.years]
        if len(panels) >= MAX_CHARTS or sum(v is not None for v in series) < 2:
            continue
        title = ind.name if len(ind.name) <= 36 else ind.name[:35] + "…"
        panels.append(LineChart(f"{ind.code} {title}", [year_label(y) for y in ctx.years],
                                {"организация": series,
                                 "муниципалитет": [municipal.get((y, ind.code)) for y in ctx.years]},
                                ylabel=ind.unit or ""))
    if panels:
        indicators.add(Figure("card_dynamics", "Динамика показателей: организация и муниципалитет",
                              PanelChart("Динамика показателей", panels)))
    analysis = analysis_for_organisation(org, ctx.year)
    risks = doc.section("Зоны риска и результаты анализа")
    shnor = analysis.get("shnor")
    if shnor:
        status = []
        if shnor["stable_low"]:
            status.append("устойчиво низкие образовательные результаты")
        if shnor["social_status"]:
            status.append(f"социальные условия: {shnor['social_status']}")
        if shnor["resilient"]:
            status.append("резильентная школа (результаты выше ожидаемых при неблагоприятных условиях)")
        risks.para("ШНОР / ШНСУ: " + ("; ".join(status) if status else "не входит в списки") + ".")
    if analysis["risks"]:
        risks.add(Table("card_risks", "Зоны риска: значимые отклонения показателей", [
            Column("Показатель"), Column("Значение", "num"), Column("Норма / медиана", "num"), Column("Причина")],
            [[f"{r['indicator']} {r['name']}", r["value"], r["reference"], r["reason"]] for r in analysis["risks"]]))
    else:
        risks.para("Значимых отклонений показателей не выявлено.")
    signals = (analysis.get("objectivity") or {}).get("signals", [])
    if signals:
        risks.add(Table("card_objectivity", "Признаки необъективности результатов", [
            Column("Критерий"), Column("Что проверено"), Column("Обоснование")],
            [[s["criterion"], s["scope"], s["evidence"]] for s in signals]))
    recs = doc.section("Адресные рекомендации")
    items = recommendations(ctx, organisation=org)
    if items:
        recs.add(Table("card_recs", "Рекомендации, направленные организации, и их исполнение", [
            Column("Рекомендация"), Column("Срок"), Column("Статус"), Column("Отчёт организации")],
            [[r.title, r.deadline.strftime("%d.%m.%Y") if r.deadline else "", r.get_status_display(), r.report]
             for r in items]))
    else:
        recs.para("Адресных рекомендаций за этот год нет.")
    return doc
