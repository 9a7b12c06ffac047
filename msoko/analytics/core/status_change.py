"""Scaling into levels, ranking and the status × change view (California School Dashboard style).

For every indicator and year each school gets:

* a **status level** 1…5 («очень низкий» … «очень высокий») of its value, oriented so that 5 is
  always the best (for an indicator where higher is worse the scale is reversed). Default: by the
  quintiles of the year's values of all schools (`status_method = "quantile"`, cut points
  `status_quantiles` = 0.2, 0.4, 0.6, 0.8, linear interpolation); or by fixed thresholds per
  indicator (`status_method = "fixed"`, `fixed_cuts`: indicator code → four ascending values in
  the indicator's own units, on the oriented scale: for "higher is worse" give the negated values);
* a **change level** 1…5 («значительно ухудшился» … «значительно улучшился») of the change since
  the previous year, oriented the same way. Default (`change_method = "sd"`): the cut points
  `change_cuts` = −0.5, −0.1, 0.1, 0.5 are multiples of the population standard deviation of the
  year's values across schools, so one rule fits shares and scores alike; ``absolute`` — the cut
  points are in the indicator's units;
* the **colour** of the 5 × 5 grid `DEFAULT_GRID` (rows — status, columns — change), the
  California dashboard's grid with its five colours reduced to the four of msoko: red → risk,
  orange → attention, yellow → norm, green and blue → good.

A level counts the cut points the value exceeds strictly: level = 1 + #{c : x > c}. A school
without the previous year's value has no change level and no colour. `rank` is the competition
rank within the year and indicator, 1 = best. Pure Polars, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from msoko.analytics.core.errors import InputError, SettingsError

STATUS_LEVELS = ("очень низкий", "низкий", "средний", "высокий", "очень высокий")
CHANGE_LEVELS = ("значительно ухудшился", "ухудшился", "без изменений", "улучшился", "значительно улучшился")
COLOURS = {"risk": "зона риска", "attention": "требует внимания", "norm": "норма", "good": "хорошо"}
#: rows: status 1 (очень низкий) … 5; columns: change 1 (значительно ухудшился) … 5.
DEFAULT_GRID: tuple[tuple[str, ...], ...] = (
    ("risk", "risk", "risk", "attention", "norm"),
    ("risk", "attention", "attention", "norm", "norm"),
    ("attention", "attention", "norm", "good", "good"),
    ("attention", "norm", "good", "good", "good"),
    ("norm", "good", "good", "good", "good"),
)
INPUT_COLUMNS = ("year", "org_code", "indicator", "value", "higher_is_better")


def _ascending(name: str, cuts: tuple[float, ...]) -> None:
    if len(cuts) != 4 or any(not isinstance(c, int | float) or not math.isfinite(c) for c in cuts):
        raise SettingsError(f"Параметр {name}: ожидается четыре числа, получено {list(cuts)}.")
    if list(cuts) != sorted(cuts) or len(set(cuts)) != 4:
        raise SettingsError(f"Параметр {name}: точки разбиения должны строго возрастать, получено {list(cuts)}.")


@dataclass(frozen=True)
class StatusChangeSettings:
    status_method: str = "quantile"
    status_quantiles: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)
    fixed_cuts: tuple[tuple[str, tuple[float, ...]], ...] = ()
    change_method: str = "sd"
    change_cuts: tuple[float, ...] = (-0.5, -0.1, 0.1, 0.5)
    grid: tuple[tuple[str, ...], ...] = field(default=DEFAULT_GRID)

    def __post_init__(self) -> None:
        if self.status_method not in ("quantile", "fixed"):
            raise SettingsError(
                f"Параметр status_method: недопустимое значение «{self.status_method}»; допустимы: quantile, fixed."
            )
        if self.change_method not in ("sd", "absolute"):
            raise SettingsError(
                f"Параметр change_method: недопустимое значение «{self.change_method}»; допустимы: sd, absolute."
            )
        _ascending("status_quantiles", self.status_quantiles)
        if not all(0 < q < 1 for q in self.status_quantiles):
            raise SettingsError("Параметр status_quantiles: квантили должны быть между 0 и 1.")
        _ascending("change_cuts", self.change_cuts)
        for code, cuts in self.fixed_cuts:
            _ascending(f"fixed_cuts[{code}]", tuple(cuts))
        if len(self.grid) != 5 or any(len(row) != 5 or not set(row) <= set(COLOURS) for row in self.grid):
            raise SettingsError("Параметр grid: ожидается таблица 5 × 5 из risk, attention, norm, good.")

    def to_dict(self) -> dict[str, object]:
        return {
            "status_method": self.status_method,
            "status_quantiles": list(self.status_quantiles),
            "fixed_cuts": {code: list(cuts) for code, cuts in self.fixed_cuts},
            "change_method": self.change_method,
            "change_cuts": list(self.change_cuts),
            "grid": [list(row) for row in self.grid],
        }


def level(x: pl.Expr, cuts: list[pl.Expr]) -> pl.Expr:
    """1 + the number of cut points `x` exceeds strictly (null stays null)."""
    return pl.when(x.is_null()).then(None).otherwise(1 + pl.sum_horizontal([(x > c).cast(pl.Int64) for c in cuts]))


def status_change(frame: pl.DataFrame, settings: StatusChangeSettings | None = None) -> pl.DataFrame:
    """Per year × school × indicator: value, previous, change, rank, status/change level, colour.

    Columns added to the keys: ``previous`` (value of year − 1), ``change`` (value − previous, not
    oriented), ``rank`` (1 = best), ``n`` (schools with a value), ``median``, ``status_level``,
    ``status_label``, ``change_level``, ``change_label``, ``colour``, ``colour_label``.
    """
    s = settings or StatusChangeSettings()
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([f"Таблица значений показателей: нет столбцов {', '.join(missing)}."])
    data = frame.select(
        pl.col("year").cast(pl.Int64),
        pl.col("org_code").cast(pl.String),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
        pl.col("higher_is_better").cast(pl.Boolean),
    ).filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    previous = data.select("org_code", "indicator", pl.col("year") + 1, previous=pl.col("value"))
    data = data.join(previous, on=["org_code", "indicator", "year"], how="left")
    sign = pl.when(pl.col("higher_is_better")).then(1.0).otherwise(-1.0)
    over = ["year", "indicator"]
    data = data.with_columns(
        oriented=pl.col("value") * sign,
        change=pl.col("value") - pl.col("previous"),
    ).with_columns(
        oriented_change=pl.col("change") * sign,
        n=pl.len().over(over).cast(pl.Int64),
        median=pl.col("value").median().over(over),
        rank=pl.col("oriented").rank("min", descending=True).over(over).cast(pl.Int64),
        sd=pl.col("value").std(ddof=0).over(over),
    )
    if s.status_method == "quantile":
        cuts = [pl.col("oriented").quantile(q, interpolation="linear").over(over) for q in s.status_quantiles]
    else:
        table = dict(s.fixed_cuts)
        cuts = [
            pl.col("indicator").replace_strict(
                {code: float(c[i]) for code, c in table.items()}, default=None, return_dtype=pl.Float64
            )
            for i in range(4)
        ]
    unit = pl.col("sd") if s.change_method == "sd" else pl.lit(1.0)
    change_cuts = [unit * float(c) for c in s.change_cuts]
    status_known = pl.all_horizontal([c.is_not_null() for c in cuts])
    data = data.with_columns(
        status_level=pl.when(status_known).then(level(pl.col("oriented"), cuts)).cast(pl.Int64),
        change_level=level(pl.col("oriented_change"), change_cuts).cast(pl.Int64),
    )
    grid = {f"{r + 1}{c + 1}": colour for r, row in enumerate(s.grid) for c, colour in enumerate(row)}
    cell = pl.format("{}{}", pl.col("status_level"), pl.col("change_level"))
    data = data.with_columns(
        status_label=pl.col("status_level").replace_strict(
            {i + 1: t for i, t in enumerate(STATUS_LEVELS)}, default=None, return_dtype=pl.String
        ),
        change_label=pl.col("change_level").replace_strict(
            {i + 1: t for i, t in enumerate(CHANGE_LEVELS)}, default=None, return_dtype=pl.String
        ),
        colour=pl.when(pl.col("status_level").is_not_null() & pl.col("change_level").is_not_null())
        .then(cell.replace_strict(grid, default=None, return_dtype=pl.String)),
    ).with_columns(colour_label=pl.col("colour").replace_strict(COLOURS, default=None, return_dtype=pl.String))
    return data.select(
        "year", "org_code", "indicator", "value", "previous", "change", "rank", "n", "median",
        "status_level", "status_label", "change_level", "change_label", "colour", "colour_label",
    ).sort("year", "indicator", "rank", "org_code")


def grid_counts(table: pl.DataFrame) -> list[list[int]]:
    """How many rows of a `status_change` table fall in each cell: 5 rows (status 5 … 1, best
    first, as the dashboard draws it) × 5 columns (change 1 … 5)."""
    counts = [[0] * 5 for _ in range(5)]
    known = table.filter(pl.col("status_level").is_not_null() & pl.col("change_level").is_not_null())
    for status, change, n in known.group_by("status_level", "change_level").len().iter_rows():
        counts[5 - status][change - 1] = n
    return counts
