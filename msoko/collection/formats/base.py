"""The shared flow of a format: match headers, refuse or drop name columns, validate, check the
registry facts given in the `Context` (organisation codes, year)."""

from __future__ import annotations

from abc import ABC, abstractmethod

import polars as pl

from msoko.collection.formats.common import (
    ERROR,
    WARNING,
    Column,
    Context,
    Located,
    Mapping,
    Parsed,
    Problem,
    match_headers,
    select_columns,
)
from msoko.collection.formats.parts import check_parts
from msoko.collection.readers.table import ROW, Table


def year_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


class Format(ABC):
    """One kind of file. Subclasses set `kind`, `title`, `columns` and implement `validate`."""

    kind: str = ""
    title: str = ""
    columns: tuple[Column, ...] = ()
    derived_elements: tuple[str, ...] = ()  # data element codes `derive` writes (summed into totals)
    sum_totals: bool = True  # category "" of derived elements = sum of the other categories
    row_level: bool = False  # values come one per row (lineage to the source row)
    has_year_column: bool = True
    checks_parts: bool = False  # values typed in by people: warn where parts exceed their whole

    def element_column(self, element: str) -> str:
        """The canonical column a data element's value stands in (for messages)."""
        return "value"

    def extra_headers(self, headers: list[str], context: Context) -> dict[str, str]:
        """Open-ended headers (task numbers, data element codes) → canonical keys."""
        return {}

    def titles(self) -> dict[str, str]:
        return {c.key: c.title for c in self.columns}

    def map_headers(self, table: Table, context: Context, profile: dict[str, str] | None = None) -> Mapping:
        return match_headers(table.headers, self.columns, profile, self.extra_headers(table.headers, context))

    def parse(self, table: Table, context: Context, profile: dict[str, str] | None = None) -> Parsed:
        mapping = self.map_headers(table, context, profile)
        located = Located(table, mapping)
        for position in mapping.name_columns:
            label = table.column_label(position)
            if context.name_columns == "drop":
                located.add(
                    "столбец с персональными данными (ФИО) пропущен: участники указываются только кодами.",
                    row=1, column=label, level=WARNING,
                )
            else:
                located.add(
                    "столбец с персональными данными (ФИО) не допускается: участники указываются только "
                    "кодами. Удалите столбец из файла.",
                    row=1, column=label,
                )
        for key in mapping.missing:
            title = self.titles().get(key, key)
            located.add(f"нет обязательного столбца «{title}».", row=1)
        for position, key in mapping.duplicates:
            located.add(
                f"столбец «{self.titles().get(key, key)}» встречается в заголовке дважды.",
                row=1, column=table.column_label(position),
            )
        for position in mapping.unmatched:
            if table.headers[position]:
                located.add("столбец не распознан и пропущен.", row=1, column=table.column_label(position), level=WARNING)
        header_mapping = mapping.header_mapping(table.headers)
        if located.errors:
            return Parsed(self.kind, pl.DataFrame(), located.problems, header_mapping)
        frame = select_columns(table, mapping)
        frame = self.validate(frame, located, context)
        years = self._check_years(frame, located, context)
        org_codes = self._check_orgs(frame, located, context)
        if "year" not in frame.columns and years:
            frame = frame.with_columns(pl.lit(years[0], dtype=pl.Int64).alias("year"))
        if self.checks_parts and context.part_rules and not located.errors:
            check_parts(self.derive(frame), context.part_rules, located, column_of=self.element_column,
                        names=context.elements)
        problems = sorted(located.problems, key=lambda p: (p.level != ERROR, p.row or 0))
        return Parsed(
            self.kind, frame, problems, header_mapping, years=years, org_codes=org_codes,
            keys=self.procedure_keys(frame),
        )

    @abstractmethod
    def validate(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        """Typed, checked rows of this kind; problems are added to `located`."""

    def procedure_keys(self, frame: pl.DataFrame) -> list[str]:
        """What within kind + year a file is about (subjects, stages, elements): two imports
        conflict only when organisations AND keys overlap."""
        return [self.kind]

    @abstractmethod
    def derive(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Long frame: org_code, year, element, category, value, source_row."""

    # -- checks shared by all kinds -------------------------------------------------------------

    def _check_years(self, frame: pl.DataFrame, located: Located, context: Context) -> list[int]:
        if "year" not in frame.columns:
            if context.year is None:
                located.add("нет столбца «Учебный год»; укажите учебный год при загрузке.", row=1)
                return []
            return [context.year]
        years = sorted(y for y in frame.get_column("year").unique().to_list() if y is not None)
        if context.year is not None:
            wrong = frame.filter(pl.col("year").is_not_null() & (pl.col("year") != context.year))
            located.add_rows(
                wrong, "year",
                lambda r: f"файл за другой учебный год: {year_label(r['year'])}, а загрузка — за {year_label(context.year)}.",
            )
            return [context.year]
        if len(years) > 1:
            labels = ", ".join(year_label(y) for y in years)
            located.add(f"в файле несколько учебных лет ({labels}); загрузите каждый год отдельным файлом.", column="year")
        for year in years:
            if year < 2000 or year > context.max_year:
                first = frame.filter(pl.col("year") == year).get_column(ROW).min()
                located.add(f"учебный год {year_label(year)} недопустим (ещё не начался или слишком ранний).",
                            row=first, column="year")
        return years

    def _check_orgs(self, frame: pl.DataFrame, located: Located, context: Context) -> list[str]:
        if "org_code" not in frame.columns:
            return []
        codes = sorted(c for c in frame.get_column("org_code").unique().to_list() if c is not None)
        if context.org_codes is None:
            return codes
        unknown = [c for c in codes if c not in context.org_codes]
        for code in unknown[:50]:
            rows = frame.filter(pl.col("org_code") == code).get_column(ROW)
            listed = ", ".join(str(r) for r in rows.head(5).to_list())
            more = f" и ещё {rows.len() - 5}" if rows.len() > 5 else ""
            located.problems.append(_org_problem(located, code, rows.min(), listed, more))
        if len(unknown) > 50:
            located.add(f"неизвестных кодов организаций всего {len(unknown)}; показаны первые 50.", column="org_code")
        return codes


def _org_problem(located: Located, code: str, first: int, listed: str, more: str) -> Problem:
    return Problem(
        file=located.table.name, sheet=located.table.sheet, row=first,
        column=located.labels.get("org_code", "org_code"), level=ERROR,
        message=f"код организации «{code}» не найден в реестре (строки {listed}{more}).",
    )
