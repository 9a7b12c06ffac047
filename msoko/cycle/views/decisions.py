"""Управленческие решения: execution control (overdue, due soon, my tasks) and the list of decisions."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.cycle import control
from msoko.cycle.forms import DecisionCloseForm, DecisionForm
from msoko.cycle.models import Decision
from msoko.cycle.permissions import person_of
from msoko.cycle.services import decisions as service
from msoko.cycle.views.common import form_errors, municipality_for, run
from msoko.registry.access import require_staff
from msoko.registry.models import Person
from msoko.reports.page_tables import xlsx_export
from msoko.web.paging import paginate


def _people(municipality):
    return Person.objects.filter(
        Q(roles__municipality=municipality) | Q(organisation__municipality=municipality)
    ).distinct().order_by("name_key")


@login_required
@xlsx_export("decisions")
def decisions_page(request):
    scope = require_staff(request.user)
    municipality = municipality_for(request.user)
    today = datetime.date.today()
    person = person_of(request.user)
    decisions = Decision.objects.filter(municipality=municipality).prefetch_related("responsible")
    direction = request.GET.get("direction", "")
    if direction.isdigit():
        decisions = decisions.filter(direction_number=int(direction))
    page = paginate(request, decisions.order_by("-date", "-pk"))
    rows = [
        {"decision": d, "late": d.status == Decision.Status.IN_EXECUTION and d.deadline and d.deadline < today,
         "can_edit": scope.manages_direction(d.direction_number) if d.direction_number else scope.can_manage}
        for d in page.object_list
    ]
    return render(request, "cycle/decisions.html", {
        "section": "cycle", "tab": "decisions", "rows": rows, "page": page, "today": today,
        "overdue": control.overdue(municipality, today), "due_soon": control.due_soon(municipality, today, 14),
        "my_tasks": control.tasks_for(person) if person else [], "directions": range(1, 9), "direction": direction,
        "form": DecisionForm(people=_people(municipality), initial={"date": today}),
        "close_form": DecisionCloseForm(initial={"on": today}),
    })


@login_required
@require_POST
def create_decision(request):
    require_staff(request.user)
    municipality = municipality_for(request.user)
    form = DecisionForm(request.POST, people=_people(municipality))
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:decisions")
    d = form.cleaned_data
    return run(request, lambda: service.create_decision(
        request.user, municipality, kind=d["kind"], date=d["date"], content=d["content"], number=d["number"],
        direction_number=d["direction_number"], deadline=d["deadline"], responsible=list(d["responsible"]),
        document_url=d["document_url"] or "",
    ), "Управленческое решение записано.", "cycle:decisions")


@login_required
@require_POST
def close_decision(request, pk: int, action: str):
    require_staff(request.user)
    decision = get_object_or_404(Decision, pk=pk, municipality=municipality_for(request.user))
    form = DecisionCloseForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    if action == "execute":
        on = data.get("on") or datetime.date.today()
        return run(request, lambda: service.mark_executed(request.user, decision, on=on, report=data.get("text", "")),
                   f"{decision}: отмечено исполнение.", "cycle:decisions")
    return run(request, lambda: service.cancel_decision(request.user, decision, reason=data.get("text", "")),
               f"{decision}: отменено.", "cycle:decisions")
