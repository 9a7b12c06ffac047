"""Addressed recommendations: the rule base, drafting from findings, approval, sending, answers; practices."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from msoko.core.audit import record
from msoko.cycle.errors import CycleError
from msoko.cycle.models import AddresseeLevel, FindingKind, Practice, Recommendation, RecommendationRule
from msoko.cycle.permissions import require_direction_manager, require_organisation_user
from msoko.registry.models import AcademicYear, Municipality, Organisation

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "data" / "recommendation_rules.yaml"
R = Recommendation.Status


@dataclass
class Finding:
    """One result of the analysis that calls for a recommendation."""

    kind: str
    organisation: Organisation | None = None
    direction_number: int | None = None
    indicator: str = ""
    evidence: dict = field(default_factory=dict)


@transaction.atomic
def load_default_rules(actor, path: Path = DEFAULT_RULES) -> int:
    """Add the default rules that are not there yet (matched by kind, level and title); return how many."""
    require_direction_manager(actor, None)
    added = 0
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        rule, created = RecommendationRule.objects.get_or_create(
            finding_kind=FindingKind(entry["finding_kind"]),
            addressee_level=AddresseeLevel(entry["addressee_level"]),
            title=entry["title"],
            defaults={
                "direction_number": entry.get("direction_number"),
                "template": " ".join(entry["template"].split()),
                "source": entry.get("source", ""),
            },
        )
        if created:
            added += 1
            record(actor, "cycle.rule.create", rule)
    return added


def _render(template: str, finding: Finding, year: AcademicYear | None) -> str:
    values = {
        "организация": finding.organisation.short_name if finding.organisation else "муниципалитет",
        "год": year.label if year else "",
        "показатель": finding.indicator,
    }
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        raise CycleError(f"В шаблоне рекомендации неизвестная подстановка: {exc}.") from None


def _practices_for(municipality: Municipality, direction_number: int | None, exclude: Organisation | None) -> list[Practice]:
    practices = Practice.objects.filter(municipality=municipality)
    if exclude is not None:
        practices = practices.exclude(organisation=exclude)
    return [p for p in practices if direction_number is None or direction_number in p.direction_numbers][:3]


@transaction.atomic
def draft_from_findings(
    actor, municipality: Municipality, findings: list[Finding], year: AcademicYear | None = None
) -> list[Recommendation]:
    """Create draft recommendations: every active rule of a finding's kind gives one, citing practices."""
    created: list[Recommendation] = []
    for finding in findings:
        kind = FindingKind(finding.kind)
        rules = RecommendationRule.objects.filter(finding_kind=kind, is_active=True)
        for rule in rules:
            direction = finding.direction_number or rule.direction_number
            if finding.direction_number and rule.direction_number and rule.direction_number != finding.direction_number:
                continue
            require_direction_manager(actor, direction)
            level = AddresseeLevel(rule.addressee_level)
            rec = Recommendation.objects.create(
                municipality=municipality,
                direction_number=direction,
                academic_year=year,
                addressee_level=level,
                organisation=finding.organisation,
                addressee_note="" if level in (AddresseeLevel.ORGANISATION, AddresseeLevel.MUNICIPALITY) else level.label,
                finding_kind=kind,
                rule=rule,
                title=rule.title,
                text=_render(rule.template, finding, year),
                evidence={"finding": kind.value, "indicator": finding.indicator, **finding.evidence},
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            rec.practices.set(_practices_for(municipality, direction, finding.organisation))
            record(actor, "cycle.recommendation.draft", rec, after={"rule": rule.pk, "evidence": rec.evidence})
            created.append(rec)
    return created


@transaction.atomic
def edit(actor, rec: Recommendation, *, title: str | None = None, text: str | None = None,
         deadline: datetime.date | None = None, practices=None) -> Recommendation:
    require_direction_manager(actor, rec.direction_number)
    if rec.status != R.DRAFT:
        raise CycleError("Изменять можно только черновик рекомендации; верните её в черновик.")
    before = {"title": rec.title, "text": rec.text}
    if title is not None:
        rec.title = title
    if text is not None:
        if not text.strip():
            raise CycleError("Текст рекомендации не может быть пустым.")
        rec.text = text
    if deadline is not None:
        rec.deadline = deadline
    rec.save()
    if practices is not None:
        rec.practices.set(practices)
    record(actor, "cycle.recommendation.edit", rec, before=before, after={"title": rec.title, "text": rec.text})
    return rec


# status → {target: who}: "manager" = coordinator/executor of the direction; "addressee" = the addressed
# organisation (or the direction's manager for recommendations addressed to the municipality).
TRANSITIONS: dict[str, dict[str, str]] = {
    R.DRAFT: {R.APPROVED: "manager"},
    R.APPROVED: {R.DRAFT: "manager", R.SENT: "manager"},
    R.SENT: {R.ACCEPTED: "addressee"},
    R.ACCEPTED: {R.REPORTED: "addressee"},
    R.REPORTED: {},
}
STAMPS = {R.APPROVED: "approved_at", R.SENT: "sent_at", R.ACCEPTED: "accepted_at", R.REPORTED: "reported_at"}


@transaction.atomic
def move(actor, rec: Recommendation, status: str, *, report: str = "", report_file=None) -> Recommendation:
    """Change the status of a recommendation; the addressed organisation accepts it and reports."""
    target = R(status)
    who = TRANSITIONS[rec.status].get(target)
    if who is None:
        raise CycleError(f"Рекомендация «{rec.title}»: переход «{R(rec.status).label}» → «{target.label}» не допускается.")
    if who == "addressee" and rec.addressed_organisation is not None:
        require_organisation_user(actor, rec.addressed_organisation)
    else:
        require_direction_manager(actor, rec.direction_number)
    if target == R.SENT and rec.addressee_level != AddresseeLevel.MUNICIPALITY and not rec.organisation_id:
        raise CycleError("Укажите организацию-адресата перед отправкой.")
    if target == R.REPORTED:
        if not report.strip():
            raise CycleError("Опишите, что сделано по рекомендации.")
        rec.report = report.strip()
        if report_file is not None:
            rec.report_file.save(report_file.name, report_file, save=False)
    before = {"status": rec.status}
    rec.status = target
    if target in STAMPS:
        setattr(rec, STAMPS[target], timezone.now())
    rec.save()
    record(actor, "cycle.recommendation.status", rec, before=before, after={"status": target.value, "report": rec.report or None})
    return rec


@transaction.atomic
def add_practice(
    actor, municipality: Municipality, *, title: str, description: str = "", organisation: Organisation | None = None,
    direction_numbers: list[int] | None = None, source: str = Practice.Source.OTHER, document_url: str = "",
    year: AcademicYear | None = None,
) -> Practice:
    directions = sorted(set(direction_numbers or []))
    for number in directions or [None]:
        require_direction_manager(actor, number)
    if not title.strip():
        raise CycleError("Укажите название практики.")
    practice = Practice.objects.create(
        municipality=municipality, title=title.strip(), description=description, organisation=organisation,
        direction_numbers=directions, source=Practice.Source(source), document_url=document_url, year=year,
    )
    record(actor, "cycle.practice.create", practice, after={"directions": directions, "source": practice.source})
    return practice


@transaction.atomic
def create_recommendation(
    actor, municipality: Municipality, *, title: str, text: str, addressee_level: str,
    organisation: Organisation | None = None, direction_number: int | None = None,
    academic_year: AcademicYear | None = None, deadline: datetime.date | None = None, addressee_note: str = "",
) -> Recommendation:
    """A draft recommendation written by hand (not from a rule)."""
    require_direction_manager(actor, direction_number)
    level = AddresseeLevel(addressee_level)
    if not title.strip() or not text.strip():
        raise CycleError("Укажите заголовок и текст рекомендации.")
    if level != AddresseeLevel.MUNICIPALITY and organisation is None:
        raise CycleError("Укажите организацию-адресата рекомендации.")
    if organisation is not None and organisation.municipality_id != municipality.pk:
        raise CycleError(f"Организация «{organisation.short_name}» не относится к муниципалитету «{municipality.name}».")
    rec = Recommendation.objects.create(
        municipality=municipality, direction_number=direction_number, academic_year=academic_year,
        addressee_level=level, organisation=organisation, addressee_note=addressee_note, title=title.strip(),
        text=text.strip(), deadline=deadline, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(actor, "cycle.recommendation.create", rec,
           after={"level": level.value, "organisation": organisation.pk if organisation else None})
    return rec
