"""Fixed test personas in one place: a small municipality and one user per role.

`make_world()` builds it with the models directly (no services, no audit entries):

* region «Тестовая область» (code ``TST``) → municipality «город Тестовск» (code ``TSK``);
* academic years 2022/23, 2023/24, 2024/25, 2025/26 (the last is current), each with one yearly
  Period whose code is the year label («2024/25»), 1 September – 31 August;
* clusters ``urban`` «Городские школы» and ``rural`` «Сельские школы»;
* school A (``OO-A``, urban cluster every year), school B (``OO-B``, rural, small, remote),
  a kindergarten (``DOO-1``, ДОО, no cluster);
* the personas in `PERSONAS`, each a User with password `PASSWORD`, a Person and one
  RoleAssignment.

Use the `world` fixture in pytest, `client_for` to get a logged-in Django test client, or
`PersonaTestCase` for Django-style test classes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client, TestCase

from msoko.registry.models import (
    AcademicYear,
    Cluster,
    ClusterMembership,
    Municipality,
    Organisation,
    Period,
    Person,
    Region,
    Role,
    RoleAssignment,
)

PASSWORD = "msoko-test-parol-2024"
START_YEARS = (2022, 2023, 2024, 2025)
SCHOOL_A_CODE = "OO-A"
SCHOOL_B_CODE = "OO-B"
PRESCHOOL_CODE = "DOO-1"

# persona (= username) → (full name, role, where the role applies, direction number)
PERSONAS: dict[str, tuple[str, str, str, int | None]] = {
    "department": ("Иванова Ирина Петровна", Role.DEPARTMENT, "municipality", None),
    "school_a": ("Смирнов Алексей Викторович", Role.ORG_ADMIN, SCHOOL_A_CODE, None),
    "school_b": ("Кузнецова Елена Сергеевна", Role.ORG_ADMIN, SCHOOL_B_CODE, None),
    "preschool": ("Попова Ольга Николаевна", Role.ORG_ADMIN, PRESCHOOL_CODE, None),
    "coordinator": ("Соколов Дмитрий Андреевич", Role.COORDINATOR, "municipality", 1),
    "executor": ("Лебедева Наталья Игоревна", Role.EXECUTOR, "municipality", 2),
    "operator": ("Козлов Артём Олегович", Role.OPERATOR, "municipality", None),
    "methodist": ("Новикова Светлана Юрьевна", Role.METHODIST, "municipality", None),
    "council": ("Морозов Павел Геннадьевич", Role.COUNCIL, "municipality", None),
    "public": ("Волкова Анна Ёсиповна", Role.PUBLIC, "municipality", None),
}


@dataclass
class World:
    """Everything `make_world()` created; persona users are also attributes of the same name."""

    region: Region
    municipality: Municipality
    years: dict[int, AcademicYear]
    periods: dict[int, Period]
    urban: Cluster
    rural: Cluster
    school_a: Organisation
    school_b: Organisation
    preschool: Organisation
    users: dict = field(default_factory=dict)

    @property
    def current_year(self) -> AcademicYear:
        return self.years[START_YEARS[-1]]

    def user(self, persona: str):
        """The User of a persona (see `PERSONAS`), e.g. ``world.user("school_a")``."""
        try:
            return self.users[persona]
        except KeyError:
            raise KeyError(f"Нет персонажа {persona!r}; есть: {', '.join(PERSONAS)}") from None

    @property
    def department(self):
        return self.users["department"]

    @property
    def school_a_admin(self):
        return self.users["school_a"]

    @property
    def school_b_admin(self):
        return self.users["school_b"]

    @property
    def preschool_admin(self):
        return self.users["preschool"]

    @property
    def coordinator(self):
        return self.users["coordinator"]

    @property
    def executor(self):
        return self.users["executor"]

    @property
    def operator(self):
        return self.users["operator"]

    @property
    def methodist(self):
        return self.users["methodist"]

    @property
    def council(self):
        return self.users["council"]

    @property
    def public(self):
        return self.users["public"]


@cache
def _password_hash() -> str:
    # Hashing once per process keeps the world fast with Django's slow default hasher.
    return make_password(PASSWORD)


def make_world() -> World:
    """Create the fixed test municipality, its organisations and persona users."""
    region = Region.objects.create(code="TST", name="Тестовая область")
    municipality = Municipality.objects.create(region=region, code="TSK", name="город Тестовск")

    years: dict[int, AcademicYear] = {}
    periods: dict[int, Period] = {}
    for start_year in START_YEARS:
        year = AcademicYear.objects.create(start_year=start_year, is_current=start_year == START_YEARS[-1])
        years[start_year] = year
        periods[start_year] = Period.objects.create(
            code=year.label,
            name=f"{year.label} учебный год",
            kind=Period.Kind.YEAR,
            academic_year=year,
            start=datetime.date(start_year, 9, 1),
            end=datetime.date(start_year + 1, 8, 31),
        )

    urban = Cluster.objects.create(municipality=municipality, code="urban", name="Городские школы")
    rural = Cluster.objects.create(municipality=municipality, code="rural", name="Сельские школы")

    school_a = Organisation.objects.create(
        municipality=municipality,
        code=SCHOOL_A_CODE,
        short_name="Школа А",
        full_name="Муниципальное бюджетное общеобразовательное учреждение «Средняя школа А»",
        kind=Organisation.Kind.SCHOOL,
        settlement=Organisation.Settlement.URBAN,
    )
    school_b = Organisation.objects.create(
        municipality=municipality,
        code=SCHOOL_B_CODE,
        short_name="Школа Б",
        full_name="Муниципальное казённое общеобразовательное учреждение «Основная школа Б»",
        kind=Organisation.Kind.SCHOOL,
        settlement=Organisation.Settlement.RURAL,
        is_small=True,
        is_remote=True,
    )
    preschool = Organisation.objects.create(
        municipality=municipality,
        code=PRESCHOOL_CODE,
        short_name="Детский сад «Ёлочка»",
        full_name="Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад „Ёлочка“»",
        kind=Organisation.Kind.PRESCHOOL,
    )
    for year in years.values():
        ClusterMembership.objects.create(organisation=school_a, cluster=urban, academic_year=year)
        ClusterMembership.objects.create(organisation=school_b, cluster=rural, academic_year=year)

    organisations = {org.code: org for org in (school_a, school_b, preschool)}
    user_model = get_user_model()
    users = {}
    for username, (full_name, role, where, direction) in PERSONAS.items():
        last_name, first_name, *_ = full_name.split()
        user = user_model.objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.test",
            password=_password_hash(),
        )
        organisation = organisations.get(where)
        person = Person.objects.create(
            full_name=full_name, organisation=organisation, email=user.email, user=user
        )
        RoleAssignment.objects.create(
            person=person,
            role=role,
            municipality=None if organisation else municipality,
            organisation=organisation,
            direction_number=direction,
        )
        users[username] = user

    return World(
        region=region,
        municipality=municipality,
        years=years,
        periods=periods,
        urban=urban,
        rural=rural,
        school_a=school_a,
        school_b=school_b,
        preschool=preschool,
        users=users,
    )


def add_persona(
    world: World,
    username: str,
    full_name: str,
    role: str | None,
    *,
    where: str = "municipality",
    direction: int | None = None,
    superuser: bool = False,
):
    """Add one more persona to a built world (``world.user(username)`` finds it afterwards).

    `where` is ``"municipality"`` or an organisation code of the world; `role` None gives a user
    without a role assignment (e.g. a Django superuser with ``superuser=True``). Kept out of
    `PERSONAS` so tests that count the fixed personas are not affected.
    """
    last_name, first_name, *_ = full_name.split()
    user = get_user_model().objects.create(
        username=username, first_name=first_name, last_name=last_name, email=f"{username}@example.test",
        password=_password_hash(), is_superuser=superuser, is_staff=superuser,
    )
    organisations = {org.code: org for org in (world.school_a, world.school_b, world.preschool)}
    organisation = organisations.get(where)
    person = Person.objects.create(full_name=full_name, organisation=organisation, email=user.email, user=user)
    if role is not None:
        RoleAssignment.objects.create(
            person=person, role=role, municipality=None if organisation else world.municipality,
            organisation=organisation, direction_number=direction,
        )
    world.users[username] = user
    return user


@pytest.fixture
def world(db) -> World:
    """The fixed test municipality with all personas (fresh for every test)."""
    return make_world()


@pytest.fixture
def client_for(world: World) -> Callable[[str], Client]:
    """``client_for("school_a")`` → a Django test client logged in as that persona."""

    def login(persona: str) -> Client:
        client = Client()
        client.force_login(world.user(persona))
        return client

    return login


class PersonaTestCase(TestCase):
    """Django TestCase with the same world in ``self.world`` (created once per class)."""

    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()

    def client_for(self, persona: str) -> Client:
        client = Client()
        client.force_login(self.world.user(persona))
        return client


def browser_log_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form in a Playwright page and wait for the page that follows."""
    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()
