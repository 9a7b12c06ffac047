"""search_key: one key for case- and ё-insensitive Russian search and sorting on every database."""

from __future__ import annotations

import pytest

from msoko.core.text import search_key
from msoko.registry.models import Municipality, Organisation, Region


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Школа", "школа"),
        ("ШКОЛА № 1", "школа № 1"),
        ("Ёлочка", "елочка"),
        ("ёЖИК и Ёж", "ежик и еж"),
        ("  МБОУ   СОШ\t№ 5\n", "мбоу сош № 5"),
        ("School A", "school a"),
        ("", ""),
        (None, ""),
    ],
)
def test_key_folds_case_yo_and_spaces(text, key):
    assert search_key(text) == key


def test_spellings_of_one_name_share_a_key():
    assert search_key("Детский сад «Ёлочка»") == search_key("детский  сад «ЕЛОЧКА»")


def test_sorting_by_key_is_russian_alphabetical_order():
    names = ["яблоко", "Ёж", "Берёза", "аист", "Елена", "жук", "Ель"]
    # ё sorts as е; among the е-words the second letter decides (ж < л), then the third (е < ь).
    assert sorted(names, key=search_key) == ["аист", "Берёза", "Ёж", "Елена", "Ель", "жук", "яблоко"]


@pytest.fixture
def municipality(db) -> Municipality:
    region = Region.objects.create(code="R", name="Область")
    return Municipality.objects.create(region=region, code="M", name="Город")


def _org(municipality: Municipality, code: str, short_name: str) -> Organisation:
    return Organisation.objects.create(
        municipality=municipality, code=code, short_name=short_name, full_name=short_name
    )


def test_database_search_by_key_ignores_case_and_yo(municipality):
    _org(municipality, "D1", "Детский сад «Ёлочка»")
    _org(municipality, "D2", "Детский сад «Берёзка»")
    _org(municipality, "S1", "Школа № 1")
    found = Organisation.objects.filter(name_key__contains=search_key("ЕЛОЧКА"))
    assert [org.code for org in found] == ["D1"]
    found = Organisation.objects.filter(name_key__contains=search_key("детский САД"))
    assert sorted(org.code for org in found) == ["D1", "D2"]


def test_database_orders_organisations_alphabetically(municipality):
    for code, name in [
        ("4", "Ясли"),
        ("2", "Ёлочка"),
        ("3", "Журавлик"),
        ("1", "Аистёнок"),
        ("5", "Берёзка"),
    ]:
        _org(municipality, code, name)
    assert [org.short_name for org in Organisation.objects.all()] == [
        "Аистёнок",
        "Берёзка",
        "Ёлочка",
        "Журавлик",
        "Ясли",
    ]
