"""What every import format shares: problems, column specs, header matching, typed parsing.

Pure Polars and Python: no Django. A format turns a `Table` of strings into typed rows plus a
list of `Problem`s, then derives data element values from the typed rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

from msoko.collection.readers.table import ROW, Table

ERROR = "error"
WARNING = "warning"
MAX_PROBLEMS_PER_CHECK = 50  # a broken column must not produce a million messages


@dataclass(frozen=True)
class Problem:
    """One finding about the file, located as precisely as possible."""

    file: str
    message: str
    level: str = ERROR
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def text(self) -> str:
        parts = [f"Файл «{self.file}»"]
        if self.sheet:
            parts.append(f"лист «{self.sheet}»")
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column:
            parts.append(f"столбец {self.column}")
        return ", ".join(parts) + f": {self.message}"

    def as_dict(self) -> dict:
        return {
            "file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
            "message": self.message, "level": self.level, "text": self.text(),
        }


@dataclass(frozen=True)
class Column:
    """A canonical column: its key in typed frames, its header, header synonyms and its type."""

    key: str
    title: str
    synonyms: tuple[str, ...] = ()
    required: bool = True
    type: str = "str"  # str, int, float, year, mark


def normalise_header(text: str) -> str:
    """Header comparison key: case, ё, punctuation, №/N and spacing do not matter."""
    text = (text or "").casefold().replace("ё", "е").replace("№", " ")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


NAME_TOKENS = {"фио", "фамилия", "имя", "отчество", "surname", "fullname", "ф и о"}


def is_name_header(header: str) -> bool:
    """A column that would carry a person's name (forbidden: participants are codes only)."""
    key = normalise_header(header)
    if key in NAME_TOKENS or key.replace(" ", "") in {"фио", "fio"}:
        return True
    return any(token in {"фио", "фамилия", "имя", "отчество", "fio"} for token in key.split())


@dataclass
class Mapping:
    """How the file's header cells map onto a format's canonical columns."""

    columns: dict[int, str]  # position → canonical key
    unmatched: list[int] = field(default_factory=list)  # positions left out (warned)
    name_columns: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # canonical keys of required columns not found
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # second header for the same key

    def header_mapping(self, headers: list[str]) -> dict[str, str]:
        """The mapping as saved in a profile: header text → canonical key ('' = ignore)."""
        mapping = {headers[p]: key for p, key in self.columns.items() if p < len(headers)}
        for position in self.unmatched:
            if position < len(headers) and headers[position]:
                mapping.setdefault(headers[position], "")
        return mapping


def match_headers(
    headers: list[str],
    columns: Iterable[Column],
    profile: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> Mapping:
    """Map headers to canonical keys: the profile first, then titles and synonyms, then `extra`.

    `extra` maps normalised headers to keys for open-ended formats (task columns, data element
    codes). A profile entry with an empty key drops that column on purpose.
    """
    columns = list(columns)
    lookup: dict[str, str] = {}
    for column in columns:
        for text in (column.title, column.key, *column.synonyms):
            lookup.setdefault(normalise_header(text), column.key)
    if extra:
        for text, key in extra.items():
            lookup.setdefault(normalise_header(text), key)
    profile_lookup = {normalise_header(h): k for h, k in (profile or {}).items()}
    result = Mapping(columns={})
    taken: dict[str, int] = {}
    for position, header in enumerate(headers):
        normal = normalise_header(header)
        if normal in profile_lookup:
            key = profile_lookup[normal]
        elif is_name_header(header):
            result.name_columns.append(position)
            continue
        else:
            key = lookup.get(normal, "")
        if not key:
            result.unmatched.append(position)
            continue
        if key in taken:
            result.duplicates.append((position, key))
            continue
        taken[key] = position
        result.columns[position] = key
    result.missing = [c.key for c in columns if c.required and c.key not in taken]
    return result


def select_columns(table: Table, mapping: Mapping) -> pl.DataFrame:
    """The table's frame with canonical column names (and ``__row``), unmatched columns left out."""
    return table.frame.select(
        [pl.col(ROW), *[pl.col(str(p)).alias(key) for p, key in mapping.columns.items()]]
    )


class Located:
    """Builds problems for one table: knows the file, sheet and each canonical column's label."""

    def __init__(self, table: Table, mapping: Mapping) -> None:
        self.table = table
        self.labels = {key: table.column_label(p) for p, key in mapping.columns.items()}
        self.problems: list[Problem] = []

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    def add(self, message: str, *, row: int | None = None, column: str = "", level: str = ERROR) -> None:
        self.problems.append(
            Problem(
                file=self.table.name, sheet=self.table.sheet, row=row,
                column=self.labels.get(column, column), message=message, level=level,
            )
        )

    def add_rows(self, bad: pl.DataFrame, column: str, message, *, level: str = ERROR) -> None:
        """One problem per offending row (capped); `message(row_dict)` builds each text."""
        if bad.height == 0:
            return
        for row in bad.head(MAX_PROBLEMS_PER_CHECK).iter_rows(named=True):
            self.add(message(row), row=row[ROW], column=column, level=level)
        if bad.height > MAX_PROBLEMS_PER_CHECK:
            self.add(
                f"та же ошибка ещё в {bad.height - MAX_PROBLEMS_PER_CHECK} строках "
                f"(всего {bad.height}); показаны первые {MAX_PROBLEMS_PER_CHECK}.",
                column=column, level=level,
            )


def number_expr(key: str) -> pl.Expr:
    """A string column parsed as a float: decimal comma, spaces and non-breaking spaces allowed."""
    return _number(pl.col(key))


def _number(text: pl.Expr) -> pl.Expr:
    """Text → Float64; anything that is not a finite number («inf», «NaN», 1e400) becomes null, i.e. «не число»."""
    return _finite(
        text.str.replace_all(r"[\s\u00a0]", "").str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    )


def _finite(number: pl.Expr) -> pl.Expr:
    return pl.when(number.is_finite()).then(number)


def _plain_number_columns(frame: pl.DataFrame, keys: list[str]) -> set[str]:
    """Columns whose every value already reads as a number as it stands («12», «3.5»; no spaces,
    decimal commas or words such as «X»): they skip the text clean-up, which is most of the cost of
    parsing a million-row export, and give exactly what `_number` would. One pass over all columns."""
    if frame.height == 0:
        return set(keys)
    failing = frame.select(
        [(pl.col(key).is_not_null() & pl.col(key).cast(pl.Float64, strict=False).is_null()).any().alias(key)
         for key in keys]
    ).row(0)
    return {key for key, fails in zip(keys, failing, strict=True) if not fails}


def parse_numbers(
    frame: pl.DataFrame,
    located: Located,
    keys: Iterable[str],
    *,
    integer: bool = False,
    low: float | None = None,
    high: float | None = None,
    blanks: Iterable[str] = (),
) -> pl.DataFrame:
    """Parse numeric columns in place; text, fractions (if integer) and out-of-range are errors.

    Values listed in `blanks` (e.g. «X» for a task not attempted) are read as 0. All the checks of
    all the columns run as one pass that only says which of them found anything; the offending
    rows are then listed for those (usually none).
    """
    keys = [key for key in keys if key in frame.columns]
    if not keys:
        return frame
    blank_words = sorted({b.casefold() for b in blanks})
    plain = _plain_number_columns(frame, keys)

    def parsed(key: str) -> pl.Expr:
        if key in plain:
            return _finite(pl.col(key).cast(pl.Float64, strict=False))
        source = pl.col(key)
        if blank_words:
            source = pl.when(source.str.to_lowercase().is_in(blank_words)).then(pl.lit("0")).otherwise(source)
        return _number(source)

    span = f"{_fmt(low)}–{_fmt(high)}" if low is not None and high is not None else (
        f"не меньше {_fmt(low)}" if low is not None else f"не больше {_fmt(high)}"
    )
    numbers = frame.with_columns([parsed(key).alias(f"__num_{key}") for key in keys])
    checks: list[tuple[str, pl.Expr, Callable[[dict], str]]] = []
    for key in keys:
        raw, num = pl.col(key), pl.col(f"__num_{key}")
        checks.append((key, raw.is_not_null() & num.is_null(), lambda r: f"«{r['__raw']}» — не число."))
        if integer:
            checks.append((key, num.is_not_null() & (num != num.round(0)),
                           lambda r: f"«{r['__raw']}» — ожидается целое число."))
        if low is not None or high is not None:
            outside = pl.lit(False)
            if low is not None:
                outside = outside | (num < low)
            if high is not None:
                outside = outside | (num > high)
            checks.append((key, num.is_not_null() & outside,
                           lambda r: f"значение {r['__raw']} вне допустимого диапазона ({span})."))
    found = numbers.select([condition.any().alias(str(i)) for i, (_, condition, _) in enumerate(checks)])
    for i, (key, condition, message) in enumerate(checks):
        if found.item(0, i):
            bad = numbers.filter(condition).select(pl.col(ROW), pl.col(key).alias("__raw"))
            located.add_rows(bad, key, message)
    return numbers.with_columns([pl.col(f"__num_{key}").alias(key) for key in keys]).drop(
        [f"__num_{key}" for key in keys]
    )


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


YEAR_PATTERN = r"^\s*(\d{4})\s*(?:[/\-–—]\s*(\d{2}|\d{4}))?\s*(?:уч\.?\s*г(?:од|\.)?)?\s*$"


def parse_year(frame: pl.DataFrame, located: Located, key: str = "year") -> pl.DataFrame:
    """«2024/25», «2024/2025», «2024-2025» → start year 2024; anything else is an error."""
    if key not in frame.columns:
        return frame
    years = frame.select(pl.col(key).unique().alias("__raw")).with_columns(
        pl.col("__raw").str.extract(YEAR_PATTERN, 1).cast(pl.Int64, strict=False).alias("__start"),
        pl.col("__raw").str.extract(YEAR_PATTERN, 2).alias("__end"),
    ).with_columns(
        pl.when(pl.col("__end").str.len_chars() == 2)
        .then(pl.col("__end").cast(pl.Int64, strict=False) + (pl.col("__start") // 100) * 100)
        .otherwise(pl.col("__end").cast(pl.Int64, strict=False))
        .alias("__end_full")
    )
    parts = _per_distinct(frame, key, years)
    bad = parts.filter(
        pl.col("__raw").is_not_null()
        & (pl.col("__start").is_null() | (pl.col("__end_full").is_not_null() & (pl.col("__end_full") != pl.col("__start") + 1)))
    )
    located.add_rows(bad, key, lambda r: f"«{r['__raw']}» — не учебный год (ожидается вида 2024/25).")
    missing = parts.filter(pl.col("__raw").is_null())
    located.add_rows(missing, key, lambda r: "не указан учебный год.")
    return frame.with_columns(parts.get_column("__start").alias(key))


def _per_distinct(frame: pl.DataFrame, key: str, results: pl.DataFrame) -> pl.DataFrame:
    """`ROW`, the raw text as ``__raw`` and the columns `results` computed once per distinct text
    (a year or a status repeats over a million rows: parse each spelling once, not once per row)."""
    return frame.select(pl.col(ROW), pl.col(key).alias("__raw")).join(
        results, on="__raw", how="left", nulls_equal=True, maintain_order="left"
    )


def require_values(frame: pl.DataFrame, located: Located, keys: Iterable[str], titles: dict[str, str]) -> None:
    """Empty cells in required columns are errors."""
    for key in keys:
        if key in frame.columns:
            empty = frame.filter(pl.col(key).is_null()).select(ROW)
            located.add_rows(empty, key, lambda r, key=key: f"не заполнено обязательное поле «{titles.get(key, key)}».")


def check_choice(
    frame: pl.DataFrame, located: Located, key: str, allowed: dict[str, str], title: str
) -> pl.DataFrame:
    """Map words onto canonical values (case and ё insensitive); unknown words are errors."""
    if key not in frame.columns:
        return frame
    lookup = {normalise_header(word): value for word, value in allowed.items()}
    words = frame.select(pl.col(key).unique().drop_nulls().alias("__raw"))
    words = words.with_columns(
        pl.Series("__val", [lookup.get(normalise_header(v)) for v in words.get_column("__raw")], dtype=pl.String)
    )
    mapped = _per_distinct(frame, key, words)
    bad = mapped.filter(pl.col("__raw").is_not_null() & pl.col("__val").is_null())
    expected = ", ".join(sorted({w for w in allowed if w == w.lower()} or set(allowed)))
    located.add_rows(bad, key, lambda r: f"«{r['__raw']}» — недопустимое значение поля «{title}» (ожидается: {expected}).")
    return frame.with_columns(mapped.get_column("__val").alias(key))


def check_duplicates(frame: pl.DataFrame, located: Located, keys: list[str], what: str, column: str) -> None:
    """Rows repeating the same key combination: each repeat names the first occurrence."""
    present = [k for k in keys if k in frame.columns]
    if len(present) < len(keys):
        return
    with_first = frame.select(pl.col(ROW), *[pl.col(k) for k in keys]).filter(
        pl.all_horizontal([pl.col(k).is_not_null() for k in keys])
    ).with_columns(pl.col(ROW).min().over(keys).alias("__first"))
    repeats = with_first.filter(pl.col(ROW) != pl.col("__first")).sort(ROW)
    located.add_rows(repeats, column, lambda r: f"{what} повторяется (впервые — в строке {r['__first']}).")


@dataclass
class Parsed:
    """A validated table: typed rows (canonical keys + ``__row``) and everything found."""

    kind: str
    frame: pl.DataFrame
    problems: list[Problem]
    mapping: dict[str, str]
    years: list[int] = field(default_factory=list)
    org_codes: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # procedure keys (subjects, stages, elements)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]


@dataclass
class Context:
    """What validation needs to know about the world (given by the Django layer or by tests)."""

    org_codes: set[str] | None = None  # known organisation codes; None = do not check
    year: int | None = None  # expected start year (e.g. from --year)
    elements: dict[str, str] = field(default_factory=dict)  # data element code → Russian name
    bool_elements: set[str] = field(default_factory=set)
    name_columns: str = "refuse"  # or "drop"
    max_year: int = 2100
    part_rules: list = field(default_factory=list)  # `parts.PartRule`s: sums of elements ≤ other sums


DERIVED_COLUMNS = ["org_code", "year", "element", "category", "value", "source_row"]


def empty_derived() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"org_code": pl.String, "year": pl.Int64, "element": pl.String, "category": pl.String,
                "value": pl.Float64, "source_row": pl.Int64}
    )


def count_elements(
    frame: pl.DataFrame | pl.LazyFrame, group: list[str], counts: dict[str, pl.Expr], *, category: pl.Expr
) -> pl.DataFrame:
    """Long frame of sums per group of named expressions (booleans count; zeros included).

    Runs lazily (pass a LazyFrame to fuse a filter into the same plan) so Polars computes all the
    conditional sums in one pass. Sums skip nulls (a null condition counts as false) and are cast
    to Float64 after the aggregation, which is cheaper than casting every row first.
    """
    long = (
        frame.lazy()
        .group_by(group)
        .agg([cond.sum().cast(pl.Float64).alias(name) for name, cond in counts.items()])
        .with_columns(category.alias("category"))
        .unpivot(index=[*group, "category"], on=list(counts), variable_name="element", value_name="value")
        .select(
            pl.col("org_code"), pl.col("year").cast(pl.Int64), pl.col("element"), pl.col("category"),
            pl.col("value").cast(pl.Float64), pl.lit(None, dtype=pl.Int64).alias("source_row"),
        )
        .collect()
    )
    return long if long.height else empty_derived()
