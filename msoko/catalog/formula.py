"""Indicator formulas: arithmetic over data element codes, parsed safely and evaluated on frames.

A formula part is an expression such as ``vpr_mark2 + vpr_mark3`` or ``100 * gia_high``:
data element codes, numbers, ``+ - * /`` and parentheses. Nothing else is accepted, so a
catalog file cannot smuggle code in.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any


class FormulaError(ValueError):
    """A formula does not parse or names an unknown data element."""


_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def parse(expression: str) -> ast.expr:
    """Parse one formula part; raise FormulaError with a Russian message if it is not allowed."""
    text = (expression or "").strip()
    if not text:
        raise FormulaError("пустая формула")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"формула «{text}» не разбирается: ошибка в позиции {exc.offset}") from None
    for node in ast.walk(tree.body):
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                raise FormulaError(f"формула «{text}»: допустимы только + - * /")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise FormulaError(f"формула «{text}»: недопустимая операция")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise FormulaError(f"формула «{text}»: допустимы только числа")
        elif isinstance(node, ast.Name | ast.Load | ast.operator | ast.unaryop):
            continue
        else:
            raise FormulaError(f"формула «{text}»: недопустимый элемент {type(node).__name__}")
    return tree.body


def names(expression: str) -> list[str]:
    """Data element codes the expression refers to, in order of first appearance."""
    seen: list[str] = []
    for node in ast.walk(parse(expression)):
        if isinstance(node, ast.Name) and node.id not in seen:
            seen.append(node.id)
    return seen


def summands(expression: str) -> tuple[str, ...] | None:
    """«a + b + c» → ("a", "b", "c"): the data elements of a plain sum of distinct codes; None for
    anything else (a constant, a product, a difference, a formula that does not parse)."""
    try:
        tree = parse(expression)
    except FormulaError:
        return None
    codes: list[str] = []

    def walk(node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            codes.append(node.id)
            return True
        return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and walk(node.left) and walk(node.right)

    return tuple(codes) if walk(tree) and len(set(codes)) == len(codes) else None


def check(expression: str, known: set[str]) -> list[str]:
    """Parse and check that every referenced data element exists; return the names."""
    found = names(expression)
    unknown = [n for n in found if n not in known]
    if unknown:
        raise FormulaError(f"формула «{expression}» ссылается на неизвестные элементы данных: {', '.join(unknown)}")
    return found


def evaluate(expression: str, resolve: Callable[[str], Any]) -> Any:
    """Evaluate with `resolve(name)` giving each data element's value (numbers or Polars exprs)."""

    def walk(node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return resolve(node.id)
        if isinstance(node, ast.UnaryOp):
            value = walk(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        raise FormulaError(f"недопустимый элемент {type(node).__name__}")

    return walk(parse(expression))


def evaluate_mapping(expression: str, values: Mapping[str, float | None]) -> float | None:
    """Evaluate on plain numbers; None if a referenced value is missing."""
    needed = names(expression)
    if any(values.get(n) is None for n in needed):
        return None
    return float(evaluate(expression, lambda n: float(values[n])))


def describe(numerator: str, denominator: str = "", multiplier: float = 1) -> str:
    """Human-readable formula, e.g. «vpr_mark2 / vpr_participants × 100»."""
    def wrap(part: str) -> str:
        return f"({part})" if any(op in part for op in "+-") else part

    text = wrap(numerator) if denominator else numerator
    if denominator:
        text = f"{text} / {wrap(denominator)}"
    if multiplier and multiplier != 1:
        text = f"{text} × {multiplier:g}"
    return text
