"""People of the demo municipality and their roles (a person for every role)."""

from __future__ import annotations

import string

from msoko.demo.world import STREAM_PEOPLE, World, person_name, rng_for

DIRECTIONS = range(1, 9)
IMC = "МКУ «Информационно-методический центр»"
DEPARTMENT_GENITIVE = "управления образования"
_ALPHABET = string.ascii_letters + string.digits


def _password(rng) -> str:
    body = "".join(_ALPHABET[k] for k in rng.integers(0, len(_ALPHABET), 10))
    return f"Demo-{body}"


def build_people(world: World) -> list[dict]:
    """People to create: full_name, position, role, organisation, direction, username, password."""
    rng = rng_for(world.seed, STREAM_PEOPLE)
    people: list[dict] = []

    def add(role: str, position: str, username: str, organisation: str | None = None,
            direction: int | None = None, full_name: str | None = None) -> None:
        people.append({
            "full_name": full_name or person_name(rng),
            "position": position,
            "role": role,
            "organisation": organisation,
            "direction": direction,
            "username": username,
            "password": _password(rng),
        })

    add("region", "Главный специалист министерства образования региона", "region")
    add("department", f"Начальник {DEPARTMENT_GENITIVE}", "department")
    add("department", f"Главный специалист {DEPARTMENT_GENITIVE}", "department2")
    add("methodist", f"Директор {IMC}", "methodist")
    add("methodist", f"Методист {IMC}", "methodist2")
    add("methodist", f"Методист по дошкольному образованию {IMC}", "methodist3")
    for d in DIRECTIONS:
        add("coordinator", f"Координатор направления {d}", f"coord{d}", direction=d)
        for k in (1, 2):
            add("executor", f"Ответственный исполнитель направления {d}", f"exec{d}-{k}", direction=d)
    add("operator", f"Муниципальный оператор, специалист {IMC}", "operator")
    for org in world.orgs:
        position = "Заведующий" if org.kind == "preschool" else "Директор"
        add("org_admin", f"{position}, {org.short_name}", org.code.lower(), organisation=org.code, full_name=org.head)
    council = ["Председатель координационного совета", "Заместитель председателя координационного совета",
               "Секретарь координационного совета"] + ["Член координационного совета"] * 5
    for k, position in enumerate(council, start=1):
        add("council", position, f"council{k}")
    add("public", "Представитель родительской общественности", "public")
    return people
