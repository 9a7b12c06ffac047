"""Координационный совет и рабочие группы: bodies, meetings, agenda, attendance, votes, protocols."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from msoko.cycle import selectors, voting
from msoko.cycle.forms import (
    AgendaItemForm,
    BodyForm,
    MeetingForm,
    MemberForm,
    SignedProtocolForm,
    VoteCountsForm,
)
from msoko.cycle.models import AgendaItem, Body, Meeting
from msoko.cycle.permissions import can_publish, is_body_officer, person_of, require_council_reader
from msoko.cycle.services import council as service
from msoko.cycle.views.common import form_errors, municipality_for, run, serve
from msoko.registry.access import require_staff, scope_for
from msoko.registry.models import Person
from msoko.reports.page_tables import xlsx_export


def _body(request, pk: int, *, change: bool = False) -> Body:
    """A body of the user's municipality; `change`: only staff and the body's officers get past the view
    (the services then check the exact right)."""
    require_council_reader(request.user)
    body = get_object_or_404(_readable_bodies(request.user), pk=pk)
    if change:
        _require_runner(request.user, body, datetime.date.today())
    return body


def _readable_bodies(user):
    """Bodies of the user's municipality, and any body the user's person is a member of."""
    person = person_of(user)
    mine = Body.objects.filter(memberships__person=person) if person is not None else Body.objects.none()
    if not scope_for(user).visible_municipalities().exists():
        return Body.objects.filter(pk__in=mine.values("pk"))
    return Body.objects.filter(Q(municipality=municipality_for(user)) | Q(pk__in=mine.values("pk")))


def _require_runner(user, body: Body, day: datetime.date) -> None:
    if not scope_for(user).is_staff and not is_body_officer(user, body, day):
        raise PermissionDenied("Изменять состав и заседания могут управление образования и должностные лица органа.")


def _meeting(request, pk: int, *, change: bool = False) -> Meeting:
    require_council_reader(request.user)
    meeting = get_object_or_404(Meeting.objects.select_related("body").filter(body__in=_readable_bodies(request.user)), pk=pk)
    if change:
        _require_runner(request.user, meeting.body, meeting.date)
    return meeting


def _people(municipality):
    return Person.objects.filter(Q(roles__municipality=municipality) | Q(organisation__municipality=municipality)).distinct().order_by("name_key")


@login_required
@xlsx_export("council")
def council_page(request):
    require_council_reader(request.user)
    scope = scope_for(request.user)
    municipality = municipality_for(request.user)
    bodies = Body.objects.filter(municipality=municipality).prefetch_related("meetings")
    return render(request, "cycle/council.html", {
        "section": "cycle", "tab": "council", "bodies": bodies,
        "warnings": selectors.council_warnings(municipality, datetime.date.today()),
        "form": BodyForm(initial={"established": datetime.date.today()}) if scope.can_manage else None,
    })


@login_required
@require_POST
def create_body(request):
    require_staff(request.user)
    form = BodyForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:council")
    d = form.cleaned_data
    return run(request, lambda: service.create_body(request.user, municipality_for(request.user), d["kind"], d["name"], d["established"]),
               f"Орган «{d['name']}» создан.", "cycle:council")


@login_required
@xlsx_export("council-body")
def body_page(request, pk: int):
    body = _body(request, pk)
    today = datetime.date.today()
    return render(request, "cycle/body.html", {
        "section": "cycle", "tab": "council", "body": body,
        "members": body.memberships.select_related("person"), "members_today": body.members_on(today).count(),
        "meetings": body.meetings.all(),
        "missed": [selectors.quarter_label(y, q) for y, q in selectors.quarters_without_meeting(body, today)]
        if body.kind == Body.Kind.COUNCIL else [],
        "member_form": MemberForm(people=_people(body.municipality), initial={"date_from": today}),
        "meeting_form": MeetingForm(initial={"date": today}),
        "can_manage": scope_for(request.user).can_manage, "can_run": is_body_officer(request.user, body, today),
    })


@login_required
@require_POST
def add_member(request, pk: int):
    body = _body(request, pk, change=True)
    form = MemberForm(request.POST, people=_people(body.municipality))
    to = reverse("cycle:body", args=[body.pk])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(to)
    d = form.cleaned_data
    return run(request, lambda: service.add_member(request.user, body, d["person"], d["role"], d["date_from"], d["date_to"]),
               f"{d['person']} включён(а) в состав.", to)


@login_required
@require_POST
def schedule_meeting(request, pk: int):
    body = _body(request, pk, change=True)
    form = MeetingForm(request.POST)
    to = reverse("cycle:body", args=[body.pk])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(to)
    d = form.cleaned_data
    return run(request, lambda: service.schedule_meeting(request.user, body, d["number"], d["date"], d["place"]),
               f"Заседание № {d['number']} запланировано.", to)


def _quorum(members, present: int) -> dict:
    """Quorum facts for the page (seed 000 Прил. 2 §11: at least half of the members present)."""
    return {"members": len(members), "present": present, "needed": voting.quorum_size(len(members)),
            "has_quorum": voting.quorum(len(members), present)}


@login_required
@xlsx_export("meeting")
def meeting_page(request, pk: int):
    meeting = _meeting(request, pk)
    members = list(meeting.body.members_on(meeting.date))
    marks = dict(meeting.attendance.values_list("membership_id", "present"))
    items = list(meeting.agenda.select_related("vote").prefetch_related("recommendations", "decisions"))
    return render(request, "cycle/meeting.html", {
        "section": "cycle", "tab": "council", "meeting": meeting, "body": meeting.body,
        "members": [{"m": m, "present": marks.get(m.pk, False)} for m in members],
        "marked": bool(marks),
        "quorum": _quorum(members, sum(1 for v in marks.values() if v)),
        "items": items, "agenda_form": AgendaItemForm(),
        "signed_form": SignedProtocolForm(), "can_publish": can_publish(request.user),
        "can_run": is_body_officer(request.user, meeting.body, meeting.date),
    })


@login_required
@require_POST
def add_agenda_item(request, pk: int):
    meeting = _meeting(request, pk, change=True)
    form = AgendaItemForm(request.POST)
    to = reverse("cycle:meeting", args=[meeting.pk])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(to)
    d = form.cleaned_data
    return run(request, lambda: service.add_agenda_item(
        request.user, meeting, d["title"], decision_kind=d["decision_kind"] or None, decision_text=d["decision_text"],
        speaker=d["speaker"], direction_number=d["direction_number"],
    ), "Вопрос добавлен в повестку.", to)


@login_required
@require_POST
def record_attendance(request, pk: int):
    meeting = _meeting(request, pk, change=True)
    present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    return run(request, lambda: service.record_attendance(request.user, meeting, present),
               "Явка отмечена.", reverse("cycle:meeting", args=[meeting.pk]))


@login_required
@require_POST
def record_vote(request, pk: int, item_pk: int):
    meeting = _meeting(request, pk, change=True)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    to = reverse("cycle:meeting", args=[meeting.pk])
    ballots = {int(k.removeprefix("ballot_")): v for k, v in request.POST.items() if k.startswith("ballot_") and v}
    if ballots:
        return run(request, lambda: service.record_vote(request.user, item, ballots=ballots),
                   f"Голосование по вопросу {item.number} записано.", to)
    form = VoteCountsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(to)
    d = form.cleaned_data
    return run(request, lambda: service.record_vote(
        request.user, item, votes_for=d["votes_for"], votes_against=d["votes_against"], abstained=d["abstained"],
        presiding_vote=d["presiding_vote"] or None,
    ), f"Голосование по вопросу {item.number} записано.", to)


@login_required
@require_POST
def generate_protocol(request, pk: int):
    meeting = _meeting(request, pk, change=True)
    return run(request, lambda: service.generate_protocol(request.user, meeting), "Проект протокола сформирован.",
               reverse("cycle:meeting", args=[meeting.pk]))


@login_required
@require_POST
def upload_signed(request, pk: int):
    meeting = _meeting(request, pk, change=True)
    form = SignedProtocolForm(request.POST, request.FILES)
    to = reverse("cycle:meeting", args=[meeting.pk])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(to)
    return run(request, lambda: service.upload_signed_protocol(request.user, meeting, form.cleaned_data["file"]),
               "Подписанный протокол загружен.", to)


@login_required
def protocol_file(request, pk: int, which: str):
    meeting = _meeting(request, pk)
    return serve(meeting.signed_protocol if which == "signed" else meeting.protocol, missing="Протокол ещё не сформирован")
