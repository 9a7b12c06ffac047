"""Russian number formatting for templates: 12,5 % and 1 234."""

from __future__ import annotations

from django import template

register = template.Library()

NBSP = "\u00a0"


def format_number(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:  # NaN
        return "—"
    if number.is_integer():
        return f"{int(number):,}".replace(",", NBSP)
    return f"{number:,.{digits}f}".replace(",", NBSP).replace(".", ",")


@register.filter
def num(value, digits: int = 1) -> str:
    """1234.5 → «1 234,5»; None → «—»."""
    return format_number(value, int(digits))


@register.filter
def pct(value, digits: int = 1) -> str:
    """12.5 → «12,5 %»."""
    text = format_number(value, int(digits))
    return text if text == "—" else f"{text}{NBSP}%"


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def signed(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    text = format_number(abs(value), int(digits))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


@register.filter
def year_label(start_year) -> str:
    """2024 → «2024/25»."""
    try:
        start = int(start_year)
    except (TypeError, ValueError):
        return ""
    return f"{start}/{(start + 1) % 100:02d}"


@register.filter
def measure(value, unit: str = "") -> str:
    """A value with its unit when it is a percentage: 12.5, "%" → «12,5 %»."""
    text = format_number(value, 1)
    if text == "—" or unit != "%":
        return text
    return f"{text}{NBSP}%"
