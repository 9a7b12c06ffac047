"""Reads over imports: history, lineage of a value, a talent's path across ВсОШ stages and years."""

from __future__ import annotations

from django.db.models import QuerySet

from msoko.collection.models import DataValue, ImportBatch, OlympiadResult, VprResult

STAGE_ORDER = {"school": 1, "municipal": 2, "regional": 3, "final": 4}
STAGE_NAMES = {"school": "школьный", "municipal": "муниципальный", "regional": "региональный", "final": "заключительный"}
STATUS_NAMES = {"participant": "участник", "prize": "призёр", "winner": "победитель"}


def import_history(kind: str | None = None) -> QuerySet[ImportBatch]:
    """All imports, newest first (failed, unchanged and replaced ones included)."""
    batches = ImportBatch.objects.select_related("academic_year", "created_by")
    return batches.filter(kind=kind) if kind else batches


def active_batches(kind: str | None = None) -> QuerySet[ImportBatch]:
    return import_history(kind).filter(status=ImportBatch.Status.DONE)


def value_lineage(value: DataValue) -> dict:
    """Where a stored value came from: import, file, checksum and source row."""
    batch = value.source_import
    if batch is None:
        return {"source": value.source_note or "введено вручную", "batch": None}
    return {
        "batch": batch.pk, "kind": batch.kind, "file": batch.file_name, "stored_file": batch.stored_file,
        "checksum": batch.checksum, "row": value.source_row, "imported_at": batch.created_at,
        "status": batch.get_status_display(), "note": value.source_note,
    }


def participant_path(code: str) -> list[dict]:
    """A participant's ВсОШ results across stages and years, in order (seed 000 §14.3)."""
    rows = OlympiadResult.active.filter(participant_code=code).select_related("academic_year", "organisation")
    path = [
        {
            "year": r.academic_year.label, "start_year": r.academic_year.start_year, "stage": r.stage,
            "stage_name": STAGE_NAMES.get(r.stage, r.stage), "subject": r.subject, "grade": r.grade,
            "status": r.status, "status_name": STATUS_NAMES.get(r.status, r.status), "score": r.score,
            "max_score": r.max_score, "organisation": r.organisation.code,
        }
        for r in rows
    ]
    return sorted(path, key=lambda p: (p["start_year"], STAGE_ORDER.get(p["stage"], 9), p["subject"]))


def vpr_results(start_year: int, organisation_code: str | None = None) -> QuerySet[VprResult]:
    """ВПР rows in force for a year (optionally one organisation)."""
    rows = VprResult.active.filter(academic_year__start_year=start_year)
    return rows.filter(organisation__code=organisation_code) if organisation_code else rows
