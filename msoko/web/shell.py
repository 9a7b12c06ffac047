"""The page shell: the selected academic year and the navigation every page shows."""

from __future__ import annotations

from msoko.registry import selectors as registry
from msoko.registry.access import scope_for
from msoko.registry.models import AcademicYear

SESSION_YEAR = "msoko_year"


def selected_year(request) -> AcademicYear | None:
    """The year chosen in the header (?year=2024), remembered in the session."""
    years = {y.start_year: y for y in registry.academic_years()}
    raw = request.GET.get("year")
    if raw and raw.isdigit() and int(raw) in years:
        request.session[SESSION_YEAR] = int(raw)
    chosen = request.session.get(SESSION_YEAR) if hasattr(request, "session") else None
    if chosen in years:
        return years[chosen]
    return registry.current_year()


def shell_context(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from msoko.catalog import selectors as catalog

    version = catalog.current_version()
    scope = scope_for(request.user)
    return {
        "scope": scope,
        "header_years": registry.academic_years(),
        "header_year": selected_year(request),
        "year": selected_year(request),
        "nav_directions": catalog.directions_in_use(version, scope.variant_direction_codes()) if version else [],
    }
