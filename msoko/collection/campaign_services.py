"""Collection campaigns: compose → open → fill (draft) → submit → return / accept → reopen.

Who may do what:

* composing, opening, returning, accepting and reopening — the department (`scope.can_manage`);
* filling and submitting a self-report — the administrator of that organisation;
* filling and submitting an expert audit (документы, сайты) — municipal staff (`scope.is_staff`).

Each write runs in one transaction with its audit entry and a `SubmissionEvent`. Saving checks
the form's version (optimistic locking): a save based on an older version is refused. Accepting
writes the values into `DataValue` (lineage «кампания …») and locks the form.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from msoko.catalog import formula
from msoko.catalog.models import DataElement
from msoko.collection.campaign_rules import (
    FieldSpec,
    RuleSpec,
    check_rule_syntax,
    failed_rules,
    parse_answers,
)
from msoko.collection.models import (
    Campaign,
    CampaignField,
    DataValue,
    Submission,
    SubmissionEvent,
    SubmissionValue,
    ValidationRule,
)
from msoko.core import audit
from msoko.registry.access import scope_for
from msoko.registry.models import AcademicYear, Organisation

S = Submission.Status
ELEMENT_TYPES = {
    DataElement.ValueType.BOOL: CampaignField.Type.BOOL,
    DataElement.ValueType.COUNT: CampaignField.Type.COUNT,
    DataElement.ValueType.SCORE: CampaignField.Type.NUMBER,
}


class CampaignError(Exception):
    """A refused campaign action; `problems` lists every reason in Russian."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class StaleForm(CampaignError):
    """The form changed since the user opened it (optimistic locking)."""


@dataclass
class ChecklistItem:
    """An expert audit question: «present / absent» or a score, optionally with a link."""

    label: str
    type: str = CampaignField.Type.PRESENCE
    max_score: float | None = None
    with_link: bool = True
    element: str = ""


@dataclass
class RuleInput:
    name: str
    left: str
    operator: str
    right: str
    message: str = ""


@dataclass
class SaveOutcome:
    submission: Submission
    message: str
    values: dict[str, float | None] = field(default_factory=dict)


def _user(actor: Any):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_manager(actor: Any) -> None:
    if actor is not None and not scope_for(actor).can_manage:
        raise PermissionDenied("Действие доступно специалистам управления образования.")


def can_fill(actor: Any, submission: Submission) -> bool:
    """Whether this user fills the form: the organisation itself, or staff for an expert audit."""
    if actor is None:  # system (demo, commands)
        return True
    scope = scope_for(actor)
    if submission.campaign.kind == Campaign.Kind.EXPERT_AUDIT:
        return scope.is_staff and scope.visible_organisations().filter(pk=submission.organisation_id).exists()
    return submission.organisation_id in scope.organisation_ids and not scope.is_staff or scope.is_superuser


def can_review(actor: Any) -> bool:
    return actor is None or scope_for(actor).can_manage


def compose_campaign(
    *,
    title: str,
    year: AcademicYear,
    deadline: datetime.date,
    organisations: Iterable[Organisation],
    elements: Iterable[str] = (),
    checklist: Iterable[ChecklistItem] = (),
    rules: Iterable[RuleInput] = (),
    instructions: str = "",
    kind: str = Campaign.Kind.SELF_REPORT,
    actor: Any = None,
) -> Campaign:
    """Create a campaign (status «готовится») from catalog data elements and checklist items."""
    from msoko.registry.services import year_period

    _require_manager(actor)
    organisations = list(organisations)
    element_codes = [c for c in dict.fromkeys(c.strip() for c in elements) if c]
    checklist = list(checklist)
    problems = []
    if not title.strip():
        problems.append("Укажите название кампании.")
    if not organisations:
        problems.append("Выберите хотя бы одну организацию.")
    if not element_codes and not checklist:
        problems.append("Добавьте в форму хотя бы один элемент данных или пункт чек-листа.")
    if kind not in Campaign.Kind.values:
        problems.append(f"Неизвестный вид кампании «{kind}».")
    found = {e.code: e for e in DataElement.objects.filter(code__in=[*element_codes, *[i.element for i in checklist if i.element]])}
    unknown = [c for c in element_codes if c not in found] + [i.element for i in checklist if i.element and i.element not in found]
    if unknown:
        problems.append(f"Нет в каталоге элементов данных: {', '.join(unknown)}.")
    specs: list[dict] = []
    for code in element_codes:
        if code in found:
            element = found[code]
            specs.append(dict(code=code, label=element.name[:400], type=ELEMENT_TYPES.get(element.value_type, CampaignField.Type.NUMBER),
                              data_element=element, with_link=False))
    for number, item in enumerate(checklist, start=1):
        if not item.label.strip():
            problems.append(f"Пункт чек-листа №{number}: не указан текст.")
        if item.type == CampaignField.Type.SCORE and not item.max_score:
            problems.append(f"Пункт чек-листа «{item.label}»: укажите максимальный балл.")
        code = item.element or f"item{number}"
        specs.append(dict(code=code, label=item.label.strip()[:400], type=item.type, max_score=item.max_score,
                          with_link=item.with_link, data_element=found.get(item.element)))
    codes = {s["code"] for s in specs}
    if len(codes) < len(specs):
        problems.append("Один и тот же элемент данных включён в форму дважды.")
    rules = list(rules)
    for rule in rules:
        if not rule.name.strip():
            problems.append("У правила проверки нет названия.")
        try:
            check_rule_syntax(RuleSpec(rule.name, rule.left, rule.operator, rule.right), codes)
        except formula.FormulaError as exc:
            problems.append(f"Правило «{rule.name}»: {exc}.")
    if problems:
        raise CampaignError("Кампания не создана.", problems)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=title.strip(), instructions=instructions.strip(), kind=kind, academic_year=year,
            period=year_period(year), deadline=deadline, created_by=_user(actor),
        )
        campaign.organisations.set(organisations)
        CampaignField.objects.bulk_create(
            [CampaignField(campaign=campaign, order=i, **spec) for i, spec in enumerate(specs, start=1)]
        )
        ValidationRule.objects.bulk_create([
            ValidationRule(campaign=campaign, name=r.name.strip(), left=r.left.strip(), operator=r.operator,
                           right=r.right.strip(), message=r.message.strip())
            for r in rules
        ])
        audit.record(actor, "create", campaign, after={
            "fields": [s["code"] for s in specs], "organisations": [o.code for o in organisations],
            "rules": [r.name for r in rules], "deadline": deadline.isoformat(),
        })
    return campaign


def open_campaign(campaign: Campaign, actor: Any = None) -> Campaign:
    """Start collecting: one «не начато» form per organisation."""
    _require_manager(actor)
    if campaign.status != Campaign.Status.DRAFT:
        raise CampaignError(f"Кампания «{campaign}» уже {campaign.get_status_display()}.")
    with transaction.atomic():
        existing = set(campaign.submissions.values_list("organisation_id", flat=True))
        Submission.objects.bulk_create([
            Submission(campaign=campaign, organisation=o) for o in campaign.organisations.all() if o.pk not in existing
        ])
        campaign.status = Campaign.Status.OPEN
        campaign.save(update_fields=["status"])
        audit.record(actor, "open", campaign)
    return campaign


def close_campaign(campaign: Campaign, actor: Any = None) -> Campaign:
    _require_manager(actor)
    with transaction.atomic():
        campaign.status = Campaign.Status.CLOSED
        campaign.save(update_fields=["status"])
        audit.record(actor, "close", campaign)
    return campaign


def field_specs(campaign: Campaign) -> list[FieldSpec]:
    return [FieldSpec(f.code, f.label, f.type, f.max_score) for f in campaign.fields.all()]


def rule_specs(campaign: Campaign) -> list[RuleSpec]:
    return [RuleSpec(r.name, r.left, r.operator, r.right, r.message) for r in campaign.rules.all()]


def current_values(submission: Submission) -> dict[str, float | None]:
    return {v.field.code: v.value for v in submission.values.select_related("field")}


def _locked(submission: Submission, version: int | None) -> Submission:
    """Re-read the form under a row lock and check the version the user saw."""
    # Not select_related("updated_by"): after waiting for the lock PostgreSQL re-reads only the locked
    # row, so a joined editor would be the stale one (None) while updated_by_id is the new editor's.
    locked = (
        Submission.objects.select_for_update(of=("self",)).select_related("campaign", "organisation")
        .get(pk=submission.pk)
    )
    if version is not None and locked.version != version:
        who = ""
        if locked.updated_by_id:
            who = f" пользователь {locked.updated_by.get_full_name() or locked.updated_by.username}"
        when = timezone.localtime(locked.updated_at).strftime("%d.%m.%Y %H:%M")
        raise StaleForm(
            f"Форму уже изменил{who} ({when}), пока она была открыта у вас; ваши изменения не сохранены. "
            "Обновите страницу, проверьте значения и сохраните снова."
        )
    return locked


def _event(submission: Submission, action: str, actor: Any, comment: str = "") -> None:
    SubmissionEvent.objects.create(submission=submission, action=action, status=submission.status, comment=comment,
                                   actor=_user(actor))


def save_answers(
    submission: Submission,
    answers: Mapping[str, object],
    *,
    links: Mapping[str, str] | None = None,
    version: int | None,
    actor: Any = None,
    submit: bool = False,
    field_problems: Mapping[str, str] | None = None,
) -> SaveOutcome:
    """Save the form as a draft (or submit it): types and validation rules first, then the version.

    `answers` maps field codes to what was typed; codes not in `answers` keep their stored value.
    Nothing changes when any answer or rule fails: `CampaignError.problems` names each one.
    `field_problems` lets a caller (the xlsx upload) word a field's problem with its file location.
    """
    campaign = submission.campaign
    if not can_fill(actor, submission):
        raise PermissionDenied("Эту форму заполняет другая организация.")
    if campaign.status != Campaign.Status.OPEN:
        raise CampaignError(f"Сбор по кампании «{campaign}» не идёт (статус «{campaign.get_status_display()}»).")
    links = links or {}
    with transaction.atomic():
        locked = _locked(submission, version)
        if not locked.editable:
            raise CampaignError(f"Форма {locked.get_status_display()}: изменения невозможны.")
        specs = field_specs(campaign)
        stored = current_values(locked)
        merged = {code: stored.get(code) for code in (s.code for s in specs)}
        typed, problems = parse_answers([s for s in specs if s.code in answers], answers)
        merged.update(typed)
        messages = [(field_problems or {}).get(code, text) for code, text in problems.items()]
        fields = {f.code: f for f in campaign.fields.all()}
        messages += [
            f"«{fields[code].label}»: ссылка должна начинаться с http:// или https:// (указано «{link.strip()[:80]}»)."
            for code, link in links.items()
            if code in fields and link.strip() and not link.strip().lower().startswith(("http://", "https://"))
        ]
        if not problems:
            messages += failed_rules(rule_specs(campaign), merged)
        if submit and not messages:
            missing = [fields[c].label for c, v in merged.items() if v is None]
            if missing:
                messages.append("Не заполнено: " + "; ".join(f"«{m}»" for m in missing) + ".")
            absent_links = [f.label for f in fields.values() if f.with_link and merged.get(f.code) == 1
                            and not (links.get(f.code) or _stored_link(locked, f))]
            if absent_links:
                messages.append("Укажите ссылку для: " + "; ".join(f"«{m}»" for m in absent_links) + ".")
        if messages:
            raise CampaignError("Форма не сохранена: исправьте ошибки.", messages)
        before = {"status": locked.status, "values": stored}
        for code, value in merged.items():
            defaults = {"value": value}
            if code in links:
                defaults["link"] = str(links[code]).strip()[:500]
            SubmissionValue.objects.update_or_create(submission=locked, field=fields[code], defaults=defaults)
        locked.status = S.SUBMITTED if submit else S.DRAFT
        locked.version += 1
        locked.updated_by = _user(actor)
        if submit:
            locked.submitted_at = timezone.now()
        locked.save()
        _event(locked, "submit" if submit else "save", actor)
        audit.record(actor, "submit" if submit else "save", locked, before=before,
                     after={"status": locked.status, "values": merged})
    message = "Форма отправлена в управление образования." if submit else "Черновик сохранён."
    return SaveOutcome(locked, message, merged)


def _stored_link(submission: Submission, field_: CampaignField) -> str:
    value = SubmissionValue.objects.filter(submission=submission, field=field_).values_list("link", flat=True).first()
    return value or ""


def return_submission(submission: Submission, comment: str, *, actor: Any = None, version: int | None = None) -> Submission:
    """Send a submitted form back for rework, with the department's comment."""
    _require_manager(actor)
    if not comment.strip():
        raise CampaignError("Форма не возвращена: напишите комментарий — что нужно исправить.")
    with transaction.atomic():
        locked = _locked(submission, version)
        if locked.status != S.SUBMITTED:
            raise CampaignError(f"Вернуть на доработку можно только отправленную форму (сейчас: «{locked.get_status_display()}»).")
        locked.status = S.RETURNED
        locked.version += 1
        locked.updated_by = _user(actor)
        locked.save()
        _event(locked, "return", actor, comment.strip())
        audit.record(actor, "return", locked, after={"comment": comment.strip()})
    return locked


def campaign_note(submission: Submission) -> str:
    return f"кампания «{submission.campaign.title}», форма №{submission.pk}"[:200]


def accept_submission(submission: Submission, *, actor: Any = None, version: int | None = None) -> Submission:
    """Accept a submitted form: its values become data values (lineage «кампания …») and lock."""
    _require_manager(actor)
    with transaction.atomic():
        locked = _locked(submission, version)
        if locked.status != S.SUBMITTED:
            raise CampaignError(f"Принять можно только отправленную форму (сейчас: «{locked.get_status_display()}»).")
        note = campaign_note(locked)
        written = {}
        for answer in locked.values.select_related("field").filter(field__data_element__isnull=False, value__isnull=False):
            DataValue.objects.update_or_create(
                data_element_id=answer.field.data_element_id, organisation_id=locked.organisation_id,
                period_id=locked.campaign.period_id, category="",
                defaults={"value": answer.value, "source_import": None, "source_row": None, "source_note": note,
                          "entered_by": _user(actor)},
            )
            written[answer.field.code] = answer.value
        locked.status = S.ACCEPTED
        locked.accepted_at = timezone.now()
        locked.version += 1
        locked.updated_by = _user(actor)
        locked.save()
        _event(locked, "accept", actor)
        audit.record(actor, "accept", locked, after={"data_values": written})
    return locked


def reopen_submission(submission: Submission, comment: str, *, actor: Any = None) -> Submission:
    """Unlock an accepted form (returned with a comment); its data values stay until accepted again."""
    _require_manager(actor)
    if not comment.strip():
        raise CampaignError("Форма не открыта: напишите комментарий — почему её нужно изменить.")
    with transaction.atomic():
        locked = _locked(submission, None)
        if locked.status != S.ACCEPTED:
            raise CampaignError(f"Открыть заново можно только принятую форму (сейчас: «{locked.get_status_display()}»).")
        locked.status = S.RETURNED
        locked.version += 1
        locked.updated_by = _user(actor)
        locked.save()
        _event(locked, "reopen", actor, comment.strip())
        audit.record(actor, "reopen", locked, after={"comment": comment.strip()})
    return locked
