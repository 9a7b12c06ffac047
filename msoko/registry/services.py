"""Writes to the registry: territories, academic years, people and their roles."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from msoko.core import audit
from msoko.registry.models import AcademicYear, Municipality, Period, Person, Region, Role, RoleAssignment


def ensure_academic_year(start_year: int, *, current: bool | None = None) -> AcademicYear:
    """Create the academic year and its whole-year period if missing."""
    with transaction.atomic():
        year, created = AcademicYear.objects.get_or_create(start_year=start_year)
        Period.objects.get_or_create(
            code=year.label,
            defaults={
                "name": f"{year.label} учебный год",
                "kind": Period.Kind.YEAR,
                "academic_year": year,
                "start": dt.date(start_year, 9, 1),
                "end": dt.date(start_year + 1, 8, 31),
            },
        )
        if current:
            AcademicYear.objects.exclude(pk=year.pk).update(is_current=False)
            if not year.is_current:
                year.is_current = True
                year.save(update_fields=["is_current"])
        if created:
            audit.record(None, "create", year)
    return year


def year_period(year: AcademicYear) -> Period:
    """The period covering the whole academic year."""
    return Period.objects.get(code=year.label)


def ensure_municipality(region_code: str, region_name: str, code: str, name: str) -> Municipality:
    with transaction.atomic():
        region, _ = Region.objects.get_or_create(code=region_code, defaults={"name": region_name})
        municipality, created = Municipality.objects.get_or_create(
            code=code, defaults={"name": name, "region": region}
        )
        if created:
            audit.record(None, "create", municipality)
    return municipality


def create_person_with_login(
    *,
    full_name: str,
    username: str,
    password: str,
    role: str,
    position: str = "",
    municipality: Municipality | None = None,
    organisation=None,
    direction_number: int | None = None,
    email: str = "",
    actor=None,
) -> Person:
    """Create (or update) a person with a login and one role assignment; idempotent by username."""
    if role not in Role.values:
        raise ValueError(f"Неизвестная роль «{role}».")
    User = get_user_model()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.email = email
        user.save()
        person, _ = Person.objects.update_or_create(
            user=user,
            defaults={"full_name": full_name, "position": position, "organisation": organisation, "email": email},
        )
        region = municipality.region if (role == Role.REGION and municipality) else None
        RoleAssignment.objects.get_or_create(
            person=person,
            role=role,
            region=region,
            municipality=None if region else municipality,
            organisation=organisation,
            direction_number=direction_number,
        )
        audit.record(actor, "grant_role", person, after={"role": role, "username": username})
    return person
