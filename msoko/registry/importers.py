"""Importing the registry from files: organisations and cluster memberships.

Both functions read through the collection's safe readers, validate every row first (a Russian
message per problem with file, sheet, row and column), then write everything in one transaction,
or nothing. They are idempotent: importing the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction

from msoko.collection.formats.common import (
    Column,
    Located,
    Problem,
    check_duplicates,
    match_headers,
    parse_numbers,
    parse_year,
    require_values,
    select_columns,
)
from msoko.collection.readers import ReadError, read_table
from msoko.collection.readers.table import ROW
from msoko.core import audit
from msoko.registry.models import Cluster, ClusterMembership, Municipality, Organisation

ORG_COLUMNS = (
    Column("code", "Код", ("Код ОО", "Код организации")),
    Column("short_name", "Краткое наименование", ("Краткое название", "Сокращённое наименование")),
    Column("full_name", "Полное наименование", ("Полное название", "Наименование")),
    Column("kind", "Тип", ("Тип организации", "Вид организации")),
    Column("settlement", "Поселение", ("Тип поселения", "Местность"), required=False),
    Column("is_small", "Малокомплектная", ("Малокомплектная школа",), required=False),
    Column("is_remote", "Удалённая", ("Удалённая школа", "Отдалённая"), required=False),
    Column("address", "Адрес", ("Юридический адрес",), required=False),
    Column("head_name", "Руководитель", ("ФИО руководителя", "Директор", "Заведующий"), required=False),
    Column("phone", "Телефон", (), required=False),
    Column("email", "Эл. почта", ("Электронная почта", "E-mail", "Email"), required=False),
    Column("active_from", "Действует с", ("Год открытия",), required=False),
    Column("active_to", "Действует по", ("Год закрытия",), required=False),
)
CLUSTER_COLUMNS = (
    Column("org_code", "Код ОО", ("Код организации", "Код")),
    Column("year", "Учебный год", ("Год",)),
    Column("cluster", "Кластер", ("Код кластера",)),
    Column("cluster_name", "Название кластера", ("Кластер (название)",), required=False),
)
KINDS = {"школа": "school", "оо": "school", "доо": "preschool", "детский сад": "preschool",
         "удо": "additional", "до": "additional", "иная": "other", "другое": "other"}
SETTLEMENTS = {"город": "urban", "городская": "urban", "село": "rural", "сельская": "rural", "сельская местность": "rural"}
YES_NO = {"да": True, "нет": False, "1": True, "0": False, "": False}


class RegistryImportError(Exception):
    """The file was refused; `problems` locate every error. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [p.text() for p in problems[:30]]
        more = f"\n… и ещё ошибок: {len(problems) - 30}" if len(problems) > 30 else ""
        super().__init__("Файл не загружен, реестр не изменён:\n" + "\n".join(lines) + more)


@dataclass
class RegistryImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def message(self) -> str:
        if not self.created and not self.updated:
            return f"Изменений нет (записей без изменений: {self.unchanged})."
        return f"Создано: {self.created}, изменено: {self.updated}, без изменений: {self.unchanged}."


def _read(path: Path, columns: tuple[Column, ...]) -> tuple[pl.DataFrame, Located]:
    try:
        table = read_table(path)
    except ReadError as exc:
        raise RegistryImportError([Problem(file=path.name, message=exc.message.split(": ", 1)[-1],
                                           sheet=exc.sheet, row=exc.row)]) from None
    mapping = match_headers(table.headers, columns)
    located = Located(table, mapping)
    titles = {c.key: c.title for c in columns}
    for key in mapping.missing:
        located.add(f"нет обязательного столбца «{titles[key]}».", row=1)
    if located.errors:
        raise RegistryImportError(located.errors)
    return select_columns(table, mapping), located


def _choice(frame: pl.DataFrame, located: Located, key: str, allowed: dict, title: str, default) -> pl.DataFrame:
    if key not in frame.columns:
        return frame.with_columns(pl.lit(default).alias(key))
    values = []
    for row, raw in frame.select(ROW, key).iter_rows():
        word = " ".join((raw or "").casefold().replace("ё", "е").split())
        if raw is None:
            values.append(default)
        elif word in allowed:
            values.append(allowed[word])
        else:
            located.add(f"«{raw}» — недопустимое значение поля «{title}» "
                        f"(ожидается: {', '.join(k for k in allowed if k)}).", row=row, column=key)
            values.append(default)
    return frame.with_columns(pl.Series(key, values))


def import_organisations(path: str | Path, municipality: Municipality, actor: Any = None) -> RegistryImportResult:
    """Create or update the organisations listed in the file (by code) for the municipality."""
    path = Path(path)
    frame, located = _read(path, ORG_COLUMNS)
    require_values(frame, located, ["code", "short_name", "full_name", "kind"], {c.key: c.title for c in ORG_COLUMNS})
    frame = _choice(frame, located, "kind", KINDS, "Тип", "school")
    frame = _choice(frame, located, "settlement", SETTLEMENTS, "Поселение", "urban")
    frame = _choice(frame, located, "is_small", YES_NO, "Малокомплектная", False)
    frame = _choice(frame, located, "is_remote", YES_NO, "Удалённая", False)
    frame = parse_numbers(frame, located, ["active_from", "active_to"], integer=True, low=1900, high=2100)
    check_duplicates(frame, located, ["code"], "код организации", "code")
    foreign = set(
        Organisation.objects.filter(code__in=[c for c in frame.get_column("code").to_list() if c])
        .exclude(municipality=municipality).values_list("code", flat=True)
    )
    for row, code in frame.select(ROW, "code").iter_rows():
        if code in foreign:
            located.add(f"организация с кодом «{code}» уже числится в другом муниципалитете.", row=row, column="code")
    if located.errors:
        raise RegistryImportError(located.errors)
    result = RegistryImportResult()
    fields = [c.key for c in ORG_COLUMNS if c.key != "code"]
    with transaction.atomic():
        existing = {o.code: o for o in Organisation.objects.filter(municipality=municipality)}
        for record in frame.iter_rows(named=True):
            values = {}
            for key in fields:
                value = record.get(key)
                if key in ("active_from", "active_to"):
                    value = None if value is None else int(value)
                elif key in ("is_small", "is_remote"):
                    value = bool(value)
                else:
                    value = value or ""
                values[key] = value
            org = existing.get(record["code"])
            if org is None:
                org = Organisation.objects.create(municipality=municipality, code=record["code"], **values)
                audit.record(actor, "create", org, after={"code": org.code, **values})
                result.created += 1
                continue
            before = {key: getattr(org, key) for key in fields}
            if before == values:
                result.unchanged += 1
                continue
            for key, value in values.items():
                setattr(org, key, value)
            org.save()
            audit.record(actor, "update", org, before=before, after=values)
            result.updated += 1
    result.warnings = [p for p in located.problems if p.level != "error"]
    return result


def import_clusters(path: str | Path, municipality: Municipality, actor: Any = None) -> RegistryImportResult:
    """Create clusters and set each organisation's cluster for an academic year (creating the
    academic year and its yearly period if missing)."""
    from msoko.registry.services import ensure_academic_year

    path = Path(path)
    frame, located = _read(path, CLUSTER_COLUMNS)
    require_values(frame, located, ["org_code", "year", "cluster"], {c.key: c.title for c in CLUSTER_COLUMNS})
    frame = parse_year(frame, located)
    check_duplicates(frame, located, ["org_code", "year"], "организация в этом учебном году", "org_code")
    known = dict(Organisation.objects.filter(municipality=municipality).values_list("code", "pk"))
    for row, code in frame.select(ROW, "org_code").iter_rows():
        if code is not None and code not in known:
            located.add(f"код организации «{code}» не найден в реестре муниципалитета.", row=row, column="org_code")
    if located.errors:
        raise RegistryImportError(located.errors)
    if "cluster_name" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("cluster_name"))
    result = RegistryImportResult()
    with transaction.atomic():
        years = {start: ensure_academic_year(start) for start in frame.get_column("year").unique().to_list()}
        clusters = {c.code: c for c in Cluster.objects.filter(municipality=municipality)}
        for record in frame.iter_rows(named=True):
            cluster = clusters.get(record["cluster"])
            name = record["cluster_name"] or record["cluster"]
            if cluster is None:
                cluster = Cluster.objects.create(municipality=municipality, code=record["cluster"], name=name)
                audit.record(actor, "create", cluster)
                clusters[cluster.code] = cluster
            elif record["cluster_name"] and cluster.name != record["cluster_name"]:
                before = cluster.name
                cluster.name = record["cluster_name"]
                cluster.save(update_fields=["name"])
                audit.record(actor, "update", cluster, before={"name": before}, after={"name": cluster.name})
            year = years[record["year"]]
            membership = ClusterMembership.objects.filter(organisation_id=known[record["org_code"]], academic_year=year).first()
            if membership is None:
                membership = ClusterMembership.objects.create(
                    organisation_id=known[record["org_code"]], academic_year=year, cluster=cluster
                )
                audit.record(actor, "create", membership, summary=f"{record['org_code']} → {cluster.code}, {year.label}")
                result.created += 1
            elif membership.cluster_id != cluster.pk:
                before = membership.cluster.code
                membership.cluster = cluster
                membership.save(update_fields=["cluster"])
                audit.record(actor, "update", membership, before={"cluster": before}, after={"cluster": cluster.code},
                             summary=f"{record['org_code']}, {year.label}")
                result.updated += 1
            else:
                result.unchanged += 1
    return result
