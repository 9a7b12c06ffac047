"""Collection campaigns: forms with their answers, status and version; save, submit, accept, return.

Every rule is the web form's (`msoko.collection.campaign_services`): an organisation fills its own
self-report, municipal staff fill expert audits, the department accepts, returns and reopens.
Saving needs the version the user saw (optimistic locking): an older one is refused with 409.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.api.routers.common import READ_ERRORS, WRITE_ERRORS
from msoko.api.schemas import (
    CampaignOut,
    Error,
    FormAcceptIn,
    FormOut,
    FormReopenIn,
    FormReturnIn,
    FormSaveIn,
    FormSummaryOut,
)
from msoko.collection import campaign_selectors as selectors
from msoko.collection import campaign_services as services
from msoko.collection.models import Campaign, Submission
from msoko.registry.access import scope_for

router = Router(tags=["Кампании сбора данных"])
FORM_WRITE_ERRORS = {**WRITE_ERRORS, 409: Error}


def _visible_campaigns(user):
    """Staff: campaigns sent to their territory (as the UI's list); an organisation: those with its own form."""
    if scope_for(user).is_staff:
        return selectors.campaigns_for(user)
    own = selectors.my_submissions(user).values_list("campaign_id", flat=True)
    return Campaign.objects.filter(pk__in=own).select_related("academic_year").order_by("-deadline", "-pk")


def _campaign_or_404(user, pk: int) -> Campaign:
    found = _visible_campaigns(user).filter(pk=pk).first()
    if found is None:
        raise Http404("Кампания не найдена")
    return found


def _campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk, "title": c.title, "instructions": c.instructions, "kind": c.kind, "status": c.status,
        "status_display": c.get_status_display(), "academic_year": c.academic_year.label, "period": c.period.code,
        "deadline": c.deadline,
        "fields": [
            {"code": f.code, "label": f.label, "type": f.type, "max_score": f.max_score, "with_link": f.with_link,
             "data_element": f.data_element.code if f.data_element else None}
            for f in c.fields.select_related("data_element")
        ],
        "rules": [
            {"name": r.name, "left": r.left, "operator": r.operator, "right": r.right, "message": r.message}
            for r in c.rules.all()
        ],
    }


def _form_out(user, s: Submission) -> dict:
    return {
        "id": s.pk, "campaign": s.campaign_id, "campaign_title": s.campaign.title, "organisation": s.organisation.code,
        "status": s.status, "status_display": s.get_status_display(), "version": s.version,
        "can_edit": services.can_fill(user, s) and s.editable and s.campaign.status == Campaign.Status.OPEN,
        "can_review": services.can_review(user),
        "updated_at": s.updated_at, "submitted_at": s.submitted_at, "accepted_at": s.accepted_at,
        "answers": [
            {"code": row.field.code, "label": row.field.label, "type": row.field.type, "value": row.value,
             "link": row.link}
            for row in selectors.form_rows(s)
        ],
        "events": [
            {"action": e.action, "status": e.status, "comment": e.comment,
             "actor": e.actor.get_username() if e.actor else None, "at": e.at}
            for e in s.events.select_related("actor")
        ],
    }


def _form(request, pk: int) -> Submission:
    """The form if the user reaches it (staff: their territory; an organisation: its own), else 404."""
    return selectors.submission_or_404(request.user, pk)


def _reviewer(request, pk: int) -> Submission:
    found = _form(request, pk)
    if not services.can_review(request.user):
        raise PermissionDenied("Принимать и возвращать формы могут специалисты управления образования.")
    return found


@router.get("/campaigns/", response={200: list[CampaignOut], **READ_ERRORS}, summary="Кампании сбора данных")
@paginate(LimitOffsetPagination)
def campaigns(request, status: str = ""):
    """Специалистам — кампании своей территории; организации — кампании, в которых у неё есть форма."""
    qs = _visible_campaigns(request.user).select_related("period")
    if status:
        qs = qs.filter(status=status)
    return [_campaign_out(c) for c in qs]


@router.get("/campaigns/{pk}/", response={200: CampaignOut, **READ_ERRORS}, summary="Кампания")
def campaign(request, pk: int):
    return _campaign_out(_campaign_or_404(request.user, pk))


@router.get("/campaigns/{pk}/forms/", response={200: list[FormSummaryOut], **READ_ERRORS}, summary="Формы кампании")
@paginate(LimitOffsetPagination)
def campaign_forms(request, pk: int, status: str = ""):
    """Формы организаций с полнотой заполнения: специалистам — своей территории, организации — своя."""
    found = _campaign_or_404(request.user, pk)
    scope = scope_for(request.user)
    if scope.is_staff:
        organisations = set(scope.visible_organisations().values_list("pk", flat=True))
        visible = {s.pk for s in found.submissions.all() if s.organisation_id in organisations}
    else:
        visible = set(selectors.my_submissions(request.user).filter(campaign=found).values_list("pk", flat=True))
    rows = [r for r in selectors.completeness(found) if r.submission.pk in visible]
    return [
        {"id": r.submission.pk, "campaign": found.pk, "organisation": r.submission.organisation.code,
         "status": r.submission.status, "status_display": r.submission.get_status_display(),
         "version": r.submission.version, "filled": r.filled, "total": r.total, "overdue": r.overdue}
        for r in rows if not status or r.submission.status == status
    ]


@router.get("/forms/{pk}/", response={200: FormOut, **READ_ERRORS}, summary="Форма организации")
def form(request, pk: int):
    """Ответы формы со статусом, версией и историей; чужая форма — 404."""
    return _form_out(request.user, _form(request, pk))


def _save(request, pk: int, payload: FormSaveIn, *, submit: bool) -> dict:
    outcome = services.save_answers(
        _form(request, pk), payload.answers, links=payload.links, version=payload.version, actor=request.user,
        submit=submit,
    )
    return _form_out(request.user, outcome.submission)


@router.post("/forms/{pk}/save/", response={200: FormOut, **FORM_WRITE_ERRORS}, summary="Сохранить черновик")
def form_save(request, pk: int, payload: FormSaveIn):
    """Те же проверки, что в веб-форме (типы ответов, правила проверки); 409 — форму уже изменили."""
    return _save(request, pk, payload, submit=False)


@router.post("/forms/{pk}/submit/", response={200: FormOut, **FORM_WRITE_ERRORS}, summary="Отправить форму")
def form_submit(request, pk: int, payload: FormSaveIn):
    """Сохранить и отправить в управление: нужны ответы на все вопросы (и ссылки, где они требуются)."""
    return _save(request, pk, payload, submit=True)


@router.post("/forms/{pk}/accept/", response={200: FormOut, **FORM_WRITE_ERRORS}, summary="Принять форму")
def form_accept(request, pk: int, payload: FormAcceptIn):
    """Управление принимает отправленную форму: ответы записываются в значения (происхождение «кампания …»)."""
    found = services.accept_submission(_reviewer(request, pk), actor=request.user, version=payload.version)
    return _form_out(request.user, found)


@router.post("/forms/{pk}/return/", response={200: FormOut, **FORM_WRITE_ERRORS}, summary="Вернуть на доработку")
def form_return(request, pk: int, payload: FormReturnIn):
    found = services.return_submission(_reviewer(request, pk), payload.comment, actor=request.user,
                                       version=payload.version)
    return _form_out(request.user, found)


@router.post("/forms/{pk}/reopen/", response={200: FormOut, **FORM_WRITE_ERRORS}, summary="Открыть принятую форму")
def form_reopen(request, pk: int, payload: FormReopenIn):
    """Снять блокировку с принятой формы (с комментарием); её значения остаются до нового принятия."""
    found = services.reopen_submission(_reviewer(request, pk), payload.comment, actor=request.user)
    return _form_out(request.user, found)
