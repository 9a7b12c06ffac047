"""The shared test world: one municipality, its organisations and one persona per role."""

from __future__ import annotations

import datetime

from django.test import Client

from msoko.core.testing import PASSWORD, PERSONAS, PersonaTestCase
from msoko.registry.models import ClusterMembership, Organisation, Period, Role, RoleAssignment


def test_years_2022_to_2025_each_have_a_yearly_period(world):
    assert [year.label for year in world.years.values()] == ["2022/23", "2023/24", "2024/25", "2025/26"]
    assert world.current_year.label == "2025/26"
    assert [year.start_year for year in world.years.values() if year.is_current] == [2025]
    period = Period.objects.get(code="2024/25")
    assert period.kind == Period.Kind.YEAR
    assert period.academic_year == world.years[2024]
    assert (period.start, period.end) == (datetime.date(2024, 9, 1), datetime.date(2025, 8, 31))
    assert Period.objects.count() == 4


def test_schools_belong_to_their_cluster_every_year(world):
    assert (world.school_a.code, world.school_b.code, world.preschool.code) == ("OO-A", "OO-B", "DOO-1")
    assert world.preschool.kind == Organisation.Kind.PRESCHOOL
    memberships = ClusterMembership.objects.filter(academic_year=world.years[2023])
    assert {(m.organisation.code, m.cluster.code) for m in memberships} == {
        ("OO-A", "urban"),
        ("OO-B", "rural"),
    }
    assert ClusterMembership.objects.count() == 8


def test_every_persona_has_exactly_one_role(world):
    assert (
        set(world.users)
        == set(PERSONAS)
        == {
            "department",
            "school_a",
            "school_b",
            "preschool",
            "coordinator",
            "executor",
            "operator",
            "methodist",
            "council",
            "public",
        }
    )
    roles = {
        assignment.person.user.username: assignment
        for assignment in RoleAssignment.objects.select_related("person__user", "organisation")
    }
    assert len(roles) == RoleAssignment.objects.count() == 10
    assert roles["school_a"].role == Role.ORG_ADMIN and roles["school_a"].organisation == world.school_a
    assert roles["school_b"].role == Role.ORG_ADMIN and roles["school_b"].organisation == world.school_b
    assert roles["preschool"].organisation == world.preschool
    assert (roles["coordinator"].role, roles["coordinator"].direction_number) == (Role.COORDINATOR, 1)
    assert (roles["executor"].role, roles["executor"].direction_number) == (Role.EXECUTOR, 2)
    assert roles["department"].role == Role.DEPARTMENT
    assert roles["department"].municipality == world.municipality
    assert roles["public"].role == Role.PUBLIC
    assert roles["public"].organisation is None


def test_school_admins_work_at_their_school(world):
    assert world.school_a_admin.person.organisation == world.school_a
    assert world.school_b_admin.person.organisation == world.school_b
    assert world.department.person.organisation is None


def test_personas_log_in_with_the_shared_password(world):
    client = Client()
    assert client.login(username="school_b", password=PASSWORD)
    assert not Client().login(username="school_b", password="wrong-password")


def test_client_for_is_logged_in_as_the_persona(world, client_for):
    client = client_for("coordinator")
    assert int(client.session["_auth_user_id"]) == world.coordinator.pk


class PersonaTestCaseTests(PersonaTestCase):
    def test_world_is_available_to_django_test_cases(self):
        self.assertEqual(self.world.school_a.code, "OO-A")
        client = self.client_for("public")
        self.assertEqual(int(client.session["_auth_user_id"]), self.world.public.pk)
