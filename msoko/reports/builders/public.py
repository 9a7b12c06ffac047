"""Public figures: aggregates by organisation and municipality with small-cell suppression.

Published are share indicators whose numerator and denominator are single data elements (counts):
per organisation the numerator, the denominator and the share, and the municipal totals. Every
count cell is identified by (data element, organisation), so a count that several indicators share
(e.g. the number of ВПР participants) is one cell with one fate in every table; all published
cells form one system of equations (each element's organisations sum to its municipal total) and
are suppressed together (`msoko.reports.suppression`). No participant-level data, no names of
people are read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from msoko.catalog.formula import names
from msoko.reports import suppression
from msoko.reports.builders.common import ReportContext, year_label
from msoko.reports.builders.indicators import load
from msoko.reports.document import HIDDEN, SUPPRESSION_NOTE, Column, Document, Table

TOTAL = suppression.TOTAL


def _is_count_share(ind) -> bool:
    return bool(ind.denominator) and names(ind.numerator) == [ind.numerator.strip()] and names(
        ind.denominator) == [ind.denominator.strip()]


@dataclass
class PublicFigures:
    """The published cells of a year: values, hidden cells and which indicators they serve."""

    values: dict[str, float | None] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    indicators: list = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)

    def cell(self, element: str, org: str):
        key = f"{element}|{org}"
        if key not in self.values:
            return None
        return HIDDEN if key in self.hidden else self.values[key]

    def share(self, ind, org: str):
        num, den = self.cell(ind.numerator.strip(), org), self.cell(ind.denominator.strip(), org)
        if num is None or den is None:
            return None
        if num is HIDDEN or den is HIDDEN or den < suppression.MIN_BASE:
            return HIDDEN
        return num / den * float(ind.multiplier) if den else None


def public_figures(ctx: ReportContext) -> PublicFigures:
    data = load(ctx)
    indicators = [i for i in data.indicators if _is_count_share(i)]
    per = data.per_org.filter(pl.col("year") == ctx.year) if not data.per_org.is_empty() else data.per_org
    figures = PublicFigures(indicators=indicators)
    if per.is_empty() or not indicators:
        return figures
    by_code = {i.code: i for i in indicators}
    counts: dict[str, dict[str, float]] = {}
    for r in per.filter(pl.col("indicator").is_in(list(by_code))).iter_rows(named=True):
        ind = by_code[r["indicator"]]
        for element, value in ((ind.numerator.strip(), r["numerator"]), (ind.denominator.strip(), r["denominator"])):
            if value is not None:
                counts.setdefault(element, {})[r["org_code"]] = float(value)
    equations = []
    for element, orgs in counts.items():
        for org, value in orgs.items():
            figures.values[f"{element}|{org}"] = value
        figures.values[f"{element}|{TOTAL}"] = sum(orgs.values())
        equations.append((f"{element}|{TOTAL}", [f"{element}|{org}" for org in orgs]))
    figures.hidden = suppression.suppress_system(figures.values, equations)
    figures.organisations = sorted({o for orgs in counts.values() for o in orgs})
    return figures


def build_public(ctx: ReportContext, figures: PublicFigures | None = None) -> Document:
    """The public «aggregate figures» document of a municipality and year, one section per direction."""
    figures = figures or public_figures(ctx)
    doc = Document("public", f"Показатели системы образования: {ctx.municipality.name}",
                   f"{ctx.label} учебный год. Сводные данные по организациям и муниципалитету",
                   meta=ctx.meta())
    intro = doc.section("О данных")
    intro.para("Публикуются только сводные показатели организаций и муниципалитета, без данных об отдельных "
               "обучающихся и без персональных данных.")
    intro.para(SUPPRESSION_NOTE, "note")
    by_direction: dict[int, list] = {}
    for ind in figures.indicators:
        by_direction.setdefault(ind.direction.number, []).append(ind)
    for number in sorted(by_direction):
        first = by_direction[number][0]
        section = doc.section(f"{number}. {first.direction.name}")
        for ind in by_direction[number]:
            section.add(indicator_table(ctx, figures, ind))
    if not by_direction:
        intro.para(f"За {ctx.label} учебный год опубликованных показателей нет.")
    return doc


def indicator_table(ctx: ReportContext, figures: PublicFigures, ind) -> Table:
    num, den = ind.numerator.strip(), ind.denominator.strip()
    rows = []
    for org in figures.organisations:
        if figures.cell(den, org) is None:
            continue
        rows.append([ctx.name(org), figures.cell(num, org), figures.cell(den, org), figures.share(ind, org)])
    rows.append(["Муниципалитет", figures.cell(num, TOTAL), figures.cell(den, TOTAL), figures.share(ind, TOTAL)])
    table = Table(f"p{ind.code}", f"{ind.code}. {ind.name}, {year_label(ctx.year)}", [
        Column("Организация"), Column("Числитель", "int"), Column("Знаменатель", "int"),
        Column(f"Значение{', ' + ind.unit if ind.unit else ''}", "num")], rows, total_rows=1)
    if table.has_hidden():
        table.notes.append(SUPPRESSION_NOTE)
    return table
