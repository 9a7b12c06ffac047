"""Аналитическая справка per assessment procedure: ВПР (subject and grade), ОГЭ, ЕГЭ, ВсОШ."""

from __future__ import annotations

import polars as pl

from msoko.collection import frames, vpr_spec
from msoko.reports import stats
from msoko.reports.builders import findings
from msoko.reports.builders.common import ReportContext, ReportError, year_label
from msoko.reports.charts import BarChart, LineChart
from msoko.reports.document import Column, Document, Figure, Section, Table, format_cell, format_number

MARK_COLUMNS = [Column("«2», %", "pct"), Column("«3», %", "pct"), Column("«4», %", "pct"), Column("«5», %", "pct")]
RESULT_DIRECTION = 1  # «Система оценки качества подготовки обучающихся»
TALENT_DIRECTION = 3


def _ids(ctx: ReportContext) -> list[int]:
    return [o.pk for o in ctx.schools.values()]


def _with_clusters(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.join(ctx.cluster_frame(), on="org_code", how="left").with_columns(
        pl.col("cluster").fill_null("без кластера"))


def _marks_section(ctx: ReportContext, data: pl.DataFrame, key: str, what: str) -> Section:
    """Marks by year, distribution, dynamics, clusters and schools for participant rows with marks."""
    section = Section("Результаты")
    by_year = stats.mark_summary(data, ["year"])
    current = data.filter(pl.col("year") == ctx.year)
    now = stats.mark_summary(current, [])
    if current.is_empty():
        section.para(f"В {ctx.label} учебном году результатов нет.", "note")
        return section
    row = now.row(0, named=True)
    section.para(f"{what}: {row['participants']} участников из {current['org_code'].n_unique()} организаций. "
                 f"Доля «2» — {format_cell(row['p2'], 'pct')}, доля «4» и «5» (качество) — "
                 f"{format_cell(row['quality'], 'pct')}.", "lead")
    section.add(Table(f"{key}_years", f"{what}: результаты по годам", [
        Column("Учебный год", narrow=True), Column("Участников", "int"), *MARK_COLUMNS, Column("Качество, %", "pct"),
        Column("Средний первичный балл", "num")],
        [[year_label(r["year"]), r["participants"], r["p2"], r["p3"], r["p4"], r["p5"], r["quality"],
          r["mean_primary"]] for r in by_year.iter_rows(named=True)]))
    previous = by_year.filter(pl.col("year") < ctx.year).tail(1)
    series = {year_label(ctx.year): [row[f"p{m}"] for m in stats.MARKS]}
    if not previous.is_empty():
        p = previous.row(0, named=True)
        series = {year_label(p["year"]): [p[f"p{m}"] for m in stats.MARKS], **series}
    section.add(Figure(f"{key}_marks", f"{what}: распределение отметок, % участников",
                       BarChart("Распределение отметок", [f"«{m}»" for m in stats.MARKS], series, ylabel="%")))
    scores = stats.score_distribution(current, "primary")
    if not scores.is_empty():
        section.add(Figure(f"{key}_scores", f"{what}: распределение первичных баллов, {ctx.label}",
                           BarChart("Распределение первичных баллов", [str(s) for s in scores["score"]],
                                    {"участников": scores["participants"].to_list()}, ylabel="участников")))
    if by_year.height >= 2:
        section.add(Figure(f"{key}_dynamics", f"{what}: динамика долей «2» и «4»–«5»",
                           LineChart("Динамика", [year_label(y) for y in by_year["year"]],
                                     {"доля «2»": by_year["p2"].to_list(), "качество («4» и «5»)": by_year["quality"].to_list()},
                                     ylabel="%")))
    clusters = stats.mark_summary(_with_clusters(ctx, current), ["cluster"])
    section.add(Table(f"{key}_clusters", f"{what}: результаты по кластерам, {ctx.label}", [
        Column("Кластер"), Column("Участников", "int"), *MARK_COLUMNS, Column("Качество, %", "pct")],
        [[r["cluster"], r["participants"], r["p2"], r["p3"], r["p4"], r["p5"], r["quality"]]
         for r in clusters.iter_rows(named=True)] + [["Муниципалитет", row["participants"], row["p2"], row["p3"],
                                                      row["p4"], row["p5"], row["quality"]]], total_rows=1))
    section.add(Figure(f"{key}_cluster_chart", f"{what}: доли «2» и «4»–«5» по кластерам",
                       BarChart("По кластерам", clusters["cluster"].to_list(),
                                {"доля «2»": clusters["p2"].to_list(), "качество": clusters["quality"].to_list()},
                                ylabel="%")))
    schools = stats.mark_summary(current, ["org_code"])
    before = stats.mark_summary(data.filter(pl.col("year") == (previous["year"][0] if not previous.is_empty() else -1)),
                                ["org_code"]).select("org_code", pl.col("p2").alias("p2_before"))
    schools = schools.join(before, on="org_code", how="left").sort("p2", descending=True)
    section.add(Table(f"{key}_schools", f"{what}: результаты по школам, {ctx.label}", [
        Column("Школа"), Column("Кластер"), Column("Участников", "int"), *MARK_COLUMNS, Column("Качество, %", "pct"),
        Column("Изменение доли «2», п. п.", "signed")],
        [[ctx.name(r["org_code"]), ctx.clusters.get(r["org_code"], ""), r["participants"], r["p2"], r["p3"], r["p4"],
          r["p5"], r["quality"], None if r["p2_before"] is None else r["p2"] - r["p2_before"]]
         for r in schools.iter_rows(named=True)]))
    section.add(Figure(f"{key}_school_chart", f"{what}: доля «2» по школам, {ctx.label}",
                       BarChart("Доля «2» по школам", [ctx.name(c) for c in schools["org_code"]],
                                {"доля «2»": schools["p2"].to_list()}, ylabel="%", horizontal=True)))
    return section


def _school_results(current: pl.DataFrame, value: str = "quality") -> pl.DataFrame:
    summary = stats.mark_summary(current, ["org_code"])
    return summary.select("org_code", pl.col(value).alias("value"))


def build_vpr(ctx: ReportContext, subject: str, grade: int) -> Document:
    name = vpr_spec.SUBJECTS.get(subject)
    if name is None:
        raise ReportError(f"Неизвестный предмет ВПР «{subject}»; есть: {', '.join(vpr_spec.SUBJECTS)}.")
    data = frames.vpr_frame(organisation_ids=_ids(ctx), years=ctx.years).filter(
        (pl.col("subject") == subject) & (pl.col("grade") == grade))
    what = f"ВПР, {name}, {grade} класс"
    doc = Document("vpr", f"Аналитическая справка по результатам ВПР: {name}, {grade} класс",
                   f"{ctx.municipality.name}, {ctx.label} учебный год", meta=ctx.meta(Процедура=what))
    if data.is_empty():
        raise ReportError(f"Нет результатов ВПР по предмету «{name}» в {grade} классе за {ctx.label}.")
    doc.sections.append(_marks_section(ctx, data, "vpr", what))
    found = doc.section("Выводы")
    deficits = found.add(Section("Дефициты: решаемость заданий"))
    try:
        spec = vpr_spec.get(subject, grade)
    except (KeyError, ValueError):
        spec = None
    from msoko.collection.models import VprResult

    scores = list(VprResult.active.filter(academic_year__start_year=ctx.year, subject_code=subject, grade=grade,
                                          organisation__municipality=ctx.municipality)
                  .values_list("task_scores", flat=True))
    if spec is None or not scores:
        deficits.para("Нет баллов за задания: решаемость не рассчитана.", "note")
    else:
        tasks = stats.task_success(scores, spec.task_max)
        weak = tasks.filter(pl.col("success") < 50)
        deficits.para("Решаемость — средний балл за задание в процентах от максимального. Задания с решаемостью "
                      f"ниже 50 %: {', '.join(str(t) for t in weak['task']) or 'нет'}.")
        deficits.add(Table("vpr_tasks", f"{what}: решаемость заданий, {ctx.label}", [
            Column("Задание", "int"), Column("Максимальный балл", "int"), Column("Участников", "int"),
            Column("Решаемость, %", "pct")], [list(r) for r in tasks.iter_rows()]))
        deficits.add(Figure("vpr_tasks_chart", f"{what}: решаемость заданий, %",
                            BarChart("Решаемость заданий", [str(t) for t in tasks["task"]],
                                     {"решаемость": tasks["success"].to_list()}, ylabel="%")))
    found.add(findings.risk_section(ctx, {"1.01"}, "vpr_risk"))
    found.add(findings.objectivity_section(ctx, lambda scope: scope.startswith(f"{subject}-{grade}")
                                           or scope.startswith(f"{subject}:"), "vpr_obj"))
    current = data.filter(pl.col("year") == ctx.year)
    for s in findings.factors_and_practices(ctx, _school_results(current), "качество («4» и «5»)", "vpr"):
        found.add(s)
    doc.sections.append(findings.cycle_section(ctx, RESULT_DIRECTION, "vpr"))
    return doc


GIA_NAMES = {"oge": "ОГЭ", "ege": "ЕГЭ"}


def _subject_names() -> dict[str, str]:
    from msoko.collection.models import GiaResult

    names = dict(vpr_spec.SUBJECTS)
    names.update(dict(GiaResult.objects.values_list("subject_code", "subject").distinct()))
    return names


def build_gia(ctx: ReportContext, exam: str, subject: str | None = None) -> Document:
    exam_name = GIA_NAMES.get(exam)
    if exam_name is None:
        raise ReportError(f"Неизвестный экзамен «{exam}»: oge или ege.")
    names = _subject_names()
    data = frames.gia_frame(organisation_ids=_ids(ctx), years=ctx.years).filter(pl.col("exam") == exam_name)
    if subject:
        data = data.filter(pl.col("subject") == subject)
    if data.filter(pl.col("year") == ctx.year).is_empty():
        raise ReportError(f"Нет результатов {exam_name}{' по предмету ' + names.get(subject, subject) if subject else ''}"
                          f" за {ctx.label}.")
    what = f"{exam_name}" + (f", {names.get(subject, subject)}" if subject else "")
    doc = Document(exam, f"Аналитическая справка по результатам {what}", f"{ctx.municipality.name}, {ctx.label} учебный год",
                   meta=ctx.meta(Процедура=what))
    current = data.filter(pl.col("year") == ctx.year)
    results = doc.section("Результаты")
    by_subject = stats.gia_summary(current, ["subject"])
    total = stats.gia_summary(current, []).row(0, named=True)
    results.para(f"{what}: {format_number(total['participants'])} результатов участников из "
                 f"{current['org_code'].n_unique()} организаций; ниже минимального балла — "
                 f"{format_number(total['n_below'])}.", "lead")
    score_col = Column("Средний тестовый балл", "num") if exam == "ege" else Column("Средняя отметка", "num2")
    high = [Column("Высокий балл, %", "pct")] if exam == "ege" else []  # ОГЭ has no high-score threshold
    results.add(Table(f"{exam}_subjects", f"{what}: результаты по предметам, {ctx.label}", [
        Column("Предмет"), Column("Участников", "int"), score_col, Column("Ниже минимума, %", "pct"), *high],
        [[names.get(r["subject"], r["subject"]), r["participants"],
          r["mean_score"] if exam == "ege" else r["mean_mark"], r["p_below"], *([r["p_high"]] if high else [])]
         for r in by_subject.iter_rows(named=True)]))
    by_year = stats.gia_summary(data, ["year"])
    results.add(Table(f"{exam}_years", f"{what}: результаты по годам", [
        Column("Учебный год"), Column("Участников", "int"), score_col, Column("Ниже минимума, %", "pct"), *high],
        [[year_label(r["year"]), r["participants"], r["mean_score"] if exam == "ege" else r["mean_mark"],
          r["p_below"], *([r["p_high"]] if high else [])] for r in by_year.iter_rows(named=True)]))
    results.add(Figure(f"{exam}_dynamics", f"{what}: динамика доли результатов ниже минимума",
                       LineChart("Динамика", [year_label(y) for y in by_year["year"]],
                                 {"ниже минимума": by_year["p_below"].to_list(),
                                  **({"высокий балл": by_year["p_high"].to_list()} if exam == "ege" else {})},
                                 ylabel="%")))
    if exam == "oge":
        marks = stats.mark_summary(current, [])
        results.add(Figure("oge_marks", f"{what}: распределение отметок, {ctx.label}",
                           BarChart("Распределение отметок", [f"«{m}»" for m in stats.MARKS],
                                    {ctx.label: [marks[f"p{m}"][0] for m in stats.MARKS]}, ylabel="%")))
    scores = stats.score_distribution(current, "test_score" if exam == "ege" else "primary")
    if not scores.is_empty():
        results.add(Figure(f"{exam}_scores", f"{what}: распределение {'тестовых' if exam == 'ege' else 'первичных'} баллов",
                           BarChart("Распределение баллов", [str(s) for s in scores["score"]],
                                    {"участников": scores["participants"].to_list()}, ylabel="участников")))
    clusters = stats.gia_summary(_with_clusters(ctx, current), ["cluster"])
    results.add(Table(f"{exam}_clusters", f"{what}: результаты по кластерам", [
        Column("Кластер"), Column("Участников", "int"), score_col, Column("Ниже минимума, %", "pct")],
        [[r["cluster"], r["participants"], r["mean_score"] if exam == "ege" else r["mean_mark"], r["p_below"]]
         for r in clusters.iter_rows(named=True)]))
    schools = stats.gia_summary(current, ["org_code"]).sort("p_below", descending=True)
    results.add(Table(f"{exam}_schools", f"{what}: результаты по школам", [
        Column("Школа"), Column("Кластер"), Column("Участников", "int"), score_col, Column("Ниже минимума, %", "pct"), *high],
        [[ctx.name(r["org_code"]), ctx.clusters.get(r["org_code"], ""), r["participants"],
          r["mean_score"] if exam == "ege" else r["mean_mark"], r["p_below"], *([r["p_high"]] if high else [])]
         for r in schools.iter_rows(named=True)]))
    results.add(Figure(f"{exam}_school_chart", f"{what}: доля результатов ниже минимума по школам",
                       BarChart("Ниже минимума по школам", [ctx.name(c) for c in schools["org_code"]],
                                {"ниже минимума": schools["p_below"].to_list()}, ylabel="%", horizontal=True)))
    found = doc.section("Выводы")
    found.add(findings.objectivity_section(ctx, lambda scope: exam_name in scope, f"{exam}_obj"))
    school_values = schools.select("org_code", pl.col("p_below").alias("value"))
    for s in findings.factors_and_practices(ctx, school_values, "доля ниже минимума", exam, higher_is_better=False):
        found.add(s)
    doc.sections.append(findings.cycle_section(ctx, RESULT_DIRECTION, exam))
    return doc


STAGES = {"school": "школьный", "municipal": "муниципальный", "regional": "региональный", "final": "заключительный"}


def build_olympiad(ctx: ReportContext) -> Document:
    data = frames.olympiad_frame(organisation_ids=_ids(ctx), years=ctx.years)
    current = data.filter(pl.col("year") == ctx.year)
    if current.is_empty():
        raise ReportError(f"Нет результатов ВсОШ за {ctx.label}.")
    doc = Document("olympiad", "Аналитическая справка по результатам всероссийской олимпиады школьников",
                   f"{ctx.municipality.name}, {ctx.label} учебный год", meta=ctx.meta(Процедура="ВсОШ"))
    results = doc.section("Результаты по этапам")
    by_stage = stats.olympiad_summary(current, ["stage"])
    order = {s: i for i, s in enumerate(STAGES)}
    by_stage = by_stage.sort(pl.col("stage").replace_strict(order, default=9))
    results.add(Table("olymp_stages", f"ВсОШ: участники, призёры и победители по этапам, {ctx.label}", [
        Column("Этап"), Column("Участий", "int"), Column("Победителей", "int"), Column("Призёров", "int"),
        Column("Доля победителей и призёров, %", "pct")],
        [[STAGES.get(r["stage"], r["stage"]), r["participants"], r["winners"], r["prizes"], r["p_awarded"]]
         for r in by_stage.iter_rows(named=True)]))
    dyn = stats.olympiad_summary(data, ["year", "stage"])
    years = sorted(dyn["year"].unique().to_list())
    series = {STAGES.get(s, s): [next((r["participants"] for r in dyn.iter_rows(named=True)
                                       if r["year"] == y and r["stage"] == s), None) for y in years]
              for s in STAGES if s in set(dyn["stage"])}
    results.add(Figure("olymp_dynamics", "ВсОШ: число участий по этапам и годам",
                       LineChart("Динамика участия", [year_label(y) for y in years], series, ylabel="участий")))
    schools = doc.section("Результаты по школам")
    school_stage = current.filter(pl.col("stage") == "school")
    municipal = current.filter(pl.col("stage") == "municipal")
    per = stats.olympiad_summary(school_stage, ["org_code"]).select(
        "org_code", pl.col("participants").alias("s_part"), pl.col("awarded").alias("s_awarded"))
    mun = stats.olympiad_summary(municipal, ["org_code"]).select(
        "org_code", pl.col("participants").alias("m_part"), pl.col("awarded").alias("m_awarded"))
    table = per.join(mun, on="org_code", how="full", coalesce=True).fill_null(0).with_columns(
        conversion=pl.when(pl.col("s_awarded") > 0).then(pl.col("m_awarded") / pl.col("s_awarded") * 100))
    table = table.sort("m_awarded", descending=True)
    schools.add(Table("olymp_schools", f"ВсОШ по школам, {ctx.label}", [
        Column("Школа"), Column("Участий (школьный)", "int"), Column("Победителей и призёров (школьный)", "int"),
        Column("Участий (муниципальный)", "int"), Column("Победителей и призёров (муниципальный)", "int"),
        Column("Подтверждаемость, %", "pct")],
        [[ctx.name(r["org_code"]), r["s_part"], r["s_awarded"], r["m_part"], r["m_awarded"], r["conversion"]]
         for r in table.iter_rows(named=True)]))
    schools.para("Подтверждаемость — отношение числа победителей и призёров муниципального этапа к числу "
                 "победителей и призёров школьного этапа той же школы. Низкая подтверждаемость при большом числе "
                 "победителей школьного этапа — признак необъективности школьного этапа.", "note")
    schools.add(Figure("olymp_school_chart", "ВсОШ: победители и призёры муниципального этапа по школам",
                       BarChart("Победители и призёры муниципального этапа", [ctx.name(c) for c in table["org_code"]],
                                {"победителей и призёров": table["m_awarded"].to_list()}, horizontal=True)))
    found = doc.section("Выводы")
    found.add(findings.objectivity_section(ctx, lambda scope: "олимп" in scope.lower() or "ВсОШ" in scope, "olymp_obj"))
    values = table.select("org_code", pl.col("m_awarded").cast(pl.Float64).alias("value"))
    for s in findings.factors_and_practices(ctx, values, "победители и призёры муниципального этапа", "olymp"):
        found.add(s)
    doc.sections.append(findings.cycle_section(ctx, TALENT_DIRECTION, "olymp"))
    return doc
