"""Typology of schools with low results by their conditions (seed 000 §33, second criterion).

Method of the seed, step by step:
1. each condition indicator is scored 1 when its value meets the norm (or the expert level) and 0
   otherwise;
2. per area of assessment a partial index is the mean of the scores (multidimensional average);
3. by the index the area is «достаточный» / «средний» / «недостаточный» for the school
   (thresholds set by experts: `TypologySettings`);
4. objectivity findings (ФИОКО signs of biased results) are attached to every school and counted
   per area × group;
5. a school gets the type of every area in the «недостаточный» group — the main factors of its
   position — each with its reasons in Russian.

The mapping indicator → area is `DEFAULT_CONDITION_INDICATORS` (a municipality may pass its own);
the mapping area → type is `AREA_TYPES`, one type per area:

| area           | what it covers                                   | type                                   |
| -------------- | ------------------------------------------------ | -------------------------------------- |
| ``contingent`` | children with special needs, orphans, language   | школы с признаками социального учреждения |
| ``territory``  | remoteness, unemployment, culture, population    | … на территории с признаками депрессивности |
| ``staff``      | vacancies, categories, age, specialists          | … с низким уровнем кадрового потенциала |
| ``management`` | inspections, head's experience, infrastructure   | … с признаками неэффективного управления |
| ``deviation``  | ОДН/КДН register, truancy, non-attestation       | … с высоким уровнем девиации детей |
| ``parents``    | low income, education, employment, single parent | … высокий уровень депривации родителей |
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

from msoko.analytics.core.errors import InputError, SettingsError

AREA_TITLES = {
    "contingent": "Особенности контингента обучающихся",
    "territory": "Территория и внешняя среда",
    "staff": "Кадровые условия",
    "management": "Управление и условия деятельности школы",
    "deviation": "Поведение обучающихся",
    "parents": "Семьи обучающихся",
}
AREA_TYPES = {
    "contingent": "школы с признаками социального учреждения",
    "territory": "школы, расположенные на территории с признаками депрессивности",
    "staff": "школы с низким уровнем кадрового потенциала",
    "management": "школы с признаками неэффективного управления",
    "deviation": "школы с высоким уровнем девиации детей",
    "parents": "школы, имеющие высокий уровень депривации родителей",
}
GROUP_SUFFICIENT = "достаточный"
GROUP_MEDIUM = "средний"
GROUP_INSUFFICIENT = "недостаточный"
#: How a value is compared with its norm: the indicator meets the norm when …
COMPARISONS = {"at_most": "≤", "at_least": "≥", "equals": "="}
#: Values and norms are compared at the precision the reasons show them with (two decimals): a
#: floating-point remainder (a school's 12.500000000000002 % against the municipal 12.5 %) never
#: decides a score, and a reason never reads «12,5 при нормативе ≤ 12,5».
DECIMALS = 2


@dataclass(frozen=True)
class ConditionIndicator:
    """A condition indicator: its area and how its value is compared with the norm."""

    code: str
    title: str
    area: str
    meets: str  # "at_most": value ≤ norm; "at_least": value ≥ norm; "equals": value = norm (yes/no 1/0)


DEFAULT_CONDITION_INDICATORS: tuple[ConditionIndicator, ...] = (
    ConditionIndicator(
        "ovz_zpr_share", "Доля обучающихся с ОВЗ, ЗПР, умственной отсталостью, %", "contingent", "at_most"
    ),
    ConditionIndicator("orphans_share", "Доля детей-сирот и детей под опекой, %", "contingent", "at_most"),
    ConditionIndicator(
        "low_russian_share", "Доля обучающихся, слабо владеющих русским языком, %", "contingent", "at_most"
    ),
    ConditionIndicator("small_school", "Малокомплектная школа (1 — да, 0 — нет)", "contingent", "equals"),
    ConditionIndicator(
        "remote", "Удалённость, транспортная недоступность (1 — да, 0 — нет)", "territory", "equals"
    ),
    ConditionIndicator(
        "unemployment_rate", "Уровень безработицы в населённом пункте, %", "territory", "at_most"
    ),
    ConditionIndicator(
        "culture_access",
        "Доступность учреждений культуры и дополнительного образования (1 — да)",
        "territory",
        "equals",
    ),
    ConditionIndicator("vacancy_share", "Доля вакантных ставок педагогов, %", "staff", "at_most"),
    ConditionIndicator(
        "qualified_share", "Доля учителей с высшей и первой категорией, %", "staff", "at_least"
    ),
    ConditionIndicator("teachers_over_60_share", "Доля учителей старше 60 лет, %", "staff", "at_most"),
    ConditionIndicator(
        "specialists",
        "Есть педагог-психолог, логопед, социальный педагог (1 — да, 0 — нет)",
        "staff",
        "equals",
    ),
    ConditionIndicator(
        "inspection_violations",
        "Нарушения по итогам контрольно-надзорных мероприятий, число",
        "management",
        "at_most",
    ),
    ConditionIndicator(
        "head_experience_years", "Стаж руководителя в должности, лет", "management", "at_least"
    ),
    ConditionIndicator(
        "infrastructure",
        "Устойчивый интернет и достаточная компьютерная техника (1 — да)",
        "management",
        "equals",
    ),
    ConditionIndicator("odn_kdn_share", "Доля обучающихся на учёте в ОДН, КДН, %", "deviation", "at_most"),
    ConditionIndicator(
        "truancy_share",
        "Доля обучающихся с систематическими пропусками без уважительной причины, %",
        "deviation",
        "at_most",
    ),
    ConditionIndicator("not_attested_share", "Доля неаттестованных обучающихся, %", "deviation", "at_most"),
    ConditionIndicator("low_income_share", "Доля обучающихся из малоимущих семей, %", "parents", "at_most"),
    ConditionIndicator(
        "parents_no_vocational_share",
        "Доля родителей без профессионального образования, %",
        "parents",
        "at_most",
    ),
    ConditionIndicator(
        "unemployed_parents_share", "Доля семей с неработающими родителями, %", "parents", "at_most"
    ),
    ConditionIndicator("single_parent_share", "Доля неполных семей, %", "parents", "at_most"),
)


@dataclass(frozen=True)
class TypologySettings:
    """Expert thresholds of the area groups.

    sufficient_from: an area index at or above it is «достаточный» (default 0.75);
    insufficient_below: an index below it is «недостаточный» (default 0.5); in between «средний».
    With three indicators in an area: 3 of 3 met → достаточный, 2 → средний, 0–1 → недостаточный.
    """

    sufficient_from: float = 0.75
    insufficient_below: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.insufficient_below <= self.sufficient_from <= 1:
            raise SettingsError(
                "Пороги типологизации: нужно 0 ≤ insufficient_below ≤ sufficient_from ≤ 1, получено "
                f"insufficient_below = {self.insufficient_below}, sufficient_from = {self.sufficient_from}."
            )

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class TypologyResult:
    """areas: per school × area — ``org_code, area, area_title, index, group, scored, failed``
    (``failed`` lists the indicators that missed their norm, in Russian);
    schools: per school — ``org_code, types, reasons, objectivity, objectivity_doubts``;
    objectivity_by_group: per area × group — ``area, group, schools, objectivity_doubts``."""

    settings: TypologySettings
    areas: pl.DataFrame
    schools: pl.DataFrame
    objectivity_by_group: pl.DataFrame


def classify(
    conditions: pl.DataFrame,
    *,
    objectivity: pl.DataFrame | None = None,
    indicators: tuple[ConditionIndicator, ...] = DEFAULT_CONDITION_INDICATORS,
    settings: TypologySettings | None = None,
) -> TypologyResult:
    """Score, average and group the condition indicators of each school and assign the types.

    `conditions`: long frame ``org_code, indicator, value, norm`` (a null value = no data: the
    indicator is left out of the area index); values and norms are compared rounded to `DECIMALS`
    places. `objectivity`: optional ``org_code, finding`` — one
    row per sign of biased results found for the school.
    """
    settings = settings or TypologySettings()
    catalogue = _catalogue(indicators)
    frame = _checked(conditions, catalogue)
    meets = pl.col("meets")
    value, norm = pl.col("value"), pl.col("norm")
    scored = frame.join(catalogue, left_on="indicator", right_on="code", how="left").with_columns(
        score=pl.when(value.is_null())
        .then(None)
        .when(meets == "at_most")
        .then(value <= norm)
        .when(meets == "at_least")
        .then(value >= norm)
        .otherwise(value == norm)
        .cast(pl.Int64)
    ).with_columns(
        failed_text=pl.format(
            "{}: {} при нормативе {} {}", pl.col("title"), _number_expr(value),
            meets.replace_strict(COMPARISONS, return_dtype=pl.String), _number_expr(norm),
        )
    )
    areas = (
        scored.filter(pl.col("score").is_not_null())
        .sort("org_code", "area", "indicator")
        .group_by("org_code", "area", maintain_order=True)
        .agg(
            index=pl.col("score").mean(),
            scored=pl.len().cast(pl.Int64),
            failed=pl.col("failed_text").filter(pl.col("score") == 0),
        )
        .with_columns(
            area_title=pl.col("area").replace_strict(AREA_TITLES),
            group=pl.when(pl.col("index") >= settings.sufficient_from)
            .then(pl.lit(GROUP_SUFFICIENT))
            .when(pl.col("index") < settings.insufficient_below)
            .then(pl.lit(GROUP_INSUFFICIENT))
            .otherwise(pl.lit(GROUP_MEDIUM)),
        )
    )
    findings = _findings(objectivity)
    orgs = frame.select("org_code").unique().sort("org_code")
    schools = orgs.join(findings, on="org_code", how="left").with_columns(
        objectivity=pl.col("objectivity").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    schools = schools.with_columns(objectivity_doubts=pl.col("objectivity").list.len() > 0)
    types, reasons = _types_and_reasons(areas, schools)
    schools = schools.with_columns(
        types=pl.Series([types[c] for c in schools["org_code"]], dtype=pl.List(pl.String)),
        reasons=pl.Series([reasons[c] for c in schools["org_code"]], dtype=pl.List(pl.String)),
    ).select("org_code", "types", "reasons", "objectivity", "objectivity_doubts")
    by_group = (
        areas.join(schools.select("org_code", "objectivity_doubts"), on="org_code", how="left")
        .group_by("area", "group")
        .agg(
            schools=pl.len().cast(pl.Int64),
            objectivity_doubts=pl.col("objectivity_doubts").sum().cast(pl.Int64),
        )
        .sort("area", "group")
    )
    return TypologyResult(
        settings=settings,
        areas=areas.select("org_code", "area", "area_title", "index", "group", "scored", "failed").sort(
            "org_code", "area"
        ),
        schools=schools,
        objectivity_by_group=by_group,
    )


def _catalogue(indicators: tuple[ConditionIndicator, ...]) -> pl.DataFrame:
    for item in indicators:
        if item.area not in AREA_TYPES:
            raise SettingsError(f"Показатель «{item.code}»: неизвестное направление «{item.area}».")
        if item.meets not in COMPARISONS:
            raise SettingsError(f"Показатель «{item.code}»: неизвестный способ сравнения «{item.meets}».")
    return pl.DataFrame(
        [(i.code, i.title, i.area, i.meets) for i in indicators],
        schema={"code": pl.String, "title": pl.String, "area": pl.String, "meets": pl.String},
        orient="row",
    )


def _checked(conditions: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in ("org_code", "indicator", "value", "norm") if c not in conditions.columns]
    if missing:
        raise InputError([f"В таблице условий нет столбцов: {', '.join(missing)}."])
    frame = conditions.with_row_index("_row", offset=1).with_columns(
        pl.col("value", "norm").cast(pl.Float64).round(DECIMALS)
    )
    problems = [
        f"Строка {r} таблицы условий, столбец «indicator»: показатель «{code}» не входит в перечень "
        "показателей условий."
        for r, code in frame.filter(~pl.col("indicator").is_in(catalogue["code"].implode()))
        .select("_row", "indicator")
        .head(20)
        .iter_rows()
    ]
    problems += [
        f"Строка {r} таблицы условий, столбец «norm»: не задан норматив."
        for (r,) in frame.filter(pl.col("norm").is_null()).select("_row").head(20).iter_rows()
    ]
    duplicates = frame.filter(pl.len().over("org_code", "indicator") > 1)
    problems += [
        f"Строка {r} таблицы условий, столбец «indicator»: показатель «{code}» школы {org} задан повторно."
        for r, org, code in duplicates.select("_row", "org_code", "indicator").head(20).iter_rows()
    ]
    if problems:
        raise InputError(problems)
    return frame


def _findings(objectivity: pl.DataFrame | None) -> pl.DataFrame:
    if objectivity is None or objectivity.height == 0:
        return pl.DataFrame(schema={"org_code": pl.String, "objectivity": pl.List(pl.String)})
    return objectivity.group_by("org_code").agg(objectivity=pl.col("finding").sort())


def _number(x: float | None) -> str:
    if x is None:
        return "—"
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return (text if text != "-0" else "0").replace(".", ",")


def _number_expr(x: pl.Expr) -> pl.Expr:
    """`_number` as an expression: «12,5», «3», «—» for no value."""
    text = x.round(DECIMALS).cast(pl.String).str.strip_suffix(".0").str.replace(".", ",", literal=True)
    return pl.when(text == "-0").then(pl.lit("0")).otherwise(text).fill_null("—")


def _types_and_reasons(
    areas: pl.DataFrame, schools: pl.DataFrame
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Types from insufficient areas; one reason per type, plus objectivity findings."""
    types: dict[str, list[str]] = {code: [] for code in schools["org_code"]}
    reasons: dict[str, list[str]] = {code: [] for code in schools["org_code"]}
    order = list(AREA_TYPES)
    insufficient = areas.filter(pl.col("group") == GROUP_INSUFFICIENT).with_columns(
        order=pl.col("area").replace_strict({a: i for i, a in enumerate(order)}, return_dtype=pl.Int64)
    )
    for item in insufficient.sort("org_code", "order").iter_rows(named=True):
        kind = AREA_TYPES[item["area"]]
        failed = "; ".join(item["failed"])
        types[item["org_code"]].append(kind)
        reasons[item["org_code"]].append(
            f"«{kind}»: направление «{item['area_title']}» — индекс {_number(round(item['index'], 2))} "
            f"({GROUP_INSUFFICIENT}, выполнено {round(item['index'] * item['scored'])} из {item['scored']}); "
            f"не соответствуют нормативу: {failed}."
        )
    for item in schools.iter_rows(named=True):
        if not types[item["org_code"]]:
            reasons[item["org_code"]].append(
                "Ни одно направление не попало в группу недостаточных значений: главный фактор не выявлен."
            )
        for finding in item["objectivity"]:
            reasons[item["org_code"]].append(f"Признаки необъективности результатов: {finding}.")
    return types, reasons
