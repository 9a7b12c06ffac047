"""Campaign answers: parsing what a person typed and checking DHIS2-style validation rules.

Pure Python (no Django): a field is described by `FieldSpec`, a rule by `RuleSpec`; the services
feed them from the models. Every problem is a Russian sentence naming the question or the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from msoko.catalog import formula

YES = {"да", "есть", "1", "1.0", "true", "истина", "yes", "+"}
NO = {"нет", "0", "0.0", "false", "ложь", "no", "-"}
OPERATORS = {"<=": "≤", "==": "=", ">=": "≥"}
TOLERANCE = 1e-9


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    type: str  # count, number, bool, presence, score
    max_score: float | None = None


@dataclass(frozen=True)
class RuleSpec:
    name: str
    left: str
    operator: str  # <=, ==, >=
    right: str
    message: str = ""


def parse_answer(spec: FieldSpec, raw: object) -> float | None:
    """A typed value from text (or a number); raises ValueError with a Russian reason."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    text = str(raw).strip()
    if not text:
        return None
    if spec.type in {"bool", "presence"}:
        key = text.casefold()
        if key in YES:
            return 1.0
        if key in NO:
            return 0.0
        answers = "«да» или «нет»" if spec.type == "bool" else "«есть» или «нет»"
        raise ValueError(f"ожидается {answers}, а указано «{text}»")
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"ожидается число, а указано «{text}»") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"ожидается число, а указано «{text}»")
    if spec.type == "count":
        if not number.is_integer():
            raise ValueError(f"ожидается целое число, а указано «{text}»")
        if number < 0:
            raise ValueError(f"число не может быть отрицательным («{text}»)")
    if spec.type == "score":
        top = spec.max_score
        if number < 0 or (top is not None and number > top):
            raise ValueError(f"балл должен быть от 0 до {top:g}, а указано «{text}»")
    return number


def parse_answers(specs: Iterable[FieldSpec], raw: Mapping[str, object]) -> tuple[dict[str, float | None], dict[str, str]]:
    """Values by field code and, separately, the problems by field code."""
    values: dict[str, float | None] = {}
    problems: dict[str, str] = {}
    for spec in specs:
        try:
            values[spec.code] = parse_answer(spec, raw.get(spec.code))
        except ValueError as exc:
            problems[spec.code] = f"«{spec.label}»: {exc}."
    return values, problems


def check_rule_syntax(rule: RuleSpec, codes: set[str]) -> None:
    """Raise formula.FormulaError (Russian) if a side does not parse or names an unknown field."""
    if rule.operator not in OPERATORS:
        raise formula.FormulaError(f"правило «{rule.name}»: условие «{rule.operator}» не поддерживается (допустимы <=, ==, >=)")
    for side in (rule.left, rule.right):
        formula.check(side, codes)


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def failed_rules(rules: Iterable[RuleSpec], values: Mapping[str, float | None]) -> list[str]:
    """Messages of the rules the values break; a rule with a blank operand is not checked yet."""
    failures = []
    for rule in rules:
        try:
            left = formula.evaluate_mapping(rule.left, values)
            right = formula.evaluate_mapping(rule.right, values)
        except ZeroDivisionError:
            continue
        if left is None or right is None:
            continue
        ok = {
            "<=": left <= right + TOLERANCE,
            ">=": left + TOLERANCE >= right,
            "==": abs(left - right) <= TOLERANCE,
        }[rule.operator]
        if not ok:
            detail = f"{rule.left} = {_fmt(left)}, {rule.right} = {_fmt(right)}; требуется {rule.left} {OPERATORS[rule.operator]} {rule.right}"
            text = f"Не выполнено правило «{rule.name}»: {detail}."
            if rule.message:
                text += f" {rule.message}"
            failures.append(text)
    return failures
