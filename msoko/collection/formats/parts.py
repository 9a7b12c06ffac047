"""Parts that exceed their whole in an uploaded table — a warning, not a refusal.

The catalog defines most shares as a sum of data elements over another sum (teachers of the highest
and the first category over all teachers). A row whose parts add up to more than the whole gives a
share above 100 %; that is nearly always a typing error, but the file may still be right about the
other values, so the import goes on and the row is named (DHIS2's validation rule «left ≤ right»
applied to the upload). Only values of the same file are compared: the whole may come later.
Pure Polars, no Django: the rules come in through `Context.part_rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl

from msoko.catalog.formula import summands
from msoko.collection.formats.common import MAX_PROBLEMS_PER_CHECK, WARNING, Located


@dataclass(frozen=True)
class PartRule:
    """`part` (element codes, summed) must not exceed `whole` (summed); `indicators` name the shares
    ("6.06 Доля педагогов — …") that the rule protects."""

    part: tuple[str, ...]
    whole: tuple[str, ...]
    indicators: tuple[str, ...]


def rules_from_shares(shares: Iterable[tuple[str, str, str, str]]) -> list[PartRule]:
    """(code, name, numerator, denominator) of percentage indicators → one rule per (part, whole)."""
    found: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for code, name, numerator, denominator in shares:
        part, whole = summands(numerator), summands(denominator)
        if part and whole and not set(part) & set(whole):
            found.setdefault((part, whole), []).append(f"{code} {name}")
    return [PartRule(part, whole, tuple(indicators)) for (part, whole), indicators in found.items()]


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def check_parts(derived: pl.DataFrame, rules: Iterable[PartRule], located: Located, *,
                column_of: Callable[[str], str], names: dict[str, str]) -> None:
    """Add a warning for every organisation and year of `derived` (org_code, year, element, category,
    value, source_row) whose parts exceed the whole of a rule; the row and column of the first part."""
    totals = derived.filter(pl.col("category") == "")
    present = set(totals.get_column("element").unique().to_list()) if totals.height else set()
    for rule in rules:
        if not set(rule.whole) <= present or not set(rule.part) & present:
            continue
        # in file order, so the first part cell of a group is the one the warning points at
        cells = totals.filter(pl.col("element").is_in([*rule.part, *rule.whole])).sort("source_row")
        in_part = pl.col("element").is_in(list(rule.part))
        over = cells.group_by("org_code", "year").agg(
            pl.col("value").filter(in_part).sum().alias("part"),
            pl.col("value").filter(~in_part).sum().alias("whole"),
            pl.col("element").filter(~in_part).n_unique().alias("wholes"),
            pl.col("source_row").filter(in_part).first().alias("row"),
            pl.col("element").filter(in_part).first().alias("first"),
        ).filter((pl.col("wholes") == len(rule.whole)) & (pl.col("part") > pl.col("whole"))).sort("row", "org_code")
        part_name = " + ".join(f"«{names.get(code, code)}»" for code in rule.part)
        whole_name = " + ".join(f"«{names.get(code, code)}»" for code in rule.whole)
        shares = "; ".join(rule.indicators[:2]) + (f" и ещё {len(rule.indicators) - 2}" if len(rule.indicators) > 2 else "")
        for hit in over.head(MAX_PROBLEMS_PER_CHECK).iter_rows(named=True):
            located.add(
                f"у организации «{hit['org_code']}» {part_name} = {_number(hit['part'])} больше, чем {whole_name} = "
                f"{_number(hit['whole'])}: доля превысит 100 % ({shares}). Проверьте значения.",
                row=hit["row"], column=column_of(hit["first"]), level=WARNING,
            )
        if over.height > MAX_PROBLEMS_PER_CHECK:
            located.add(f"{part_name} больше, чем {whole_name}, ещё у {over.height - MAX_PROBLEMS_PER_CHECK} "
                        f"организаций (всего {over.height}); показаны первые {MAX_PROBLEMS_PER_CHECK}.", level=WARNING)
