"""Import formats by kind (the word the CLI takes). Pure: no Django here."""

from __future__ import annotations

from msoko.collection.formats.base import Format
from msoko.collection.formats.common import Context, Parsed, Problem
from msoko.collection.formats.gia import GiaFormat
from msoko.collection.formats.olympiad import OlympiadFormat
from msoko.collection.formats.survey import SurveyFormat
from msoko.collection.formats.values import LongValuesFormat, WideFormat
from msoko.collection.formats.vpr import VprFormat

FORMATS: dict[str, Format] = {
    "vpr": VprFormat(),
    "gia": GiaFormat(),
    "olympiad": OlympiadFormat(),
    "oo1": WideFormat("oo1", "Статистика организаций (ОО-1, ОО-2)"),
    "values": LongValuesFormat(),
    "preschool": WideFormat("preschool", "Мониторинг дошкольного образования"),
    "survey": SurveyFormat(),
}
KINDS = tuple(FORMATS)


def get_format(kind: str) -> Format:
    try:
        return FORMATS[kind]
    except KeyError:
        raise KeyError(f"Неизвестный вид данных «{kind}»; допустимы: {', '.join(KINDS)}.") from None


def detect_kind(headers: list[str], context: Context) -> str | None:
    """The kind whose required columns the headers cover best (None if none fits)."""
    from msoko.collection.formats.common import match_headers

    best, best_score = None, 0.0
    for kind, fmt in FORMATS.items():
        mapping = match_headers(headers, fmt.columns, None, fmt.extra_headers(headers, context))
        if mapping.missing:
            continue
        specific = [k for k in mapping.columns.values() if not k.startswith("q:")]
        score = len(specific) + (0.5 if kind in ("oo1",) else 0)
        if score > best_score:
            best, best_score = kind, score
    return best


__all__ = ["FORMATS", "KINDS", "Context", "Format", "Parsed", "Problem", "detect_kind", "get_format"]
