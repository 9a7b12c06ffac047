"""The direction × cycle matrix on the dashboard: a thin call of `msoko.cycle.matrix`.

The cycle app owns the rules of every position (see its module docstring).
"""

from __future__ import annotations

from msoko.cycle.matrix import MatrixCell as Cell
from msoko.cycle.matrix import direction_cells

__all__ = ["Cell", "direction_cells"]
