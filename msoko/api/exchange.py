"""Data values in DHIS2's dataValueSets JSON: export, and bulk import with dry run.

Shared by the REST API (`/api/v1/dataValueSets`) and the `msoko dhis2` command. Codes pass
through `CodeMapping` (msoko code ↔ external identifier); without a mapping the msoko code is
used as is. The response mirrors DHIS2's import summary: ``status``, ``importCount`` with
``imported / updated / ignored / deleted`` and ``conflicts`` of ``{"object", "value"}``.

Rules (documented in docs/api.md):

* ``atomicMode=ALL`` (default): one conflict and nothing is written; ``NONE``: conflicting
  values are ignored and the rest written (DHIS2's lenient behaviour).
* an empty or null ``value`` (or ``"deleted": true``) deletes the stored value;
* a value equal to the stored one is counted as ``ignored`` and not rewritten;
* all writes are one transaction with one audit entry listing every change; each written value
  records who sent it (``entered_by``) and how (``source_note`` «API …» or «DHIS2 …»);
* after a write, the totals (category "") of elements that imports keep as the sum over their
  categories (ВПР, ГИА, анкеты: `summed_elements`) are recomputed for every organisation and
  period whose categories changed, by the import pipeline's own rule.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from msoko.api.models import CodeMapping
from msoko.api.periods import academic_label, dhis2_period, month_of, start_year_of
from msoko.catalog.models import DataElement
from msoko.collection.models import DataValue
from msoko.core import audit
from msoko.registry.models import Organisation, Period

DEFAULT_COMBOS = {"", "default", "HllvX50cXC0"}  # DHIS2's default category option combo: code and uid
EXPORT_DEFAULT_COMBO = "default"
MAX_CATEGORY = 60
MAX_CHANGES_IN_AUDIT = 10_000


class Mapper:
    """Both directions of `CodeMapping`, loaded once per exchange."""

    def __init__(self) -> None:
        self.out: dict[str, dict[str, str]] = {kind: {} for kind in CodeMapping.Kind.values}
        self.into: dict[str, dict[str, str]] = {kind: {} for kind in CodeMapping.Kind.values}
        for kind, code, external in CodeMapping.objects.values_list("kind", "code", "external"):
            self.out[kind][code] = external
            self.into[kind][external] = code

    def export(self, kind: str, code: str) -> str:
        return self.out[kind].get(code, code)

    def internal(self, kind: str, external: str) -> str:
        return self.into[kind].get(external, external)


def format_value(value: float) -> str:
    """12.0 → "12"; other floats in their shortest exact form (a round trip keeps every bit)."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def export_data_value_set(values: QuerySet[DataValue], mapper: Mapper | None = None) -> dict:
    """``{"dataValues": [...]}`` for the given values (empty values are skipped: DHIS2 has none)."""
    mapper = mapper or Mapper()
    rows = (
        values.filter(value__isnull=False)
        .select_related("data_element", "organisation", "period", "period__academic_year", "entered_by")
        .order_by("period__start", "organisation__code", "data_element__code", "category")
    )
    out = []
    for v in rows:
        period = v.period
        default_period = dhis2_period(period.kind, period.code, period.start, period.academic_year.start_year)
        category = mapper.export(CodeMapping.Kind.CATEGORY, v.category) if v.category else mapper.out[
            CodeMapping.Kind.CATEGORY].get("", EXPORT_DEFAULT_COMBO)
        item = {
            "dataElement": mapper.export(CodeMapping.Kind.DATA_ELEMENT, v.data_element.code),
            "period": mapper.out[CodeMapping.Kind.PERIOD].get(period.code, default_period),
            "orgUnit": mapper.export(CodeMapping.Kind.ORG_UNIT, v.organisation.code),
            "categoryOptionCombo": category,
            "value": format_value(v.value),
            "storedBy": v.entered_by.get_username() if v.entered_by else (v.source_note or "msoko"),
            "lastUpdated": v.entered_at.isoformat() if v.entered_at else None,
        }
        if v.source_note:
            item["comment"] = v.source_note
        out.append(item)
    return {"dataValues": out}


@dataclass
class ImportSummary:
    """The outcome of one dataValueSets import, shaped like DHIS2's ImportSummary."""

    dry_run: bool
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[dict] = field(default_factory=list)
    atomic: bool = True
    totals_recomputed: int = 0  # totals (category "") changed by recomputing the sums over categories

    @property
    def status(self) -> str:
        if not self.conflicts:
            return "SUCCESS"
        return "ERROR" if self.atomic or not (self.imported or self.updated or self.deleted) else "WARNING"

    @property
    def description(self) -> str:
        what = "Проверка без записи" if self.dry_run else "Загрузка"
        counts = (f"новых — {self.imported}, изменено — {self.updated}, без изменений или пропущено — {self.ignored}, "
                  f"удалено — {self.deleted}")
        if self.conflicts and self.atomic:
            return f"{what}: найдено конфликтов — {len(self.conflicts)}; ничего не записано ({counts})."
        totals = f" Пересчитано итогов по разрезам: {self.totals_recomputed}." if self.totals_recomputed else ""
        if self.conflicts:
            return f"{what}: конфликтов — {len(self.conflicts)}, значения с конфликтами пропущены; {counts}.{totals}"
        return f"{what} выполнена: {counts}.{totals}"

    def as_dict(self) -> dict:
        return {
            "responseType": "ImportSummary",
            "status": self.status,
            "description": self.description,
            "dryRun": self.dry_run,
            "importCount": {"imported": self.imported, "updated": self.updated, "ignored": self.ignored,
                            "deleted": self.deleted},
            "conflicts": self.conflicts,
        }


class _Resolver:
    """Turns external identifiers into msoko objects, with caches and Russian conflict texts."""

    def __init__(self, mapper: Mapper, writable_org_ids: set[int] | None) -> None:
        self.mapper = mapper
        self.elements = {e.code: e for e in DataElement.objects.all()}
        orgs = Organisation.objects.all()
        if writable_org_ids is not None:
            orgs = orgs.filter(pk__in=writable_org_ids)
        self.orgs = {o.code: o for o in orgs}
        self.periods = {p.code: p for p in Period.objects.select_related("academic_year")}
        self.year_periods = {p.academic_year.start_year: p for p in self.periods.values() if p.kind == Period.Kind.YEAR}
        self.month_periods = {p.start.replace(day=1): p for p in self.periods.values() if p.kind == Period.Kind.MONTH}

    def element(self, external: str) -> DataElement | None:
        return self.elements.get(self.mapper.internal(CodeMapping.Kind.DATA_ELEMENT, external))

    def organisation(self, external: str) -> Organisation | None:
        return self.orgs.get(self.mapper.internal(CodeMapping.Kind.ORG_UNIT, external))

    def period(self, external: str) -> Period | None:
        mapped = self.mapper.into[CodeMapping.Kind.PERIOD].get(external)
        if mapped is not None:
            return self.periods.get(mapped)
        if external in self.periods:
            return self.periods[external]
        start = start_year_of(external)
        if start is not None:
            return self.year_periods.get(start) or self.periods.get(academic_label(start))
        month = month_of(external)
        return self.month_periods.get(month) if month else None

    def category(self, external: str) -> str | None:
        mapped = self.mapper.into[CodeMapping.Kind.CATEGORY].get(external)
        if mapped is not None:
            return mapped
        if external in DEFAULT_COMBOS:
            return ""
        return external if len(external) <= MAX_CATEGORY else None


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def parse_value(element: DataElement, raw: Any) -> tuple[float | None, str | None]:
    """(number, None) or (None, Russian reason) for a DHIS2 value of this element's type."""
    text = ("true" if raw else "false") if isinstance(raw, bool) else _text(raw)
    if element.value_type == DataElement.ValueType.BOOL:
        lowered = text.lower()
        if lowered in {"true", "1", "да"}:
            return 1.0, None
        if lowered in {"false", "0", "нет"}:
            return 0.0, None
        return None, f"значение «{text}» не является логическим (true/false)"
    try:
        number = float(text)
    except ValueError:
        return None, f"значение «{text}» не является числом"
    if not math.isfinite(number):
        return None, f"значение «{text}» не является конечным числом"
    if element.value_type == DataElement.ValueType.COUNT and (number < 0 or not number.is_integer()):
        return None, f"значение «{text}» должно быть целым неотрицательным числом (количество)"
    return number, None


def import_data_value_set(
    payload: Any,
    *,
    actor: Any = None,
    dry_run: bool = False,
    atomic: bool = True,
    writable_org_ids: Iterable[int] | None = None,
    source: str = "API",
) -> ImportSummary:
    """Validate and (unless `dry_run`) write a dataValueSets payload; see the module docstring.

    `writable_org_ids` limits the organisations the caller may write (None = all, for the CLI);
    any other organisation is reported as not found, like one that does not exist.
    """
    summary = ImportSummary(dry_run=dry_run, atomic=atomic)
    if not isinstance(payload, dict) or not isinstance(payload.get("dataValues"), list):
        summary.conflicts.append({"object": "dataValues", "value": "Ожидается объект JSON со списком «dataValues»."})
        return summary
    resolver = _Resolver(Mapper(), None if writable_org_ids is None else set(writable_org_ids))
    defaults = {key: _text(payload.get(key)) for key in ("period", "orgUnit", "attributeOptionCombo")}
    planned: dict[tuple[int, int, int, str], tuple[int, Any, float | None, bool]] = {}
    for index, item in enumerate(payload["dataValues"]):
        where = f"dataValues[{index}]"
        if not isinstance(item, dict):
            summary.conflicts.append({"object": where, "value": f"{where}: ожидается объект JSON."})
            summary.ignored += 1
            continue
        problem, key, entry = _check(item, where, defaults, resolver)
        if problem is not None:
            summary.conflicts.append(problem)
            summary.ignored += 1
            continue
        if key in planned:
            summary.conflicts.append({"object": where, "value": f"{where}: то же значение уже передано в "
                                      f"dataValues[{planned[key][0]}] (элемент, период, организация, разрез)."})
            summary.ignored += 1
            continue
        planned[key] = (index, *entry)
    existing = _existing(planned)
    creates, updates, deletes, changes = [], [], [], []
    for key, (_index, element, number, delete) in planned.items():
        current = existing.get(key)
        if delete:
            if current is None:
                summary.ignored += 1
            else:
                deletes.append(current)
                changes.append(_change(element, key, current.value, None))
            continue
        if current is None:
            creates.append(DataValue(data_element_id=key[0], organisation_id=key[1], period_id=key[2], category=key[3],
                                     value=number))
            changes.append(_change(element, key, None, number))
        elif current.value == number:
            summary.ignored += 1
        else:
            changes.append(_change(element, key, current.value, number))
            current.value = number
            updates.append(current)
    if summary.conflicts and atomic:
        summary.ignored += len(creates) + len(updates) + len(deletes)
        return summary
    summary.imported, summary.updated, summary.deleted = len(creates), len(updates), len(deletes)
    if dry_run or not changes:
        return summary
    _write(summary, creates, updates, deletes, changes, payload, actor, source)
    return summary


def _check(item: dict, where: str, defaults: dict, resolver: _Resolver):
    element_id = _text(item.get("dataElement"))
    org_id = _text(item.get("orgUnit")) or defaults["orgUnit"]
    period_id = _text(item.get("period")) or defaults["period"]
    combo = _text(item.get("categoryOptionCombo"))
    attribute = _text(item.get("attributeOptionCombo")) or defaults["attributeOptionCombo"]
    missing = [name for name, value in (("dataElement", element_id), ("period", period_id), ("orgUnit", org_id)) if not value]
    if missing:
        return {"object": where, "value": f"{where}: не указано поле {', '.join(missing)}."}, None, None
    element = resolver.element(element_id)
    if element is None:
        return {"object": element_id, "value": f"{where}: элемент данных «{element_id}» не найден."}, None, None
    organisation = resolver.organisation(org_id)
    if organisation is None:
        return {"object": org_id, "value": f"{where}: организация «{org_id}» не найдена или недоступна для записи."}, None, None
    period = resolver.period(period_id)
    if period is None:
        return {"object": period_id, "value": f"{where}: период «{period_id}» не найден (ожидается, например, 2024/25 или 2024Sep)."}, None, None
    category = resolver.category(combo)
    if category is None:
        return {"object": combo, "value": f"{where}: разрез «{combo[:80]}» длиннее {MAX_CATEGORY} символов; задайте сопоставление."}, None, None
    if attribute and attribute not in DEFAULT_COMBOS:
        return {"object": attribute, "value": f"{where}: attributeOptionCombo «{attribute}» не поддерживается (допустим только default)."}, None, None
    key = (element.pk, organisation.pk, period.pk, category)
    raw = item.get("value")
    if item.get("deleted") is True or raw is None or _text(raw) == "":
        return None, key, (element, None, True)
    number, reason = parse_value(element, raw)
    if reason is not None:
        return {"object": element_id, "value": f"{where}: {reason}."}, None, None
    return None, key, (element, number, False)


def _existing(planned: dict) -> dict[tuple[int, int, int, str], DataValue]:
    if not planned:
        return {}
    elements = {k[0] for k in planned}
    orgs = {k[1] for k in planned}
    periods = {k[2] for k in planned}
    rows = DataValue.objects.filter(data_element_id__in=elements, organisation_id__in=orgs, period_id__in=periods)
    found = {(v.data_element_id, v.organisation_id, v.period_id, v.category): v for v in rows}
    return {k: found[k] for k in planned if k in found}


def _change(element: DataElement, key: tuple, before: float | None, after: float | None) -> dict:
    return {"element": element.code, "organisation_id": key[1], "period_id": key[2], "category": key[3],
            "before": before, "after": after}


def summed_elements() -> set[str]:
    """Data elements whose total (category "") the import pipeline keeps as the sum over categories."""
    from msoko.collection.formats import FORMATS

    return {code for fmt in FORMATS.values() if fmt.sum_totals for code in fmt.derived_elements}


def _recompute_totals(changes: list[dict]) -> list[dict]:
    """Recompute the totals the changed categories feed, as an import does; returns the totals' changes.

    Calls the pipeline's own `recompute_totals` (collection.services) per period and element, for the
    organisations whose categories of that element changed.
    """
    from msoko.collection.services import recompute_totals as recompute_for_import

    summed = summed_elements()
    groups: dict[tuple[int, str], set[int]] = {}
    for change in changes:
        if change["category"] and change["element"] in summed:
            groups.setdefault((change["period_id"], change["element"]), set()).add(change["organisation_id"])
    if not groups:
        return []
    periods = Period.objects.in_bulk({period_id for period_id, _code in groups})

    def totals() -> dict[tuple[str, int, int], float]:
        where = Q()
        for (period_id, code), orgs in groups.items():
            where |= Q(period_id=period_id, data_element__code=code, organisation_id__in=orgs)
        rows = DataValue.objects.filter(where, category="").values_list(
            "data_element__code", "organisation_id", "period_id", "value")
        return {(code, org, period): value for code, org, period, value in rows}

    before = totals()
    for (period_id, code), orgs in groups.items():
        recompute_for_import(None, periods[period_id], [code], orgs)
    after = totals()
    return [
        {"element": code, "organisation_id": org, "period_id": period, "category": "",
         "before": before.get((code, org, period)), "after": after.get((code, org, period))}
        for code, org, period in sorted(before.keys() | after.keys())
        if before.get((code, org, period)) != after.get((code, org, period))
    ]


def _write(summary: ImportSummary, creates, updates, deletes, changes, payload, actor, source: str) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    who = user.get_username() if user else "система"
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    note = f"{source}: dataValueSets, {who}, {digest[:12]}"[:200]
    now = timezone.now()
    for value in [*creates, *updates]:
        value.entered_at = now
        value.source_note = note
        value.source_import = None
        value.source_row = None
        value.entered_by = user
    with transaction.atomic():
        DataValue.objects.filter(pk__in=[v.pk for v in deletes]).delete()
        DataValue.objects.bulk_create(creates, batch_size=2000)
        DataValue.objects.bulk_update(
            updates, ["value", "source_note", "source_import", "source_row", "entered_by", "entered_at"], batch_size=2000
        )
        totals = _recompute_totals(changes)
        summary.totals_recomputed = len(totals)
        audit.record(
            actor, "data_values.import", object_type="collection.datavalue", object_id=digest[:12],
            summary=f"{source}: {summary.description}",
            after={
                "source": source, "sha256": digest, "imported": summary.imported, "updated": summary.updated,
                "deleted": summary.deleted, "ignored": summary.ignored,
                "changes": changes[:MAX_CHANGES_IN_AUDIT], "changes_truncated": len(changes) > MAX_CHANGES_IN_AUDIT,
                "totals": totals[:MAX_CHANGES_IN_AUDIT],
            },
        )
