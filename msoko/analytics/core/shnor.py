"""Identification of ШНОР / ШНСУ in three stages (seed 000 §33) and of resilient schools (§13.5).

Stage 1: per year and group, result indicators are normalised (oriented "higher = better"), the
partial index of educational results is their mean, schools are ranked ascending and the lowest
share is "low" that year; low in every year of the window → stably low results.
Stage 2: social indicators are normalised "higher = worse", averaged into the social index, ranked
descending; the highest share is "unfavourable" that year; every year → «неблагоприятные», some
years → «нейтральные», none → «благополучные».
Stage 3: the two lists are overlaid (stably low results × unfavourable conditions).
Resilient schools: unfavourable conditions and results in the top share of their group.

Everything is vectorised over groups (`group_by` / `over`); there is no loop over schools.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from msoko.analytics.core.errors import InputError
from msoko.analytics.core.index import boundary_ties, partial_index, rank_and_cut
from msoko.analytics.core.normalise import NEUTRAL_CONSTANT, normalise
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.core.validation import Locator, table_row, validate_long_frame

STATUS_UNFAVOURABLE = "неблагоприятные"
STATUS_NEUTRAL = "нейтральные"
STATUS_FAVOURABLE = "благополучные"
STATUS_INSUFFICIENT = "недостаточно данных"
ALL_SCHOOLS = "все школы"
KEYS = ["year", "group"]
BLOCK_TITLES = {"results": "результаты", "social": "социальные условия"}


@dataclass(frozen=True)
class ShnorResult:
    """Everything the identification produced, with the settings it was computed with.

    results: per year × school: ``year, group, org_code, org_name, index, rank, low, n, k,
        indicators_used, indicators_present, indicators_expected, indicators_missing``.
    social: the same for the social index with ``unfavourable`` instead of ``low``.
    schools: per school over the window: ``org_code, org_name, cluster, results_years, low_years,
        social_years, unfavourable_years, stable_low, social_status, overlay, resilient,
        insufficient_data``.
    """

    settings: ShnorSettings
    window_years: list[int]
    results: pl.DataFrame
    social: pl.DataFrame
    schools: pl.DataFrame
    stable_low: list[str]
    social_status: dict[str, str]
    overlay: list[str]
    resilient: list[str]
    insufficient_data: list[str]
    warnings: list[str] = field(default_factory=list)


def identify(
    data: pl.DataFrame, settings: ShnorSettings | None = None, locate: Locator = table_row
) -> ShnorResult:
    """Run the three stages on a long frame (see `validation.LONG_SCHEMA`)."""
    settings = settings or ShnorSettings()
    data = validate_long_frame(data, locate)
    warnings: list[str] = []

    years = sorted(data.get_column("year").unique().to_list())
    if len(years) < settings.window:
        listed = ", ".join(str(y) for y in years)
        raise InputError(
            [
                f"Во входных данных {len(years)} уч. г. ({listed}), а окно анализа — {settings.window}: "
                "уменьшите параметр window или добавьте данные за недостающие годы."
            ]
        )
    window = years[-settings.window :]
    if len(years) > len(window):
        ignored = ", ".join(str(y) for y in years[: -settings.window])
        warnings.append(f"Годы вне окна анализа не учитываются: {ignored}.")

    data = (
        data.filter(pl.col("year").is_in(window))
        .with_columns(
            group=pl.col("cluster") if settings.group_by == "cluster" else pl.lit(ALL_SCHOOLS),
            invert=(pl.col("block") == "social") == pl.col("higher_is_better"),
        )
        .sort("block", "year", "group", "indicator", "org_code")
    )

    results, results_warnings = _block_table(data, "results", settings, worst_is_high=False)
    social, social_warnings = _block_table(data, "social", settings, worst_is_high=True)
    warnings += results_warnings + social_warnings
    results = results.rename({"flag": "low"})
    social = social.rename({"flag": "unfavourable"})
    has_social = social.height > 0
    if not has_social:
        warnings.append(
            "Социальные показатели (block = social) не заданы: статусы социальных условий не определены."
        )

    schools = _schools_table(data, results, social, window, settings, has_social)
    stable_low = schools.filter("stable_low").get_column("org_code").to_list()
    overlay = schools.filter("overlay").get_column("org_code").to_list()
    resilient = schools.filter("resilient").get_column("org_code").to_list()
    insufficient = schools.filter("insufficient_data").get_column("org_code").to_list()
    status = dict(schools.select("org_code", "social_status").iter_rows())
    return ShnorResult(
        settings=settings,
        window_years=window,
        results=results,
        social=social,
        schools=schools,
        stable_low=stable_low,
        social_status=status,
        overlay=overlay,
        resilient=resilient,
        insufficient_data=insufficient,
        warnings=warnings,
    )


def _block_table(
    data: pl.DataFrame, block: str, settings: ShnorSettings, *, worst_is_high: bool
) -> tuple[pl.DataFrame, list[str]]:
    """Normalise, average, rank and cut one block; returns the per year × school table and warnings."""
    rows = data.filter(pl.col("block") == block)
    warnings: list[str] = []
    if rows.height == 0:
        empty = rank_and_cut(
            pl.DataFrame(
                schema={
                    "year": pl.Int64,
                    "group": pl.String,
                    "org_code": pl.String,
                    "index": pl.Float64,
                    "indicators_used": pl.Int64,
                    "indicators_present": pl.Int64,
                }
            ),
            KEYS,
            worst_is_high=worst_is_high,
            share=settings.share,
            rounding=settings.rounding,
            ties=settings.ties,
        )
        return _finish_columns(empty, rows), warnings

    normalised = normalise(rows, settings.normalisation, KEYS, constant=settings.constant_indicator)
    expected = (
        rows.filter(pl.col("value").is_not_null())
        .group_by("year")
        .agg(indicators_expected=pl.col("indicator").n_unique().cast(pl.Int64))
    )
    index = (
        partial_index(normalised, KEYS)
        .join(expected, on="year", how="left")
        .with_columns(
            indicators_expected=pl.col("indicators_expected").fill_null(0),
        )
        .with_columns(indicators_missing=pl.col("indicators_present") < pl.col("indicators_expected"))
    )
    if settings.missing_indicator == "no_index":
        index = index.with_columns(
            index=pl.when(pl.col("indicators_missing")).then(None).otherwise(pl.col("index"))
        )
    ranked = rank_and_cut(
        index,
        KEYS,
        worst_is_high=worst_is_high,
        share=settings.share,
        rounding=settings.rounding,
        ties=settings.ties,
    )
    title = BLOCK_TITLES[block]
    edge = "высоким" if worst_is_high else "низким"
    for item in boundary_ties(ranked, KEYS).iter_rows(named=True):
        what = "отмечены все" if settings.ties == "include" else "отмечены только"
        warnings.append(
            f"{item['year']} г., {_group_label(item['group'])}, {title}: граница доли {settings.share:g} "
            f"(k = {item['k']} из {item['n']}) приходится на школы с равным индексом, {what} "
            f"{item['flagged']} — ранжирование не различает школы."
        )
    small = (
        ranked.filter(pl.col("rank").is_not_null() & (pl.col("n") * settings.share < 1))
        .unique(KEYS)
        .sort(KEYS)
    )
    for item in small.iter_rows(named=True):
        warnings.append(
            f"{item['year']} г., {_group_label(item['group'])}, {title}: всего {item['n']} шк., доля "
            f"{settings.share:g} означает {item['k']} шк. с самым {edge} индексом."
        )
    constant = (
        normalised.filter(pl.col("neutral_reason").is_not_null())
        .unique([*KEYS, "indicator", "neutral_reason"])
        .sort([*KEYS, "indicator"])
    )
    for item in constant.iter_rows(named=True):
        why = (
            "одинаков у всех школ" if item["neutral_reason"] == NEUTRAL_CONSTANT else "имеет нулевое среднее"
        )
        effect = (
            f"вклад нейтральный ({settings.neutral_value:g})"
            if settings.constant_indicator == "neutral"
            else "исключён из индекса"
        )
        warnings.append(
            f"{item['year']} г., {_group_label(item['group'])}: показатель «{item['indicator']}» {why} — {effect}."
        )
    missing = ranked.filter(pl.col("indicators_missing"))
    if missing.height:
        effect = (
            "индекс рассчитан по имеющимся показателям"
            if settings.missing_indicator == "average_available"
            else "индекс не рассчитан"
        )
        warnings.append(
            f"{title.capitalize()}: у {missing.height} записей «школа × год» нет части показателей — {effect} "
            "(см. столбец indicators_missing)."
        )
    return _finish_columns(ranked, rows), warnings


def _finish_columns(ranked: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    names = rows.sort("_row").group_by("org_code", "year").agg(org_name=pl.col("org_name").first())
    if "indicators_expected" not in ranked.columns:
        ranked = ranked.with_columns(
            indicators_expected=pl.lit(None, dtype=pl.Int64),
            indicators_missing=pl.lit(None, dtype=pl.Boolean),
        )
    return (
        ranked.join(names, on=["org_code", "year"], how="left")
        .select(
            "year",
            "group",
            "org_code",
            "org_name",
            "index",
            "rank",
            "flag",
            "n",
            "k",
            "indicators_used",
            "indicators_present",
            "indicators_expected",
            "indicators_missing",
        )
        .sort("year", "group", "rank", "org_code", nulls_last=True)
    )


def _schools_table(
    data: pl.DataFrame,
    results: pl.DataFrame,
    social: pl.DataFrame,
    window: list[int],
    settings: ShnorSettings,
    has_social: bool,
) -> pl.DataFrame:
    n_years = len(window)
    latest = window[-1]
    identity = (
        data.sort("year", "_row", descending=[True, False])
        .group_by("org_code", maintain_order=True)
        .agg(org_name=pl.col("org_name").first(), cluster=pl.col("cluster").first())
    )
    res = (
        results.filter(pl.col("index").is_not_null())
        .group_by("org_code")
        .agg(results_years=pl.len().cast(pl.Int64), low_years=pl.col("low").sum().cast(pl.Int64))
    )
    soc = (
        social.filter(pl.col("index").is_not_null())
        .group_by("org_code")
        .agg(
            social_years=pl.len().cast(pl.Int64),
            unfavourable_years=pl.col("unfavourable").sum().cast(pl.Int64),
        )
    )
    top = rank_and_cut(
        results.filter(pl.col("year") == latest).select("year", "group", "org_code", "index"),
        KEYS,
        worst_is_high=True,
        share=settings.share,
        rounding=settings.rounding,
        ties=settings.ties,
        prefix="top_",
    ).select("org_code", top_results="top_flag")
    unfavourable_latest = social.filter((pl.col("year") == latest) & pl.col("unfavourable")).select(
        "org_code", unfavourable_latest=pl.lit(True)
    )
    zero = pl.lit(0, dtype=pl.Int64)
    schools = (
        identity.join(res, on="org_code", how="left")
        .join(soc, on="org_code", how="left")
        .join(top, on="org_code", how="left")
        .join(unfavourable_latest, on="org_code", how="left")
        .with_columns(
            results_years=pl.col("results_years").fill_null(zero),
            low_years=pl.col("low_years").fill_null(zero),
            social_years=pl.col("social_years").fill_null(zero),
            unfavourable_years=pl.col("unfavourable_years").fill_null(zero),
            top_results=pl.col("top_results").fill_null(False),
            unfavourable_latest=pl.col("unfavourable_latest").fill_null(False),
        )
    )
    full = settings.missing_years == "insufficient_data"
    results_complete = pl.col("results_years") == n_years
    social_complete = pl.col("social_years") == n_years
    if full:
        stable = results_complete & (pl.col("low_years") == n_years)
        judged = social_complete
    else:
        stable = (pl.col("results_years") > 0) & (pl.col("low_years") == pl.col("results_years"))
        judged = pl.col("social_years") > 0
    if has_social:
        status = (
            pl.when(~judged)
            .then(pl.lit(STATUS_INSUFFICIENT))
            .when(pl.col("unfavourable_years") == pl.col("social_years"))
            .then(pl.lit(STATUS_UNFAVOURABLE))
            .when(pl.col("unfavourable_years") > 0)
            .then(pl.lit(STATUS_NEUTRAL))
            .otherwise(pl.lit(STATUS_FAVOURABLE))
        )
        insufficient = ~results_complete | ~social_complete
    else:
        status = pl.lit(STATUS_INSUFFICIENT)
        insufficient = ~results_complete
    schools = schools.with_columns(
        stable_low=stable, social_status=status, insufficient_data=insufficient
    ).with_columns(overlay=pl.col("stable_low") & (pl.col("social_status") == STATUS_UNFAVOURABLE))
    condition = (
        pl.col("unfavourable_latest")
        if settings.resilient_basis == "latest_year"
        else pl.col("social_status") == STATUS_UNFAVOURABLE
    )
    return (
        schools.with_columns(resilient=pl.col("top_results") & condition)
        .drop("top_results", "unfavourable_latest")
        .sort("org_code")
    )


def _group_label(group: str) -> str:
    return "все школы" if group == ALL_SCHOOLS else f"кластер «{group}»"
