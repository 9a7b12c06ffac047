"""The page shell: the selected academic year and the navigation every page shows."""

from __future__ import annotations

from msoko.registry import selectors as registry
from msoko.registry.access import scope_for
from msoko.registry.models import AcademicYear

SESSION_YEAR = "msoko_year"


def request_years(request) -> list[AcademicYear]:
    """The academic years, read once per request (the header, the view and the menu all need them)."""
    years = getattr(request, "_msoko_years", None)
    if years is None:
        years = registry.academic_years()
        request._msoko_years = years
    return years


def selected_year(request) -> AcademicYear | None:
    """The year chosen in the header (?year=2024), remembered in the session."""
    years = {y.start_year: y for y in request_years(request)}
    raw = request.GET.get("year")
    if raw and raw.isdigit() and int(raw) in years:
        request.session[SESSION_YEAR] = int(raw)
    chosen = request.session.get(SESSION_YEAR) if hasattr(request, "session") else None
    if chosen in years:
        return years[chosen]
    # as registry.current_year(), without another query: the current year, else the latest
    return next((y for y in years.values() if y.is_current), None) or (list(years.values())[-1] if years else None)


def shell_context(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from msoko.catalog import selectors as catalog

    version = catalog.current_version()
    scope = scope_for(request.user)
    year = selected_year(request)
    return {
        "scope": scope,
        "header_years": request_years(request),
        "header_year": year,
        "year": year,
        "nav_directions": catalog.directions_in_use(version, scope.variant_direction_codes()) if version else [],
    }
