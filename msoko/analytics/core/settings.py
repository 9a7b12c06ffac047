"""Settings of the ШНОР / ШНСУ identification (seed 000 §33).

The seed leaves several choices open; each is an explicit option here with a stated default, and
`ShnorSettings.to_dict()` is stored with every result so that each number can be traced back to
the settings it was computed with. The Russian description of every option is in
`docs/analytics/shnor.md`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from msoko.analytics.core.errors import SettingsError

NORMALISATIONS = ("minmax", "mean_ratio", "zscore")
ROUNDINGS = ("ceil", "round", "floor")
TIE_POLICIES = ("include", "exclude")
GROUPINGS = ("cluster", "none")
MISSING_YEAR_POLICIES = ("insufficient_data", "present_years")
CONSTANT_POLICIES = ("neutral", "drop")
MISSING_INDICATOR_POLICIES = ("average_available", "no_index")
RESILIENT_BASES = ("latest_year", "status")

#: Value a constant indicator contributes under each normalisation: the middle of the scale.
NEUTRAL_VALUE = {"minmax": 0.5, "mean_ratio": 1.0, "zscore": 0.0}

#: Indices are rounded to this many decimals before ranking so that values equal in exact
#: arithmetic (but different in the last bits of a float) are treated as ties.
INDEX_DECIMALS = 9


@dataclass(frozen=True)
class ShnorSettings:
    """Every open choice of the identification, with the default named by the issue.

    normalisation: how indicator values are brought to a comparable form within a group:
        ``minmax`` (default) — (x − min) / (max − min), inverted as (max − x) / (max − min);
        ``mean_ratio`` — classic multidimensional average: x / mean, inverted as 2 − x / mean
        (the reflection around 1 stays defined when a school's value is 0);
        ``zscore`` — (x − mean) / standard deviation (population), inverted by sign.
        Result indicators are oriented "higher = better", social ones "higher = worse".
    share: the share of schools flagged in each group and year (default 0.25): the lowest results
        index → low results; the highest social index → unfavourable conditions.
    rounding: how many schools the share means, k = ceil(share × N) by default (``round``,
        ``floor`` available; at least one school is always flagged in a non-empty group).
    ties: ``include`` (default) — every school tied with the k-th at the boundary is flagged, with
        a warning when the tie makes the list longer than k; ``exclude`` — only schools ranked
        strictly inside the share are flagged (a boundary tie is left out), also with a warning.
    window: how many years count for the "stable" statuses (default 3): the last `window` years
        present in the input. Fewer years in the input than the window is an error.
    group_by: ``cluster`` (default) — normalise, rank and cut per cluster and year; ``none`` — all
        schools of a year together.
    missing_years: a school without an index in some year of the window: ``insufficient_data``
        (default) — it is not "stable" and its social status is «недостаточно данных»;
        ``present_years`` — statuses are judged on the years it has.
    constant_indicator: an indicator with one value for every school of a group: ``neutral``
        (default) — contributes the middle of the scale (0.5 under min–max, 1 under mean_ratio,
        0 under z-score); ``drop`` — left out of that group's indices.
    missing_indicator: a school lacking an indicator that other schools of the year have:
        ``average_available`` (default) — its index averages the indicators it has and the result
        says so; ``no_index`` — it gets no index that year.
    resilient_basis: resilient schools are in the top `share` by results in the latest year and
        ``latest_year`` (default) — have unfavourable conditions in that year, or ``status`` — have
        the status «неблагоприятные» over the whole window.
    """

    normalisation: str = "minmax"
    share: float = 0.25
    rounding: str = "ceil"
    ties: str = "include"
    window: int = 3
    group_by: str = "cluster"
    missing_years: str = "insufficient_data"
    constant_indicator: str = "neutral"
    missing_indicator: str = "average_available"
    resilient_basis: str = "latest_year"

    def __post_init__(self) -> None:
        _check_choice("normalisation", self.normalisation, NORMALISATIONS)
        _check_choice("rounding", self.rounding, ROUNDINGS)
        _check_choice("ties", self.ties, TIE_POLICIES)
        _check_choice("group_by", self.group_by, GROUPINGS)
        _check_choice("missing_years", self.missing_years, MISSING_YEAR_POLICIES)
        _check_choice("constant_indicator", self.constant_indicator, CONSTANT_POLICIES)
        _check_choice("missing_indicator", self.missing_indicator, MISSING_INDICATOR_POLICIES)
        _check_choice("resilient_basis", self.resilient_basis, RESILIENT_BASES)
        share = self.share
        if isinstance(share, bool) or not isinstance(share, int | float) or not math.isfinite(share):
            raise SettingsError(f"Параметр share: ожидается число от 0 до 1, получено «{share}».")
        if not 0 < share < 1:
            raise SettingsError(f"Параметр share: доля должна быть больше 0 и меньше 1, получено {share}.")
        window = self.window
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise SettingsError(
                f"Параметр window: ожидается целое число лет не меньше 1, получено «{window}»."
            )

    @property
    def neutral_value(self) -> float:
        """The middle of the scale of the chosen normalisation."""
        return NEUTRAL_VALUE[self.normalisation]

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready mapping stored with every result."""
        return asdict(self)


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        options = ", ".join(allowed)
        raise SettingsError(f"Параметр {name}: недопустимое значение «{value}»; допустимы: {options}.")
