"""The nine positions of the management cycle (seed 000, end of §40)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CyclePosition:
    number: int
    code: str
    name: str
    tab: str


CYCLE_POSITIONS: tuple[CyclePosition, ...] = (
    CyclePosition(1, "goals", "Цели", "Цели"),
    CyclePosition(2, "indicators", "Показатели", "Показатели"),
    CyclePosition(3, "methods", "Методы сбора и обработки информации", "Методы сбора"),
    CyclePosition(4, "monitoring", "Мониторинг", "Мониторинг"),
    CyclePosition(5, "analysis", "Анализ результатов", "Анализ"),
    CyclePosition(6, "recommendations", "Адресные рекомендации", "Рекомендации"),
    CyclePosition(7, "measures", "Меры и мероприятия", "Меры"),
    CyclePosition(8, "decisions", "Управленческие решения", "Решения"),
    CyclePosition(9, "effectiveness", "Анализ эффективности принятых мер", "Эффективность"),
)

BY_CODE = {p.code: p for p in CYCLE_POSITIONS}
