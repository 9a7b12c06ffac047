"""Адресные рекомендации: the department sees all and approves/sends; a school only its own, and answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from msoko.cycle import selectors
from msoko.cycle.errors import CycleError
from msoko.cycle.forms import FindingsForm, RecommendationForm, ReportForm
from msoko.cycle.models import Recommendation
from msoko.cycle.services import recommendations as service
from msoko.cycle.views.common import form_errors, municipality_for, run, serve
from msoko.registry.access import require_staff, scope_for
from msoko.reports.page_tables import xlsx_export
from msoko.web.paging import paginate
from msoko.web.shell import selected_year

R = Recommendation.Status


def _visible(request, pk: int) -> Recommendation:
    """404 for a recommendation the user may not see (another school's, or not yet sent)."""
    try:
        return selectors.recommendations_for(request.user).get(pk=pk)
    except Recommendation.DoesNotExist:
        raise Http404("Рекомендация не найдена") from None


def _actions(user, rec: Recommendation) -> list[tuple[str, str]]:
    """Status transitions this user may make, as (target, button label)."""
    scope = scope_for(user)
    labels = {R.APPROVED: "Утвердить", R.DRAFT: "Вернуть в черновик", R.SENT: "Направить адресату",
              R.ACCEPTED: "Принять к исполнению", R.REPORTED: "Представить отчёт"}
    allowed = []
    for target, who in service.TRANSITIONS[rec.status].items():
        if who == "addressee" and rec.addressed_organisation is not None:
            ok = rec.addressed_organisation.pk in scope.organisation_ids
        else:
            ok = scope.manages_direction(rec.direction_number) if rec.direction_number else scope.can_manage
        if ok:
            allowed.append((target, labels[target]))
    return allowed


@login_required
@xlsx_export("recommendations")
def recommendation_list(request):
    scope = scope_for(request.user)
    recs = selectors.recommendations_for(request.user)
    status = request.GET.get("status", "")
    if status in R.values:
        recs = recs.filter(status=status)
    page = paginate(request, recs)
    context = {"section": "cycle", "tab": "recommendations", "recs": page.object_list, "page": page,
               "statuses": R.choices, "status": status}
    if scope.is_staff:
        organisations = scope.visible_organisations().order_by("name_key")
        context["form"] = RecommendationForm(organisations=organisations)
        chosen = organisations.filter(code=request.GET.get("organisation", "")).first()
        context["findings_form"] = FindingsForm(
            prefix="findings", organisations=organisations, initial={"organisation": chosen, "source": request.GET.get("source", "")}
        )
    return render(request, "cycle/recommendations.html", context)


@login_required
@require_POST
def draft_from_findings(request):
    """Draft recommendations from what the latest analysis runs found about one organisation."""
    from msoko.cycle.findings import findings_for_organisation
    from msoko.cycle.models import RecommendationRule

    scope = require_staff(request.user)
    form = FindingsForm(request.POST, prefix="findings", organisations=scope.visible_organisations())
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:recommendations")
    organisation, source = form.cleaned_data["organisation"], form.cleaned_data["source"]
    municipality = municipality_for(request.user)
    items = findings_for_organisation(municipality, organisation, [source] if source else None)
    if not items:
        messages.error(request, f"В выводах последних расчётов нет ничего об организации «{organisation.short_name}»: "
                                "рекомендации не сформированы.")
        return redirect("cycle:recommendations")
    try:
        if scope.can_manage and not RecommendationRule.objects.exists():
            service.load_default_rules(request.user)
        drafts = service.draft_from_findings(request.user, municipality, items, selected_year(request))
    except CycleError as exc:
        messages.error(request, str(exc))
        return redirect("cycle:recommendations")
    if not drafts:
        messages.error(request, "Для этих выводов в базе правил нет действующих правил: рекомендации не сформированы.")
        return redirect("cycle:recommendations")
    messages.success(request, f"По выводам анализа для «{organisation.short_name}» сформировано черновиков "
                              f"рекомендаций: {len(drafts)}.")
    return redirect(f"{reverse('cycle:recommendations')}?status=draft")


@login_required
@require_POST
def create_recommendation(request):
    scope = require_staff(request.user)
    form = RecommendationForm(request.POST, organisations=scope.visible_organisations())
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:recommendations")
    d = form.cleaned_data
    try:
        rec = service.create_recommendation(
            request.user, municipality_for(request.user), title=d["title"], text=d["text"],
            addressee_level=d["addressee_level"], organisation=d["organisation"], direction_number=d["direction_number"],
            academic_year=selected_year(request), deadline=d["deadline"],
        )
    except CycleError as exc:
        messages.error(request, str(exc))
        return redirect("cycle:recommendations")
    messages.success(request, f"Черновик рекомендации «{rec.title}» создан.")
    return redirect("cycle:recommendation", pk=rec.pk)


@login_required
def recommendation_detail(request, pk: int):
    rec = _visible(request, pk)
    actions = _actions(request.user, rec)
    return render(request, "cycle/recommendation.html", {
        "section": "cycle", "tab": "recommendations", "rec": rec, "actions": actions,
        "report_form": ReportForm() if any(t == R.REPORTED for t, _ in actions) else None,
        "practices": rec.practices.all(),
    })


@login_required
@require_POST
def move_recommendation(request, pk: int):
    rec = _visible(request, pk)
    target = request.POST.get("status", "")
    if target not in R.values:
        raise Http404("Неизвестный статус")
    to = reverse("cycle:recommendation", args=[rec.pk])
    if target == R.REPORTED:
        form = ReportForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect(to)
        return run(request, lambda: service.move(
            request.user, rec, target, report=form.cleaned_data["report"], report_file=form.cleaned_data["report_file"],
        ), "Отчёт по рекомендации представлен.", to)
    return run(request, lambda: service.move(request.user, rec, target), f"Рекомендация: «{R(target).label}».", to)


@login_required
def report_file(request, pk: int):
    return serve(_visible(request, pk).report_file)
