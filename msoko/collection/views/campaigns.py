"""Collection campaigns: the department composes, follows completeness and reviews; an organisation
fills its form on the web or through the xlsx template."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from msoko.collection import campaign_selectors as selectors
from msoko.collection import campaign_services as services
from msoko.collection.campaign_xlsx import build_template, export_answers, template_name, upload_template
from msoko.collection.models import Campaign, CampaignField, Submission
from msoko.core.uploads import check_upload
from msoko.registry.access import require_staff, scope_for
from msoko.registry.models import AcademicYear
from msoko.registry.selectors import academic_years, clusters_by_org
from msoko.web.paging import paginate
from msoko.web.shell import selected_year

SECTION = "data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RULE_ROWS = 3
CHECKLIST_ROWS = 6


def _attachment(content: bytes, name: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _fail(request, exc: services.CampaignError) -> None:
    messages.error(request, exc.message)
    for problem in exc.problems:
        messages.error(request, problem)


@login_required
def campaign_list(request):
    scope = require_staff(request.user)
    page = paginate(request, selectors.campaigns_for(request.user))
    return render(request, "collection/campaigns.html", {
        "section": SECTION, "campaigns": page.object_list, "page": page, "can_manage": scope.can_manage,
    })


def _compose_context(request, year: AcademicYear | None, form: dict) -> dict:
    scope = scope_for(request.user)
    organisations = scope.visible_organisations().order_by("kind", "code")
    clusters = clusters_by_org(year)
    return {
        "section": SECTION, "form": form, "groups": selectors.elements_by_direction(),
        "organisations": [(o, clusters.get(o.pk)) for o in organisations], "years": academic_years(),
        "year": year, "kinds": Campaign.Kind.choices, "operators": [("<=", "≤"), ("==", "="), (">=", "≥")],
        "rule_rows": range(RULE_ROWS), "checklist_rows": range(CHECKLIST_ROWS),
        "item_types": [(CampaignField.Type.PRESENCE, "есть / нет"), (CampaignField.Type.SCORE, "балл")],
    }


@login_required
def campaign_new(request):
    scope = require_staff(request.user)
    if not scope.can_manage:
        raise PermissionDenied("Кампании создаёт управление образования.")
    year = selected_year(request)
    form: dict = {"elements": [], "organisations": []}
    if request.method == "POST":
        post = request.POST
        form = {k: post.get(k, "") for k in ("title", "instructions", "deadline", "kind", "year")}
        form["elements"] = post.getlist("element")
        form["organisations"] = post.getlist("organisation")
        chosen_year = AcademicYear.objects.filter(start_year=post.get("year") or 0).first() or year
        problems = []
        try:
            deadline = datetime.date.fromisoformat(post.get("deadline", ""))
        except ValueError:
            deadline = None
            problems.append("Укажите срок в формате ДД.ММ.ГГГГ.")
        rules = [
            services.RuleInput(post.get(f"rule_name_{i}", ""), post.get(f"rule_left_{i}", ""),
                               post.get(f"rule_op_{i}", "<="), post.get(f"rule_right_{i}", ""), post.get(f"rule_message_{i}", ""))
            for i in range(RULE_ROWS) if post.get(f"rule_left_{i}", "").strip()
        ]
        checklist = []
        for i in range(CHECKLIST_ROWS):
            label = post.get(f"item_label_{i}", "").strip()
            if not label:
                continue
            raw_max = post.get(f"item_max_{i}", "").replace(",", ".").strip()
            checklist.append(services.ChecklistItem(
                label=label, type=post.get(f"item_type_{i}", CampaignField.Type.PRESENCE),
                max_score=float(raw_max) if raw_max.replace(".", "", 1).isdigit() else None,
                with_link=bool(post.get(f"item_link_{i}")), element=post.get(f"item_element_{i}", "").strip(),
            ))
        organisations = list(scope.visible_organisations().filter(code__in=form["organisations"]))
        if chosen_year is None:
            problems.append("Нет учебного года: создайте его в справочниках.")
        if not problems:
            try:
                campaign = services.compose_campaign(
                    title=form["title"], instructions=form["instructions"], kind=form["kind"] or Campaign.Kind.SELF_REPORT,
                    year=chosen_year, deadline=deadline, organisations=organisations, elements=form["elements"],
                    checklist=checklist, rules=rules, actor=request.user,
                )
            except services.CampaignError as exc:
                problems += exc.problems or [exc.message]
            else:
                messages.success(request, f"Кампания «{campaign.title}» создана. Проверьте форму и начните сбор.")
                return redirect("collection:campaign", pk=campaign.pk)
        for problem in problems:
            messages.error(request, problem)
    return render(request, "collection/campaign_new.html", _compose_context(request, year, form))


@login_required
def campaign_detail(request, pk: int):
    scope = require_staff(request.user)
    campaign = selectors.campaign_or_404(request.user, pk)
    return render(request, "collection/campaign.html", {
        "section": SECTION, "campaign": campaign, "rows": selectors.completeness(campaign),
        "counts": selectors.status_counts(campaign), "fields": campaign.fields.select_related("data_element"),
        "rules": campaign.rules.all(), "can_manage": scope.can_manage,
    })


@login_required
@require_POST
def campaign_open(request, pk: int):
    require_staff(request.user)
    campaign = selectors.campaign_or_404(request.user, pk)
    try:
        services.open_campaign(campaign, actor=request.user)
        messages.success(request, "Сбор начат: формы доступны организациям.")
    except services.CampaignError as exc:
        _fail(request, exc)
    return redirect("collection:campaign", pk=campaign.pk)


@login_required
def campaign_export(request, pk: int):
    require_staff(request.user)
    campaign = selectors.campaign_or_404(request.user, pk)
    return _attachment(export_answers(campaign), f"ответы-{campaign.pk}.xlsx")


@login_required
def my_forms(request):
    scope = scope_for(request.user)
    if scope.is_staff:
        return redirect("collection:campaigns")
    today = timezone.localdate()
    page = paginate(request, selectors.my_submissions(request.user))
    forms = [(s, s.campaign.deadline < today and s.editable) for s in page.object_list]
    return render(request, "collection/my_forms.html",
                  {"section": SECTION, "forms": forms, "page": page, "badges": selectors.STATUS_BADGES})


def _form_context(request, submission: Submission, posted: dict | None = None) -> dict:
    rows = selectors.form_rows(submission)
    if posted:
        for row in rows:
            row.text = posted.get(row.field.code, row.text)
            row.link = posted.get(f"link_{row.field.code}", row.link)
    fill = services.can_fill(request.user, submission)
    return {
        "section": SECTION, "submission": submission, "campaign": submission.campaign, "rows": rows,
        "can_edit": fill and submission.editable and submission.campaign.status == Campaign.Status.OPEN,
        "can_review": services.can_review(request.user), "events": submission.events.select_related("actor"),
        "badge": selectors.STATUS_BADGES.get(submission.status, "muted"),
        "bool_types": {CampaignField.Type.BOOL, CampaignField.Type.PRESENCE},
    }


@login_required
def form_page(request, pk: int):
    submission = selectors.submission_or_404(request.user, pk)
    posted = None
    if request.method == "POST":
        posted = request.POST
        answers = {f.code: request.POST.get(f.code, "") for f in submission.campaign.fields.all()}
        links = {f.code: request.POST.get(f"link_{f.code}", "") for f in submission.campaign.fields.filter(with_link=True)}
        version = int(request.POST.get("version") or -1)
        try:
            outcome = services.save_answers(submission, answers, links=links, version=version, actor=request.user,
                                            submit=request.POST.get("action") == "submit")
        except services.CampaignError as exc:
            _fail(request, exc)
        else:
            messages.success(request, outcome.message)
            return redirect("collection:form", pk=submission.pk)
    return render(request, "collection/form.html", _form_context(request, submission, posted))


@login_required
def form_template(request, pk: int):
    submission = selectors.submission_or_404(request.user, pk)
    return _attachment(build_template(submission), template_name(submission))


@login_required
@require_POST
def form_upload(request, pk: int):
    submission = selectors.submission_or_404(request.user, pk)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, "Выберите заполненный файл шаблона.")
        return redirect("collection:form", pk=submission.pk)
    name = Path(file.name).name
    try:
        check_upload(file, ("xlsx",))
    except ValidationError as exc:
        messages.error(request, str(exc))
        return redirect("collection:form", pk=submission.pk)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + (Path(name).suffix.lower() or ".xlsx"))
        with open(path, "wb") as handle:
            for chunk in file.chunks():
                handle.write(chunk)
        try:
            outcome = upload_template(submission, path, name=name, version=int(request.POST.get("version") or -1),
                                      actor=request.user, submit=request.POST.get("action") == "submit")
        except services.CampaignError as exc:
            _fail(request, exc)
        else:
            messages.success(request, f"Файл «{name}» принят. {outcome.message}")
    return redirect("collection:form", pk=submission.pk)


@login_required
@require_POST
def form_review(request, pk: int):
    require_staff(request.user)
    submission = selectors.submission_or_404(request.user, pk)
    action = request.POST.get("action")
    comment = request.POST.get("comment", "")
    version = int(request.POST.get("version") or -1)
    try:
        if action == "accept":
            services.accept_submission(submission, actor=request.user, version=version)
            messages.success(request, f"Форма {submission.organisation.short_name} принята; значения записаны.")
        elif action == "return":
            services.return_submission(submission, comment, actor=request.user, version=version)
            messages.success(request, "Форма возвращена на доработку.")
        elif action == "reopen":
            services.reopen_submission(submission, comment, actor=request.user)
            messages.success(request, "Форма открыта для исправления.")
        else:
            messages.error(request, "Неизвестное действие.")
    except services.CampaignError as exc:
        _fail(request, exc)
    return redirect("collection:form", pk=submission.pk)
