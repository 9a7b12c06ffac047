"""Helpers shared by the routers."""

from msoko.api.schemas import Error, ValidationErrorOut
from msoko.registry.access import Scope, require_staff, scope_for

READ_ERRORS = {401: Error, 404: Error, 422: ValidationErrorOut}
STAFF_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}


def scope(request) -> Scope:
    return scope_for(request.user)


def staff_scope(request) -> Scope:
    """403 for organisations, council members and the public, as on the UI's staff pages."""
    return require_staff(request.user)
