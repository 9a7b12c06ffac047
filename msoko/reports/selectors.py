"""Reads and access rules of the reports app.

Staff see every report job of their municipalities and may request any report for them. An
organisation's administrator may request and download only its own report card; any other job is
404 for them (not acknowledged to exist).
"""

from __future__ import annotations

from django.http import Http404

from msoko.registry.access import Scope, scope_for
from msoko.reports.builders import ReportError
from msoko.reports.models import ReportJob


def jobs_for(user):
    scope = scope_for(user)
    qs = ReportJob.objects.select_related("organisation", "municipality")
    if scope.is_superuser:
        return qs
    if scope.is_staff:
        return qs.filter(municipality__in=scope.visible_municipalities()) | qs.filter(created_by=user)
    return qs.filter(kind="card", organisation_id__in=scope.organisation_ids)


def job_or_404(user, pk: int) -> ReportJob:
    try:
        return jobs_for(user).get(pk=pk)
    except ReportJob.DoesNotExist:
        raise Http404("Отчёт не найден") from None


def request_scope(user, kind: str, params: dict):
    """(municipality, organisation) the user may request this report for; 404 / ReportError otherwise."""
    scope: Scope = scope_for(user)
    if kind == "card":
        code = params.get("org") or ""
        org = scope.visible_organisations().filter(code=code).select_related("municipality").first()
        if org is None:
            raise Http404("Организация не найдена")
        if not scope.is_staff and org.pk not in scope.organisation_ids:
            raise Http404("Организация не найдена")
        return org.municipality, org
    if not scope.is_staff:
        raise Http404("Отчёт не найден")
    municipality = scope.visible_municipalities().order_by("pk").first()
    if municipality is None:
        raise ReportError("Нет муниципалитета, доступного для отчёта.")
    return municipality, None
