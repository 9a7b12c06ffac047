"""A small catalog document in the packaged format, for the demo generator tests."""

CATALOG = {
    "version": "test-1",
    "data_elements": [
        {"code": "students_total", "value_type": "count", "org_kinds": ["school"]},
        {"code": "students_odn", "value_type": "count", "org_kinds": ["school"]},
        {"code": "org_remote", "value_type": "bool", "org_kinds": ["school"]},
        {"code": "teachers_total", "value_type": "count", "org_kinds": ["school", "preschool", "additional"]},
        {"code": "children_total", "value_type": "count", "org_kinds": ["preschool"]},
        {"code": "vpr_mark2", "value_type": "count", "org_kinds": ["school"]},
        {"code": "vpr_participants", "value_type": "count", "org_kinds": ["school"]},
        {"code": "students_volunteers", "value_type": "count", "org_kinds": ["school"]},
        {"code": "teachers_mentors", "value_type": "count", "org_kinds": ["school", "preschool"]},
        {"code": "has_program", "value_type": "bool", "org_kinds": ["school", "additional"]},
        {"code": "children_walks", "value_type": "count", "org_kinds": ["preschool"]},
        {"code": "noko_score", "value_type": "score", "org_kinds": ["school"]},
    ],
    "directions": [
        {"number": 1, "indicators": [
            {"code": "1.01", "kind": "share", "numerator": "vpr_mark2", "denominator": "vpr_participants",
             "multiplier": 100, "higher_is_better": False, "block": "results"},
        ]},
        {"number": 7, "indicators": [
            {"code": "7.01", "kind": "share", "numerator": "students_volunteers", "denominator": "students_total",
             "multiplier": 100, "higher_is_better": True, "targets": {2024: {"norm": 20, "target": 30}}},
            {"code": "7.02", "kind": "yes_no", "numerator": "has_program", "higher_is_better": True},
        ]},
        {"number": 6, "indicators": [
            {"code": "6.01", "kind": "share", "numerator": "teachers_mentors", "denominator": "teachers_total",
             "multiplier": 100, "higher_is_better": True},
        ]},
        {"number": 8, "indicators": [
            {"code": "8.01", "kind": "share", "numerator": "children_walks", "denominator": "children_total",
             "multiplier": 100, "higher_is_better": True},
        ]},
    ],
}
