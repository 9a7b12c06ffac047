"""Who sees what: a school administrator sees only its own organisation."""

from msoko.core.testing import SCHOOL_A_CODE, SCHOOL_B_CODE


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(f"/organisations/{SCHOOL_A_CODE}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_school_admin_sees_own_card_and_not_another_school(client_for):
    school_a = client_for("school_a")
    assert school_a.get(f"/organisations/{SCHOOL_A_CODE}/").status_code == 200
    assert school_a.get(f"/organisations/{SCHOOL_B_CODE}/").status_code == 404


def test_school_admin_list_contains_only_its_organisation(client_for):
    page = client_for("school_a").get("/organisations/").content.decode()
    assert "Школа А" in page
    assert "Школа Б" not in page


def test_school_admin_home_opens_its_own_card(client_for):
    response = client_for("school_b").get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{SCHOOL_B_CODE}/"


def test_school_admin_is_refused_direction_pages(client_for, small_catalog):
    assert client_for("school_a").get("/directions/1/").status_code == 403


def test_department_sees_every_organisation(client_for):
    page = client_for("department").get("/organisations/").content.decode()
    assert "Школа А" in page and "Школа Б" in page and "Ёлочка" in page
