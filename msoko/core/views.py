"""The audit trail for the department: a filterable list with readable changes and an xlsx export."""

from __future__ import annotations

import tempfile

import xlsxwriter
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from msoko.core import selectors
from msoko.core.xlsx_safe import write_row
from msoko.registry.access import scope_for
from msoko.web.paging import paginate

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000
EXPORT_HEADER = [
    "№",
    "Когда",
    "Кто",
    "Действие",
    "Тип объекта",
    "Объект",
    "Описание",
    "Изменения",
    "До",
    "После",
]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Пользователь", required=False, max_length=150)
    action = forms.CharField(label="Действие", required=False, max_length=80)
    object_type = forms.CharField(label="Тип объекта", required=False, max_length=80)
    since = forms.DateField(label="С даты", required=False)
    until = forms.DateField(label="По дату", required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError("Начальная дата позже конечной.")
        return data

    def to_filter(self) -> selectors.AuditFilter:
        if not self.is_valid():
            return selectors.AuditFilter()
        data = self.cleaned_data
        return selectors.AuditFilter(
            actor=data["actor"].strip(),
            action=data["action"].strip(),
            object_type=data["object_type"].strip(),
            since=data["since"],
            until=data["until"],
        )


def require_audit_reader(user) -> None:
    """The audit trail is for the department (and region staff); anyone else gets 403."""
    if not scope_for(user).can_manage:
        raise PermissionDenied("Журнал аудита доступен только управлению образования.")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = AuditFilterForm(request.GET or None)
    entries = selectors.audit_entries(form.to_filter())
    if request.GET.get("format") == "xlsx":
        return _export(entries)
    page = paginate(request, entries, PAGE_SIZE)
    rows = [(entry, selectors.changes(entry.before, entry.after)) for entry in page.object_list]
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "object_types": selectors.object_types(),
            "actions": selectors.action_names(),
            "section": "audit",
        },
    )


def _export(entries) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    book = xlsxwriter.Workbook(handle, {"constant_memory": True})
    sheet = book.add_worksheet("Журнал аудита")
    bold = book.add_format({"bold": True})
    write_row(sheet, 0, EXPORT_HEADER, bold)
    tz = timezone.get_current_timezone()
    for row, entry in enumerate(entries[:EXPORT_LIMIT].iterator(chunk_size=2000), start=1):
        write_row(
            sheet,
            row,
            [
                entry.pk,
                timezone.localtime(entry.at, tz).strftime("%d.%m.%Y %H:%M:%S"),
                entry.actor_label,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.summary,
                selectors.describe(entry),
                selectors.show(entry.before) if entry.before is not None else "",
                selectors.show(entry.after) if entry.after is not None else "",
            ],
        )
    sheet.set_column(1, 1, 20)
    sheet.set_column(3, 4, 24)
    sheet.set_column(6, 7, 60)
    book.close()
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"audit-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
