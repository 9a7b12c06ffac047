"""Uploads (preview → mapping → background import with progress), history, error reports, lineage."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.collection import campaign_selectors, selectors, tasks, uploads
from msoko.collection.error_report import errors_xlsx, problems_of
from msoko.collection.formats import FORMATS, get_format
from msoko.collection.models import DataValue, ImportBatch, ImportProfile, UploadJob
from msoko.registry.access import require_staff, scope_for
from msoko.registry.selectors import academic_years
from msoko.web.paging import paginate

SECTION = "data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IGNORE = ""


def _kinds() -> list[tuple[str, str]]:
    return [(kind, fmt.title) for kind, fmt in FORMATS.items()]


@login_required
def index(request):
    scope = scope_for(request.user)
    if not scope.is_staff:
        return redirect("collection:my_forms")
    return render(request, "collection/index.html", {
        "section": SECTION, "batches": selectors.import_history()[:10],
        "campaigns": campaign_selectors.campaigns_for(request.user)[:10],
        "jobs": UploadJob.objects.filter(created_by=request.user).exclude(status=UploadJob.Status.PREVIEW)[:5],
    })


@login_required
def upload(request):
    require_staff(request.user)
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            messages.error(request, "Выберите файл для загрузки.")
        else:
            try:
                job = uploads.start_upload(file, kind=request.POST.get("kind", ""), year=request.POST.get("year", ""),
                                           actor=request.user)
            except uploads.UploadError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("collection:job", pk=job.pk)
    return render(request, "collection/upload.html", {
        "section": SECTION, "kinds": _kinds(), "years": academic_years(),
    })


def _job(request, pk: int) -> UploadJob:
    """An upload job is its uploader's work in progress (the file may hold other territories' rows):
    only the uploader (and a superuser) sees it; everyone else finds the result in the import history."""
    require_staff(request.user)
    mine = UploadJob.objects.all() if request.user.is_superuser else UploadJob.objects.filter(created_by=request.user)
    return get_object_or_404(mine, pk=pk)


def _mapping_rows(preview, fmt) -> tuple[list[dict], list[tuple[str, str]]]:
    choices = [(c.key, f"{c.title}{'' if c.required else ' (необязательный)'}") for c in fmt.columns]
    known = {key for key, _ in choices}
    for key in preview.mapping.values():
        if key and key not in known:
            choices.append((key, preview.titles.get(key, key)))
            known.add(key)
    rows = [{"index": i, "header": h, "key": preview.mapping.get(h, IGNORE)} for i, h in enumerate(preview.headers) if h]
    return rows, choices


@login_required
def job_page(request, pk: int):
    job = _job(request, pk)
    context = {"section": SECTION, "job": job, "kinds": _kinds()}
    if job.status == UploadJob.Status.PREVIEW:
        preview, problem = uploads.preview(job)
        context["problem"] = problem
        if preview is not None:
            fmt = get_format(preview.kind)
            rows, choices = _mapping_rows(preview, fmt)
            sample_keys = [k for k in dict.fromkeys(preview.mapping.values()) if k][:14]
            context.update({
                "preview": preview, "fmt": fmt, "mapping_rows": rows, "choices": choices, "sample_keys": sample_keys,
                "sample": [[row.get(k) for k in sample_keys] + [row.get("__row")] for row in preview.sample],
                "errors": [p for p in preview.errors if p.get("level", "error") == "error"],
                "warnings": preview.warnings, "profiles": ImportProfile.objects.filter(kind=preview.kind),
                "sample_titles": [preview.titles.get(k, k) for k in sample_keys],
            })
    elif job.batch_id:
        context["problems"] = problems_of(job.batch)[:200]
    return render(request, "collection/job.html", context)


@login_required
@require_POST
def job_mapping(request, pk: int):
    """Apply the mapping (and the kind) from the preview form; «Загрузить» also starts the import."""
    job = _job(request, pk)
    kind = request.POST.get("kind") or job.kind
    headers = request.POST.getlist("header")
    keys = request.POST.getlist("key")
    mapping = {h: k for h, k in zip(headers, keys, strict=False)} if kind == job.kind else {}
    profile = request.POST.get("profile_use", "")
    if profile and kind == job.kind:
        found = ImportProfile.objects.filter(kind=kind, name=profile).first()
        if found is not None:
            mapping = dict(found.mapping)
    try:
        uploads.apply_mapping(job, kind=kind, mapping=mapping, profile_name=request.POST.get("profile_name", ""),
                              actor=request.user)
        if request.POST.get("action") == "import":
            uploads.queue(job, actor=request.user)
            tasks.start(job)
    except uploads.UploadError as exc:
        messages.error(request, str(exc))
    return redirect("collection:job", pk=job.pk)


@login_required
@require_POST
def job_replace(request, pk: int):
    job = _job(request, pk)
    try:
        uploads.queue(job, confirm_replace=True, actor=request.user)
        tasks.start(job)
    except uploads.UploadError as exc:
        messages.error(request, str(exc))
    return redirect("collection:job", pk=job.pk)


@login_required
def job_status(request, pk: int):
    job = _job(request, pk)
    return JsonResponse({
        "status": job.status, "status_label": job.get_status_display(), "stage": job.stage,
        "done": job.done, "total": job.total, "percent": job.percent, "finished": job.finished,
    })


@login_required
def history(request):
    require_staff(request.user)
    kind = request.GET.get("kind", "")
    batches = (selectors.import_history(kind if kind in FORMATS else None)
               .defer("scope", "profile", "warnings").order_by("-created_at", "-pk"))
    page = paginate(request, batches)
    return render(request, "collection/history.html", {
        "section": SECTION, "batches": page.object_list, "page": page, "kinds": _kinds(), "kind": kind,
    })


@login_required
def batch_detail(request, pk: int):
    require_staff(request.user)
    batch = get_object_or_404(ImportBatch.objects.select_related("academic_year", "created_by", "replaces"), pk=pk)
    return render(request, "collection/batch.html", {
        "section": SECTION, "batch": batch, "problems": problems_of(batch)[:500],
        "replaced_by": ImportBatch.objects.filter(replaces=batch),
        "kind_title": FORMATS[batch.kind].title if batch.kind in FORMATS else batch.kind,
    })


@login_required
def batch_errors(request, pk: int):
    require_staff(request.user)
    batch = get_object_or_404(ImportBatch, pk=pk)
    response = HttpResponse(errors_xlsx(batch), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="errors-{batch.pk}.xlsx"'
    return response


@login_required
@require_POST
def batch_restore(request, pk: int):
    scope = require_staff(request.user)
    if not scope.can_manage:
        raise PermissionDenied("Восстанавливать загрузки может управление образования.")
    batch = get_object_or_404(ImportBatch, pk=pk)
    result = uploads.restore(batch, actor=request.user)
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("collection:batch", pk=batch.pk)


@login_required
def lineage(request, pk: int):
    """«Откуда это число?» — the import, file, checksum and row, or the campaign a value came from."""
    visible = scope_for(request.user).visible_organisations()
    value = get_object_or_404(
        DataValue.objects.select_related("data_element", "organisation", "period", "source_import", "entered_by"),
        pk=pk, organisation__in=visible,
    )
    form_number = re.search(r"форма №(\d+)", value.source_note or "") if value.source_import_id is None else None
    return render(request, "collection/lineage.html", {
        "section": SECTION, "value": value, "lineage": selectors.value_lineage(value),
        "form_pk": int(form_number.group(1)) if form_number else None,
    })
