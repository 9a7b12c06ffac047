"""Baseline for `bench/bench_analysis.py`: the same analysis steps written straightforwardly in pandas.

The natural way a competent analyst writes them: boolean helper columns and ``groupby().sum()``,
``groupby().transform()`` for group statistics, ``merge`` for joins, ``rank(method=...)`` for
ranking, f-strings over ``itertuples()`` for the Russian evidence texts. Nothing is deliberately
slow and nothing is micro-optimised. Every step mirrors the Polars implementation it is compared
with (`msoko.collection.formats.vpr/gia.derive`, `msoko.analytics.core.indicator_values`,
`msoko.analytics.core.shnor.identify` with default `ShnorSettings`,
`msoko.analytics.core.objectivity.run_objectivity` with default `ObjectivitySettings`), so that
`bench_analysis.py` can check that both give the same results before it reports times.

Inputs use the column names of the analytics core (see `bench_analysis.py`); numeric columns are
float64 with NaN for blanks (what ``pandas.read_csv`` gives).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from msoko.collection import vpr_spec

# ------------------------------------------------------------------------------------------------
# (a) data elements derived from participant rows and indicator values


def derive_vpr(vpr: pd.DataFrame) -> pd.DataFrame:
    """Per school, year and test (category «<subject>-<grade>»): counts of marks and journal comparison."""
    mark, journal = vpr["mark"], vpr["journal_mark"]
    has_journal = journal.notna()
    flags = pd.DataFrame(
        {
            "org_code": vpr["org_code"], "year": vpr["year"], "subject": vpr["subject"], "grade": vpr["grade"],
            "vpr_participants": 1,
            "vpr_mark2": mark == 2, "vpr_mark3": mark == 3, "vpr_mark4": mark == 4, "vpr_mark5": mark == 5,
            "vpr_lowered": has_journal & (mark < journal),
            "vpr_confirmed": has_journal & (mark == journal),
            "vpr_raised": has_journal & (mark > journal),
        }
    )
    keys = ["org_code", "year", "subject", "grade"]
    counts = flags.groupby(keys).sum().astype(float).reset_index()
    noo = (
        flags[flags["grade"] == 4][keys + ["vpr_participants", "vpr_mark2", "vpr_mark4", "vpr_mark5"]]
        .groupby(keys).sum().astype(float).reset_index()
        .rename(columns={"vpr_participants": "vpr_noo_participants", "vpr_mark2": "vpr_noo_mark2",
                         "vpr_mark4": "vpr_noo_mark4", "vpr_mark5": "vpr_noo_mark5"})
    )
    parts = []
    for frame in (counts, noo):
        frame["category"] = frame["subject"] + "-" + frame["grade"].astype(int).astype(str)
        parts.append(
            frame.drop(columns=["subject", "grade"]).melt(
                id_vars=["org_code", "year", "category"], var_name="element", value_name="value"
            )
        )
    return pd.concat(parts, ignore_index=True)


def derive_gia(gia: pd.DataFrame) -> pd.DataFrame:
    """Per school, year and subject: ОГЭ / ЕГЭ / ГВЭ counts (below minimum, high scores, marks)."""
    primary, test, mark, minimum = gia["primary"], gia["test_score"], gia["mark"], gia["min_score"]
    keys = ["org_code", "year", "subject"]
    exists = gia["participant"].notna()
    columns = {
        "ОГЭ": {
            "oge_participants": exists,
            "oge_below_min": np.where(minimum.notna() & primary.notna(), primary < minimum, mark == 2),
            "oge_mark4": mark == 4,
            "oge_mark5": mark == 5,
        },
        "ЕГЭ": {
            "ege_participants": exists,
            "ege_below_min": np.where(minimum.notna() & test.notna(), test < minimum, mark == 2),
            "ege_high_score": test.notna() & (test >= gia["high_score"].fillna(81)),
            "ege_score_sum": test.fillna(0),
        },
        "ГВЭ": {"gve_participants": exists, "gve_mark2": mark == 2},
    }
    parts = []
    for exam, counts in columns.items():
        rows = gia["exam"] == exam
        frame = pd.DataFrame({k: gia.loc[rows, k] for k in keys})
        for name, values in counts.items():
            frame[name] = np.asarray(values, dtype=float)[rows.to_numpy()]
        summed = frame.groupby(keys).sum().reset_index().rename(columns={"subject": "category"})
        parts.append(summed.melt(id_vars=["org_code", "year", "category"], var_name="element", value_name="value"))
    return pd.concat(parts, ignore_index=True)


def element_totals(derived: pd.DataFrame) -> pd.DataFrame:
    """Category "" = the sum over categories: ``org_code, year, element, value``."""
    return derived.groupby(["org_code", "year", "element"], as_index=False)["value"].sum()


def indicator_values(values: pd.DataFrame, indicators: list[dict]) -> pd.DataFrame:
    """Per school, year and indicator: numerator, denominator and value (null: missing or zero denominator)."""
    wide = values.pivot_table(index=["org_code", "year"], columns="element", values="value", aggfunc="sum")
    needed = {n for ind in indicators for n in _names(ind["numerator"]) + _names(ind["denominator"])}
    for name in needed - set(wide.columns):
        wide[name] = np.nan
    frames = []
    for ind in indicators:
        num = wide.eval(ind["numerator"]).astype(float)
        if ind["denominator"]:
            den = wide.eval(ind["denominator"]).astype(float)
            value = (num / den * ind["multiplier"]).where(den > 0)
        else:
            den = pd.Series(np.nan, index=wide.index)
            value = num * ind["multiplier"]
        frame = pd.DataFrame({"indicator": ind["code"], "numerator": num, "denominator": den, "value": value})
        frames.append(frame[frame["numerator"].notna()])
    return pd.concat(frames).reset_index()


def _names(expression: str) -> list[str]:
    return re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression or "")


def aggregate(per_org: pd.DataFrame, indicators: list[dict], by: list[str]) -> pd.DataFrame:
    """Group values: Σ numerators / Σ denominators (sum_ratio), sums, means or share of organisations."""
    rules = pd.DataFrame(
        {"indicator": [i["code"] for i in indicators], "aggregation": [i["aggregation"] for i in indicators],
         "multiplier": [float(i["multiplier"]) for i in indicators],
         "has_den": [bool(i["denominator"]) for i in indicators]}
    )
    data = per_org.merge(rules, on="indicator")
    both = data["numerator"].notna() & (data["denominator"].notna() | ~data["has_den"])
    data["num_used"] = data["numerator"].where(both)
    data["den_used"] = data["denominator"].where(both)
    data["positive"] = (data["value"] > 0).astype(float).where(data["value"].notna())
    grouped = data.groupby(by + ["indicator"]).agg(
        aggregation=("aggregation", "first"), multiplier=("multiplier", "first"), has_den=("has_den", "first"),
        numerator=("num_used", "sum"), denominator=("den_used", "sum"), mean_value=("value", "mean"),
        share_positive=("positive", "mean"), organisations=("value", "count"),
    ).reset_index()

    def value(row) -> float:
        if row.aggregation == "sum_ratio":
            if not row.has_den:
                return row.numerator * row.multiplier
            return row.numerator / row.denominator * row.multiplier if row.denominator > 0 else np.nan
        if row.aggregation == "sum":
            return row.numerator * row.multiplier
        if row.aggregation == "mean":
            return row.mean_value
        if row.aggregation == "share_of_orgs":
            return row.share_positive * 100
        return np.nan

    grouped["value"] = grouped.apply(value, axis=1)
    return grouped[by + ["indicator", "numerator", "denominator", "value", "organisations"]].sort_values(
        by + ["indicator"]
    ).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# (b) ШНОР / ШНСУ identification with the default settings

SHARE, WINDOW, NEUTRAL = 0.25, 3, 0.5
KEYS = ["year", "group"]


def shnor(long: pd.DataFrame) -> dict:
    """Three stages of seed 000 §33 with the defaults of `ShnorSettings` (min–max, 25 %, ceil, ties
    included, 3 years, per cluster, missing years → insufficient data, constant → 0.5)."""
    long = long.copy()
    long["_row"] = np.arange(1, len(long) + 1)
    problems = []
    if long.duplicated(["org_code", "year", "block", "indicator"]).any():
        problems.append("duplicate indicator rows")
    if (long.groupby(["block", "indicator"])["higher_is_better"].nunique() > 1).any():
        problems.append("indicator with two directions")
    if (long.groupby(["org_code", "year"])["cluster"].nunique() > 1).any():
        problems.append("school in two clusters")
    if problems:
        raise ValueError("; ".join(problems))
    years = sorted(long["year"].unique())
    window = years[-WINDOW:]
    data = long[long["year"].isin(window)].copy()
    data["group"] = data["cluster"]
    data["invert"] = (data["block"] == "social") == data["higher_is_better"]
    data = data.sort_values(["block", "year", "group", "indicator", "org_code"])
    warnings: list[str] = []
    results = _block(data, "results", worst_is_high=False, warnings=warnings).rename(columns={"flag": "low"})
    social = _block(data, "social", worst_is_high=True, warnings=warnings).rename(columns={"flag": "unfavourable"})
    schools = _schools(data, results, social, window)
    return {"results": results, "social": social, "schools": schools, "warnings": warnings, "window": window}


def _rank_and_cut(frame: pd.DataFrame, *, worst_is_high: bool, prefix: str = "") -> pd.DataFrame:
    frame = frame.copy()
    scored = frame["index"].notna()
    groups = frame[scored].groupby(KEYS)["index"]
    frame[f"{prefix}n"] = groups.transform("size").astype("Int64")
    frame[f"{prefix}rank"] = groups.rank(method="min", ascending=not worst_is_high).astype("Int64")
    n = frame[f"{prefix}n"].astype(float)
    k = np.ceil((SHARE * n).round(9)).clip(upper=n).clip(lower=1)
    frame[f"{prefix}k"] = k.astype("Int64")
    frame[f"{prefix}flag"] = (frame[f"{prefix}rank"] <= frame[f"{prefix}k"]).fillna(False).astype(bool)
    return frame


def _block(data: pd.DataFrame, block: str, *, worst_is_high: bool, warnings: list[str]) -> pd.DataFrame:
    rows = data[data["block"] == block].copy()
    over = rows.groupby(KEYS + ["indicator"])["value"]
    lo, hi = over.transform("min"), over.transform("max")
    value = rows["value"]
    up = (value - lo) / (hi - lo)
    down = (hi - value) / (hi - lo)
    constant = value.notna() & (hi == lo)
    rows["neutral_reason"] = np.where(constant, "constant", None)
    rows["norm"] = np.where(constant, NEUTRAL, np.where(rows["invert"], down, up))
    rows.loc[value.isna(), "norm"] = np.nan
    expected = rows[value.notna()].groupby("year")["indicator"].nunique().rename("indicators_expected")
    index = rows.groupby(KEYS + ["org_code"]).agg(
        index=("norm", "mean"), indicators_used=("norm", "count"), indicators_present=("value", "count")
    ).reset_index()
    index["index"] = index["index"].round(9)
    index = index.merge(expected, left_on="year", right_index=True, how="left")
    index["indicators_expected"] = index["indicators_expected"].fillna(0).astype(int)
    index["indicators_missing"] = index["indicators_present"] < index["indicators_expected"]
    ranked = _rank_and_cut(index, worst_is_high=worst_is_high)

    title = {"results": "результаты", "social": "социальные условия"}[block]
    boundary = ranked[ranked["rank"].notna()].groupby(KEYS).agg(n=("n", "first"), k=("k", "first"), flagged=("flag", "sum"))
    for (year, group), item in boundary[boundary["flagged"] != boundary["k"]].iterrows():
        warnings.append(
            f"{year} г., кластер «{group}», {title}: граница доли {SHARE:g} (k = {item['k']} из {item['n']}) "
            f"приходится на школы с равным индексом, отмечены все {item['flagged']} — ранжирование не различает школы."
        )
    small = ranked[ranked["rank"].notna() & (ranked["n"] * SHARE < 1)].drop_duplicates(KEYS)
    for item in small.sort_values(KEYS).itertuples():
        edge = "высоким" if worst_is_high else "низким"
        warnings.append(
            f"{item.year} г., кластер «{item.group}», {title}: всего {item.n} шк., доля {SHARE:g} означает "
            f"{item.k} шк. с самым {edge} индексом."
        )
    constant_rows = rows[rows["neutral_reason"].notna()].drop_duplicates(KEYS + ["indicator"])
    for item in constant_rows.sort_values(KEYS + ["indicator"]).itertuples():
        warnings.append(
            f"{item.year} г., кластер «{item.group}»: показатель «{item.indicator}» одинаков у всех школ — "
            f"вклад нейтральный ({NEUTRAL:g})."
        )
    missing = int(ranked["indicators_missing"].sum())
    if missing:
        warnings.append(
            f"{title.capitalize()}: у {missing} записей «школа × год» нет части показателей — индекс рассчитан "
            "по имеющимся показателям (см. столбец indicators_missing)."
        )
    names = rows.sort_values("_row").groupby(["org_code", "year"], as_index=False)["org_name"].first()
    ranked = ranked.merge(names, on=["org_code", "year"], how="left")
    return ranked.sort_values(["year", "group", "rank", "org_code"], na_position="last").reset_index(drop=True)


def _schools(data: pd.DataFrame, results: pd.DataFrame, social: pd.DataFrame, window: list[int]) -> pd.DataFrame:
    latest = window[-1]
    identity = (
        data.sort_values(["year", "_row"], ascending=[False, True])
        .groupby("org_code", sort=False)
        .agg(org_name=("org_name", "first"), cluster=("cluster", "first"))
    )
    res = results[results["index"].notna()].groupby("org_code").agg(
        results_years=("low", "size"), low_years=("low", "sum")
    )
    soc = social[social["index"].notna()].groupby("org_code").agg(
        social_years=("unfavourable", "size"), unfavourable_years=("unfavourable", "sum")
    )
    top = _rank_and_cut(
        results.loc[results["year"] == latest, ["year", "group", "org_code", "index"]], worst_is_high=True, prefix="top_"
    ).set_index("org_code")["top_flag"].rename("top_results")
    unfavourable_latest = social.loc[(social["year"] == latest) & social["unfavourable"], "org_code"]
    schools = identity.join(res).join(soc).join(top)
    for column in ("results_years", "low_years", "social_years", "unfavourable_years"):
        schools[column] = schools[column].fillna(0).astype(int)
    schools["top_results"] = schools["top_results"].fillna(False).astype(bool)
    schools["unfavourable_latest"] = schools.index.isin(unfavourable_latest)
    n_years = len(window)
    results_complete = schools["results_years"] == n_years
    social_complete = schools["social_years"] == n_years
    schools["stable_low"] = results_complete & (schools["low_years"] == n_years)
    schools["social_status"] = np.select(
        [~social_complete, schools["unfavourable_years"] == schools["social_years"], schools["unfavourable_years"] > 0],
        ["недостаточно данных", "неблагоприятные", "нейтральные"],
        "благополучные",
    )
    schools["insufficient_data"] = ~results_complete | ~social_complete
    schools["overlay"] = schools["stable_low"] & (schools["social_status"] == "неблагоприятные")
    schools["resilient"] = schools["top_results"] & schools["unfavourable_latest"]
    return schools.drop(columns=["top_results", "unfavourable_latest"]).sort_index().reset_index()


# ------------------------------------------------------------------------------------------------
# (c) objectivity: five criteria with Russian evidence, then the per school-year summary

CRITERIA = {
    "journal_marks": "ВПР и отметки в журнале",
    "boundary_excess": "Избыток первичных баллов у границ отметок",
    "vpr_vs_gia": "ВПР и ГИА той же школы",
    "cohort_jump": "Неправдоподобный скачок результатов параллели",
    "olympiad": "ВсОШ: победители и призёры школьного этапа на муниципальном этапе",
}
MIN_PARTICIPANTS, MIN_Z, JOURNAL_PP = 10, 3.0, 15.0
WINDOW_W, BOUNDARY_RATIO, BOUNDARY_MIN_NEAR = 2, 2.0, 5
GIA_PAIRS = ((8, "ОГЭ", 1), (9, "ОГЭ", 0), (10, "ЕГЭ", 1), (11, "ЕГЭ", 0))
GIA_SUBJECTS, GIA_ALIASES = ("ru", "ma"), {"mb": "ma", "mp": "ma"}
GIA_TOP, GIA_GAP, GIA_MIN_SCHOOLS, EGE_HIGH = 75.0, 50.0, 4, 81
COHORT_K, COHORT_MIN_MARK, COHORT_MIN_FAIL, COHORT_MIN_SCHOOLS = 3.0, 0.3, 10.0, 5
OLYMPIAD_LOW, OLYMPIAD_PCT, OLYMPIAD_MIN = 0.25, 50.0, 5
MIN_CRITERIA = 2
DETAIL_COLUMNS = ["org_code", "year", "criterion", "scope", "participants", "flagged", "value", "threshold", "evidence"]


def num(x: float, decimals: int = 1, signed: bool = False) -> str:
    """Russian number text: decimal comma, «−» for minus, no trailing «,0»."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NaN"
    rounded = round(float(x), decimals) + 0.0
    text = str(abs(rounded))
    text = re.sub(r"\.0+$", "", text).replace(".", ",")
    sign = "−" if rounded < 0 else ("+" if signed else "")
    return sign + text


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def test_label(subject: str, grade: int) -> str:
    return f"{vpr_spec.SUBJECTS.get(subject, subject)}, {grade} класс"


def few(n: int, minimum: int = MIN_PARTICIPANTS) -> str:
    return f" Участников {n} — меньше {minimum}, критерий не применяется." if n < minimum else ""


def boundaries() -> pd.DataFrame:
    tests = list(vpr_spec.TESTS.values())
    return pd.DataFrame(
        {"subject": [t.subject for t in tests], "grade": [float(t.grade) for t in tests],
         "b3": [float(t.boundaries[0]) for t in tests], "b4": [float(t.boundaries[1]) for t in tests]}
    ).drop_duplicates(["subject", "grade"])


def test_stats(vpr: pd.DataFrame) -> pd.DataFrame:
    data = vpr.merge(boundaries(), on=["subject", "grade"], how="left")
    mark, journal, primary = data["mark"], data["journal_mark"], data["primary"]
    w = WINDOW_W
    data["has_mark"] = mark.notna()
    data["fail"] = mark == 2
    data["good"] = mark >= 4
    data["n_journal"] = mark.notna() & journal.notna()
    data["lowered"] = mark < journal
    data["confirmed"] = mark == journal
    data["raised"] = mark > journal
    data["has_primary"] = primary.notna()
    data["above3"] = (primary >= data["b3"]) & (primary < data["b3"] + w)
    data["below3"] = (primary >= data["b3"] - w) & (primary < data["b3"])
    data["above4"] = (primary >= data["b4"]) & (primary < data["b4"] + w)
    data["below4"] = (primary >= data["b4"] - w) & (primary < data["b4"])
    stats = data.groupby(["org_code", "year", "subject", "grade"]).agg(
        n=("has_mark", "sum"), mean_mark=("mark", "mean"), fail=("fail", "sum"), good=("good", "sum"),
        n_journal=("n_journal", "sum"), lowered=("lowered", "sum"), confirmed=("confirmed", "sum"),
        raised=("raised", "sum"), n_primary=("has_primary", "sum"), b3=("b3", "first"), b4=("b4", "first"),
        above3=("above3", "sum"), below3=("below3", "sum"), above4=("above4", "sum"), below4=("below4", "sum"),
    )
    return stats.reset_index()


def journal_marks(stats: pd.DataFrame) -> pd.DataFrame:
    test = ["year", "subject", "grade"]
    school = stats[stats["n_journal"] > 0].copy()
    school["n"] = school["n_journal"]
    muni = school.groupby(test).agg(m_n=("n", "sum"), m_lowered=("lowered", "sum"), m_raised=("raised", "sum"))
    both = school.merge(muni, left_on=test, right_index=True, how="left")
    for what in ("lowered", "confirmed", "raised"):
        both[f"pct_{what}"] = both[what] * 100.0 / both["n"]
    both["m_pct_lowered"] = both["m_lowered"] * 100.0 / both["m_n"]
    both["m_pct_raised"] = both["m_raised"] * 100.0 / both["m_n"]
    parts = []
    for word, count, phrase in (("повысили", "raised", "выше"), ("понизили", "lowered", "ниже")):
        share, m_share = both[f"pct_{count}"], both[f"m_pct_{count}"]
        diff = share - m_share
        p0 = m_share / 100.0
        z = (diff / 100.0) / np.sqrt(p0 * (1.0 - p0) / both["n"])
        out = both[["org_code", "year"]].copy()
        out["scope"] = both["subject"] + "-" + both["grade"].astype(int).astype(str) + ", " + word
        out["participants"] = both["n"]
        out["value"] = diff
        out["threshold"] = JOURNAL_PP
        out["flagged"] = (diff > JOURNAL_PP) & (z >= MIN_Z) & (both["n"] >= MIN_PARTICIPANTS)
        out["evidence"] = [
            f"{test_label(r.subject, int(r.grade))}: ВПР {phrase} журнальной отметки у {num(s)} % участников "
            f"({int(c)} из {int(r.n)}) при {num(ms)} % по муниципалитету; разница {num(d, signed=True)} п.п. "
            f"(порог: +{num(JOURNAL_PP)} п.п.), z = {num(zz, 2)} (порог: {num(MIN_Z, 2)})."
            f" Понизили {num(r.pct_lowered)} %, подтвердили {num(r.pct_confirmed)} %, повысили {num(r.pct_raised)} %."
            f"{few(int(r.n))}"
            for r, s, ms, d, zz, c in zip(both.itertuples(), share, m_share, diff, z, both[count], strict=True)
        ]
        parts.append(out)
    return _finish(pd.concat(parts), "journal_marks")


def boundary_excess(stats: pd.DataFrame) -> pd.DataFrame:
    w = WINDOW_W
    test = ["year", "subject", "grade"]
    present = stats[stats["b3"].notna() & (stats["n_primary"] > 0)]
    parts = []
    for mark in (3, 4):
        school = present[["org_code", *test]].copy()
        school["n"] = present["n_primary"]
        school["boundary"] = present[f"b{mark}"]
        school["above"] = present[f"above{mark}"]
        school["below"] = present[f"below{mark}"]
        muni = school.groupby(test).agg(m_above=("above", "sum"), m_below=("below", "sum"))
        frame = school.merge(muni, left_on=test, right_index=True, how="left")
        frame["ratio"] = (frame["above"] + 0.5) / (frame["below"] + 0.5)
        frame["m_ratio"] = (frame["m_above"] + 0.5) / (frame["m_below"] + 0.5)
        near = frame["above"] + frame["below"]
        p0 = frame["m_above"] / (frame["m_above"] + frame["m_below"])
        frame["z"] = (frame["above"] - near * p0) / np.sqrt(near * p0 * (1.0 - p0))
        frame["value"] = frame["ratio"] / frame["m_ratio"]
        frame["near"] = near
        out = frame[["org_code", "year"]].copy()
        out["scope"] = frame["subject"] + "-" + frame["grade"].astype(int).astype(str) + f", отметка {mark}"
        out["participants"] = frame["n"]
        out["value"] = frame["value"]
        out["threshold"] = BOUNDARY_RATIO
        out["flagged"] = (
            (frame["value"] > BOUNDARY_RATIO) & (frame["z"] >= MIN_Z) & (frame["n"] >= MIN_PARTICIPANTS)
            & (near >= BOUNDARY_MIN_NEAR)
        )
        evidence = []
        for r in frame.itertuples():
            b = int(r.boundary)
            text = (
                f"{test_label(r.subject, int(r.grade))}, граница отметки «{mark}» ({b} баллов): {int(r.above)} "
                f"участников с баллами {b}–{b + w - 1} и {int(r.below)} с баллами {b - w}–{b - 1} (отношение "
                f"{num(r.ratio, 2)}) при отношении {num(r.m_ratio, 2)} по муниципалитету; превышение в "
                f"{num(r.value, 2)} раза (порог: {num(BOUNDARY_RATIO, 2)}), z = {num(r.z, 2)} (порог: {num(MIN_Z, 2)})."
            )
            if r.near < BOUNDARY_MIN_NEAR:
                text += f" У границы меньше {BOUNDARY_MIN_NEAR} участников, критерий не применяется."
            evidence.append(text + few(int(r.n)))
        out["evidence"] = evidence
        parts.append(out)
    return _finish(pd.concat(parts), "boundary_excess")


def _pct_rank(frame: pd.DataFrame, column: pd.Series, group: list[str]) -> pd.Series:
    n = frame.groupby(group)["org_code"].transform("size")
    rank = column.groupby([frame[g] for g in group]).rank(method="average")
    return ((rank - 1) * 100.0 / (n - 1)).where(n > 1)


def vpr_vs_gia(stats: pd.DataFrame, gia: pd.DataFrame) -> pd.DataFrame:
    g = gia[["org_code", "year", "exam", "subject", "primary", "test_score", "mark", "min_score", "high_score"]].copy()
    g["subject"] = g["subject"].replace(GIA_ALIASES)
    test, mark = g["test_score"], g["mark"]
    good = np.where(test.notna(), test >= g["high_score"].fillna(EGE_HIGH), np.where(mark.notna(), mark >= 4, np.nan))
    fail_primary = np.where(g["primary"].notna() & g["min_score"].notna(), g["primary"] < g["min_score"], np.nan)
    fail = np.where(
        test.notna() & g["min_score"].notna(), test < g["min_score"], np.where(mark.notna(), mark == 2, fail_primary)
    )
    g["good"], g["fail"] = good.astype(float), fail.astype(float)
    g = g[g["good"].notna() | g["fail"].notna()]
    gia_school = g.groupby(["org_code", "year", "exam", "subject"]).agg(
        g_n=("org_code", "size"), g_good=("good", "mean"), g_fail=("fail", "mean")
    ).reset_index()
    gia_school["g_good"] *= 100.0
    gia_school["g_fail"] *= 100.0
    vpr_school = stats[stats["subject"].isin(GIA_SUBJECTS) & (stats["n"] > 0)][["org_code", "year", "subject", "grade"]].copy()
    selected = stats.loc[vpr_school.index]
    vpr_school["v_n"] = selected["n"]
    vpr_school["v_good"] = selected["good"] * 100.0 / selected["n"]
    pairs = pd.DataFrame(
        {"grade": [float(p[0]) for p in GIA_PAIRS], "exam": [p[1] for p in GIA_PAIRS], "offset": [p[2] for p in GIA_PAIRS]}
    )
    matched = vpr_school.merge(pairs, on="grade")
    matched["gia_year"] = matched["year"] + matched["offset"]
    matched = matched.merge(
        gia_school.rename(columns={"year": "gia_year"}), on=["org_code", "gia_year", "exam", "subject"]
    )
    enough = (matched["v_n"] >= MIN_PARTICIPANTS) & (matched["g_n"] >= MIN_PARTICIPANTS)
    ranked = matched[enough].copy()
    few_rows = matched[~enough].copy()
    group = ["year", "subject", "grade", "exam"]
    ranked["schools"] = ranked.groupby(group)["org_code"].transform("size")
    ranked["v_rank"] = _pct_rank(ranked, ranked["v_good"], group)
    g_good_rank = _pct_rank(ranked, ranked["g_good"], group)
    g_pass_rank = _pct_rank(ranked, -ranked["g_fail"], group)
    ranked["g_rank"] = pd.concat([g_good_rank, g_pass_rank], axis=1).min(axis=1)
    gap = ranked["v_rank"] - ranked["g_rank"]
    judged = ranked["schools"] >= GIA_MIN_SCHOOLS
    ranked["gap"] = gap
    ranked["value"] = gap.where(judged)
    ranked["flagged"] = judged & (ranked["v_rank"] >= GIA_TOP) & (gap > GIA_GAP)

    def head(r) -> str:
        return (
            f"{test_label(r.subject, int(r.grade))}: ВПР {year_label(int(r.year))} — «4» и «5» у {num(r.v_good)} % "
            f"({int(r.v_n)} участников); {r.exam} {year_label(int(r.gia_year))} — хорошие результаты у "
            f"{num(r.g_good)} %, «2» (ниже минимума) у {num(r.g_fail)} % ({int(r.g_n)} участников)."
        )

    def scope(frame: pd.DataFrame) -> pd.Series:
        return (frame["subject"] + "-" + frame["grade"].astype(int).astype(str) + " → " + frame["exam"] + " "
                + frame["gia_year"].astype(int).astype(str))

    evidence = []
    for r in ranked.itertuples():
        if r.schools >= GIA_MIN_SCHOOLS:
            tail = (
                f" Перцентильный ранг среди {int(r.schools)} школ: по ВПР {num(r.v_rank)}, по ГИА {num(r.g_rank)}; "
                f"разрыв {num(r.gap)} (порог: {num(GIA_GAP)} при ранге ВПР не ниже {num(GIA_TOP)})."
            )
        else:
            tail = f" Школ с обоими результатами {int(r.schools)} — меньше {GIA_MIN_SCHOOLS}, ранги не сравниваются."
        evidence.append(head(r) + tail)
    out_ranked = pd.DataFrame(
        {"org_code": ranked["org_code"], "year": ranked["year"], "scope": scope(ranked), "participants": ranked["v_n"],
         "value": ranked["value"], "threshold": GIA_GAP, "flagged": ranked["flagged"], "evidence": evidence}
    )
    out_few = pd.DataFrame(
        {"org_code": few_rows["org_code"], "year": few_rows["year"], "scope": scope(few_rows),
         "participants": few_rows["v_n"], "value": np.nan, "threshold": GIA_GAP, "flagged": False,
         "evidence": [head(r) + f" Участников меньше {MIN_PARTICIPANTS}, критерий не применяется."
                      for r in few_rows.itertuples()]}
    )
    return _finish(pd.concat([out_ranked, out_few]), "vpr_vs_gia")


def cohort_jumps(stats: pd.DataFrame) -> pd.DataFrame:
    per = stats[stats["n"] > 0][["org_code", "year", "subject", "grade", "n", "mean_mark"]].copy()
    per["fail"] = stats.loc[per.index, "fail"] * 100.0 / per["n"]
    later = per.rename(columns={"n": "n2", "mean_mark": "mean_mark2", "fail": "fail2"})
    later["year"] = later["year"] - 1
    later["grade"] = later["grade"] - 1
    pairs = per.merge(later, on=["org_code", "year", "subject", "grade"])
    pairs = pairs[(pairs["n"] >= MIN_PARTICIPANTS) & (pairs["n2"] >= MIN_PARTICIPANTS)].copy()
    group = ["year", "subject", "grade"]
    parts = []
    for measure, before, after, sign, minimum, level_unit, unit in (
        ("средняя отметка", "mean_mark", "mean_mark2", 1.0, COHORT_MIN_MARK, "", ""),
        ("доля «2»", "fail", "fail2", -1.0, COHORT_MIN_FAIL, " %", " п.п."),
    ):
        frame = pairs.copy()
        frame["change"] = frame[after] - frame[before]
        frame["x"] = frame["change"] * sign
        frame["x2"] = frame["x"] ** 2
        grouped = frame.groupby(group)
        others_n = grouped["x"].transform("size") - 1
        others_sum = grouped["x"].transform("sum") - frame["x"]
        others_sq = grouped["x2"].transform("sum") - frame["x2"]
        mean_o = others_sum / others_n
        var_o = ((others_sq - others_n * mean_o * mean_o) / (others_n - 1)).clip(lower=0.0)
        frame["others"] = others_n
        frame["mean_o"] = mean_o.where(others_n >= 1)
        frame["sd_o"] = np.sqrt(var_o).where(others_n >= 2)
        frame["dev"] = frame["x"] - frame["mean_o"]
        frame["limit"] = np.fmax(frame["sd_o"] * COHORT_K, minimum)
        judged = frame["others"] >= COHORT_MIN_SCHOOLS
        beyond = frame["dev"] > frame["limit"]
        evidence = []
        for r in frame.itertuples():
            grade, year = int(r.grade), int(r.year)
            b, a = getattr(r, before), getattr(r, after)
            text = (
                f"{vpr_spec.SUBJECTS.get(r.subject, r.subject)}: {grade} класс в {year_label(year)} → {grade + 1} "
                f"класс в {year_label(year + 1)}: {measure} {num(b, 2)}{level_unit} → {num(a, 2)}{level_unit} "
                f"(изменение {num(r.change, 2, signed=True)}{unit})."
            )
            if r.others >= COHORT_MIN_SCHOOLS:
                text += (
                    f" У других {int(r.others)} школ среднее изменение {num(r.mean_o * sign, 2, signed=True)}{unit} "
                    f"(стандартное отклонение {num(r.sd_o, 2)}); отклонение школы {num(r.dev, 2, signed=True)} при "
                    f"пороге {num(r.limit, 2)} ({num(COHORT_K, 2)} ст. откл., не меньше {num(minimum, 2)})."
                )
                if r.dev > r.limit and r.dev < 0:
                    text += " Резкое ухудшение может указывать на необъективность результатов предыдущего года."
            else:
                text += (
                    f" Других школ с обоими годами {int(r.others)} — меньше {COHORT_MIN_SCHOOLS}, скачок не оценивается."
                )
            evidence.append(text)
        parts.append(
            pd.DataFrame(
                {"org_code": frame["org_code"], "year": frame["year"] + 1,
                 "scope": frame["subject"] + ": " + frame["grade"].astype(int).astype(str) + " → "
                 + (frame["grade"] + 1).astype(int).astype(str) + f" класс, {measure}",
                 "participants": frame["n2"], "value": frame["dev"].where(judged),
                 "threshold": frame["limit"].where(judged), "flagged": judged & beyond, "evidence": evidence}
            )
        )
    return _finish(pd.concat(parts), "cohort_jump")


def olympiad_low_scores(olympiad: pd.DataFrame) -> pd.DataFrame:
    data = olympiad[["year", "participant", "org_code", "subject", "score", "max_score"]].copy()
    data["stage"] = olympiad["stage"].str.strip().str.lower()
    data["status"] = olympiad["status"].str.strip().str.lower()
    awarded = data[
        data["stage"].isin(("школьный", "школьный этап", "school"))
        & data["status"].isin(("победитель", "призёр", "призер", "winner", "prize"))
    ][["year", "participant", "subject", "org_code"]].drop_duplicates()
    municipal = data[
        data["stage"].isin(("муниципальный", "муниципальный этап", "municipal")) & data["score"].notna()
        & (data["max_score"] > 0)
    ][["year", "participant", "subject", "score", "max_score"]]
    matched = awarded.merge(municipal, on=["year", "participant", "subject"])
    matched["low"] = matched["score"] < matched["max_score"] * OLYMPIAD_LOW
    school = matched.groupby(["org_code", "year"]).agg(n=("low", "size"), low=("low", "sum")).reset_index()
    muni = school.groupby("year").agg(m_n=("n", "sum"), m_low=("low", "sum"))
    frame = school.merge(muni, left_on="year", right_index=True, how="left")
    frame["share"] = frame["low"] * 100.0 / frame["n"]
    frame["m_share"] = frame["m_low"] * 100.0 / frame["m_n"]
    evidence = [
        f"ВсОШ {year_label(int(r.year))}: {int(r.low)} из {int(r.n)} победителей и призёров школьного этапа "
        f"({num(r.share)} %) набрали на муниципальном этапе меньше {num(OLYMPIAD_LOW * 100)} % максимального "
        f"балла; по муниципалитету {num(r.m_share)} %. Порог: {num(OLYMPIAD_PCT)} %."
        + (f" Результатов меньше {OLYMPIAD_MIN}, критерий не применяется." if r.n < OLYMPIAD_MIN else "")
        for r in frame.itertuples()
    ]
    out = pd.DataFrame(
        {"org_code": frame["org_code"], "year": frame["year"], "scope": "ВсОШ, школьный → муниципальный этап",
         "participants": frame["n"], "value": frame["share"], "threshold": OLYMPIAD_PCT,
         "flagged": (frame["share"] > OLYMPIAD_PCT) & (frame["n"] >= OLYMPIAD_MIN), "evidence": evidence}
    )
    return _finish(out, "olympiad")


def _finish(frame: pd.DataFrame, criterion: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["criterion"] = criterion
    frame["year"] = frame["year"].astype(int)
    frame["participants"] = frame["participants"].astype(int)
    frame["flagged"] = frame["flagged"].fillna(False).astype(bool)
    return frame[DETAIL_COLUMNS].sort_values(["org_code", "year", "scope"]).reset_index(drop=True)


def summarise(details: pd.DataFrame) -> pd.DataFrame:
    order = {code: i for i, code in enumerate(CRITERIA)}
    rows = details.assign(_order=details["criterion"].map(order), _name=details["criterion"].map(CRITERIA))
    rows = rows.sort_values(["org_code", "year", "_order", "scope"])
    checked = rows.groupby(["org_code", "year"])["criterion"].nunique().rename("criteria_checked")
    hits = rows[rows["flagged"]].groupby(["org_code", "year"], sort=False).agg(
        criteria_flagged=("criterion", "nunique"),
        criteria=("_name", lambda names: "; ".join(dict.fromkeys(names))),
        evidence=("evidence", "\n".join),
    )
    summary = checked.to_frame().join(hits)
    summary["criteria_flagged"] = summary["criteria_flagged"].fillna(0).astype(int)
    summary["criteria"] = summary["criteria"].fillna("")
    summary["evidence"] = summary["evidence"].fillna("")
    summary["flagged"] = summary["criteria_flagged"] >= MIN_CRITERIA
    return summary.reset_index().sort_values(["org_code", "year"]).reset_index(drop=True)


def objectivity(vpr: pd.DataFrame, gia: pd.DataFrame, olympiad: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All five criteria and the summary: ``(details, summary)``."""
    stats = test_stats(vpr)
    details = pd.concat(
        [journal_marks(stats), boundary_excess(stats), cohort_jumps(stats), vpr_vs_gia(stats, gia),
         olympiad_low_scores(olympiad)],
        ignore_index=True,
    )
    return details, summarise(details)
