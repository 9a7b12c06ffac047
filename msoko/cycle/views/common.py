"""Helpers shared by the cycle pages: the user's municipality, running a service, serving files."""

from __future__ import annotations

import os
from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect

from msoko.cycle.errors import CycleError
from msoko.registry.access import scope_for
from msoko.registry.models import Municipality


def municipality_for(user) -> Municipality:
    """The municipality whose cycle a staff member works on (the first one in their scope)."""
    municipality = scope_for(user).visible_municipalities().order_by("name").first()
    if municipality is None:
        raise Http404("Муниципалитет не найден")
    return municipality


def form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return "Проверьте форму. " + "; ".join(parts)


def run(request, action: Callable[[], object], success: str, to: str) -> HttpResponseRedirect:
    """Call a service; its Russian rule message becomes an error notice (PermissionDenied stays 403)."""
    try:
        action()
    except CycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(to)


def serve(field, *, missing: str = "Файл не найден") -> FileResponse:
    """Stream a stored file as an attachment (never through a public media URL)."""
    if not field:
        raise Http404(missing)
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(field.name))
