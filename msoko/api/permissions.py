"""Who may do what through the API, on top of `msoko.registry.access` (the UI's own rules).

Reading follows the UI object by object: organisations and data values within
`Scope.visible_organisations()`, cycle pages and analysis for municipal/regional staff only,
recommendations as `msoko.cycle.selectors.recommendations_for`. Writing data values (bulk
dataValueSets and file imports) is for those who collect and process data: the region, the
education department and the methodical centre (methodist). Organisations (schools, ДОО) read
their own data through the API but do not write it: their data arrives through campaign forms
and imports checked by the municipality. Outside the scope the answer is 404, a read-only role 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from msoko.registry.access import Scope, scope_for
from msoko.registry.models import Role

DATA_WRITER_ROLES = {Role.REGION, Role.DEPARTMENT, Role.METHODIST}


def can_write_values(scope: Scope) -> bool:
    return scope.is_superuser or bool(scope.roles & DATA_WRITER_ROLES)


def require_value_writer(user) -> Scope:
    scope = scope_for(user)
    if not can_write_values(scope):
        raise PermissionDenied(
            "Записывать значения через API могут региональный специалист, управление образования и методист; "
            "образовательные организации передают данные через формы сбора."
        )
    return scope


def writable_organisation_ids(scope: Scope) -> set[int]:
    return set(scope.visible_organisations().values_list("pk", flat=True))
