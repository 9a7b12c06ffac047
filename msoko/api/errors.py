"""Errors of the API and their Russian wording (validation messages of pydantic included)."""

from __future__ import annotations

from typing import Any


class InvalidInput(Exception):
    """Request data a service refused (a cycle rule on creation, a campaign form's answers): 422."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]


# pydantic error type → Russian message (ctx values are substituted)
MESSAGES = {
    "missing": "обязательное поле",
    "string_type": "ожидается строка",
    "string_too_short": "слишком короткое значение (минимум символов: {min_length})",
    "string_too_long": "слишком длинное значение (максимум символов: {max_length})",
    "string_pattern_mismatch": "значение не соответствует формату",
    "int_type": "ожидается целое число",
    "int_parsing": "ожидается целое число",
    "int_from_float": "ожидается целое число",
    "float_type": "ожидается число",
    "float_parsing": "ожидается число",
    "bool_type": "ожидается true или false",
    "bool_parsing": "ожидается true или false",
    "date_type": "ожидается дата в формате ГГГГ-ММ-ДД",
    "date_parsing": "ожидается дата в формате ГГГГ-ММ-ДД",
    "date_from_datetime_parsing": "ожидается дата в формате ГГГГ-ММ-ДД",
    "date_from_datetime_inexact": "ожидается дата без времени",
    "greater_than_equal": "значение должно быть не меньше {ge}",
    "less_than_equal": "значение должно быть не больше {le}",
    "greater_than": "значение должно быть больше {gt}",
    "less_than": "значение должно быть меньше {lt}",
    "literal_error": "допустимые значения: {expected}",
    "list_type": "ожидается список",
    "dict_type": "ожидается объект",
    "model_attributes_type": "ожидается объект",
    "json_invalid": "тело запроса — не JSON",
    "value_error": "неверное значение",
}


def russian_message(error: dict[str, Any]) -> str:
    """The Russian text of one pydantic error; unknown types keep pydantic's own message."""
    template = MESSAGES.get(str(error.get("type", "")))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split(":")[0]
