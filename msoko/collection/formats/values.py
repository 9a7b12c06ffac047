"""Organisation statistics: wide tables (ОО-1/ОО-2-like, preschool monitoring) and the generic
long table (organisation, period, data element, value). One value per cell, lineage to its row."""

from __future__ import annotations

import polars as pl

from msoko.collection.formats.base import Format
from msoko.collection.formats.common import (
    Column,
    Context,
    Located,
    check_duplicates,
    empty_derived,
    normalise_header,
    number_expr,
    parse_year,
    require_values,
)
from msoko.collection.formats.vpr import ORG, YEAR
from msoko.collection.readers.table import ROW

YES = {"да", "yes", "есть", "+", "true", "истина"}
NO = {"нет", "no", "-", "false", "ложь"}
ELEMENT_PREFIX = "el:"


def yes_no_numbers(key: str) -> pl.Expr:
    """да/нет → 1/0, other text parsed as a number (decimal comma allowed)."""
    lowered = pl.col(key).str.to_lowercase()
    return (
        pl.when(lowered.is_in(list(YES))).then(pl.lit(1.0))
        .when(lowered.is_in(list(NO))).then(pl.lit(0.0))
        .otherwise(number_expr(key))
    )


def parse_values(frame: pl.DataFrame, located: Located, key: str, element: str | None = None) -> pl.DataFrame:
    parsed = frame.select(pl.col(ROW), pl.col(key).alias("__raw"), yes_no_numbers(key).alias("__num"))
    bad = parsed.filter(pl.col("__raw").is_not_null() & pl.col("__num").is_null())
    located.add_rows(bad, key, lambda r: f"«{r['__raw']}» — не число (ожидается число или да/нет).")
    negative = parsed.filter(pl.col("__num") < 0)
    located.add_rows(negative, key, lambda r: f"отрицательное значение {r['__raw']} недопустимо.")
    return frame.with_columns(parsed.get_column("__num").alias(key))


class WideFormat(Format):
    """`Учебный год`, `Код ОО`, then one column per data element (code or catalog name)."""

    row_level = True
    checks_parts = True
    columns = (YEAR, ORG)

    def __init__(self, kind: str, title: str) -> None:
        self.kind = kind
        self.title = title

    def element_column(self, element: str) -> str:
        return ELEMENT_PREFIX + element

    def extra_headers(self, headers: list[str], context: Context) -> dict[str, str]:
        extra = {}
        for code, name in context.elements.items():
            extra[code] = ELEMENT_PREFIX + code
            if name:
                extra[name] = ELEMENT_PREFIX + code
        return extra

    def validate(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        require_values(frame, located, ["org_code"], self.titles())
        frame = parse_year(frame, located)
        elements = [c for c in frame.columns if c.startswith(ELEMENT_PREFIX)]
        if not elements:
            located.add("нет ни одного столбца с известным элементом данных (заголовок — код или название "
                        "элемента данных из каталога).", row=1)
        for key in elements:
            frame = parse_values(frame, located, key)
        check_duplicates(frame, located, ["org_code"], "организация", "org_code")
        return frame

    def procedure_keys(self, frame: pl.DataFrame) -> list[str]:
        return sorted(c[len(ELEMENT_PREFIX):] for c in frame.columns if c.startswith(ELEMENT_PREFIX))

    def derive(self, frame: pl.DataFrame) -> pl.DataFrame:
        elements = [c for c in frame.columns if c.startswith(ELEMENT_PREFIX)]
        if not elements or frame.height == 0:
            return empty_derived()
        long = frame.select([pl.col(ROW), pl.col("org_code"), pl.col("year"), *[pl.col(e).cast(pl.Float64) for e in elements]])
        long = long.unpivot(index=[ROW, "org_code", "year"], on=elements, variable_name="element", value_name="value")
        return long.filter(pl.col("value").is_not_null()).select(
            pl.col("org_code"), pl.col("year").cast(pl.Int64),
            pl.col("element").str.slice(len(ELEMENT_PREFIX)), pl.lit("").alias("category"),
            pl.col("value"), pl.col(ROW).cast(pl.Int64).alias("source_row"),
        )


class LongValuesFormat(Format):
    kind = "values"
    title = "Значения элементов данных (длинная таблица)"
    row_level = True
    checks_parts = True
    columns = (
        YEAR,
        ORG,
        Column("element", "Элемент данных", ("Код элемента данных", "Код элемента", "Показатель", "Код показателя")),
        Column("category", "Разрез", ("Категория", "Дезагрегация"), required=False),
        Column("value", "Значение", ("Величина",)),
    )

    def validate(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        require_values(frame, located, ["org_code", "element", "value"], self.titles())
        frame = parse_year(frame, located)
        by_name = {normalise_header(code): code for code in context.elements}
        by_name.update({normalise_header(name): code for code, name in context.elements.items() if name})
        names = [e for e in frame.get_column("element").unique().to_list() if e is not None]
        codes = {e: by_name.get(normalise_header(e)) for e in names}
        frame = frame.with_columns(
            pl.col("element").alias("element_raw"),
            pl.col("element").replace_strict(codes, default=None, return_dtype=pl.String).alias("element"),
        )
        unknown = frame.filter(pl.col("element_raw").is_not_null() & pl.col("element").is_null())
        located.add_rows(unknown, "element", lambda r: f"элемент данных «{r['element_raw']}» не найден в каталоге.")
        if "category" not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias("category"))
        frame = frame.with_columns(pl.col("category").fill_null(""))
        too_long = frame.filter(pl.col("category").str.len_chars() > 60)
        located.add_rows(too_long, "category", lambda r: "разрез длиннее 60 символов.")
        frame = parse_values(frame, located, "value")
        check_duplicates(frame, located, ["org_code", "element", "category"], "значение этого элемента данных для организации и разреза", "element")
        return frame

    def procedure_keys(self, frame: pl.DataFrame) -> list[str]:
        return sorted(e for e in frame.get_column("element").unique().to_list() if e)

    def derive(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col("value").is_not_null()).select(
            pl.col("org_code"), pl.col("year").cast(pl.Int64), pl.col("element"), pl.col("category"),
            pl.col("value").cast(pl.Float64), pl.col(ROW).cast(pl.Int64).alias("source_row"),
        )
