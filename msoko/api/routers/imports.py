"""File imports: start one, follow its status and progress, read its error report."""

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.api import permissions, selectors
from msoko.api.routers.common import STAFF_ERRORS, WRITE_ERRORS, scope
from msoko.api.schemas import ImportConflictOut, ImportOut, ImportReportOut
from msoko.collection.formats import KINDS
from msoko.collection.models import ImportBatch

router = Router(tags=["Загрузки"])


def _progress(batch: ImportBatch) -> int:
    if batch.status in {ImportBatch.Status.PENDING}:
        return 0
    if batch.status == ImportBatch.Status.RUNNING:
        return min(99, int(100 * batch.rows_loaded / batch.rows_total)) if batch.rows_total else 0
    return 100


def _out(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk, "kind": batch.kind, "file_name": batch.file_name, "checksum": batch.checksum,
        "status": batch.status, "status_display": batch.get_status_display(),
        "academic_year": batch.academic_year.label if batch.academic_year else None,
        "rows_total": batch.rows_total, "rows_loaded": batch.rows_loaded, "values_written": batch.values_written,
        "progress": _progress(batch), "errors_count": len(batch.errors or []), "warnings_count": len(batch.warnings or []),
        "replaces": batch.replaces_id, "created_by": batch.created_by.get_username() if batch.created_by else None,
        "created_at": batch.created_at, "finished_at": batch.finished_at,
    }


@router.get("/imports/", response={200: list[ImportOut], **STAFF_ERRORS}, summary="Загрузки")
@paginate(LimitOffsetPagination)
def imports(request):
    """Загрузки, затрагивающие организации пользователя, и его собственные, новые первыми."""
    return [_out(b) for b in selectors.visible_batches(scope(request), request.user)]


@router.get("/imports/{pk}/", response={200: ImportOut, **STAFF_ERRORS}, summary="Состояние загрузки")
def import_status(request, pk: int):
    return _out(selectors.batch_or_404(scope(request), pk, request.user))


@router.get("/imports/{pk}/report/", response={200: ImportReportOut, **STAFF_ERRORS}, summary="Отчёт об ошибках")
def import_report(request, pk: int):
    """Ошибки и предупреждения с указанием файла, листа, строки и столбца (специалистам и автору загрузки:
    строки файла могут относиться к другим организациям)."""
    user_scope = scope(request)
    batch = selectors.batch_or_404(user_scope, pk, request.user)
    if not (user_scope.is_staff or batch.created_by_id == request.user.pk):
        raise PermissionDenied("Отчёт об ошибках загрузки доступен специалистам управления и её автору.")
    return {"id": batch.pk, "status": batch.status, "errors": batch.errors or [], "warnings": batch.warnings or []}


@router.post(
    "/imports/", response={201: ImportOut, 409: ImportConflictOut, **WRITE_ERRORS},
    summary="Загрузить файл",
)
def start_import(
    request, file: File[UploadedFile], kind: Form[str] = "", year: Form[str] = "", confirm_replace: Form[bool] = False,
):
    """Загрузить файл (xlsx или csv) того же вида, что и в интерфейсе; `kind` пуст — определить по заголовкам.

    Ответ приходит, когда загрузка завершена: 201 и загрузка (статус «done», «failed» с отчётом
    об ошибках или «unchanged»), либо 409, если файл заменит прежние данные и нужна
    `confirm_replace=true`. Строки организаций вне территории пользователя — ошибка загрузки
    («failed», в отчёте — строки и организации): не записывается ничего.
    """
    from msoko.collection import services

    user_scope = permissions.require_value_writer(request.user)
    if kind and kind not in KINDS:
        return Status(400, {"detail": f"Неизвестный вид данных «{kind}»; допустимы: {', '.join(KINDS)}."})
    name = Path(file.name or "файл").name
    # every user but a superuser loads only rows of the organisations of their territory
    allowed = None if user_scope.is_superuser else permissions.writable_organisation_ids(user_scope)
    with tempfile.TemporaryDirectory(prefix="msoko-api-") as tmp:
        path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
        with open(path, "wb") as handle:
            for chunk in file.chunks():
                handle.write(chunk)
        result = services.import_file(
            kind or None, path, name=name, year=year or None, actor=request.user, confirm_replace=confirm_replace,
            allowed_organisations=allowed,
        )
        services.refresh_after_import(result)
    if result.status == "needs_confirmation":
        return Status(409, {"detail": result.message, "conflicts": [b.pk for b in result.conflicts]})
    if result.batch is None:
        return Status(400, {"detail": result.message})
    return Status(201, _out(result.batch))
