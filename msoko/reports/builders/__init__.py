"""Report builders: `build(kind, params)` → a `Document` (see `KINDS` for the kinds and parameters)."""

from __future__ import annotations

from typing import Any

from msoko.reports.builders.common import ReportError, make_context
from msoko.reports.document import Document

#: kind → (title, required parameters)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "vpr": ("Аналитическая справка по ВПР (предмет и класс)", ("subject", "grade")),
    "oge": ("Аналитическая справка по ОГЭ", ()),
    "ege": ("Аналитическая справка по ЕГЭ", ()),
    "olympiad": ("Аналитическая справка по ВсОШ", ()),
    "direction": ("Аналитическая справка по направлению", ("direction",)),
    "card": ("Информационная карта организации", ("org",)),
    "annual": ("Ежегодный отчёт «О состоянии системы образования»", ()),
}


def check_params(kind: str, params: dict[str, Any]) -> None:
    """ReportError naming what is missing or malformed (before anything is queued)."""
    if kind not in KINDS:
        raise ReportError(f"Неизвестный вид отчёта «{kind}»; есть: {', '.join(KINDS)}.")
    missing = [p for p in KINDS[kind][1] if params.get(p) in (None, "")]
    if missing:
        names = {"subject": "предмет", "grade": "класс", "direction": "направление", "org": "код организации"}
        raise ReportError(f"Для отчёта «{KINDS[kind][0]}» укажите: {', '.join(names[m] for m in missing)}.")
    for name, label in (("year", "учебный год"), ("grade", "класс"), ("direction", "направление")):
        value = params.get(name)
        if value not in (None, "") and not str(value).isdigit():
            raise ReportError(f"Параметр «{label}» должен быть числом, получено «{value}».")


def build(kind: str, params: dict[str, Any], municipality=None) -> Document:
    """Build a report. `params`: year (start year), subject, grade, direction, org (code)."""
    check_params(kind, params)
    year = int(params["year"]) if params.get("year") not in (None, "") else None
    if kind == "card" and municipality is None:
        from msoko.registry.models import Organisation

        org = Organisation.objects.filter(code=params["org"]).select_related("municipality").first()
        if org is None:
            raise ReportError(f"Организации с кодом «{params['org']}» нет.")
        municipality = org.municipality
    ctx = make_context(municipality, year)
    if kind == "vpr":
        from msoko.reports.builders.procedure import build_vpr

        return build_vpr(ctx, str(params["subject"]), int(params["grade"]))
    if kind in ("oge", "ege"):
        from msoko.reports.builders.procedure import build_gia

        return build_gia(ctx, kind, params.get("subject") or None)
    if kind == "olympiad":
        from msoko.reports.builders.procedure import build_olympiad

        return build_olympiad(ctx)
    if kind == "direction":
        from msoko.reports.builders.direction import build_direction

        return build_direction(ctx, int(params["direction"]))
    if kind == "card":
        from msoko.reports.builders.card import build_card

        return build_card(ctx, str(params["org"]))
    from msoko.reports.builders.annual import build_annual

    return build_annual(ctx)


__all__ = ["KINDS", "ReportError", "build", "check_params"]
