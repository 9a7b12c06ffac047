"""Catalog-driven values for every data element the procedure files and wide forms do not produce.

Driven generically by the parsed catalog document, so the generator keeps up with a growing
catalog: for a share indicator N / D the denominator D is taken from the organisation's contingent
when it is a base count (``students_total``, ``teachers_total``, ``children_total``) or drawn as a
count, and N ~ Binomial(D, p) with p centred on the indicator's target or norm and moved by the
organisation's latent quality (higher-is-better indicators) or social disadvantage (the social
block); yes/no → Bernoulli; score → bounded value; count → Poisson scaled by size.
Each element draws from its own random stream keyed by its code, so adding elements to the
catalog does not change the values of the others.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import numpy as np
import polars as pl

from msoko.demo.world import STREAM_VALUES, World, rng_for, year_label

COLUMNS = ["Учебный год", "Код ОО", "Элемент данных", "Разрез", "Значение"]
KINDS = ("school", "preschool", "additional")
BASE_CODES = ("students_total", "teachers_total", "children_total")
# produced by the importers' derivation from the procedure and survey files
DERIVED_PREFIXES = ("vpr_", "oge_", "ege_", "gve_", "olymp_", "survey_")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def formula_names(expression: Any) -> list[str]:
    """Data element codes in a formula (tolerant: plain regex, no evaluation)."""
    if expression is None or isinstance(expression, int | float):
        return []
    seen: list[str] = []
    for name in _NAME.findall(str(expression)):
        if name not in seen:
            seen.append(name)
    return seen


def is_derived(code: str) -> bool:
    return code.startswith(DERIVED_PREFIXES)


def _indicators(catalog: dict) -> list[dict]:
    out: list[dict] = []
    for key in ("directions", "variant_directions"):
        for direction in catalog.get(key) or []:
            out.extend(direction.get("indicators") or [])
    return out


def _target(indicator: dict, year: int) -> float | None:
    targets = indicator.get("targets") or {}
    if not isinstance(targets, dict) or not targets:
        return None
    by_year = {int(k): v for k, v in targets.items() if str(k).isdigit()}
    if not by_year:
        return None
    chosen = by_year.get(year) or by_year[min(by_year, key=lambda k: abs(k - year))]
    value = chosen.get("target", chosen.get("norm")) if isinstance(chosen, dict) else chosen
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _logit(p: float) -> float:
    p = min(max(p, 0.01), 0.99)
    return float(np.log(p / (1 - p)))


def _sig(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


class OrgFigures:
    """Per kind: organisation codes, latent quality, disadvantage and base counts for a year."""

    def __init__(self, codes: list[str], quality: np.ndarray, disadvantage: np.ndarray, base: dict[str, np.ndarray]) -> None:
        self.codes = codes
        self.quality = quality
        self.disadvantage = disadvantage
        self.base = base

    @property
    def size(self) -> np.ndarray:
        for code in ("students_total", "children_total"):
            if code in self.base:
                return self.base[code].astype(float)
        return np.full(len(self.codes), 100.0)


def _plan(catalog: dict) -> dict[str, dict]:
    """For every data element, how an indicator uses it: numerator/denominator, polarity, target.

    A numerator use in a share indicator with a single-element denominator wins over other uses,
    then any numerator use, then a denominator use.
    """
    roles: dict[str, dict] = {}

    def rank(role: dict) -> int:
        if role["role"] == "num":
            return 0 if role["kind"] in ("share", "ratio") and len(role["denominator"]) == 1 else 1
        return 2

    for ind in _indicators(catalog):
        kind = str(ind.get("kind") or "share")
        numerator = formula_names(ind.get("numerator"))
        denominator = formula_names(ind.get("denominator"))
        common = {
            "kind": kind,
            "higher_is_better": bool(ind.get("higher_is_better", True)),
            "social": (ind.get("block") or "") == "social",
            "multiplier": float(ind.get("multiplier") or (100 if kind == "share" else 1)),
            "indicator": ind,
        }
        uses = [(c, {**common, "role": "num", "denominator": denominator, "siblings": len(numerator)}) for c in numerator]
        uses += [(c, {**common, "role": "den", "denominator": []}) for c in denominator if c not in numerator]
        for code, role in uses:
            if code not in roles or rank(role) < rank(roles[code]):
                roles[code] = role
    # Parts of one whole (highest + first category over all teachers): whichever indicator a part's
    # role came from, it is drawn from what the parts before it left of the same denominator.
    for ind in _indicators(catalog):
        numerator, denominator = formula_names(ind.get("numerator")), formula_names(ind.get("denominator"))
        if len(numerator) < 2 or len(denominator) != 1:
            continue
        for i, code in enumerate(numerator):
            role = roles.get(code)
            if role and role["role"] == "num" and role["denominator"] == denominator:
                role["before"] = [*role.get("before", []), *(c for c in numerator[:i] if c not in role.get("before", []))]
    return roles


def _unit(code: str) -> float:
    """A stable number in [0, 1) per element code."""
    return (zlib.crc32(code.encode("utf-8")) % 1000) / 1000


def values_frame(
    catalog: dict, world: World, year: int, figures: dict[str, OrgFigures], covered: set[tuple[str, str]]
) -> pl.DataFrame:
    """Long table of generated values for one academic year (may be empty)."""
    elements = {str(e["code"]): e for e in catalog.get("data_elements") or [] if isinstance(e, dict) and e.get("code")}
    roles = _plan(catalog)
    label = year_label(year)
    generated: dict[tuple[str, str], np.ndarray] = {}
    written: list[tuple[str, str]] = []

    def kinds_of(element: dict) -> list[str]:
        kinds = element.get("org_kinds") or ["school"]
        return [k for k in kinds if k in KINDS and figures.get(k) is not None and len(figures[k].codes) > 0]

    def value_of(code: str, kind: str, stack: tuple[str, ...]) -> np.ndarray | None:
        """Values of an element for all organisations of a kind: base figures or generated."""
        org = figures[kind]
        if code in org.base:
            return org.base[code].astype(float)
        if (code, kind) in generated:
            return generated[(code, kind)]
        element = elements.get(code)
        if element is None or is_derived(code) or code in stack or kind not in kinds_of(element):
            return None
        role = roles.get(code)
        denominator = None
        if role and role["role"] == "num" and len(role["denominator"]) == 1:
            denominator = value_of(role["denominator"][0], kind, (*stack, code))
            # parts of one whole (highest + first category ≤ all teachers): each part is drawn from
            # what the parts before it left, so their sum never exceeds the denominator
            for sibling in role.get("before", []) if denominator is not None else ():
                taken = value_of(sibling, kind, (*stack, code))
                if taken is not None:
                    denominator = np.maximum(denominator - taken, 0)
        rng = rng_for(world.seed, STREAM_VALUES, year, zlib.crc32(code.encode("utf-8")), KINDS.index(kind))
        generated[(code, kind)] = _draw(rng, element, role, org, year, denominator)
        return generated[(code, kind)]

    for code in sorted(elements):
        if is_derived(code):
            continue
        for kind in kinds_of(elements[code]):
            if (code, kind) in covered:
                continue
            if value_of(code, kind, ()) is not None:
                written.append((code, kind))
    out_org: list[str] = []
    out_code: list[str] = []
    out_value: list[float] = []
    for code, kind in written:
        org = figures[kind]
        out_org.extend(org.codes)
        out_code.extend([code] * len(org.codes))
        out_value.extend(value_of(code, kind, ()).tolist())
    frame = pl.DataFrame(
        {
            "Учебный год": [label] * len(out_org),
            "Код ОО": out_org,
            "Элемент данных": out_code,
            "Разрез": pl.Series("Разрез", [None] * len(out_org), dtype=pl.String),
            "Значение": pl.Series("Значение", out_value, dtype=pl.Float64),
        }
    )
    return frame.sort(["Код ОО", "Элемент данных"])


def _goodness(role: dict | None, org: OrgFigures) -> np.ndarray:
    """Shift on the logit scale: positive pushes the value up."""
    if role is None:
        return 0.4 * org.quality
    if role["social"]:
        return 0.6 * org.disadvantage
    sign = 1.0 if role["higher_is_better"] else -1.0
    return sign * 0.5 * (org.quality - 0.3 * org.disadvantage)


def _group_base(code: str, org: OrgFigures) -> np.ndarray:
    """The population a count element is part of, guessed from its code."""
    n = len(org.codes)
    if code.startswith("heads_"):
        return np.full(n, 3.0)  # the head and the deputies
    if "teacher" in code and "teachers_total" in org.base:
        return org.base["teachers_total"].astype(float)
    if code.startswith("families_"):
        return np.rint(org.size * 0.8)
    return org.size


def _draw(rng, element: dict, role: dict | None, org: OrgFigures, year: int, denominator: np.ndarray | None) -> np.ndarray:
    n = len(org.codes)
    value_type = str(element.get("value_type") or "number")
    code = str(element["code"])
    shift = _goodness(role, org)
    target = _target(role["indicator"], year) if role else None
    multiplier = role["multiplier"] if role else 100.0

    if value_type == "bool":
        if target is not None and 0 < target < multiplier:
            p0 = target / multiplier
        elif role and (role["social"] or not role["higher_is_better"]):
            p0 = 0.2
        else:
            p0 = 0.7
        return (rng.random(n) < _sig(_logit(p0) + shift)).astype(float)

    if value_type == "percent":
        p0 = target / 100 if target is not None and 0 < target < 100 else 0.6
        return np.round(100 * _sig(_logit(p0) + shift + rng.normal(0, 0.3, n)), 1)

    if value_type == "score":
        if target is not None and target > 0:
            return np.round(np.clip(target * (1 + 0.12 * shift + rng.normal(0, 0.08, n)), 0, None), 1)
        return np.round(np.clip(6 + 1.5 * shift + rng.normal(0, 1, n), 0, 10), 1)

    if value_type == "count":
        base = np.maximum(_group_base(code, org), 1).astype(np.int64)
        if role and role["role"] == "num" and denominator is not None and role["kind"] == "share":
            if target is not None and 0 < target < multiplier:
                p0 = target / multiplier
            else:
                p0 = 0.55 if role["higher_is_better"] and not role["social"] else 0.08
            p = _sig(_logit(p0 / max(1, role["siblings"])) + shift)
            return rng.binomial(np.maximum(denominator, 0).astype(np.int64), p).astype(float)
        if role and role["role"] == "num" and denominator is not None:
            r0 = target / multiplier if target is not None and target > 0 else 0.5
            return rng.poisson(np.maximum(denominator, 0) * r0 * np.exp(0.3 * shift)).astype(float)
        if code.endswith("_total") or (role and role["role"] == "den"):
            share = (0.6 + 0.4 * _unit(code)) if code.endswith("_total") else (0.15 + 0.45 * _unit(code))
            return np.maximum(1, rng.binomial(base, share)).astype(float)
        p0 = 0.03 + 0.2 * _unit(code)
        return rng.binomial(base, _sig(_logit(p0) + 0.5 * shift)).astype(float)

    # number (or anything else): positive, scaled by size when used as a share base
    if target is not None and target > 0:
        return np.round(target * np.exp(0.1 * shift + rng.normal(0, 0.1, n)), 2)
    return np.round(10 * np.exp(0.2 * shift + rng.normal(0, 0.3, n)), 2)
