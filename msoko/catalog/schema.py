"""The catalog document: validation and normalisation of a fixture or an exchanged file.

A catalog document (YAML fixture, JSON export, a neighbour municipality's file) is checked as a
whole before anything is written: every problem is collected as a Russian message naming the
item's code and the field, and `CatalogError` lists them all. `normalise` returns the canonical
form, which is exactly what `services.export_catalog` produces, so comparing two catalogs is
comparing two dicts and export → import → export is the identity.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from msoko.catalog import formula
from msoko.catalog.cycle import CYCLE_POSITIONS

KINDS = ("share", "count", "yes_no", "score", "ratio", "expression")
AGGREGATIONS = ("sum_ratio", "sum", "mean", "share_of_orgs", "none")
VALUE_TYPES = ("count", "number", "percent", "score", "bool")
ORG_KINDS = ("school", "preschool", "additional", "other")
BLOCKS = ("", "results", "social")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")

TOP_KEYS = ("version", "mechanisms", "cycle_positions", "data_elements", "directions", "variant_directions")
MECHANISM_KEYS = ("number", "name")
DATA_ELEMENT_KEYS = ("code", "name", "value_type", "unit", "source", "org_kinds", "seed_ref", "description")
DIRECTION_KEYS = (
    "number", "code", "name", "short_name", "mechanism", "is_variant", "seed_ref", "goals", "tasks", "indicators",
)
GOAL_KEYS = ("code", "text", "tasks", "seed_ref")
INDICATOR_KEYS = (
    "code", "name", "criterion", "kind", "formula", "numerator", "denominator", "multiplier", "unit",
    "higher_is_better", "aggregation", "periodicity", "source", "collection_method", "responsible_role",
    "org_kinds", "block", "not_for_rating", "defined_in_msoko", "seed_ref", "description", "targets",
)
INDICATOR_REQUIRED = ("code", "name", "kind", "numerator", "higher_is_better", "seed_ref")

DEFAULT_AGGREGATION = {
    "share": "sum_ratio",
    "ratio": "sum_ratio",
    "count": "sum",
    "yes_no": "share_of_orgs",
    "score": "mean",
    "expression": "mean",
}
DEFAULT_PERIODICITY = "ежегодно"

# Limits mirror the model fields (checked by a test), so PostgreSQL never truncates or refuses.
MAX_LENGTH = {
    "version": 50,
    "mechanism.name": 300,
    "data_element.code": 60,
    "data_element.name": 400,
    "data_element.unit": 40,
    "data_element.source": 200,
    "data_element.seed_ref": 200,
    "direction.code": 40,
    "direction.name": 300,
    "direction.short_name": 100,
    "direction.seed_ref": 200,
    "goal.code": 40,
    "goal.seed_ref": 200,
    "indicator.code": 60,
    "indicator.name": 500,
    "indicator.criterion": 400,
    "indicator.numerator": 500,
    "indicator.denominator": 500,
    "indicator.unit": 40,
    "indicator.periodicity": 60,
    "indicator.source": 300,
    "indicator.collection_method": 300,
    "indicator.responsible_role": 200,
    "indicator.seed_ref": 300,
}


class CatalogError(ValueError):
    """The catalog document is invalid; `errors` lists every problem found (in Russian)."""

    def __init__(self, errors: Iterable[str], *, source: str = "") -> None:
        self.errors = list(errors)
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"«{self.source}»" if self.source else ""
        head = f"Каталог {where} не загружен".replace("  ", " ")
        if len(self.errors) == 1:
            return f"{head}: {self.errors[0]}"
        lines = "\n".join(f"  — {e}" for e in self.errors)
        return f"{head}, ошибок: {len(self.errors)}:\n{lines}"


def read_file(path: str | Path) -> dict:
    """Read a catalog document from a JSON or YAML file; raise CatalogError naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogError([f"файл «{path}» не найден"], source=str(path)) from None
    except UnicodeDecodeError:
        raise CatalogError([f"файл «{path}» не в кодировке UTF-8"], source=str(path)) from None
    except OSError as exc:
        raise CatalogError([f"файл «{path}» не читается: {exc.strerror}"], source=str(path)) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogError(
                [f"файл «{path.name}», строка {exc.lineno}, столбец {exc.colno}: ошибка JSON ({exc.msg})"],
                source=str(path),
            ) from None
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", строка {mark.line + 1}, столбец {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or "неверный синтаксис"
            raise CatalogError([f"файл «{path.name}»{where}: ошибка YAML ({problem})"], source=str(path)) from None
    if not isinstance(data, dict):
        raise CatalogError([f"файл «{path.name}»: ожидается документ-словарь с ключами {', '.join(TOP_KEYS[:1] + TOP_KEYS[3:5])}"], source=str(path))
    return data


def checksum(document: dict) -> str:
    """SHA-256 of the canonical JSON form of a normalised document."""
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cycle_positions() -> list[dict]:
    return [{"number": p.number, "code": p.code, "name": p.name} for p in CYCLE_POSITIONS]


class _Checker:
    """Collects errors while reading fields of one document."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def unknown_keys(self, where: str, item: dict, allowed: tuple[str, ...]) -> None:
        extra = [k for k in item if k not in allowed]
        if extra:
            self.error(where, f"неизвестные поля {', '.join(f'«{k}»' for k in map(str, extra))}")

    def text(self, where: str, item: dict, key: str, *, required: bool = False, limit: str = "") -> str:
        value = item.get(key)
        if value is None:
            if required:
                self.error(where, f"нет обязательного поля «{key}»")
            return ""
        if not isinstance(value, str):
            hint = " (возьмите значение в кавычки)" if isinstance(value, int | float) else ""
            self.error(where, f"поле «{key}» должно быть строкой{hint}")
            return ""
        value = value.strip()
        if required and not value:
            self.error(where, f"поле «{key}» пустое")
        max_len = MAX_LENGTH.get(limit)
        if max_len and len(value) > max_len:
            self.error(where, f"поле «{key}» длиннее {max_len} символов")
        return value

    def integer(self, where: str, item: dict, key: str, *, required: bool = True) -> int | None:
        value = item.get(key)
        if value is None:
            if required:
                self.error(where, f"нет обязательного поля «{key}»")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(where, f"поле «{key}» должно быть целым положительным числом, а не «{value}»")
            return None
        return value

    def boolean(self, where: str, item: dict, key: str, *, required: bool = False, default: bool = False) -> bool:
        value = item.get(key)
        if value is None:
            if required:
                self.error(where, f"нет обязательного поля «{key}»")
            return default
        if not isinstance(value, bool):
            self.error(where, f"поле «{key}» должно быть true или false, а не «{value}»")
            return default
        return value

    def choice(self, where: str, item: dict, key: str, choices: tuple[str, ...], default: str | None) -> str:
        value = item.get(key)
        if value is None:
            if default is None:
                self.error(where, f"нет обязательного поля «{key}»")
                return ""
            return default
        if value not in choices:
            allowed = ", ".join(c for c in choices if c) or "—"
            self.error(where, f"поле «{key}»: недопустимое значение «{value}» (допустимо: {allowed})")
            return default or ""
        return value

    def string_list(self, where: str, item: dict, key: str, choices: tuple[str, ...] | None = None,
                    default: list[str] | None = None) -> list[str]:
        value = item.get(key)
        if value is None:
            return list(default or [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(where, f"поле «{key}» должно быть списком строк")
            return list(default or [])
        if choices is not None:
            bad = [v for v in value if v not in choices]
            if bad:
                self.error(where, f"поле «{key}»: недопустимые значения {', '.join(bad)} (допустимо: {', '.join(choices)})")
        return [v.strip() for v in value]

    def items(self, where: str, data: dict, key: str, *, required: bool = True) -> list[dict]:
        value = data.get(key)
        if value is None:
            if required:
                self.error(where, f"нет обязательного раздела «{key}»")
            return []
        if not isinstance(value, list):
            self.error(where, f"раздел «{key}» должен быть списком")
            return []
        good = []
        for i, item in enumerate(value, start=1):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.error(where, f"раздел «{key}», элемент №{i}: ожидается словарь полей")
        return good


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError
    return float(value)


def normalise(data: Any, *, source: str = "") -> dict:
    """Validate a whole catalog document and return its canonical form, or raise CatalogError."""
    c = _Checker()
    if not isinstance(data, dict):
        raise CatalogError(["ожидается документ-словарь"], source=source)
    c.unknown_keys("Документ", data, TOP_KEYS)
    label = c.text("Документ", data, "version", required=True, limit="version")

    mechanisms: list[dict] = []
    seen_mech: set[int] = set()
    for i, item in enumerate(c.items("Документ", data, "mechanisms"), start=1):
        where = f"Механизм №{item.get('number', i)}"
        c.unknown_keys(where, item, MECHANISM_KEYS)
        number = c.integer(where, item, "number")
        name = c.text(where, item, "name", required=True, limit="mechanism.name")
        if number is not None:
            if number in seen_mech:
                c.error(where, "номер механизма повторяется")
            seen_mech.add(number)
            mechanisms.append({"number": number, "name": name})
    mechanisms.sort(key=lambda m: m["number"])

    elements: dict[str, dict] = {}
    for i, item in enumerate(c.items("Документ", data, "data_elements"), start=1):
        raw_code = item.get("code")
        where = f"Элемент данных «{raw_code}»" if isinstance(raw_code, str) and raw_code else f"Элемент данных №{i}"
        c.unknown_keys(where, item, DATA_ELEMENT_KEYS)
        code = c.text(where, item, "code", required=True, limit="data_element.code")
        if code and not CODE_RE.match(code):
            c.error(where, "код должен состоять из строчных латинских букв, цифр и «_» и начинаться с буквы")
        element = {
            "code": code,
            "name": c.text(where, item, "name", required=True, limit="data_element.name"),
            "value_type": c.choice(where, item, "value_type", VALUE_TYPES, "count"),
            "unit": c.text(where, item, "unit", limit="data_element.unit"),
            "source": c.text(where, item, "source", limit="data_element.source"),
            "org_kinds": c.string_list(where, item, "org_kinds", ORG_KINDS),
            "seed_ref": c.text(where, item, "seed_ref", limit="data_element.seed_ref"),
            "description": c.text(where, item, "description"),
        }
        if code:
            if code in elements:
                c.error(where, "код элемента данных повторяется")
            else:
                elements[code] = element
    known = set(elements)
    bool_elements = {code for code, e in elements.items() if e["value_type"] == "bool"}

    directions: list[dict] = []
    seen_dir_numbers: set[int] = set()
    seen_dir_codes: set[str] = set()
    seen_indicators: dict[str, int | None] = {}
    raw_directions = [(d, False) for d in c.items("Документ", data, "directions")]
    raw_directions += [(d, True) for d in c.items("Документ", data, "variant_directions", required=False)]
    for i, (item, in_variant_list) in enumerate(raw_directions, start=1):
        where = f"Направление №{item.get('number', '?')}" if "number" in item else f"Направление (позиция {i})"
        c.unknown_keys(where, item, DIRECTION_KEYS)
        number = c.integer(where, item, "number")
        code = c.text(where, item, "code", required=True, limit="direction.code")
        if number is not None:
            if number in seen_dir_numbers:
                c.error(where, "номер направления повторяется")
            seen_dir_numbers.add(number)
        if code:
            if code in seen_dir_codes:
                c.error(where, f"код направления «{code}» повторяется")
            seen_dir_codes.add(code)
        mechanism = c.integer(where, item, "mechanism")
        if mechanism is not None and mechanism not in seen_mech:
            c.error(where, f"поле «mechanism»: механизм №{mechanism} не объявлен в разделе «mechanisms»")
        direction = {
            "number": number,
            "code": code,
            "name": c.text(where, item, "name", required=True, limit="direction.name"),
            "short_name": c.text(where, item, "short_name", required=True, limit="direction.short_name"),
            "mechanism": mechanism,
            "is_variant": c.boolean(where, item, "is_variant", default=in_variant_list),
            "seed_ref": c.text(where, item, "seed_ref", limit="direction.seed_ref"),
            "tasks": c.string_list(where, item, "tasks"),
            "goals": _goals(c, where, item),
            "indicators": [],
        }
        for j, ind in enumerate(c.items(where, item, "indicators", required=False), start=1):
            indicator = _indicator(c, where, j, ind, known, bool_elements)
            if indicator is None:
                continue
            if indicator["code"] in seen_indicators:
                c.error(
                    f"Показатель «{indicator['code']}» (направление №{number})",
                    f"код показателя повторяется (уже есть в направлении №{seen_indicators[indicator['code']]})",
                )
                continue
            seen_indicators[indicator["code"]] = number
            direction["indicators"].append(indicator)
        directions.append(direction)

    if c.errors:
        raise CatalogError(c.errors, source=source)

    directions.sort(key=lambda d: d["number"])
    return {
        "version": label,
        "mechanisms": mechanisms,
        "cycle_positions": cycle_positions(),
        "data_elements": [elements[k] for k in sorted(elements)],
        "directions": [d for d in directions if not d["is_variant"]],
        "variant_directions": [d for d in directions if d["is_variant"]],
    }


def _goals(c: _Checker, direction_where: str, item: dict) -> list[dict]:
    goals = []
    seen: set[str] = set()
    for i, goal in enumerate(c.items(direction_where, item, "goals", required=False), start=1):
        raw = goal.get("code")
        where = f"{direction_where}, цель «{raw}»" if isinstance(raw, str) and raw else f"{direction_where}, цель №{i}"
        c.unknown_keys(where, goal, GOAL_KEYS)
        code = c.text(where, goal, "code", required=True, limit="goal.code")
        if code in seen:
            c.error(where, "код цели повторяется")
        seen.add(code)
        goals.append({
            "code": code,
            "text": c.text(where, goal, "text", required=True),
            "tasks": c.string_list(where, goal, "tasks"),
            "seed_ref": c.text(where, goal, "seed_ref", limit="goal.seed_ref"),
        })
    return goals


def _formula_part(c: _Checker, where: str, key: str, expression: str, known: set[str]) -> list[str]:
    try:
        return formula.check(expression, known)
    except formula.FormulaError as exc:
        c.error(where, f"поле «{key}»: {exc}")
        return []


def _indicator(c: _Checker, direction_where: str, position: int, item: dict, known: set[str],
               bool_elements: set[str]) -> dict | None:
    raw = item.get("code")
    where = (
        f"Показатель «{raw}» ({direction_where.lower()})"
        if isinstance(raw, str) and raw
        else f"{direction_where}, показатель №{position}"
    )
    c.unknown_keys(where, item, INDICATOR_KEYS)
    for key in INDICATOR_REQUIRED:
        if item.get(key) is None:
            c.error(where, f"нет обязательного поля «{key}»")
    code = c.text(where, item, "code", limit="indicator.code")
    kind = item.get("kind")
    if kind is not None and kind not in KINDS:
        c.error(where, f"поле «kind»: недопустимое значение «{kind}» (допустимо: {', '.join(KINDS)})")
    kind = kind if kind in KINDS else ""
    numerator = c.text(where, item, "numerator", limit="indicator.numerator")
    denominator = c.text(where, item, "denominator", limit="indicator.denominator")
    names: list[str] = []
    if numerator:
        names += _formula_part(c, where, "numerator", numerator, known)
    elif item.get("numerator") is not None:
        c.error(where, "поле «numerator» пустое")
    if denominator:
        _formula_part(c, where, "denominator", denominator, known)
    elif kind in ("share", "ratio"):
        c.error(where, f"для вида «{kind}» нужен знаменатель (поле «denominator»)")
    if kind == "yes_no":
        not_bool = [n for n in names if n in known and n not in bool_elements]
        if not_bool:
            c.error(where, f"поле «numerator»: для вида «yes_no» нужны элементы типа bool, а {', '.join(not_bool)} — нет")
    try:
        multiplier = _number(item.get("multiplier"))
    except ValueError:
        c.error(where, f"поле «multiplier» должно быть числом, а не «{item.get('multiplier')}»")
        multiplier = None
    if multiplier is None:
        multiplier = 100.0 if kind == "share" else 1.0
    targets = _targets(c, where, item.get("targets"))
    indicator = {
        "code": code,
        "name": c.text(where, item, "name", limit="indicator.name"),
        "criterion": c.text(where, item, "criterion", limit="indicator.criterion"),
        "kind": kind,
        "formula": formula.describe(numerator, denominator, multiplier) if numerator else "",
        "numerator": numerator,
        "denominator": denominator,
        "multiplier": multiplier,
        "unit": c.text(where, item, "unit", limit="indicator.unit") or ("%" if kind == "share" and "unit" not in item else ""),
        "higher_is_better": c.boolean(where, item, "higher_is_better", default=True),
        "aggregation": c.choice(where, item, "aggregation", AGGREGATIONS, DEFAULT_AGGREGATION.get(kind, "none")),
        "periodicity": c.text(where, item, "periodicity", limit="indicator.periodicity") if "periodicity" in item else DEFAULT_PERIODICITY,
        "source": c.text(where, item, "source", limit="indicator.source"),
        "collection_method": c.text(where, item, "collection_method", limit="indicator.collection_method"),
        "responsible_role": c.text(where, item, "responsible_role", limit="indicator.responsible_role"),
        "org_kinds": c.string_list(where, item, "org_kinds", ORG_KINDS, default=["school"]),
        "block": c.choice(where, item, "block", BLOCKS, ""),
        "not_for_rating": c.boolean(where, item, "not_for_rating"),
        "defined_in_msoko": c.boolean(where, item, "defined_in_msoko"),
        "seed_ref": c.text(where, item, "seed_ref", limit="indicator.seed_ref"),
        "description": c.text(where, item, "description"),
        "targets": targets,
    }
    if item.get("seed_ref") is not None and not indicator["seed_ref"]:
        c.error(where, "поле «seed_ref» пустое: укажите акт и раздел, откуда взят показатель")
    return indicator if code else None


def _targets(c: _Checker, where: str, value: Any) -> dict[str, dict]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.error(where, "поле «targets» должно быть словарём «год: {norm, target}»")
        return {}
    result: dict[str, dict] = {}
    for year, spec in value.items():
        try:
            year_int = int(str(year))
        except ValueError:
            year_int = 0
        if not 2000 <= year_int <= 2100:
            c.error(where, f"поле «targets»: «{year}» — не год начала учебного года")
            continue
        if not isinstance(spec, dict) or any(k not in ("norm", "target") for k in spec):
            c.error(where, f"поле «targets», {year_int}: ожидается {{norm: число, target: число}}")
            continue
        try:
            result[str(year_int)] = {"norm": _number(spec.get("norm")), "target": _number(spec.get("target"))}
        except ValueError:
            c.error(where, f"поле «targets», {year_int}: норма и целевое значение должны быть числами")
    return dict(sorted(result.items()))
