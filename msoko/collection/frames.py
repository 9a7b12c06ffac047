"""Read-only selectors: stored participant rows as Polars frames with the analytics core's columns.

Only rows of imports in force are read (the ``active`` manager: a replaced or failed import
brings nothing). ``year`` is the start year of the academic year (2024 = 2024/25). The column
names are those of `msoko.analytics.core.objectivity` (its module docstring lists them).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from msoko.collection.models import GiaResult, ImportBatch, OlympiadResult, VprResult

VPR_SCHEMA = {
    "org_code": pl.String, "year": pl.Int64, "subject": pl.String, "grade": pl.Int64, "participant": pl.String,
    "primary": pl.Int64, "mark": pl.Int64, "journal_mark": pl.Int64,
}
GIA_SCHEMA = {
    "org_code": pl.String, "year": pl.Int64, "exam": pl.String, "subject": pl.String, "participant": pl.String,
    "primary": pl.Int64, "test_score": pl.Int64, "mark": pl.Int64, "min_score": pl.Int64, "high_score": pl.Int64,
}
OLYMPIAD_SCHEMA = {
    "year": pl.Int64, "participant": pl.String, "org_code": pl.String, "grade": pl.Int64, "subject": pl.String,
    "stage": pl.String, "status": pl.String, "score": pl.Float64, "max_score": pl.Float64,
}
#: How the stored exam codes read in the core (which also accepts «ОГЭ» / «ЕГЭ»).
EXAM_NAMES = {"oge": "ОГЭ", "ege": "ЕГЭ", "gve": "ГВЭ"}


def _filtered(qs, organisation_ids: Iterable[int] | None, years: Iterable[int] | None):
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    if years is not None:
        qs = qs.filter(academic_year__start_year__in=list(years))
    return qs


def _frame(rows, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def vpr_frame(*, organisation_ids: Iterable[int] | None = None, years: Iterable[int] | None = None) -> pl.DataFrame:
    """ВПР participants: ``org_code, year, subject, grade, participant, primary, mark, journal_mark``."""
    rows = _filtered(VprResult.active.all(), organisation_ids, years).values_list(
        "organisation__code", "academic_year__start_year", "subject_code", "grade", "participant_code",
        "primary_score", "mark", "journal_mark",
    )
    return _frame(rows.iterator(chunk_size=20_000), VPR_SCHEMA)


def gia_frame(*, organisation_ids: Iterable[int] | None = None, years: Iterable[int] | None = None) -> pl.DataFrame:
    """ГИА results: ``org_code, year, exam (ОГЭ/ЕГЭ/ГВЭ), subject, participant, primary, test_score,
    mark, min_score, high_score``."""
    rows = _filtered(GiaResult.active.all(), organisation_ids, years).values_list(
        "organisation__code", "academic_year__start_year", "exam", "subject_code", "participant_code",
        "primary_score", "test_score", "mark", "min_score", "high_score",
    )
    frame = _frame(rows.iterator(chunk_size=20_000), GIA_SCHEMA)
    return frame.with_columns(pl.col("exam").replace(EXAM_NAMES))


def olympiad_frame(
    *, organisation_ids: Iterable[int] | None = None, years: Iterable[int] | None = None
) -> pl.DataFrame:
    """ВсОШ results: ``year, participant, org_code, grade, subject, stage, status, score, max_score``
    (stage ``school`` / ``municipal`` / …, status ``participant`` / ``prize`` / ``winner``)."""
    rows = _filtered(OlympiadResult.active.all(), organisation_ids, years).values_list(
        "academic_year__start_year", "participant_code", "organisation__code", "grade", "subject_code",
        "stage", "status", "score", "max_score",
    )
    return _frame(rows.iterator(chunk_size=20_000), OLYMPIAD_SCHEMA)


def batches_in_force(kinds: Iterable[str], years: Iterable[int] | None = None) -> list[dict]:
    """The imports in force of these kinds: id, kind, file, SHA-256, year — recorded with analyses."""
    qs = ImportBatch.objects.filter(kind__in=list(kinds), status=ImportBatch.Status.DONE)
    if years is not None:
        qs = qs.filter(academic_year__start_year__in=list(years))
    return [
        {"id": b["pk"], "kind": b["kind"], "file": b["file_name"], "checksum": b["checksum"],
         "year": b["academic_year__start_year"]}
        for b in qs.order_by("pk").values("pk", "kind", "file_name", "checksum", "academic_year__start_year")
    ]
