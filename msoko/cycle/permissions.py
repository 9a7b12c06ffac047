"""Who may change what in the management cycle (on top of `msoko.registry.access`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied

from msoko.registry.access import scope_for
from msoko.registry.models import Organisation


def person_of(user):
    return getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None


def require_direction_manager(user, direction_number: int | None) -> None:
    """Only the coordinator or a responsible executor of the direction (or the department) edits it."""
    scope = scope_for(user)
    allowed = scope.can_manage if direction_number is None else scope.manages_direction(direction_number)
    if not allowed:
        where = f"направления {direction_number}" if direction_number else "общих разделов"
        raise PermissionDenied(
            f"Изменять материалы {where} могут только координатор, ответственный исполнитель "
            "направления или управление образования."
        )


def require_department(user) -> None:
    if not scope_for(user).can_manage:
        raise PermissionDenied("Действие доступно специалистам управления образования.")


def require_body_officer(user, body, day: datetime.date) -> None:
    """The department, or the chair, deputy or secretary of the body on that day."""
    if scope_for(user).can_manage:
        return
    person = person_of(user)
    if person is not None and body.members_on(day).filter(
        person=person, role__in=["chair", "deputy", "secretary"]
    ).exists():
        return
    raise PermissionDenied(
        "Вести заседания могут председатель, заместитель, секретарь органа или управление образования."
    )


def is_body_officer(user, body, day: datetime.date) -> bool:
    try:
        require_body_officer(user, body, day)
    except PermissionDenied:
        return False
    return True


def require_council_reader(user) -> None:
    """Council pages (bodies, meetings, protocols) are read by staff, by holders of the council role and
    by anyone who is a member of a body; what they may change is decided by the services."""
    from msoko.registry.models import Role

    scope = scope_for(user)
    if scope.is_staff or Role.COUNCIL in scope.roles:
        return
    person = person_of(user)
    if person is not None and person.body_memberships.exists():
        return
    raise PermissionDenied("Раздел доступен специалистам управления образования и членам совета.")


def require_organisation_user(user, organisation: Organisation | None) -> None:
    """Only the addressed organisation answers what is addressed to it."""
    scope = scope_for(user)
    if organisation is None or organisation.pk not in scope.organisation_ids:
        raise PermissionDenied("Отвечать на рекомендацию может только организация, которой она адресована.")


def can_publish(user) -> bool:
    """The municipal operator (seed 003: «размещение информации на официальном ресурсе») or the department."""
    from msoko.registry.models import Role

    scope = scope_for(user)
    return scope.can_manage or Role.OPERATOR in scope.roles


def require_publisher(user) -> None:
    if not can_publish(user):
        raise PermissionDenied("Публиковать документы могут муниципальный оператор и управление образования.")


def require_document_editor(user, direction_number: int) -> None:
    """Documents of a direction are added by its managers or by the municipal operator."""
    if can_publish(user):
        return
    require_direction_manager(user, direction_number)
