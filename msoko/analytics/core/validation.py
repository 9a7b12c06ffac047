"""Checks of the typed long frame of the ШНОР / ШНСУ input; every finding names row and column.

The long frame has the columns of `LONG_SCHEMA`; an optional ``_row`` column carries the source
row number (the reader fills it with the spreadsheet row). Parsing of cell text into these types
is done by `msoko.analytics.core.io`; the checks here are about the table as a whole.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from msoko.analytics.core.errors import InputError

LONG_SCHEMA: dict[str, pl.DataType] = {
    "org_code": pl.String(),
    "org_name": pl.String(),
    "cluster": pl.String(),
    "year": pl.Int64(),
    "block": pl.String(),
    "indicator": pl.String(),
    "value": pl.Float64(),
    "higher_is_better": pl.Boolean(),
}
BLOCKS = ("results", "social")
#: At most this many findings are reported at once; the rest are summarised.
MAX_PROBLEMS = 20

Locator = Callable[[int], str]


def table_row(row: int) -> str:
    """Default locator for frames that did not come from a file."""
    return f"Строка {row} таблицы"


def validate_long_frame(frame: pl.DataFrame, locate: Locator = table_row) -> pl.DataFrame:
    """Return `frame` with a ``_row`` column, or raise `InputError` listing every problem found."""
    missing = [name for name in LONG_SCHEMA if name not in frame.columns]
    if missing:
        names = ", ".join(f"«{name}»" for name in missing)
        raise InputError([f"Во входной таблице нет столбцов: {names}."])
    wrong = [
        f"Столбец «{name}»: ожидается тип {dtype}, получен {frame.schema[name]}."
        for name, dtype in LONG_SCHEMA.items()
        if frame.schema[name] != dtype
    ]
    if wrong:
        raise InputError(wrong)
    if "_row" not in frame.columns:
        frame = frame.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))

    problems: list[str] = []

    def report(rows: pl.DataFrame, column: str, text: Callable[[dict], str]) -> None:
        for item in rows.head(MAX_PROBLEMS).iter_rows(named=True):
            problems.append(f"{locate(item['_row'])}, столбец «{column}»: {text(item)}")

    for column in ("org_code", "cluster", "indicator"):
        empty = frame.filter(pl.col(column).is_null() | (pl.col(column).str.strip_chars() == ""))
        report(empty, column, lambda _item: "пустое значение.")
    report(frame.filter(pl.col("year").is_null()), "year", lambda _item: "не указан учебный год.")
    report(
        frame.filter(pl.col("higher_is_better").is_null()),
        "higher_is_better",
        lambda _item: "ожидается 1 или 0.",
    )
    report(
        frame.filter(~pl.col("block").is_in(BLOCKS) | pl.col("block").is_null()),
        "block",
        lambda item: f"значение «{item['block'] or ''}»; допустимы «results» и «social».",
    )
    if problems:
        raise InputError(_capped(problems))

    duplicates = frame.filter(pl.len().over("org_code", "year", "block", "indicator") > 1)
    first_row = pl.col("_row").min().over("org_code", "year", "block", "indicator")
    report(
        duplicates.with_columns(first=first_row).filter(pl.col("_row") != pl.col("first")),
        "indicator",
        lambda item: (
            f"показатель «{item['indicator']}» школы {item['org_code']} за {item['year']} год "
            f"уже задан в строке {item['first']}."
        ),
    )
    directions = frame.with_columns(
        first=pl.col("_row").min().over("block", "indicator"),
        first_hib=pl.col("higher_is_better").first().over("block", "indicator", order_by="_row"),
    ).filter(pl.col("higher_is_better") != pl.col("first_hib"))
    report(
        directions,
        "higher_is_better",
        lambda item: (
            f"для показателя «{item['indicator']}» в строке {item['first']} указано другое "
            "направление (higher_is_better должен быть одинаковым во всех строках показателя)."
        ),
    )
    clusters = frame.with_columns(
        first=pl.col("_row").min().over("org_code", "year"),
        first_cluster=pl.col("cluster").first().over("org_code", "year", order_by="_row"),
    ).filter(pl.col("cluster") != pl.col("first_cluster"))
    report(
        clusters,
        "cluster",
        lambda item: (
            f"школа {item['org_code']} в {item['year']} году уже отнесена к кластеру "
            f"«{item['first_cluster']}» (строка {item['first']})."
        ),
    )
    years = (
        frame.group_by("year")
        .agg(
            first=pl.col("_row").min(),
            last=pl.col("_row").max(),
            results=(pl.col("value").is_not_null() & (pl.col("block") == "results")).sum(),
        )
        .filter(pl.col("results") == 0)
        .sort("year")
    )
    for item in years.iter_rows(named=True):
        problems.append(
            f"{locate(item['first'])}, столбец «year»: в {item['year']} году (строки {item['first']}–"
            f"{item['last']}) нет ни одной школы со значением показателя результатов (block = results)."
        )
    if problems:
        raise InputError(_capped(problems))
    return frame


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"… и ещё ошибок: {len(problems) - MAX_PROBLEMS}."]
