"""Reads over campaigns: what each role sees, completeness per organisation, a form's answers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from msoko.collection.models import Campaign, CampaignField, Submission, SubmissionValue
from msoko.registry.access import scope_for

S = Submission.Status
DONE_STATUSES = {S.SUBMITTED, S.ACCEPTED}
STATUS_BADGES = {S.NOT_STARTED: "muted", S.DRAFT: "attention", S.SUBMITTED: "norm", S.RETURNED: "risk", S.ACCEPTED: "good"}


def campaigns_for(user) -> QuerySet[Campaign]:
    """Campaigns a staff member sees: those sent to organisations of their territory (or their own)."""
    scope = scope_for(user)
    visible = scope.visible_organisations()
    return (
        Campaign.objects.filter(Q(organisations__in=visible) | Q(created_by=user)).distinct()
        .select_related("academic_year").order_by("-deadline", "-pk")
    )


def campaign_or_404(user, pk: int) -> Campaign:
    campaign = campaigns_for(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404("Кампания не найдена")
    return campaign


def my_submissions(user) -> QuerySet[Submission]:
    """An organisation's own self-report forms of campaigns that are open or finished."""
    scope = scope_for(user)
    return (
        Submission.objects.filter(organisation_id__in=scope.organisation_ids, campaign__kind=Campaign.Kind.SELF_REPORT)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign", "organisation").order_by("campaign__deadline", "pk")
    )


def submission_or_404(user, pk: int) -> Submission:
    """Staff reach any form of their territory; an organisation only its own self-report forms."""
    scope = scope_for(user)
    if scope.is_staff:
        found = Submission.objects.filter(organisation__in=scope.visible_organisations())
    else:
        found = my_submissions(user)
    submission = found.select_related("campaign", "organisation", "campaign__academic_year").filter(pk=pk).first()
    if submission is None:
        raise Http404("Форма не найдена")
    return submission


@dataclass
class FormRow:
    field: CampaignField
    value: float | None
    link: str
    text: str  # as shown in the input


def display_value(field: CampaignField, value: float | None) -> str:
    if value is None:
        return ""
    if field.type == CampaignField.Type.BOOL:
        return "да" if value else "нет"
    if field.type == CampaignField.Type.PRESENCE:
        return "есть" if value else "нет"
    return f"{value:g}".replace(".", ",")


def form_rows(submission: Submission) -> list[FormRow]:
    stored = {v.field_id: v for v in submission.values.all()}
    rows = []
    for field in submission.campaign.fields.all():
        answer = stored.get(field.pk)
        value = answer.value if answer else None
        rows.append(FormRow(field, value, answer.link if answer else "", display_value(field, value)))
    return rows


@dataclass
class CompletenessRow:
    submission: Submission
    filled: int
    total: int
    overdue: bool
    badge: str

    @property
    def percent(self) -> float:
        return 100.0 * self.filled / self.total if self.total else 0.0


def completeness(campaign: Campaign) -> list[CompletenessRow]:
    """Per organisation: status, answered questions of all, and whether the deadline has passed."""
    total = campaign.fields.count()
    today = timezone.localdate()
    submissions = (
        campaign.submissions.select_related("organisation")
        .annotate(filled=Count("values", filter=Q(values__value__isnull=False)))
        .order_by("organisation__code")
    )
    return [
        CompletenessRow(s, s.filled, total, campaign.deadline < today and s.status not in DONE_STATUSES,
                        STATUS_BADGES.get(s.status, "muted"))
        for s in submissions
    ]


def status_counts(campaign: Campaign) -> dict[str, int]:
    counts = dict(campaign.submissions.values_list("status").annotate(n=Count("pk")))
    return {label: counts.get(value, 0) for value, label in S.choices}


def all_answers(campaign: Campaign) -> QuerySet[SubmissionValue]:
    return (
        SubmissionValue.objects.filter(submission__campaign=campaign)
        .select_related("submission__organisation", "field").order_by("submission__organisation__code", "field__order")
    )


def elements_by_direction() -> list[tuple[str, list]]:
    """Catalog data elements grouped by the directions whose indicators use them (for composing)."""
    from msoko.catalog import formula
    from msoko.catalog import selectors as catalog
    from msoko.catalog.models import DataElement

    elements = {e.code: e for e in DataElement.objects.order_by("code")}
    groups: list[tuple[str, list]] = []
    placed: set[str] = set()
    version = catalog.current_version()
    if version is not None:
        for direction in version.directions.order_by("number"):
            codes: list[str] = []
            for indicator in direction.indicators.all():
                for part in (indicator.numerator, indicator.denominator):
                    try:
                        codes += [c for c in formula.names(part) if c not in codes] if part else []
                    except formula.FormulaError:
                        continue
            found = [elements[c] for c in codes if c in elements]
            if found:
                groups.append((f"{direction.number}. {direction.short_name}", sorted(found, key=lambda e: e.code)))
                placed.update(e.code for e in found)
    rest = [e for code, e in elements.items() if code not in placed]
    if rest:
        groups.append(("Прочие элементы данных", rest))
    return groups
