"""A small staffing campaign used by the campaign tests (data elements made here, not the catalog)."""

from __future__ import annotations

import datetime

from msoko.catalog.models import DataElement
from msoko.collection.campaign_services import ChecklistItem, RuleInput, compose_campaign, open_campaign
from msoko.collection.models import Campaign

ELEMENTS = [
    ("teachers_total", "Численность педагогических работников", DataElement.ValueType.COUNT),
    ("teachers_highest_category", "Педагоги высшей категории", DataElement.ValueType.COUNT),
    ("teachers_first_category", "Педагоги первой категории", DataElement.ValueType.COUNT),
    ("mentoring_system", "Действует система наставничества", DataElement.ValueType.BOOL),
]
CATEGORY_RULE = RuleInput(
    "Категорийные педагоги не больше всех педагогов",
    "teachers_highest_category + teachers_first_category", "<=", "teachers_total",
)


def make_elements() -> None:
    for code, name, value_type in ELEMENTS:
        DataElement.objects.get_or_create(code=code, defaults={"name": name, "value_type": value_type})


def staffing_campaign(world, *, deadline: datetime.date | None = None) -> Campaign:
    """Open self-report to schools A and B: three counts, one yes/no, one rule."""
    make_elements()
    campaign = compose_campaign(
        title="Кадры 2025", year=world.current_year, deadline=deadline or datetime.date(2099, 12, 1),
        organisations=[world.school_a, world.school_b], elements=[e[0] for e in ELEMENTS],
        rules=[CATEGORY_RULE], instructions="Данные на 1 сентября.", actor=world.department,
    )
    return open_campaign(campaign, actor=world.department)


def website_audit(world) -> Campaign:
    make_elements()
    campaign = compose_campaign(
        title="Мониторинг сайтов", year=world.current_year, deadline=datetime.date(2099, 12, 1),
        organisations=[world.school_a], kind=Campaign.Kind.EXPERT_AUDIT,
        checklist=[ChecklistItem("Положение о наставничестве на сайте", element="mentoring_system"),
                   ChecklistItem("Раздел «Сведения об ОО» полон", type="score", max_score=3, with_link=False)],
        actor=world.department,
    )
    return open_campaign(campaign, actor=world.department)
