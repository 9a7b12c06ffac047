"""One access resolver per resource: who may see which organisations and directions.

A school or ДОО administrator sees only its own organisation; municipality staff see their
municipality; region staff see every municipality of their region. Outside the scope the
answer is 404 (the object is not acknowledged to exist); inside it but read-only, 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from msoko.registry.models import Municipality, Organisation, Role

STAFF_ROLES = {Role.REGION, Role.DEPARTMENT, Role.METHODIST, Role.COORDINATOR, Role.EXECUTOR, Role.OPERATOR}
MANAGING_ROLES = {Role.REGION, Role.DEPARTMENT}


@dataclass
class Scope:
    """What one user may reach, computed once per request from their role assignments."""

    is_superuser: bool = False
    roles: set[str] = field(default_factory=set)
    municipality_ids: set[int] = field(default_factory=set)
    region_ids: set[int] = field(default_factory=set)
    organisation_ids: set[int] = field(default_factory=set)
    direction_numbers: dict[str, set[int]] = field(default_factory=dict)

    @property
    def is_staff(self) -> bool:
        """Municipal or regional staff: sees all organisations of its territory."""
        return self.is_superuser or bool(self.roles & STAFF_ROLES)

    @property
    def is_org_user(self) -> bool:
        return not self.is_staff and Role.ORG_ADMIN in self.roles

    @property
    def can_manage(self) -> bool:
        return self.is_superuser or bool(self.roles & MANAGING_ROLES)

    def manages_direction(self, number: int) -> bool:
        """Coordinator or executor of this direction, or the department itself."""
        if self.can_manage:
            return True
        return any(number in self.direction_numbers.get(role, set()) for role in (Role.COORDINATOR, Role.EXECUTOR))

    def visible_municipalities(self) -> QuerySet[Municipality]:
        qs = Municipality.objects.all()
        if self.is_superuser:
            return qs
        return qs.filter(pk__in=self.municipality_ids) | qs.filter(region_id__in=self.region_ids)

    def variant_direction_codes(self) -> set[str]:
        """Variant directions (seeds 001/003) switched on in any municipality the user sees."""
        codes: set[str] = set()
        for chosen in self.visible_municipalities().values_list("variant_directions", flat=True):
            codes.update(chosen or [])
        return codes

    def visible_organisations(self) -> QuerySet[Organisation]:
        qs = Organisation.objects.all()
        if self.is_superuser:
            return qs
        if self.is_staff or Role.COUNCIL in self.roles or Role.PUBLIC in self.roles:
            return qs.filter(municipality__in=self.visible_municipalities()) | qs.filter(pk__in=self.organisation_ids)
        return qs.filter(pk__in=self.organisation_ids)


def scope_for(user) -> Scope:
    """Build the scope of a user from their person's role assignments (cached on the user)."""
    cached = getattr(user, "_msoko_scope", None)
    if cached is not None:
        return cached
    scope = Scope()
    if not getattr(user, "is_authenticated", False):
        return scope
    scope.is_superuser = bool(user.is_superuser)
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if person is not None:
        for assignment in person.roles.select_related("organisation"):
            scope.roles.add(assignment.role)
            if assignment.region_id:
                scope.region_ids.add(assignment.region_id)
            if assignment.municipality_id:
                scope.municipality_ids.add(assignment.municipality_id)
            if assignment.organisation_id:
                scope.organisation_ids.add(assignment.organisation_id)
                if assignment.role != Role.ORG_ADMIN:
                    scope.municipality_ids.add(assignment.organisation.municipality_id)
            if assignment.direction_number:
                scope.direction_numbers.setdefault(assignment.role, set()).add(assignment.direction_number)
    user._msoko_scope = scope
    return scope


def organisation_or_404(user, code: str) -> Organisation:
    """The organisation with this code if the user may see it; otherwise 404."""
    try:
        return scope_for(user).visible_organisations().get(code=code)
    except Organisation.DoesNotExist:
        raise Http404("Организация не найдена") from None


def require_staff(user) -> Scope:
    """403 for users who are logged in but have no municipal or regional role."""
    scope = scope_for(user)
    if not scope.is_staff:
        raise PermissionDenied("Раздел доступен специалистам управления образования.")
    return scope
