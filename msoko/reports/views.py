"""Report pages: choose a report, read it on the page, export its tables to XLSX, generate a DOCX / PDF
in the background with progress, download it through a permission check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from msoko.collection import vpr_spec
from msoko.registry.access import scope_for
from msoko.reports import selectors, services, tasks
from msoko.reports.builders import KINDS, ReportError, build
from msoko.reports.render import FORMATS
from msoko.reports.render.html import page_fragment
from msoko.reports.render.xlsx import render_xlsx

PARAMS = ("year", "subject", "grade", "direction", "org")


def _params(source) -> dict:
    return {k: source.get(k, "").strip() for k in PARAMS if source.get(k, "").strip()}


def _default_year(request, params: dict) -> dict:
    if "year" not in params and request.GET.get("year"):
        params["year"] = request.GET["year"]
    return params


@login_required
def index(request):
    scope = scope_for(request.user)
    jobs = selectors.jobs_for(request.user).order_by("-created_at")[:30]
    organisations = scope.visible_organisations().filter(kind="school").order_by("code")
    return render(request, "reports/index.html", {
        "section": "reports", "kinds": KINDS, "jobs": jobs, "subjects": vpr_spec.SUBJECTS,
        "grades": vpr_spec.GRADES, "organisations": organisations, "is_staff": scope.is_staff,
        "directions": range(1, 13), "year": request.GET.get("year", ""),
    })


def _document(request, kind: str, params: dict):
    """The report the user asked for, within their scope; None (with the reason as a message) if it cannot be built."""
    try:
        municipality, _ = selectors.request_scope(request.user, kind, params)
        return build(kind, params, municipality)
    except ReportError as exc:
        messages.error(request, str(exc))
        return None


@login_required
def show(request, kind: str):
    """A report as a page (the same document the files are made of) with its export links."""
    params = _default_year(request, _params(request.GET))
    document = _document(request, kind, params)
    if document is None:
        return redirect("reports:index")
    query = urlencode(params)
    return render(request, "reports/show.html", {
        "section": "reports", "document": document, "body": page_fragment(document), "kind": kind,
        "params": params, "query": query, "formats": services.FILE_FORMATS,
        "xlsx_url": reverse("reports:xlsx", args=[kind]) + (f"?{query}" if query else ""),
    })


@login_required
def xlsx(request, kind: str):
    """Every table of the report page as an XLSX workbook (one sheet per table)."""
    params = _default_year(request, _params(request.GET))
    document = _document(request, kind, params)
    if document is None:
        return redirect("reports:index")
    response = HttpResponse(render_xlsx(document), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{services.file_name(kind, params, "xlsx")}"'
    return response


@login_required
@require_POST
def request_report(request):
    kind = request.POST.get("kind", "")
    fmt = request.POST.get("format", "pdf")
    params = _params(request.POST)
    try:
        municipality, organisation = selectors.request_scope(request.user, kind, params)
        job = services.create_job(request.user, kind, params, fmt, municipality=municipality,
                                  organisation=organisation)
    except ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:index")
    tasks.start(job)
    return redirect("reports:job", pk=job.pk)


@login_required
def job(request, pk: int):
    item = selectors.job_or_404(request.user, pk)
    return render(request, "reports/job.html", {"section": "reports", "job": item})


@login_required
def job_status(request, pk: int):
    item = selectors.job_or_404(request.user, pk)
    return JsonResponse({
        "status": item.status, "status_label": item.get_status_display(), "progress": item.progress,
        "stage": item.stage, "error": item.error,
        "download": reverse("reports:download", args=[item.pk]) if item.status == item.Status.DONE else "",
        "file_name": item.file_name,
    })


@login_required
def download(request, pk: int):
    item = selectors.job_or_404(request.user, pk)
    if item.status != item.Status.DONE or not item.file or not default_storage.exists(item.file):
        raise Http404("Файл отчёта не найден")
    return FileResponse(default_storage.open(item.file, "rb"), as_attachment=True, filename=item.file_name,
                        content_type=services.content_type(item))


def public(request, code: str):
    """Aggregate figures of a municipality for everyone (suppressed; no login)."""
    from django.shortcuts import get_object_or_404

    from msoko.registry.models import Municipality
    from msoko.reports.builders.common import make_context
    from msoko.reports.builders.public import build_public

    municipality = get_object_or_404(Municipality, code=code)
    year = request.GET.get("year", "")
    try:
        ctx = make_context(municipality, int(year) if year.isdigit() else None)
    except ReportError as exc:
        raise Http404(str(exc)) from None
    document = build_public(ctx)
    return render(request, "reports/public.html", {"document": document, "body": page_fragment(document)})
