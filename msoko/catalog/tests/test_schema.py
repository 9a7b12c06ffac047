"""Validation of catalog documents: every problem is reported, naming the item and the field."""

from __future__ import annotations

import pytest

from msoko.catalog import schema
from msoko.catalog.models import Indicator
from msoko.catalog.schema import CatalogError, normalise
from msoko.catalog.tests.documents import small_catalog


def errors_of(document: dict) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        normalise(document, source="test.yaml")
    return caught.value.errors


def indicators(document: dict) -> list[dict]:
    return document["directions"][0]["indicators"]


def test_a_valid_document_is_filled_with_defaults():
    result = normalise(small_catalog())
    share, flag = result["directions"][0]["indicators"]
    assert (share["multiplier"], share["unit"], share["aggregation"], share["periodicity"]) == (100.0, "%", "sum_ratio", "ежегодно")
    assert share["formula"] == "vpr_mark2 / vpr_participants × 100"
    assert share["targets"] == {"2024": {"norm": 10.0, "target": 8.0}}
    assert (flag["multiplier"], flag["aggregation"], flag["org_kinds"]) == (1.0, "share_of_orgs", ["school"])
    assert [p["code"] for p in result["cycle_positions"]][:2] == ["goals", "indicators"]


def test_duplicate_indicator_code_is_named():
    doc = small_catalog()
    indicators(doc)[1]["code"] = "1.01"
    assert any("«1.01»" in e and "повторяется" in e for e in errors_of(doc))


def test_unknown_data_element_in_a_formula_is_named_with_the_field():
    doc = small_catalog()
    indicators(doc)[0]["numerator"] = "vpr_mark2 + vpr_mark_two"
    [error] = errors_of(doc)
    assert "«1.01»" in error and "«numerator»" in error and "vpr_mark_two" in error


def test_formula_that_does_not_parse_is_named():
    doc = small_catalog()
    indicators(doc)[0]["denominator"] = "vpr_participants *"
    [error] = errors_of(doc)
    assert "«1.01»" in error and "«denominator»" in error and "не разбирается" in error


def test_formula_with_code_injection_is_refused():
    doc = small_catalog()
    indicators(doc)[0]["numerator"] = "__import__('os').system('true')"
    [error] = errors_of(doc)
    assert "«1.01»" in error and "«numerator»" in error


def test_missing_required_key_is_named():
    doc = small_catalog()
    del indicators(doc)[0]["seed_ref"]
    [error] = errors_of(doc)
    assert "«1.01»" in error and "«seed_ref»" in error


def test_duplicate_data_element_code_is_named():
    doc = small_catalog()
    doc["data_elements"].append({"code": "vpr_mark2", "name": "ещё раз"})
    assert any("«vpr_mark2»" in e and "повторяется" in e for e in errors_of(doc))


def test_unknown_mechanism_and_bad_enum_values_are_reported_together():
    doc = small_catalog()
    doc["directions"][0]["mechanism"] = 3
    indicators(doc)[0]["kind"] = "percent"
    indicators(doc)[1]["block"] = "social_conditions"
    errors = errors_of(doc)
    assert len(errors) == 3
    assert any("механизм №3" in e for e in errors)
    assert any("«kind»" in e and "percent" in e for e in errors)
    assert any("«block»" in e and "social_conditions" in e for e in errors)


def test_duplicate_direction_numbers_and_codes_are_named():
    doc = small_catalog()
    second = dict(doc["directions"][0], indicators=[])
    doc["variant_directions"] = [second]
    errors = errors_of(doc)
    assert any("номер направления повторяется" in e for e in errors)
    assert any("«achievement» повторяется" in e for e in errors)


def test_unquoted_numeric_code_is_refused_because_yaml_turns_1_10_into_1_1():
    doc = small_catalog()
    indicators(doc)[0]["code"] = 1.1
    assert any("«code» должно быть строкой (возьмите значение в кавычки)" in e for e in errors_of(doc))


def test_misspelt_field_is_not_silently_ignored():
    doc = small_catalog()
    indicators(doc)[0]["higher_is_beter"] = True
    assert any("«higher_is_beter»" in e for e in errors_of(doc))


def test_yes_no_indicator_needs_a_boolean_element():
    doc = small_catalog()
    indicators(doc)[1]["numerator"] = "vpr_mark2"
    [error] = errors_of(doc)
    assert "«1.02»" in error and "bool" in error


def test_share_without_denominator_is_refused():
    doc = small_catalog()
    del indicators(doc)[0]["denominator"]
    [error] = errors_of(doc)
    assert "«1.01»" in error and "denominator" in error


def test_the_error_message_names_the_file_and_lists_all_problems():
    doc = small_catalog()
    indicators(doc)[0]["numerator"] = "nope"
    indicators(doc)[1]["kind"] = "bad"
    with pytest.raises(CatalogError) as caught:
        normalise(doc, source="obl.yaml")
    text = str(caught.value)
    assert text.startswith("Каталог «obl.yaml» не загружен, ошибок: 2")


def test_broken_yaml_file_reports_the_line(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text('version: "x"\ndirections:\n  - number: 1\n    name: "без кавычки\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        schema.read_file(path)
    assert "catalog.yaml" in str(caught.value) and "строка" in str(caught.value)


def test_length_limits_match_the_model_fields():
    for key, limit in schema.MAX_LENGTH.items():
        model_name, _, field = key.partition(".")
        if model_name != "indicator":
            continue
        assert Indicator._meta.get_field(field).max_length == limit, key
