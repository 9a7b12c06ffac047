"""Campaign pages for each role: the department composes and reviews, a school fills only its own."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from msoko.collection.models import Campaign, DataValue, Submission
from msoko.collection.tests.campaign_data import make_elements, staffing_campaign

S = Submission.Status


def form_of(campaign, org):
    return Submission.objects.get(campaign=campaign, organisation=org)


def test_department_composes_a_campaign_on_the_page(world, client_for):
    make_elements()
    client = client_for("department")
    page = client.get("/data/campaigns/new/").content.decode()
    assert "teachers_total" in page and "Школа А" in page
    response = client.post("/data/campaigns/new/", {
        "title": "Кадры", "kind": "self", "year": "2025", "deadline": "2099-10-01",
        "organisation": ["OO-A", "OO-B"], "element": ["teachers_total", "teachers_first_category"],
        "rule_name_0": "Первая категория не больше всех", "rule_left_0": "teachers_first_category",
        "rule_op_0": "<=", "rule_right_0": "teachers_total",
    })
    campaign = Campaign.objects.get(title="Кадры")
    assert response.status_code == 302
    assert [f.code for f in campaign.fields.all()] == ["teachers_total", "teachers_first_category"]
    assert campaign.rules.get().right == "teachers_total"
    client.post(f"/data/campaigns/{campaign.pk}/open/")
    assert campaign.submissions.count() == 2


def test_compose_errors_are_shown_and_nothing_is_created(world, client_for):
    client = client_for("department")
    page = client.post("/data/campaigns/new/", {"title": "", "kind": "self", "year": "2025", "deadline": "2099-10-01"},
                       follow=True).content.decode()
    assert "Укажите название кампании." in page and "Выберите хотя бы одну организацию." in page
    assert not Campaign.objects.exists()


def test_schools_and_methodists_cannot_compose(world, client_for):
    assert client_for("school_a").get("/data/campaigns/new/").status_code == 403
    assert client_for("methodist").get("/data/campaigns/new/").status_code == 403


def test_school_sees_only_its_own_forms(world, client_for):
    campaign = staffing_campaign(world)
    client = client_for("school_a")
    page = client.get("/data/forms/").content.decode()
    assert "Кадры 2025" in page and "не начато" in page
    assert client.get(f"/data/forms/{form_of(campaign, world.school_a).pk}/").status_code == 200
    assert client.get(f"/data/forms/{form_of(campaign, world.school_b).pk}/").status_code == 404
    assert client.get(f"/data/forms/{form_of(campaign, world.school_b).pk}/template.xlsx").status_code == 404
    assert client.get(f"/data/campaigns/{campaign.pk}/").status_code == 403


def test_school_fills_and_submits_and_the_department_accepts(world, client_for):
    campaign = staffing_campaign(world)
    form = form_of(campaign, world.school_a)
    school = client_for("school_a")
    page = school.get(f"/data/forms/{form.pk}/").content.decode()
    assert 'for="f-teachers_total"' in page and 'id="f-teachers_total"' in page  # every input has a label
    answers = {"teachers_total": "40", "teachers_highest_category": "10", "teachers_first_category": "35",
               "mentoring_system": "да", "version": "0", "action": "submit"}
    page = school.post(f"/data/forms/{form.pk}/", answers).content.decode()
    assert "Не выполнено правило «Категорийные педагоги не больше всех педагогов»" in page
    assert 'value="35"' in page  # what was typed stays in the form
    school.post(f"/data/forms/{form.pk}/", dict(answers, teachers_first_category="12"))
    assert Submission.objects.get(pk=form.pk).status == S.SUBMITTED

    department = client_for("department")
    table = department.get(f"/data/campaigns/{campaign.pk}/").content.decode()
    assert "4 из 4" in table and "0 из 4" in table and "Проверить" in table
    assert school.post(f"/data/forms/{form.pk}/review/", {"action": "accept", "version": "1"}).status_code == 403
    department.post(f"/data/forms/{form.pk}/review/", {"action": "accept", "version": "1"})
    assert Submission.objects.get(pk=form.pk).status == S.ACCEPTED
    assert DataValue.objects.get(organisation=world.school_a, data_element__code="teachers_first_category").value == 12
    page = school.get(f"/data/forms/{form.pk}/").content.decode()
    assert "принята" in page and "Отправить" not in page
    value = DataValue.objects.get(organisation=world.school_a, data_element__code="teachers_total")
    lineage = school.get(f"/data/values/{value.pk}/").content.decode()  # «откуда это число?»
    assert f"кампания «Кадры 2025», форма №{form.pk}" in lineage and f'href="/data/forms/{form.pk}/"' in lineage


def test_return_with_comment_is_shown_to_the_school(world, client_for):
    campaign = staffing_campaign(world)
    form = form_of(campaign, world.school_a)
    school = client_for("school_a")
    school.post(f"/data/forms/{form.pk}/", {"teachers_total": "40", "teachers_highest_category": "10",
                                            "teachers_first_category": "12", "mentoring_system": "нет",
                                            "version": "0", "action": "submit"})
    client_for("department").post(f"/data/forms/{form.pk}/review/",
                                  {"action": "return", "comment": "Сверьте с ОО-1", "version": "1"})
    page = school.get(f"/data/forms/{form.pk}/").content.decode()
    assert "возвращено на доработку" in page and "Сверьте с ОО-1" in page


def test_stale_form_save_is_refused_with_a_clear_message(world, client_for):
    form = form_of(staffing_campaign(world), world.school_a)
    school = client_for("school_a")
    school.post(f"/data/forms/{form.pk}/", {"teachers_total": "40", "version": "0", "action": "save"})
    page = school.post(f"/data/forms/{form.pk}/", {"teachers_total": "41", "version": "0", "action": "save"}).content.decode()
    assert "Форму уже изменил" in page
    assert form.values.get(field__code="teachers_total").value == 40


def test_template_download_and_upload_on_the_page(world, client_for):
    form = form_of(staffing_campaign(world), world.school_a)
    school = client_for("school_a")
    response = school.get(f"/data/forms/{form.pk}/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    for row, value in zip(range(2, 6), (40, 10, 12, "да"), strict=True):
        sheet.cell(row, 4).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("kadry.xlsx", buffer.getvalue())
    page = school.post(f"/data/forms/{form.pk}/upload/", {"file": upload, "version": "0", "action": "save"},
                       follow=True).content.decode()
    assert "Файл «kadry.xlsx» принят" in page
    assert {v.field.code: v.value for v in form.values.select_related("field")}["teachers_highest_category"] == 10


def test_export_of_all_answers_is_for_staff(world, client_for):
    campaign = staffing_campaign(world)
    assert client_for("school_a").get(f"/data/campaigns/{campaign.pk}/answers.xlsx").status_code == 403
    response = client_for("department").get(f"/data/campaigns/{campaign.pk}/answers.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
