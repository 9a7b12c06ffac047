"""Running imports: inspect → read → validate against the registry → commit atomically → derive.

Every outcome leaves an `ImportBatch`: `done` (rows and values stored with lineage), `failed`
(only the error report, nothing else), `unchanged` (the same file was already loaded) or, later,
`replaced` (superseded by a corrected file; restorable with `restore_import`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from msoko.catalog.models import DataElement
from msoko.collection.derived import DERIVED_ELEMENTS
from msoko.collection.formats import KINDS, Context, Parsed, detect_kind, get_format
from msoko.collection.formats.base import year_label
from msoko.collection.formats.common import MAX_PROBLEMS_PER_CHECK as MAX_LISTED
from msoko.collection.formats.common import Problem
from msoko.collection.formats.parts import PartRule, rules_from_shares
from msoko.collection.formats.values import ELEMENT_PREFIX
from msoko.collection.locks import ImportRaced, lock_imports
from msoko.collection.models import (
    DataValue,
    GiaResult,
    ImportBatch,
    ImportedValue,
    ImportProfile,
    OlympiadResult,
    Submission,
    SubmissionValue,
    SurveyAggregate,
    VprResult,
)
from msoko.collection.readers import ReadError, Table, read_table
from msoko.collection.readers.table import ROW
from msoko.core import audit
from msoko.registry.models import AcademicYear, Organisation, Period

Progress = Callable[[int, int, str], None]
BATCH_SIZE = 5000
BULK_ROWS = 100_000  # participant rows per COPY / executemany: bounded memory, few round trips
SQLITE_BULK_CACHE_KB = 128 * 1024
TOTAL_NOTE = "сумма по разрезам"


class ImportError_(Exception):
    """Raised by helpers for a problem that is the user's, with a Russian message."""


class LockedValues(Exception):
    """The file would change values that accepted campaign forms hold (rolls the commit back)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].text() if problems else "")
        self.problems = problems


@dataclass
class ImportResult:
    """What happened to one file; `message` is the Russian summary for the user."""

    status: str  # done, failed, unchanged, needs_confirmation (nothing stored yet), restored
    message: str
    batch: ImportBatch | None = None
    kind: str = ""
    rows_total: int = 0
    values_written: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    conflicts: list[ImportBatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in {"done", "unchanged", "restored"}


@dataclass
class Preview:
    """The file as the importer understands it, before anything is stored."""

    kind: str
    headers: list[str]
    mapping: dict[str, str]  # header → canonical key ('' = ignored)
    titles: dict[str, str]  # canonical key → Russian title
    rows_total: int
    sample: list[dict]
    errors: list[dict]
    warnings: list[dict]
    notes: list[str] = field(default_factory=list)


def name_columns_policy() -> str:
    """«refuse» (default) or «drop»: what to do with a name (ФИО) column in an upload."""
    value = getattr(settings, "MSOKO_IMPORT_NAME_COLUMNS", None) or os.environ.get("MSOKO_IMPORT_NAME_COLUMNS", "refuse")
    return "drop" if str(value).strip().lower() in {"drop", "пропустить", "удалить"} else "refuse"


def checksum_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_year_argument(year: int | str | None) -> int | None:
    """2024, «2024», «2024/25» or «2024/2025» → 2024."""
    if year is None or year == "":
        return None
    if isinstance(year, int):
        return year
    text = str(year).strip()
    head = text.split("/")[0].split("-")[0].strip()
    if not head.isdigit() or len(head) != 4:
        raise ImportError_(f"Учебный год «{year}» не распознан; укажите его как 2024/25.")
    return int(head)


def resolve_profile(kind: str, profile: str | dict | ImportProfile | None) -> dict[str, str] | None:
    if profile is None or profile == "":
        return None
    if isinstance(profile, dict):
        return profile
    if isinstance(profile, ImportProfile):
        return profile.mapping
    found = ImportProfile.objects.filter(kind=kind, name=profile).first()
    if found is None:
        names = ", ".join(ImportProfile.objects.filter(kind=kind).values_list("name", flat=True)) or "нет"
        raise ImportError_(f"Профиль загрузки «{profile}» для вида «{kind}» не найден (есть: {names}).")
    return found.mapping


def save_profile(kind: str, name: str, mapping: dict[str, str], actor: Any = None) -> ImportProfile:
    """Save (or update) a column mapping under a name for reuse with files of the same kind."""
    if kind not in KINDS:
        raise ImportError_(f"Неизвестный вид данных «{kind}».")
    if not name.strip():
        raise ImportError_("Укажите название профиля загрузки.")
    with transaction.atomic():
        profile, created = ImportProfile.objects.get_or_create(kind=kind, name=name.strip(), defaults={"mapping": mapping})
        before = None if created else dict(profile.mapping)
        if not created:
            profile.mapping = mapping
            profile.created_by = profile.created_by or (actor if getattr(actor, "is_authenticated", False) else None)
            profile.save()
        audit.record(actor, "create" if created else "update", profile, before=before, after=mapping)
    return profile


def _context(year: int | None) -> Context:
    elements = dict(DataElement.objects.values_list("code", "name"))
    bool_elements = set(DataElement.objects.filter(value_type=DataElement.ValueType.BOOL).values_list("code", flat=True))
    return Context(
        org_codes=set(Organisation.objects.values_list("code", flat=True)),
        year=year,
        elements=elements,
        bool_elements=bool_elements,
        name_columns=name_columns_policy(),
        max_year=timezone.localdate().year,
        part_rules=part_rules(),
    )


def part_rules() -> list[PartRule]:
    """The percentage shares of the current catalog whose numerator and denominator are sums of
    data elements, as «part ≤ whole» rules for uploaded tables."""
    from msoko.catalog.selectors import current_version, indicators

    version = current_version()
    if version is None:
        return []
    return rules_from_shares((i.code, i.name, i.numerator, i.denominator) for i in indicators(version)
                             if i.kind == "share" and i.denominator and i.multiplier == 100)


def _problem_dicts(problems: list[Problem]) -> list[dict]:
    return [p.as_dict() for p in problems]


def preview_file(
    path: str | Path, kind: str | None = None, *, name: str | None = None,
    profile: str | dict | None = None, year: int | str | None = None,
) -> Preview:
    """Read and validate without storing: the mapping to confirm, a sample, errors and warnings."""
    path = Path(path)
    name = name or path.name
    table = read_table(path, name)
    context = _context(parse_year_argument(year))
    kind = kind or detect_kind(table.headers, context)
    if kind is None:
        raise ReadError(f"Файл «{name}»: не удалось определить вид данных по заголовкам; выберите его явно.")
    fmt = get_format(kind)
    parsed = fmt.parse(table, context, resolve_profile(kind, profile))
    sample = [] if parsed.frame.is_empty() else [
        {k: v for k, v in row.items() if not k.startswith("__") or k == ROW}
        for row in parsed.frame.head(10).iter_rows(named=True)
    ]
    titles = {c.key: c.title for c in fmt.columns}
    return Preview(
        kind=kind, headers=table.headers, mapping=parsed.mapping, titles=titles, rows_total=table.rows,
        sample=sample, errors=_problem_dicts(parsed.errors), warnings=_problem_dicts(parsed.warnings), notes=table.notes,
    )


def _store_file(path: Path, checksum: str, name: str) -> str:
    target = f"imports/{checksum}/{Path(name).name}"
    if not default_storage.exists(target):
        with open(path, "rb") as handle:
            target = default_storage.save(target, File(handle, name=Path(name).name))
    return target


def _failed(kind: str, name: str, checksum: str, stored: str, problems: list[dict], *, year: AcademicYear | None = None,
            actor: Any = None, rows: int = 0, warnings: list[dict] | None = None, mapping: dict | None = None) -> ImportResult:
    user = actor if getattr(actor, "is_authenticated", False) else None
    batch = ImportBatch.objects.create(
        kind=kind, file_name=name, stored_file=stored, checksum=checksum, status=ImportBatch.Status.FAILED,
        academic_year=year, rows_total=rows, errors=problems, warnings=warnings or [], profile=mapping or {},
        created_by=user, finished_at=timezone.now(),
    )
    count = len([p for p in problems if p.get("level", "error") == "error"]) or len(problems)
    first = problems[0]["text"] if problems else ""
    message = f"Файл «{name}» не загружен: ошибок — {count}. Данные не изменены.\n{first}"
    return ImportResult("failed", message, batch, kind, rows, 0, problems, warnings or [])


def _conflicts(kind: str, year: AcademicYear, org_codes: list[str], keys: list[str]) -> list[ImportBatch]:
    found = []
    orgs, key_set = set(org_codes), set(keys)
    for batch in ImportBatch.objects.filter(kind=kind, academic_year=year, status=ImportBatch.Status.DONE):
        scope = batch.scope or {}
        if orgs & set(scope.get("orgs", [])) and key_set & set(scope.get("keys", [])):
            found.append(batch)
    return found


def import_file(
    kind: str | None,
    path: str | Path,
    *,
    name: str | None = None,
    profile: str | dict | None = None,
    year: int | str | None = None,
    actor: Any = None,
    confirm_replace: bool = False,
    progress: Progress | None = None,
    allowed_organisations: Iterable[int] | None = None,
) -> ImportResult:
    """Import one file of a kind (None = detect from headers). See the module docstring.

    `allowed_organisations` (Organisation ids; None = any): a row of any other organisation fails
    the import (a school may load only its own data). Values an accepted campaign form holds are
    locked: a file that would change one fails, naming the row and the campaign.
    """
    path = Path(path)
    name = name or path.name
    report = progress or (lambda done, total, stage: None)
    kind_label = kind or "?"
    allowed = None if allowed_organisations is None else set(allowed_organisations)
    try:
        start_year = parse_year_argument(year)
    except ImportError_ as exc:
        return ImportResult("failed", str(exc), kind=kind_label, errors=[{"text": str(exc), "message": str(exc)}])
    checksum = checksum_of(path)
    stored = ""
    try:
        stored = _store_file(path, checksum, name)
    except OSError:
        stored = ""
    report(0, 1, "чтение")
    try:
        table = read_table(path, name)
    except ReadError as exc:
        problem = Problem(file=name, message=exc.message, sheet=exc.sheet, row=exc.row, column=exc.column).as_dict()
        problem["text"] = exc.message
        return _failed(kind_label, name, checksum, stored, [problem], actor=actor)
    report(1, 1, "чтение")
    context = _context(start_year)
    if kind is None:
        kind = detect_kind(table.headers, context)
        if kind is None:
            message = f"Файл «{name}»: не удалось определить вид данных по заголовкам; укажите его явно."
            return _failed("?", name, checksum, stored, [{"text": message, "message": message, "level": "error"}],
                           actor=actor, rows=table.rows)
    try:
        mapping_profile = resolve_profile(kind, profile)
    except ImportError_ as exc:
        return _failed(kind, name, checksum, stored, [{"text": str(exc), "message": str(exc), "level": "error"}], actor=actor)

    same = ImportBatch.objects.filter(kind=kind, checksum=checksum, status=ImportBatch.Status.DONE).first()
    if same is not None and allowed is not None and not _orgs_within((same.scope or {}).get("orgs", []), allowed):
        same = None  # not a no-op for this user: the file is checked below and refused for its foreign rows
    if same is not None:
        user = actor if getattr(actor, "is_authenticated", False) else None
        when = timezone.localtime(same.created_at).strftime("%d.%m.%Y %H:%M")
        message = f"Файл «{name}» уже загружен (загрузка №{same.pk} от {when}); изменений нет."
        batch = ImportBatch.objects.create(
            kind=kind, file_name=name, stored_file=stored, checksum=checksum, status=ImportBatch.Status.UNCHANGED,
            academic_year=same.academic_year, rows_total=same.rows_total, replaces=same, created_by=user,
            finished_at=timezone.now(), scope=same.scope,
        )
        return ImportResult("unchanged", message, batch, kind, same.rows_total)

    report(0, table.rows, "проверка")
    fmt = get_format(kind)
    parsed = fmt.parse(table, context, mapping_profile)
    report(table.rows, table.rows, "проверка")
    warnings = _problem_dicts(parsed.warnings)
    if parsed.errors:
        return _failed(kind, name, checksum, stored, _problem_dicts(parsed.errors), actor=actor, rows=table.rows,
                       warnings=warnings, mapping=parsed.mapping)
    labels = _column_labels(table, parsed.mapping)
    if allowed is not None:
        outside = _outside_scope(parsed, allowed, table, labels)
        if outside:
            return _failed(kind, name, checksum, stored, _problem_dicts(outside), actor=actor, rows=table.rows,
                           warnings=warnings, mapping=parsed.mapping)
    start = parsed.years[0]
    academic_year = AcademicYear.objects.filter(start_year=start).first()
    conflicts = _conflicts(kind, academic_year, parsed.org_codes, parsed.keys) if academic_year else []
    if conflicts and not confirm_replace:
        listed = "; ".join(f"№{b.pk} «{b.file_name}»" for b in conflicts)
        message = (
            f"Данные «{fmt.title}» за {year_label(start)} по тем же организациям уже загружены ({listed}). "
            "Новый файл заменит прежнюю загрузку; прежняя останется в истории и её можно восстановить. "
            "Подтвердите замену."
        )
        return ImportResult("needs_confirmation", message, None, kind, table.rows, warnings=warnings, conflicts=conflicts)

    try:
        with transaction.atomic():
            lock_imports(kind)  # another import of this kind may have committed meanwhile: look again
            year_now = AcademicYear.objects.filter(start_year=start).first()
            conflicts_now = _conflicts(kind, year_now, parsed.org_codes, parsed.keys) if year_now else []
            if {b.pk for b in conflicts_now} != {b.pk for b in conflicts} or ImportBatch.objects.filter(
                kind=kind, checksum=checksum, status=ImportBatch.Status.DONE
            ).exists():
                raise ImportRaced
            batch = _commit(kind, fmt, parsed, name, checksum, stored, start, conflicts, warnings, actor, report, table.rows,
                            where=(table, labels))
    except LockedValues as exc:
        return _failed(kind, name, checksum, stored, _problem_dicts(exc.problems), actor=actor, rows=table.rows,
                       warnings=warnings, mapping=parsed.mapping)
    except ImportRaced:
        return import_file(kind, path, name=name, profile=profile, year=year, actor=actor,
                           confirm_replace=confirm_replace, progress=progress, allowed_organisations=allowed)
    except Exception as exc:  # anything unexpected: roll back everything, keep the error report
        message = f"Загрузка прервана, данные не изменены: {type(exc).__name__}: {exc}"
        return _failed(kind, name, checksum, stored, [{"text": message, "message": message, "level": "error"}],
                       actor=actor, rows=table.rows, warnings=warnings, mapping=parsed.mapping)
    replaced = f" Заменена прежняя загрузка: {', '.join('№' + str(b.pk) for b in conflicts)}." if conflicts else ""
    message = (
        f"Файл «{name}» загружен (загрузка №{batch.pk}): строк — {batch.rows_loaded}, "
        f"значений — {batch.values_written}.{replaced}"
    )
    if warnings:
        message += f" Предупреждений — {len(warnings)}."
    return ImportResult("done", message, batch, kind, batch.rows_total, batch.values_written, [], warnings, conflicts)


def _commit(kind, fmt, parsed: Parsed, name, checksum, stored, start, conflicts, warnings, actor, report, rows_total,
            *, where: tuple[Table, dict[str, str]]) -> ImportBatch:
    from msoko.registry.services import ensure_academic_year, year_period

    academic_year = ensure_academic_year(start)
    period = year_period(academic_year)
    user = actor if getattr(actor, "is_authenticated", False) else None
    batch = ImportBatch.objects.create(
        kind=kind, file_name=name, stored_file=stored, checksum=checksum, academic_year=academic_year,
        status=ImportBatch.Status.RUNNING, rows_total=rows_total, warnings=warnings, profile=parsed.mapping,
        scope={"orgs": parsed.org_codes, "keys": parsed.keys, "year": start}, created_by=user,
        replaces=conflicts[0] if conflicts else None,
    )
    orgs = dict(Organisation.objects.filter(code__in=parsed.org_codes).values_list("code", "pk"))
    touched_orgs = set(orgs.values())
    for old in conflicts:
        touched_orgs |= _withdraw(old)
        old.status = ImportBatch.Status.REPLACED
        old.save(update_fields=["status"])
        audit.record(actor, "replace", old, after={"replaced_by": batch.pk})
    derived = fmt.derive(parsed.frame)
    locked = _locked_by_campaigns(derived, fmt, orgs, period, *where)
    if locked:
        raise LockedValues(locked)
    report(0, parsed.frame.height, "запись")
    loaded = _store_rows(kind, fmt, parsed.frame, batch, academic_year, orgs, report)
    report(0, 1, "расчёт")
    written = _write_values(batch, derived, orgs, period, fmt)
    if fmt.derived_elements and fmt.sum_totals:
        recompute_totals(batch, period, fmt.derived_elements, touched_orgs)
    report(1, 1, "расчёт")
    batch.rows_loaded = loaded
    batch.values_written = written
    batch.status = ImportBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.save()
    audit.record(
        actor, "import", batch,
        after={"kind": kind, "file": name, "checksum": checksum, "rows": loaded, "values": written,
               "replaces": [b.pk for b in conflicts]},
    )
    return batch


def _column_labels(table: Table, mapping: dict[str, str]) -> dict[str, str]:
    """Canonical key → how its column is named in messages («Код ОО» (B))."""
    return {mapping[h]: table.column_label(i) for i, h in enumerate(table.headers) if mapping.get(h)}


def _outside_scope(parsed: Parsed, allowed_ids: set[int], table: Table, labels: dict[str, str]) -> list[Problem]:
    """Rows of organisations the uploader may not load data for: one problem per organisation."""
    allowed = set(Organisation.objects.filter(pk__in=allowed_ids).values_list("code", flat=True))
    outside = [code for code in parsed.org_codes if code not in allowed]
    problems = []
    for code in outside[:MAX_LISTED]:
        rows = parsed.frame.filter(pl.col("org_code") == code).get_column(ROW).sort()
        listed = ", ".join(str(r) for r in rows.head(5).to_list())
        more = f" и ещё {rows.len() - 5}" if rows.len() > 5 else ""
        problems.append(Problem(
            file=table.name, sheet=table.sheet, row=rows.min(), column=labels.get("org_code", ""),
            message=f"организация «{code}» не входит в те, чьи данные вы можете загружать "
                    f"(строки {listed}{more}); уберите её строки из файла.",
        ))
    if len(outside) > MAX_LISTED:
        problems.append(Problem(file=table.name, sheet=table.sheet, column=labels.get("org_code", ""),
                                message=f"чужих организаций в файле всего {len(outside)}; показаны первые {MAX_LISTED}."))
    return problems


def _locked_by_campaigns(
    derived: pl.DataFrame, fmt, orgs: dict[str, int], period: Period, table: Table, labels: dict[str, str]
) -> list[Problem]:
    """Values the import would write over cells that accepted campaign forms hold (category "")."""
    if derived.height == 0 or not orgs:
        return []
    held = list(
        SubmissionValue.objects.filter(
            submission__status=Submission.Status.ACCEPTED, submission__campaign__period=period,
            submission__organisation_id__in=list(orgs.values()), field__data_element__isnull=False,
            value__isnull=False,
        ).values_list("field__data_element__code", "submission__organisation__code", "submission__campaign__title",
                      "submission_id")
    )
    if not held:
        return []
    cells = derived.filter(pl.col("category") == "").select("element", "org_code", "source_row")
    if fmt.derived_elements and fmt.sum_totals:  # the totals (category "") are rewritten too
        cells = pl.concat([cells, derived.select("element", "org_code", pl.lit(None, dtype=pl.Int64).alias("source_row"))])
    locks = pl.DataFrame(held, schema=["element", "org_code", "campaign", "form"], orient="row")
    hits = cells.unique().join(locks, on=["element", "org_code"]).sort(["source_row", "org_code", "element"], nulls_last=True)
    problems = []
    for hit in hits.head(MAX_LISTED).iter_rows(named=True):
        what = "значение" if hit["source_row"] is not None else "расчётное значение"
        problems.append(Problem(
            file=table.name, sheet=table.sheet if hit["source_row"] is not None else "", row=hit["source_row"],
            column=(labels.get(ELEMENT_PREFIX + hit["element"]) or labels.get("value", "")) if hit["source_row"] else "",
            message=f"{what} «{hit['element']}» организации «{hit['org_code']}» уже принято в кампании "
                    f"«{hit['campaign']}» (форма №{hit['form']}) и заблокировано. Чтобы его изменить, управление "
                    "должно вернуть форму на доработку.",
        ))
    if hits.height > MAX_LISTED:
        problems.append(Problem(file=table.name, message=f"заблокированных значений всего {hits.height}; "
                                                         f"показаны первые {MAX_LISTED}."))
    return problems


def _withdraw(batch: ImportBatch) -> set[int]:
    """Remove from DataValue what `batch` wrote (its archive in ImportedValue stays)."""
    orgs = set(DataValue.objects.filter(source_import=batch).values_list("organisation_id", flat=True))
    orgs |= set(ImportedValue.objects.filter(batch=batch).values_list("organisation_id", flat=True))
    DataValue.objects.filter(source_import=batch).delete()
    return orgs


def _ints(values: list) -> list[int | None]:
    out = [None if v is None else int(v) for v in values]
    while out and out[-1] is None:
        out.pop()
    return out


def _store_rows(kind, fmt, frame: pl.DataFrame, batch, year, orgs: dict[str, int], report) -> int:
    total = frame.height
    if kind == "survey":
        aggregates = fmt.question_aggregates(frame)
        objects = [
            SurveyAggregate(batch=batch, academic_year=year, organisation_id=orgs[r["org_code"]], respondent=r["respondent"],
                            question=r["question"], answers=r["answers"], mean=r["mean"], yes=r["yes"])
            for r in aggregates.iter_rows(named=True)
        ]
        SurveyAggregate.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        report(total, total, "запись")
        return total
    if kind not in ROW_MODELS:
        report(total, total, "запись")
        return total
    model, columns = ROW_MODELS[kind]
    frame = frame.with_columns(
        pl.lit(batch.pk).alias("batch_id"),
        pl.lit(year.pk).alias("academic_year_id"),
        pl.col("org_code").replace_strict(orgs, return_dtype=pl.Int64).alias("organisation_id"),
        pl.col(ROW).alias("source_row"),
        pl.col("participant").alias("participant_code"),
    )
    if kind == "vpr":
        tasks = sorted((c for c in frame.columns if c.startswith("task_")), key=lambda c: int(c[5:]))
        frame = frame.with_columns(
            _task_json(frame, tasks).alias("task_scores"),
            *[pl.col(c).cast(pl.Int64).alias(target) for c, target in
              (("primary", "primary_score"), ("mark", "mark"), ("journal", "journal_mark"), ("grade", "grade"))],
            pl.col("class_name").fill_null("") if "class_name" in frame.columns else pl.lit("").alias("class_name"),
            pl.col("variant").fill_null("") if "variant" in frame.columns else pl.lit("").alias("variant"),
        )
    elif kind == "gia":
        frame = frame.with_columns(
            *[pl.col(c).cast(pl.Int64).alias(target) for c, target in
              (("primary", "primary_score"), ("test", "test_score"), ("mark", "mark"), ("min", "min_score"),
               ("high", "high_score"))],
        )
    else:
        frame = frame.with_columns(pl.col("grade").cast(pl.Int64))
    done = 0
    with _bulk_load():
        for chunk in frame.select(columns).iter_slices(BULK_ROWS):
            _bulk_insert(model, chunk)
            done += chunk.height
            report(done, total, "запись")
    return total


ROW_COMMON = ["batch_id", "source_row", "organisation_id", "academic_year_id", "participant_code"]
ROW_MODELS = {
    "vpr": (VprResult, [*ROW_COMMON, "class_name", "grade", "subject_code", "subject", "variant", "task_scores",
                        "primary_score", "mark", "journal_mark"]),
    "gia": (GiaResult, [*ROW_COMMON, "exam", "subject_code", "subject", "primary_score", "test_score", "mark",
                        "min_score", "high_score"]),
    "olympiad": (OlympiadResult, [*ROW_COMMON, "grade", "subject_code", "subject", "stage", "status", "score",
                                  "max_score"]),
}


def _task_json(frame: pl.DataFrame, tasks: list[str]) -> pl.Expr:
    """Task scores as a JSON array text (trailing blanks dropped), built column-wise in Polars."""
    if not tasks:
        return pl.lit("[]")
    last = pl.max_horizontal([pl.when(pl.col(t).is_not_null()).then(pl.lit(i + 1)).otherwise(0) for i, t in enumerate(tasks)])
    items = [
        pl.when(pl.lit(i + 1) <= last).then(
            pl.col(t).cast(pl.Int64).cast(pl.String).fill_null("null")
        ).otherwise(None)
        for i, t in enumerate(tasks)
    ]
    return pl.concat_str([pl.lit("["), pl.concat_str(items, separator=",", ignore_nulls=True), pl.lit("]")])


@contextmanager
def _bulk_load() -> Iterator[None]:
    """On SQLite, a larger page cache while a million rows go in: index pages stay in memory
    instead of spilling to the write-ahead log mid-transaction. The old size is restored."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_BULK_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _bulk_insert(model, chunk: pl.DataFrame) -> None:
    """Insert a frame's rows (columns named as the table's) in the current transaction.

    PostgreSQL: COPY of the CSV text Polars writes (no Python object per row or value).
    SQLite: one prepared INSERT run by `executemany` over the chunk's tuples.
    """
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in chunk.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(chunk.write_csv(include_header=False, null_value="\\N"))
        else:
            marks = ", ".join(["%s"] * chunk.width)
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", chunk.rows())


def ensure_derived_elements(codes) -> dict[str, int]:
    """Data element ids by code; procedure-derived elements are created if the catalog lacks them."""
    existing = dict(DataElement.objects.filter(code__in=list(codes)).values_list("code", "pk"))
    for code in codes:
        if code not in existing and code in DERIVED_ELEMENTS:
            name, source = DERIVED_ELEMENTS[code]
            element = DataElement.objects.create(code=code, name=name, source=source)
            audit.record(None, "create", element)
            existing[code] = element.pk
    return existing


VALUE_COLUMNS = ["data_element_id", "organisation_id", "period_id", "category", "value", "source_import_id",
                 "source_row", "source_note"]


def _upsert(rows: list[tuple]) -> None:
    """Insert or update data values (tuples in `VALUE_COLUMNS` order) by their cell: one prepared
    statement for all rows, `entered_at` set to now; no model instance per value."""
    from django.db import connection

    if not rows:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = [*VALUE_COLUMNS, "entered_by_id", "entered_at"]
    quote = connection.ops.quote_name
    updated = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns[4:])
    sql = (
        f"INSERT INTO {quote(DataValue._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in VALUE_COLUMNS[:4])}) DO UPDATE SET {updated}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BULK_ROWS):
            cursor.executemany(sql, [(*row, None, now) for row in rows[start:start + BULK_ROWS]])


def _write_values(batch: ImportBatch, derived: pl.DataFrame, orgs: dict[str, int], period: Period, fmt) -> int:
    if derived.height == 0:
        return 0
    codes = derived.get_column("element").unique().to_list()
    elements = ensure_derived_elements(codes)
    cells = derived.select(
        pl.col("element").replace_strict(elements, return_dtype=pl.Int64).alias("data_element_id"),
        pl.col("org_code").replace_strict(orgs, return_dtype=pl.Int64).alias("organisation_id"),
        pl.lit(period.pk, dtype=pl.Int64).alias("period_id"),
        pl.col("category").fill_null(""),
        pl.col("value"),
        pl.col("source_row"),
    )
    _bulk_insert(ImportedValue, cells.with_columns(pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id")))
    _upsert(cells.select(
        *VALUE_COLUMNS[:5], pl.lit(batch.pk, dtype=pl.Int64).alias("source_import_id"), "source_row",
        pl.lit(f"загрузка №{batch.pk}").alias("source_note"),
    ).rows())
    return cells.height


def refresh_after_import(result: ImportResult, progress: Progress | None = None) -> None:
    """Bring the stored indicator values up to date once an import changed data (done or restored), so
    pages read them instead of paying the recomputation on the first request. The entry points (upload
    job, `msoko import`, the API) call it; the demo and the tests import many files and refresh once."""
    if result.status not in {"done", "restored"}:
        return
    if progress is not None:
        progress(0, 1, "пересчёт показателей")
    from msoko.analytics.services import refresh_indicator_store  # analytics owns the store

    refresh_indicator_store()


def _orgs_within(codes: Iterable[str], allowed: set[int]) -> bool:
    """Whether every organisation code of an earlier import belongs to the allowed organisations."""
    return not Organisation.objects.filter(code__in=list(codes)).exclude(pk__in=allowed).exists()


def recompute_totals(batch: ImportBatch | None, period: Period, element_codes, org_ids: set[int]) -> None:
    """Category "" = the sum over the other categories, across all imports in force (imports and API writes
    call it after changing category values; `batch` is the import to credit, None for an API write)."""
    if not org_ids:
        return
    elements = ensure_derived_elements(element_codes)
    sums = (
        DataValue.objects.filter(period=period, data_element_id__in=elements.values(), organisation_id__in=org_ids)
        .exclude(category="").values("data_element_id", "organisation_id").annotate(total=Sum("value"))
    )
    totals = {(s["data_element_id"], s["organisation_id"]): s["total"] for s in sums}
    DataValue.objects.filter(
        period=period, data_element_id__in=elements.values(), organisation_id__in=org_ids, category=""
    ).delete()
    source = batch.pk if batch is not None else None
    _upsert([(e, o, period.pk, "", total, source, None, TOTAL_NOTE) for (e, o), total in totals.items()])


def restore_import(batch: ImportBatch, actor: Any = None) -> ImportResult:
    """Bring a replaced import back into force; the imports that replaced it become `replaced`."""
    if batch.status != ImportBatch.Status.REPLACED:
        message = f"Загрузка №{batch.pk} не была заменена (статус «{batch.get_status_display()}»); восстанавливать нечего."
        return ImportResult("failed", message, batch, batch.kind)
    fmt = get_format(batch.kind)
    scope = batch.scope or {}
    with transaction.atomic():
        current = _conflicts(batch.kind, batch.academic_year, scope.get("orgs", []), scope.get("keys", []))
        touched = set()
        for other in current:
            touched |= _withdraw(other)
            other.status = ImportBatch.Status.REPLACED
            other.save(update_fields=["status"])
            audit.record(actor, "replace", other, after={"replaced_by": batch.pk})
        note = f"загрузка №{batch.pk} (восстановлена)"
        restored = [
            (element, org, period, category, value, batch.pk, row, note)
            for element, org, period, category, value, row in ImportedValue.objects.filter(batch=batch).values_list(
                "data_element_id", "organisation_id", "period_id", "category", "value", "source_row")
        ]
        _upsert(restored)
        touched |= {row[1] for row in restored}
        batch.status = ImportBatch.Status.DONE
        batch.save(update_fields=["status"])
        if fmt.derived_elements and fmt.sum_totals and batch.academic_year_id:
            from msoko.registry.services import year_period

            recompute_totals(batch, year_period(batch.academic_year), fmt.derived_elements, touched)
        audit.record(actor, "restore", batch, after={"withdrawn": [b.pk for b in current]})
    message = f"Загрузка №{batch.pk} «{batch.file_name}» восстановлена; сняты: {', '.join('№' + str(b.pk) for b in current) or 'нет'}."
    return ImportResult("restored", message, batch, batch.kind, batch.rows_total, len(restored))

