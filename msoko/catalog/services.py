"""Writes to the indicator catalog: loading, exporting, cloning versions.

Every load validates the whole document first (`schema.normalise`) and only then writes it in one
transaction together with its audit entry, so a bad file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from msoko.catalog import schema
from msoko.catalog.models import (
    CatalogVersion,
    DataElement,
    Direction,
    Goal,
    Indicator,
    IndicatorTarget,
    Mechanism,
)
from msoko.catalog.schema import CatalogError
from msoko.core import audit

__all__ = [
    "CatalogError",
    "LoadResult",
    "DEFAULT_CATALOG_PATH",
    "assign_version_to_year",
    "clone_version",
    "export_catalog",
    "import_catalog",
    "load_catalog",
    "load_default_catalog",
    "validate_catalog",
]

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "catalog.yaml"

_DATA_ELEMENT_FIELDS = ("name", "value_type", "unit", "source", "org_kinds", "seed_ref", "description")


@dataclass(frozen=True)
class LoadResult:
    version: CatalogVersion
    created: bool
    message: str


def validate_catalog(data: Any, *, source: str = "") -> dict:
    """Check a catalog document without writing anything; return its normalised form."""
    return schema.normalise(data, source=source)


def load_catalog(data: dict, *, source: str, actor: Any = None, make_current: bool = True) -> CatalogVersion:
    """Validate and load a catalog document as a new version; see `import_catalog`."""
    return import_catalog(data, source=source, actor=actor, make_current=make_current).version


def import_catalog(data: dict, *, source: str, actor: Any = None, make_current: bool = True) -> LoadResult:
    """Validate the whole document, then write it as a new catalog version in one transaction.

    The same label with identical content is a no-op (reported in the result message); the same
    label with different content is refused, since a year's figures must keep their methodology.
    """
    document = schema.normalise(data, source=source)
    label = document["version"]
    existing = CatalogVersion.objects.filter(label=label).first()
    if existing is not None:
        if export_catalog(existing) == document:
            return LoadResult(existing, False, f"Версия каталога «{label}» уже загружена с тем же содержимым — ничего не изменено.")
        raise CatalogError(
            [f"версия «{label}» уже есть в системе с другим содержимым; задайте новую метку в поле «version»"],
            source=source,
        )
    with transaction.atomic():
        version = _write(document, source=source, actor=actor, make_current=make_current)
    counts = _counts(document)
    return LoadResult(
        version,
        True,
        f"Загружена версия каталога «{label}»: направлений {counts['directions']}, "
        f"показателей {counts['indicators']}, элементов данных {counts['data_elements']}.",
    )


def load_default_catalog(*, actor: Any = None, make_current: bool = True) -> LoadResult:
    """Load the packaged fixture `msoko/catalog/data/catalog.yaml`."""
    data = schema.read_file(DEFAULT_CATALOG_PATH)
    return import_catalog(data, source="msoko/catalog/data/catalog.yaml", actor=actor, make_current=make_current)


def clone_version(
    version: CatalogVersion, label: str, *, actor: Any = None, make_current: bool = False
) -> CatalogVersion:
    """Copy a version under a new label (e.g. for the next academic year), to be edited there."""
    document = export_catalog(version)
    document["version"] = label
    return load_catalog(document, source=f"копия версии «{version.label}»", actor=actor, make_current=make_current)


def assign_version_to_year(version: CatalogVersion, academic_year: Any, *, actor: Any = None,
                           force: bool = False) -> None:
    """Fix the methodology of an academic year: its figures are computed with this version.

    A year that already has another version keeps it unless `force` is given.
    """
    previous = academic_year.catalog_version
    if previous is not None and previous.pk != version.pk and not force:
        raise CatalogError(
            [f"{academic_year} уже считается по версии «{previous.label}»; смена версии изменит методику уже посчитанных показателей"]
        )
    with transaction.atomic():
        academic_year.catalog_version = version
        academic_year.save(update_fields=["catalog_version"])
        audit.record(
            actor, "catalog.assign_year", academic_year,
            before={"catalog_version": previous.label if previous else None},
            after={"catalog_version": version.label},
        )


def export_catalog(version: CatalogVersion | None = None) -> dict:
    """The catalog version as a document (the import format), main and variant directions apart."""
    if version is None:
        version = CatalogVersion.objects.filter(is_current=True).first()
        if version is None:
            raise CatalogError(["в системе нет действующей версии каталога"])
    directions = (
        Direction.objects.filter(version=version)
        .select_related("mechanism")
        .prefetch_related("goals", "indicators__targets")
        .order_by("number")
    )
    exported = [_export_direction(d) for d in directions]
    return {
        "version": version.label,
        "mechanisms": [{"number": m.number, "name": m.name} for m in version.mechanisms.order_by("number")],
        "cycle_positions": schema.cycle_positions(),
        "data_elements": [
            {"code": e.code, **{f: getattr(e, f) for f in _DATA_ELEMENT_FIELDS}}
            for e in version.data_elements.order_by("code")
        ],
        "directions": [d for d in exported if not d["is_variant"]],
        "variant_directions": [d for d in exported if d["is_variant"]],
    }


def _export_direction(direction: Direction) -> dict:
    goals = sorted(direction.goals.all(), key=lambda g: (g.order, g.pk))
    indicators = sorted(direction.indicators.all(), key=lambda i: (i.order, i.code))
    return {
        "number": direction.number,
        "code": direction.code,
        "name": direction.name,
        "short_name": direction.short_name,
        "mechanism": direction.mechanism.number,
        "is_variant": direction.is_variant,
        "seed_ref": direction.seed_ref,
        "tasks": list(direction.tasks),
        "goals": [{"code": g.code, "text": g.text, "tasks": list(g.tasks), "seed_ref": g.seed_ref} for g in goals],
        "indicators": [_export_indicator(i) for i in indicators],
    }


def _export_indicator(ind: Indicator) -> dict:
    targets = sorted(ind.targets.all(), key=lambda t: t.year)
    return {
        "code": ind.code,
        "name": ind.name,
        "criterion": ind.criterion,
        "kind": ind.kind,
        "formula": ind.formula,
        "numerator": ind.numerator,
        "denominator": ind.denominator,
        "multiplier": float(ind.multiplier),
        "unit": ind.unit,
        "higher_is_better": ind.higher_is_better,
        "aggregation": ind.aggregation,
        "periodicity": ind.periodicity,
        "source": ind.source,
        "collection_method": ind.collection_method,
        "responsible_role": ind.responsible_role,
        "org_kinds": list(ind.org_kinds),
        "block": ind.block,
        "not_for_rating": ind.not_for_rating,
        "defined_in_msoko": ind.defined_in_msoko,
        "seed_ref": ind.seed_ref,
        "description": ind.description,
        "targets": {str(t.year): {"norm": t.norm, "target": t.target} for t in targets},
    }


def _counts(document: dict) -> dict[str, int]:
    all_directions = document["directions"] + document["variant_directions"]
    return {
        "directions": len(all_directions),
        "indicators": sum(len(d["indicators"]) for d in all_directions),
        "data_elements": len(document["data_elements"]),
    }


def _write(document: dict, *, source: str, actor: Any, make_current: bool) -> CatalogVersion:
    version = CatalogVersion.objects.create(
        label=document["version"], source=source[:300], checksum=schema.checksum(document)
    )
    elements, changed = _upsert_data_elements(document["data_elements"])
    version.data_elements.set(elements)

    mechanisms = {
        m["number"]: Mechanism.objects.create(version=version, number=m["number"], name=m["name"])
        for m in document["mechanisms"]
    }
    for d in document["directions"] + document["variant_directions"]:
        direction = Direction.objects.create(
            version=version,
            mechanism=mechanisms[d["mechanism"]],
            number=d["number"],
            code=d["code"],
            name=d["name"],
            short_name=d["short_name"],
            is_variant=d["is_variant"],
            tasks=d["tasks"],
            seed_ref=d["seed_ref"],
        )
        Goal.objects.bulk_create(
            Goal(direction=direction, code=g["code"], text=g["text"], tasks=g["tasks"], order=i, seed_ref=g["seed_ref"])
            for i, g in enumerate(d["goals"])
        )
        for order, spec in enumerate(d["indicators"]):
            fields = {k: v for k, v in spec.items() if k not in ("formula", "targets")}
            indicator = Indicator.objects.create(version=version, direction=direction, order=order, **fields)
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=indicator, year=int(year), norm=t["norm"], target=t["target"])
                for year, t in spec["targets"].items()
            )

    if make_current:
        CatalogVersion.objects.exclude(pk=version.pk).filter(is_current=True).update(is_current=False)
        version.is_current = True
        version.save(update_fields=["is_current"])

    audit.record(
        actor,
        "catalog.load",
        version,
        after={
            "label": version.label,
            "source": source,
            "checksum": version.checksum,
            "current": version.is_current,
            **_counts(document),
            "data_elements_changed": changed,
        },
    )
    return version


def _upsert_data_elements(specs: list[dict]) -> tuple[list[DataElement], list[str]]:
    """Create missing data elements and update changed ones (they are shared by all versions)."""
    existing = {e.code: e for e in DataElement.objects.filter(code__in=[s["code"] for s in specs])}
    result: list[DataElement] = []
    changed: list[str] = []
    for spec in specs:
        element = existing.get(spec["code"])
        values = {f: spec[f] for f in _DATA_ELEMENT_FIELDS}
        if element is None:
            element = DataElement.objects.create(code=spec["code"], **values)
        elif any(getattr(element, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(element, f, v)
            element.save()
            changed.append(element.code)
        result.append(element)
    return result, changed
