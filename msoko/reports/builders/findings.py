"""Findings shared by the analytical notes: risk zones, objectivity flags, factors, successful
practices, recommendations and decisions — read from the stored analysis runs and the cycle."""

from __future__ import annotations

import polars as pl

from msoko.reports import stats
from msoko.reports.builders.common import ReportContext, decisions, latest_run, recommendations
from msoko.reports.document import Column, Section, Table


def social_index(ctx: ReportContext) -> pl.DataFrame:
    """org_code, factor: the social-conditions index of the report year (higher = worse), from the
    latest ШНОР / ШНСУ run; empty when there is none."""
    from msoko.analytics.models import ShnorResult

    run = latest_run(ctx, "shnor")
    rows = []
    if run is not None:
        year = ctx.year if ctx.year in run.years else max(run.years)
        rows = list(ShnorResult.objects.filter(run=run, year=year, block="social", index__isnull=False)
                    .values_list("organisation__code", "index"))
    return pl.DataFrame(rows, schema={"org_code": pl.String, "factor": pl.Float64}, orient="row")


def objectivity_section(ctx: ReportContext, scope_filter=None, key: str = "obj", summary: bool = False) -> Section:
    """The flags of the year with their evidence; `summary` — counts per criterion and the schools only."""
    from msoko.analytics.core.objectivity import CRITERIA
    from msoko.analytics.models import ObjectivityFlag

    section = Section("Признаки необъективности результатов")
    run = latest_run(ctx, "objectivity", ctx.year)
    if run is None:
        section.para("Проверка объективности за этот год не проводилась.", "note")
        return section
    flags = ObjectivityFlag.objects.filter(run=run, year=ctx.year, flagged=True,
                                           organisation__municipality=ctx.municipality).exclude(
        criterion=ObjectivityFlag.SUMMARY).select_related("organisation").order_by("organisation__code", "criterion")
    rows = [[f.organisation.short_name, CRITERIA.get(f.criterion, f.criterion), f.scope, f.evidence]
            for f in flags if scope_filter is None or scope_filter(f.scope)]
    if not rows:
        section.para("Признаков необъективности не выявлено.")
        return section
    section.para(f"Выявлено признаков: {len(rows)} в {len({r[0] for r in rows})} организациях "
                 f"(расчёт №{run.pk}). Признак — повод для проверки, а не вывод о нарушении.")
    if summary:
        by_criterion: dict[str, set[str]] = {}
        for school, criterion, _scope, _evidence in rows:
            by_criterion.setdefault(criterion, set()).add(school)
        section.add(Table(key, "Признаки необъективности по критериям", [
            Column("Критерий"), Column("Признаков", "int"), Column("Организаций", "int"), Column("Организации")],
            [[c, sum(1 for r in rows if r[1] == c), len(schools), ", ".join(sorted(schools))]
             for c, schools in sorted(by_criterion.items())]))
        return section
    section.add(Table(key, "Признаки необъективности результатов", [
        Column("Организация"), Column("Критерий"), Column("Что проверено"), Column("Обоснование")], rows))
    return section


def risk_section(ctx: ReportContext, codes: set[str] | None = None, key: str = "risk", summary: bool = False) -> Section:
    """Risk zones of the year school by school; `summary` — the number of schools per indicator."""
    from msoko.analytics.models import RiskZone
    from msoko.analytics.selectors import _indicator_names

    section = Section("Зоны риска")
    run = latest_run(ctx, "monitoring", ctx.year)
    if run is None:
        section.para("Мониторинг показателей за этот год не проводился.", "note")
        return section
    zones = RiskZone.objects.filter(run=run, organisation__municipality=ctx.municipality).select_related(
        "organisation").order_by("indicator_code", "organisation__code")
    if codes is not None:
        zones = zones.filter(indicator_code__in=list(codes))
    zones = list(zones)
    names = _indicator_names({z.indicator_code for z in zones})
    if not zones:
        section.para("Значимых отклонений показателей не выявлено.")
        return section
    section.para(f"Организаций в зонах риска: {len({z.organisation_id for z in zones})}, "
                 f"отклонений: {len(zones)} (мониторинг №{run.pk}).")
    if summary:
        per: dict[str, set[str]] = {}
        for z in zones:
            per.setdefault(z.indicator_code, set()).add(z.organisation.short_name)
        section.add(Table(key, "Зоны риска по показателям", [
            Column("Показатель"), Column("Организаций", "int"), Column("Организации")],
            [[f"{c} {names[c].name}" if c in names else c, len(orgs), ", ".join(sorted(orgs))]
             for c, orgs in sorted(per.items())]))
        return section
    section.add(Table(key, "Зоны риска: значимые отклонения показателей", [
        Column("Показатель"), Column("Организация"), Column("Значение", "num"), Column("Норма / медиана", "num"),
        Column("Причина")],
        [[f"{z.indicator_code} {names[z.indicator_code].name}" if z.indicator_code in names else z.indicator_code,
          z.organisation.short_name, z.value, z.reference, z.reason] for z in zones]))
    return section


def factors_and_practices(ctx: ReportContext, results: pl.DataFrame, label: str, key: str,
                          higher_is_better: bool = True) -> list[Section]:
    """`results`: org_code, value (the school's result). Factors: correlation with the social index
    and with small / rural schools; practices: schools above their expected level by ≥ 1 SD."""
    social = social_index(ctx)
    context = pl.DataFrame(
        [(c, float(o.is_small), float(o.settlement == "rural")) for c, o in ctx.schools.items()],
        schema={"org_code": pl.String, "small": pl.Float64, "rural": pl.Float64}, orient="row",
    )
    data = results.join(social, on="org_code", how="left").join(context, on="org_code", how="left")
    factors = Section("Факторы: связь с показателями контекста")
    rows = []
    for column, name in (("factor", "индекс социальных условий (выше — хуже)"),
                         ("small", "малокомплектная школа (да = 1)"), ("rural", "сельская школа (да = 1)")):
        r, n = stats.correlation(data, "value", column)
        rows.append([name, r, n, stats.strength(r)])
    factors.para(f"Коэффициент корреляции Пирсона между показателем «{label}» по школам и показателями "
                 "контекста. Связь не доказывает причину; при менее чем 10 школах вывод ненадёжен.")
    factors.add(Table(f"{key}_factors", f"Связь показателя «{label}» с контекстом", [
        Column("Фактор"), Column("r", "num2"), Column("Школ", "int"), Column("Оценка")], rows))
    practices = Section("Успешные практики: школы выше ожидаемого уровня")
    fitted = stats.expected_level(data, "value", "factor")
    if fitted.is_empty():
        practices.para("Нет индекса социальных условий: ожидаемый уровень не рассчитан.", "note")
        return [factors, practices]
    sign = 1 if higher_is_better else -1
    best = fitted.filter(pl.col("z") * sign >= 1.0).sort(pl.col("residual") * sign, descending=True)
    practices.para("Ожидаемый уровень школы — линейная зависимость результата от индекса социальных условий "
                   "по всем школам муниципалитета; «выше ожидаемого» — отклонение в лучшую сторону не меньше "
                   "одного стандартного отклонения остатков.")
    if best.is_empty():
        practices.para("Школ, заметно превосходящих ожидаемый уровень, нет.")
    else:
        practices.add(Table(f"{key}_practice", f"Школы выше ожидаемого уровня по показателю «{label}»", [
            Column("Школа"), Column("Индекс условий", "num2"), Column("Результат", "num"), Column("Ожидаемый", "num"),
            Column("Отклонение", "signed")],
            [[ctx.name(r["org_code"]), r["factor"], r["value"], r["expected"], r["residual"]]
             for r in best.iter_rows(named=True)]))
    return [factors, practices]


def cycle_section(ctx: ReportContext, direction: int | None, key: str) -> Section:
    section = Section("Рекомендации и управленческие решения")
    recs = recommendations(ctx, direction=direction)
    decs = decisions(ctx, direction=direction)
    if not recs and not decs:
        section.para("Адресных рекомендаций и управленческих решений за этот год не зарегистрировано.", "note")
        return section
    if recs:
        section.add(Table(f"{key}_recs", "Адресные рекомендации", [
            Column("Адресат"), Column("Рекомендация"), Column("Срок"), Column("Статус")],
            [[r.organisation.short_name if r.organisation else r.get_addressee_level_display(), r.title,
              r.deadline.strftime("%d.%m.%Y") if r.deadline else "", r.get_status_display()] for r in recs]))
    if decs:
        section.add(Table(f"{key}_decisions", "Управленческие решения", [
            Column("Документ"), Column("Содержание"), Column("Срок"), Column("Статус")],
            [[f"{d.get_kind_display()} от {d.date:%d.%m.%Y}" + (f" № {d.number}" if d.number else ""), d.content,
              d.deadline.strftime("%d.%m.%Y") if d.deadline else "", d.get_status_display()] for d in decs]))
    return section
