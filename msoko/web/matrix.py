"""The direction × cycle matrix on the dashboard: which positions have content this year.

Each position asks the app that owns its objects. Positions whose apps are not built yet
report themselves as empty, with the action that would fill them.
"""

from __future__ import annotations

from dataclasses import dataclass

from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.catalog.formula import names
from msoko.collection.models import DataValue


@dataclass
class Cell:
    position: str
    status: str  # filled / partial / missing
    note: str


def direction_cells(direction, year) -> list[Cell]:
    """Status of the nine positions of one direction for one academic year."""
    indicators = list(direction.indicators.all())
    goals = list(direction.goals.all())
    with_method = sum(1 for i in indicators if i.collection_method)
    monitored = 0
    if year is not None and indicators:
        codes = set()
        for ind in indicators:
            codes.update(names(ind.numerator))
        monitored = (
            DataValue.objects.filter(period__academic_year=year, data_element__code__in=codes).values("organisation").distinct().count()
        )
    cells = []
    for pos in CYCLE_POSITIONS:
        if pos.code == "goals":
            cells.append(Cell(pos.code, "filled" if goals else "missing", f"целей: {len(goals)}"))
        elif pos.code == "indicators":
            cells.append(Cell(pos.code, "filled" if len(indicators) >= 5 else "partial" if indicators else "missing", f"показателей: {len(indicators)}"))
        elif pos.code == "methods":
            status = "filled" if indicators and with_method == len(indicators) else "partial" if with_method else "missing"
            cells.append(Cell(pos.code, status, f"методы указаны для {with_method} из {len(indicators)}"))
        elif pos.code == "monitoring":
            cells.append(Cell(pos.code, "filled" if monitored else "missing", f"организаций с данными: {monitored}"))
        else:
            cells.append(Cell(pos.code, "missing", "нет документов за год"))
    return cells
