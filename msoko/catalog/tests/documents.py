"""A small valid catalog document for tests, to be broken one field at a time."""

from __future__ import annotations

import copy


def small_catalog(label: str = "test-1") -> dict:
    return copy.deepcopy({
        "version": label,
        "mechanisms": [{"number": 1, "name": "Механизмы управления качеством образовательных результатов"}],
        "data_elements": [
            {"code": "vpr_participants", "name": "Число участников ВПР", "value_type": "count"},
            {"code": "vpr_mark2", "name": "Число участников ВПР с отметкой «2»", "value_type": "count"},
            {"code": "org_small", "name": "Малокомплектная школа", "value_type": "bool"},
        ],
        "directions": [
            {
                "number": 1,
                "code": "achievement",
                "name": "Система оценки качества подготовки обучающихся",
                "short_name": "Качество подготовки",
                "mechanism": 1,
                "seed_ref": "000 §22",
                "goals": [{"code": "1.1", "text": "Достижение планируемых результатов НОО", "tasks": ["организовать ВПР"]}],
                "indicators": [
                    {
                        "code": "1.01",
                        "name": "Доля участников ВПР, получивших отметку «2»",
                        "kind": "share",
                        "numerator": "vpr_mark2",
                        "denominator": "vpr_participants",
                        "higher_is_better": False,
                        "block": "results",
                        "seed_ref": "000 §22; 003 табл., п. 1",
                        "targets": {2024: {"norm": 10, "target": 8}},
                    },
                    {
                        "code": "1.02",
                        "name": "Малокомплектная школа",
                        "kind": "yes_no",
                        "numerator": "org_small",
                        "higher_is_better": False,
                        "seed_ref": "003 табл., п. 1",
                    },
                ],
            }
        ],
    })
