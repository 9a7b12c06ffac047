"""Анализ эффективности: analyses with verdicts, a new analysis, «создать цель следующего цикла»."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.cycle.forms import EffectivenessForm
from msoko.cycle.models import CycleGoalDraft, Decision, EffectivenessAnalysis, Measure
from msoko.cycle.services import effectiveness as service
from msoko.cycle.views.common import form_errors, municipality_for, run
from msoko.registry.access import require_staff
from msoko.reports.page_tables import xlsx_export
from msoko.web.shell import selected_year


def _form(request, scope, municipality, data=None) -> EffectivenessForm:
    year = selected_year(request)
    initial = {"before_year": year.start_year - 1, "after_year": year.start_year} if year else {}
    return EffectivenessForm(
        data, initial=initial, organisations=scope.visible_organisations().order_by("name_key"),
        measures=Measure.objects.filter(municipality=municipality).order_by("-pk"),
        decisions=Decision.objects.filter(municipality=municipality),
    )


@login_required
@xlsx_export("effectiveness")
def effectiveness_page(request):
    scope = require_staff(request.user)
    municipality = municipality_for(request.user)
    analyses = (
        EffectivenessAnalysis.objects.filter(municipality=municipality)
        .select_related("academic_year", "measure", "decision").prefetch_related("goal_drafts")
    )
    return render(request, "cycle/effectiveness.html", {
        "section": "cycle", "tab": "effectiveness", "analyses": analyses, "form": _form(request, scope, municipality),
        "goals": CycleGoalDraft.objects.filter(municipality=municipality).select_related("source")[:50],
    })


@login_required
@require_POST
def create_analysis(request):
    scope = require_staff(request.user)
    municipality = municipality_for(request.user)
    form = _form(request, scope, municipality, request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:effectiveness")
    d = form.cleaned_data
    return run(request, lambda: service.analyse(
        request.user, municipality, direction_number=d["direction_number"], academic_year=selected_year(request),
        indicator_codes=form.codes(), target=list(d["target"]), comparison=list(d["comparison"]),
        before_year=d["before_year"], after_year=d["after_year"], verdict=d["verdict"] or None,
        problem_statement=d["problem_statement"], measure=d["measure"], decision=d["decision"],
    ), "Анализ эффективности записан.", "cycle:effectiveness")


@login_required
@require_POST
def next_goal(request, pk: int):
    require_staff(request.user)
    analysis = get_object_or_404(EffectivenessAnalysis, pk=pk, municipality=municipality_for(request.user))
    return run(request, lambda: service.next_cycle_goal(request.user, analysis, request.POST.get("text", "")),
               "Цель следующего цикла создана (проект).", "cycle:effectiveness")
