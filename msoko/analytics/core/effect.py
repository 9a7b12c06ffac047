"""Effect of a measure: change of an indicator at the targeted organisations, against a comparison group.

Difference in differences over organisations: for each organisation with a value in both years,
its change Δ = value(after) − value(before); the effect is mean Δ of the targeted organisations −
mean Δ of the comparison group (usually the other schools of the same cluster, see
`comparison_group`). The percentile bootstrap interval resamples the targeted and the comparison
organisations independently. The verdict is «улучшение» only when the whole interval lies on the
good side of zero (which side is good depends on the indicator's direction), «ухудшение» when it
lies wholly on the bad side, otherwise «без значимых изменений». Russian description with a worked
example: `docs/analytics/effect.md`. Nothing here imports Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl

from msoko.analytics.core.errors import AnalyticsError, InputError, SettingsError

IMPROVED = "улучшение"
NO_CHANGE = "без значимых изменений"
WORSENED = "ухудшение"


class EffectError(AnalyticsError):
    """The effect cannot be computed from the given data; the message says why, in Russian."""


@dataclass(frozen=True)
class EffectResult:
    """The effect of a measure with its interval, verdict and a plain-Russian explanation.

    Levels are means over the organisations that have both years; ``change_comparison`` is None
    when there is no comparison group (then ``did`` is the targeted change alone).
    """

    change_targeted: float
    change_comparison: float | None
    did: float
    ci_low: float
    ci_high: float
    verdict: str
    explanation: str
    n_targeted: int
    n_comparison: int
    before_targeted: float
    after_targeted: float
    before_comparison: float | None
    after_comparison: float | None
    excluded: tuple[str, ...]
    notes: tuple[str, ...]
    settings: dict[str, object]

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["excluded"] = list(self.excluded)
        data["notes"] = list(self.notes)
        return data


def _label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _ru(x: float, signed: bool = False) -> str:
    """Russian number: up to two decimals, decimal comma, «−» for negatives, «+» when `signed`."""
    value = round(float(x), 2) + 0.0
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if value < 0:
        return "−" + text
    return ("+" + text) if signed else text


def comparison_group(memberships: pl.DataFrame, targeted: Iterable[str]) -> list[str]:
    """Organisations of the targeted organisations' clusters that are not themselves targeted.

    `memberships` has ``org_code, cluster`` (one year's cluster membership).
    """
    missing = [c for c in ("org_code", "cluster") if c not in memberships.columns]
    if missing:
        raise InputError([f"Состав кластеров: нет обязательных столбцов: {', '.join(missing)}."])
    codes = [str(c) for c in targeted]
    clusters = memberships.filter(pl.col("org_code").cast(pl.String).is_in(codes)).get_column("cluster").unique()
    return sorted(
        memberships.filter(pl.col("cluster").is_in(clusters.implode()) & ~pl.col("org_code").cast(pl.String).is_in(codes))
        .get_column("org_code")
        .cast(pl.String)
        .unique()
        .to_list()
    )


def _changes(values: pl.DataFrame, codes: list[str], before_year: int, after_year: int) -> tuple[pl.DataFrame, list[str]]:
    """Per organisation of `codes` with both years: before, after, change; and the codes without."""
    rows = values.filter(pl.col("org_code").is_in(codes) & pl.col("year").is_in([before_year, after_year]))
    wide = rows.group_by("org_code").agg(
        before=pl.col("value").filter(pl.col("year") == before_year).first(),
        after=pl.col("value").filter(pl.col("year") == after_year).first(),
    )
    complete = wide.filter(pl.col("before").is_not_null() & pl.col("after").is_not_null()).with_columns(
        change=pl.col("after") - pl.col("before")
    ).sort("org_code")
    present = set(complete.get_column("org_code").to_list())
    return complete, sorted(c for c in codes if c not in present)


def effect_of_measure(
    values: pl.DataFrame,
    targeted: Iterable[str],
    comparison: Iterable[str] | None,
    before_year: int,
    after_year: int,
    higher_is_better: bool,
    *,
    n_boot: int = 2000,
    seed: int | None = 0,
    alpha: float = 0.05,
    indicator: str = "показатель",
) -> EffectResult:
    """The effect of a measure on an indicator (see the module docstring).

    `values`: ``org_code, year, value`` at organisation level (one value per organisation and year).
    Organisations lacking either year are left out and listed in ``excluded``. A targeted
    organisation listed in the comparison group too is used as targeted only. With one targeted
    organisation its change is compared with the spread of single comparison organisations'
    changes (resampling one comparison organisation per replicate), not with their mean.
    Raises `EffectError` (Russian message) when a year has no data at all, the years are not in
    order, or no targeted organisation has both years.
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise SettingsError(f"Параметр n_boot: ожидается целое число повторений не меньше 1, получено «{n_boot}».")
    if not (isinstance(alpha, int | float) and math.isfinite(alpha) and 0 < alpha < 1):
        raise SettingsError(f"Параметр alpha: ожидается число больше 0 и меньше 1, получено «{alpha}».")
    missing = [c for c in ("org_code", "year", "value") if c not in values.columns]
    if missing:
        raise InputError([f"Значения показателя: нет обязательных столбцов: {', '.join(missing)}."])
    if after_year <= before_year:
        raise EffectError(
            f"Год «после» ({_label(after_year)}) должен быть позже года «до» ({_label(before_year)})."
        )
    data = values.select(
        pl.col("org_code").cast(pl.String), pl.col("year").cast(pl.Int64), pl.col("value").cast(pl.Float64)
    ).filter(pl.col("value").is_not_null() & pl.col("value").is_finite())
    duplicated = data.group_by("org_code", "year").len().filter(pl.col("len") > 1).sort("org_code", "year")
    if duplicated.height:
        first = duplicated.row(0, named=True)
        raise InputError(
            [f"Значения показателя: у организации «{first['org_code']}» несколько значений за {_label(first['year'])} год."]
        )
    years = set(data.get_column("year").unique().to_list())
    for year in (before_year, after_year):
        if year not in years:
            raise EffectError(f"Нет значений показателя «{indicator}» за {_label(year)} учебный год: эффект оценить нельзя.")

    target_codes = sorted({str(c) for c in targeted})
    if not target_codes:
        raise EffectError("Не выбрана ни одна целевая организация.")
    compare_codes = sorted({str(c) for c in (comparison or [])} - set(target_codes))
    notes: list[str] = []
    overlap = sorted({str(c) for c in (comparison or [])} & set(target_codes))
    if overlap:
        notes.append(f"Организации {', '.join(overlap)} входят в целевую группу и не учитываются в группе сравнения.")

    t_rows, t_missing = _changes(data, target_codes, before_year, after_year)
    c_rows, c_missing = _changes(data, compare_codes, before_year, after_year)
    excluded = tuple(t_missing + c_missing)
    if t_rows.is_empty():
        raise EffectError(
            f"Ни у одной целевой организации нет значений показателя «{indicator}» и за {_label(before_year)}, "
            f"и за {_label(after_year)}: эффект оценить нельзя."
        )
    if excluded:
        notes.append(
            f"Не учтены (нет значения за один из годов, например новая организация): {', '.join(excluded)}."
        )

    t = t_rows.get_column("change").to_numpy()
    c = c_rows.get_column("change").to_numpy()
    change_t = float(t.mean())
    has_comparison = c.size > 0
    change_c = float(c.mean()) if has_comparison else None
    did = change_t - (change_c or 0.0)

    rng = np.random.default_rng(seed)
    t_boot = t[rng.integers(0, t.size, size=(n_boot, t.size))].mean(axis=1)
    estimable = True
    if has_comparison:
        if t.size == 1:
            # one targeted school: its change against single comparison schools' changes
            c_boot = c[rng.integers(0, c.size, size=n_boot)]
            notes.append(
                "Целевая организация одна: её изменение сравнивается с разбросом изменений отдельных "
                "организаций группы сравнения."
            )
            estimable = c.size > 1
        else:
            c_boot = c[rng.integers(0, c.size, size=(n_boot, c.size))].mean(axis=1)
        boot = t_boot - c_boot
    else:
        boot = t_boot
        notes.append(
            "Группы сравнения нет: оценено только изменение до/после у целевых организаций, без учёта "
            "общей динамики (например, изменения сложности работы)."
        )
        estimable = t.size > 1
    low, high = (float(q) for q in np.quantile(boot, [alpha / 2, 1 - alpha / 2]))

    if not estimable:
        verdict = NO_CHANGE
        notes.append("Организаций слишком мало, чтобы оценить случайные колебания: значимость не установлена.")
    elif (low > 0 and higher_is_better) or (high < 0 and not higher_is_better):
        verdict = IMPROVED
    elif (high < 0 and higher_is_better) or (low > 0 and not higher_is_better):
        verdict = WORSENED
    else:
        verdict = NO_CHANGE

    before_t, after_t = float(t_rows.get_column("before").mean()), float(t_rows.get_column("after").mean())
    before_c = float(c_rows.get_column("before").mean()) if has_comparison else None
    after_c = float(c_rows.get_column("after").mean()) if has_comparison else None
    level = (1 - alpha) * 100
    direction = "чем выше, тем лучше" if higher_is_better else "чем ниже, тем лучше"
    parts = [
        f"Показатель «{indicator}» ({direction}), {_label(before_year)} → {_label(after_year)}.",
        f"У целевых организаций ({t.size}) среднее значение изменилось с {_ru(before_t)} до {_ru(after_t)} "
        f"({_ru(change_t, signed=True)}).",
    ]
    if has_comparison:
        parts.append(
            f"У группы сравнения ({c.size}) — с {_ru(before_c)} до {_ru(after_c)} ({_ru(change_c, signed=True)})."
        )
        parts.append(
            f"Разность разностей (эффект меры): {_ru(did, signed=True)}; {_ru(level)} %-й доверительный интервал "
            f"от {_ru(low, signed=True)} до {_ru(high, signed=True)}."
        )
    else:
        parts.append(
            f"Изменение: {_ru(did, signed=True)}; {_ru(level)} %-й доверительный интервал от {_ru(low, signed=True)} "
            f"до {_ru(high, signed=True)}."
        )
    reason = {
        IMPROVED: "интервал целиком в области улучшения",
        WORSENED: "интервал целиком в области ухудшения",
        NO_CHANGE: "интервал включает нулевой эффект" if estimable else "значимость не установлена",
    }[verdict]
    parts.append(f"Вывод: {verdict} ({reason}).")
    parts.extend(notes)
    return EffectResult(
        change_targeted=change_t,
        change_comparison=change_c,
        did=did,
        ci_low=low,
        ci_high=high,
        verdict=verdict,
        explanation=" ".join(parts),
        n_targeted=int(t.size),
        n_comparison=int(c.size),
        before_targeted=before_t,
        after_targeted=after_t,
        before_comparison=before_c,
        after_comparison=after_c,
        excluded=excluded,
        notes=tuple(notes),
        settings={
            "n_boot": n_boot, "seed": seed, "alpha": alpha, "before_year": before_year, "after_year": after_year,
            "higher_is_better": higher_is_better, "method": "difference_in_differences" if has_comparison else "before_after",
        },
    )
