"""Objectivity criteria: each on a tiny frame whose figures are worked out by hand in comments."""

from __future__ import annotations

import json

import polars as pl
import pytest

from msoko.analytics.core.errors import InputError, SettingsError
from msoko.analytics.core.objectivity import (
    DETAIL_SCHEMA,
    ObjectivitySettings,
    boundaries_from_spec,
    boundary_excess,
    cohort_jumps,
    journal_marks,
    olympiad_low_scores,
    run_objectivity,
    vpr_vs_gia,
)

VPR_SCHEMA = {
    "org_code": pl.String, "year": pl.Int64, "subject": pl.String, "grade": pl.Int64,
    "participant": pl.String, "primary": pl.Int64, "mark": pl.Int64, "journal_mark": pl.Int64,
}


class Vpr:
    """Builds ВПР participant rows: add(org, count, mark=, journal=, primary=, ...)."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, org: str, count: int, *, mark: int = 3, journal: int | None = None, primary: int = 0,
            subject: str = "ru", grade: int = 5, year: int = 2024) -> Vpr:
        for _ in range(count):
            self.rows.append({
                "org_code": org, "year": year, "subject": subject, "grade": grade,
                "participant": f"p{len(self.rows)}", "primary": primary, "mark": mark, "journal_mark": journal,
            })
        return self

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.rows, schema=VPR_SCHEMA)


def row(details: pl.DataFrame, org: str, scope: str) -> dict:
    found = details.filter((pl.col("org_code") == org) & (pl.col("scope") == scope))
    assert found.height == 1, f"{org} {scope}: {found.height} rows"
    return found.row(0, named=True)


SMALL = ObjectivitySettings(min_participants=5)


# ------------------------------------------------------------------------- ВПР vs journal


def journal_frame() -> pl.DataFrame:
    # A: 20 participants — 12 повысили (ВПР 4, журнал 3), 8 подтвердили.
    # B: 80 participants — 8 повысили, 64 подтвердили, 8 понизили (ВПР 3, журнал 4).
    # Municipality: 100 participants, повысили 20 (20 %), понизили 8 (8 %).
    return (
        Vpr()
        .add("A", 12, mark=4, journal=3).add("A", 8, mark=3, journal=3)
        .add("B", 8, mark=4, journal=3).add("B", 64, mark=3, journal=3).add("B", 8, mark=3, journal=4)
        .frame()
    )


def test_journal_raised_share_far_above_municipal_is_flagged_with_evidence():
    details = journal_marks(journal_frame(), SMALL)
    a = row(details, "A", "ru-5, повысили")
    # 60 % − 20 % = +40 п.п. > 15; z = 0.40 / sqrt(0.2 × 0.8 / 20) = 0.40 / 0.0894 = 4.47 ≥ 3
    assert a["value"] == pytest.approx(40.0)
    assert a["threshold"] == 15.0
    assert a["participants"] == 20
    assert a["flagged"] is True
    assert a["evidence"] == (
        "Русский язык, 5 класс: ВПР выше журнальной отметки у 60 % участников (12 из 20) при 20 % по "
        "муниципалитету; разница +40 п.п. (порог: +15 п.п.), z = 4,47 (порог: 3). "
        "Понизили 0 %, подтвердили 40 %, повысили 60 %."
    )


def test_journal_other_rows_are_not_flagged():
    details = journal_marks(journal_frame(), SMALL)
    # B повысили: 10 % − 20 % = −10; A понизили: 0 − 8 = −8; B понизили: 10 − 8 = +2
    assert row(details, "B", "ru-5, повысили")["value"] == pytest.approx(-10.0)
    assert row(details, "A", "ru-5, понизили")["value"] == pytest.approx(-8.0)
    assert row(details, "B", "ru-5, понизили")["value"] == pytest.approx(2.0)
    assert details.filter(pl.col("flagged")).height == 1
    assert details.schema == pl.Schema(DETAIL_SCHEMA)


def test_journal_large_difference_in_a_tiny_school_is_not_flagged():
    # C has 4 participants, all повысили: 100 % against 24/104 = 23,1 % — but fewer than 5 participants
    frame = pl.concat([journal_frame(), Vpr().add("C", 4, mark=5, journal=3).frame()])
    c = row(journal_marks(frame, SMALL), "C", "ru-5, повысили")
    assert c["value"] == pytest.approx(100 - 2400 / 104)
    assert c["flagged"] is False
    assert "Участников 4 — меньше 5, критерий не применяется." in c["evidence"]


def test_journal_difference_above_threshold_but_not_significant_is_not_flagged():
    # D: 10 participants, 4 повысили (40 %); others: 90 participants, 10 повысили.
    # Municipality 14/100 = 14 %; difference +26 п.п. > 15, but z = 0.26 / sqrt(0.14 × 0.86 / 10)
    # = 0.26 / 0.1097 = 2.37 < 3.
    frame = (
        Vpr().add("D", 4, mark=4, journal=3).add("D", 6, mark=3, journal=3)
        .add("E", 10, mark=4, journal=3).add("E", 80, mark=3, journal=3).frame()
    )
    d = row(journal_marks(frame, SMALL), "D", "ru-5, повысили")
    assert d["value"] == pytest.approx(26.0)
    assert d["flagged"] is False
    assert "z = 2,37" in d["evidence"]


def test_journal_rows_without_journal_mark_are_ignored():
    frame = pl.concat([journal_frame(), Vpr().add("A", 30, mark=5, journal=None).frame()])
    assert row(journal_marks(frame, SMALL), "A", "ru-5, повысили")["participants"] == 20


# ------------------------------------------------------------------------- boundary excess

BOUNDS = pl.DataFrame({"subject": ["ma"], "grade": [5], "b3": [10], "b4": [20], "b5": [30]})


def boundary_frame() -> pl.DataFrame:
    # window w = 2: boundary of «3» is 10 — above = scores 10–11, below = 8–9
    # A (40): 19 at 10, 1 at 8, 20 at 0; B (40): 5 at 11, 5 at 9, 30 at 25; C (200): 40 at 10, 40 at 9, 120 at 25
    v = Vpr()
    v.add("A", 19, primary=10, subject="ma").add("A", 1, primary=8, subject="ma").add("A", 20, primary=0, subject="ma")
    v.add("B", 5, primary=11, subject="ma").add("B", 5, primary=9, subject="ma").add("B", 30, primary=25, subject="ma")
    v.add("C", 40, primary=10, subject="ma").add("C", 40, primary=9, subject="ma").add("C", 120, primary=25, subject="ma")
    return v.frame()


def test_boundary_excess_just_above_the_mark_3_is_flagged():
    details = boundary_excess(boundary_frame(), BOUNDS, SMALL)
    a = row(details, "A", "ma-5, отметка 3")
    # A: (19 + 0.5) / (1 + 0.5) = 13; municipality: above 64, below 46 → 64.5 / 46.5 = 1.3871;
    # value 13 / 1.3871 = 9.372. z: near 20, p0 = 64/110 = 0.5818, expected 11.636,
    # sd = sqrt(20 × 0.5818 × 0.4182) = 2.2059, z = (19 − 11.636) / 2.2059 = 3.34 ≥ 3.
    assert a["value"] == pytest.approx(13 / (64.5 / 46.5))
    assert a["flagged"] is True
    assert a["evidence"].startswith(
        "Математика, 5 класс, граница отметки «3» (10 баллов): 19 участников с баллами 10–11 и 1 с баллами "
        "8–9 (отношение 13) при отношении 1,39 по муниципалитету; превышение в 9,37 раза (порог: 2), "
        "z = 3,34 (порог: 3)."
    )
    # B and C: (5.5 / 5.5) / 1.3871 = 0.72
    assert row(details, "B", "ma-5, отметка 3")["value"] == pytest.approx(46.5 / 64.5)
    assert row(details, "C", "ma-5, отметка 3")["flagged"] is False


def test_boundary_with_nobody_near_it_is_not_applied():
    a4 = row(boundary_excess(boundary_frame(), BOUNDS, SMALL), "A", "ma-5, отметка 4")
    # boundary 20: nobody at 18–21 anywhere → (0.5 / 0.5) / (0.5 / 0.5) = 1
    assert a4["value"] == pytest.approx(1.0)
    assert a4["flagged"] is False
    assert "У границы меньше 5 участников" in a4["evidence"]


def test_boundaries_per_year_and_tests_without_boundaries():
    by_year = BOUNDS.with_columns(year=pl.lit(2023))  # boundaries known only for 2023
    assert boundary_excess(boundary_frame(), by_year, SMALL).is_empty()
    spec = boundaries_from_spec()
    assert spec.filter((pl.col("subject") == "ma") & (pl.col("grade") == 5)).row(0)[2:] == (5, 10, 15)


# ------------------------------------------------------------------------- ВПР vs ОГЭ

GIA_SCHEMA = {
    "org_code": pl.String, "year": pl.Int64, "exam": pl.String, "subject": pl.String, "primary": pl.Int64,
    "test_score": pl.Int64, "mark": pl.Int64, "min_score": pl.Int64, "high_score": pl.Int64,
}


def oge(org: str, marks: list[int], year: int = 2024, subject: str = "ma") -> list[dict]:
    return [
        {"org_code": org, "year": year, "exam": "ОГЭ", "subject": subject, "primary": 10, "test_score": None,
         "mark": m, "min_score": 8, "high_score": None}
        for m in marks
    ]


def gia_case() -> tuple[pl.DataFrame, pl.DataFrame]:
    # ВПР математика 8 класс 2023, 10 participants each; «4»–«5»: S1 9, S2 6, S3 4, S4 2
    v = Vpr()
    for org, good in (("S1", 9), ("S2", 6), ("S3", 4), ("S4", 2)):
        v.add(org, good, mark=4, subject="ma", grade=8, year=2023).add(org, 10 - good, mark=3, subject="ma", grade=8, year=2023)
    # ОГЭ математика 2024 (the same cohort in 9th grade), 10 each:
    # good («4»–«5»): S1 1, S2 5, S3 4, S4 3; fails («2»): S1 0, S2 0, S3 1, S4 2
    rows = (
        oge("S1", [4] + [3] * 9) + oge("S2", [4] * 5 + [3] * 5)
        + oge("S3", [4] * 4 + [3] * 5 + [2]) + oge("S4", [4] * 3 + [3] * 5 + [2] * 2)
    )
    return v.frame(), pl.DataFrame(rows, schema=GIA_SCHEMA)


def test_top_vpr_school_with_poor_oge_is_flagged_by_rank_gap():
    vpr, gia = gia_case()
    details = vpr_vs_gia(vpr, gia, SMALL)
    # ВПР ranks (N = 4, 100 × (rank − 1) / 3): S4 0, S3 33.3, S2 66.7, S1 100
    # ОГЭ good ranks: S1 0 (10 %), S4 33.3, S3 66.7, S2 100
    # ОГЭ pass ranks (fewer «2» is better): S4 0, S3 33.3, S1 and S2 tied at ranks 3–4 → 83.3
    # ГИА rank = the lower: S1 0, S2 83.3, S3 33.3, S4 0 → gaps: S1 100, S2 −16.7, S3 0, S4 0
    s1 = row(details, "S1", "ma-8 → ОГЭ 2024")
    assert s1["year"] == 2023
    assert s1["value"] == pytest.approx(100.0)
    assert s1["flagged"] is True
    assert "Перцентильный ранг среди 4 школ: по ВПР 100, по ГИА 0; разрыв 100" in s1["evidence"]
    assert row(details, "S2", "ma-8 → ОГЭ 2024")["value"] == pytest.approx(200 / 3 - 250 / 3)
    assert details.filter(pl.col("flagged")).get_column("org_code").to_list() == ["S1"]


def test_gia_comparison_needs_enough_schools():
    vpr, gia = gia_case()
    three = vpr_vs_gia(vpr.filter(pl.col("org_code") != "S4"), gia, SMALL)
    assert not three.get_column("flagged").any()
    assert three.get_column("value").is_null().all()
    assert "Школ с обоими результатами 3 — меньше 4" in three.row(0, named=True)["evidence"]


def test_gia_school_without_next_year_exam_gets_no_row():
    vpr, gia = gia_case()
    details = vpr_vs_gia(vpr, gia.filter(pl.col("org_code") != "S3"), SMALL)
    assert "S3" not in details.get_column("org_code").to_list()


# ------------------------------------------------------------------------- cohort jumps


def cohort_frame(s5_mark: int = 5) -> pl.DataFrame:
    # grade 5 in 2023: every school 10 × «4». Grade 6 in 2024 (mean mark, change):
    # S1 4.0 (0), S2 8×4 + 2×5 = 4.2 (+0.2), S3 8×4 + 2×3 = 3.8 (−0.2), S4 4.0 (0), S5 all s5_mark
    v = Vpr()
    for org in ("S1", "S2", "S3", "S4", "S5"):
        v.add(org, 10, mark=4, subject="ma", grade=5, year=2023)
    v.add("S1", 10, mark=4, subject="ma", grade=6)
    v.add("S2", 8, mark=4, subject="ma", grade=6).add("S2", 2, mark=5, subject="ma", grade=6)
    v.add("S3", 8, mark=4, subject="ma", grade=6).add("S3", 2, mark=3, subject="ma", grade=6)
    v.add("S4", 10, mark=4, subject="ma", grade=6)
    v.add("S5", 10, mark=s5_mark, subject="ma", grade=6)
    v.add("NEW", 10, mark=5, subject="ma", grade=6)  # a new school: no 2023 → no cohort row
    v.add("GONE", 10, mark=4, subject="ma", grade=5, year=2023)  # no 2024 → no row
    return v.frame()


COHORT = ObjectivitySettings(min_participants=5, cohort_min_schools=3)


def test_implausible_rise_of_a_cohort_is_flagged():
    details = cohort_jumps(cohort_frame(), COHORT)
    s5 = row(details, "S5", "ma: 5 → 6 класс, средняя отметка")
    # others' changes 0, +0.2, −0.2, 0: mean 0, sample sd = sqrt(0.08 / 3) = 0.1633;
    # threshold max(3 × 0.1633, 0.3) = 0.4899; deviation +1.0 − 0 = +1.0 > 0.4899
    assert s5["year"] == 2024
    assert s5["value"] == pytest.approx(1.0)
    assert s5["threshold"] == pytest.approx(3 * (0.08 / 3) ** 0.5)
    assert s5["flagged"] is True
    assert s5["evidence"] == (
        "Математика: 5 класс в 2023/24 → 6 класс в 2024/25: средняя отметка 4 → 5 (изменение +1). "
        "У других 4 школ среднее изменение +0 (стандартное отклонение 0,16); отклонение школы +1 при "
        "пороге 0,49 (3 ст. откл., не меньше 0,3)."
    )
    # S2 (+0.2): others 0, −0.2, 0, +1.0 → mean +0.2, deviation 0
    assert row(details, "S2", "ma: 5 → 6 класс, средняя отметка")["value"] == pytest.approx(0.0)
    assert details.filter(pl.col("flagged")).get_column("org_code").to_list() == ["S5"]
    assert not {"NEW", "GONE"} & set(details.get_column("org_code").to_list())


def test_a_drop_is_flagged_only_when_both_directions_are_asked_for():
    frame = cohort_frame(s5_mark=3)  # S5 falls by a whole mark
    scope = "ma: 5 → 6 класс, средняя отметка"
    assert row(cohort_jumps(frame, COHORT), "S5", scope)["flagged"] is False
    both = ObjectivitySettings(min_participants=5, cohort_min_schools=3, cohort_direction="both")
    s5 = row(cohort_jumps(frame, both), "S5", scope)
    assert s5["flagged"] is True
    assert s5["value"] == pytest.approx(-1.0)
    assert "Резкое ухудшение может указывать" in s5["evidence"]


def test_cohort_jump_in_a_cluster_of_three_schools_is_not_judged():
    frame = cohort_frame().filter(pl.col("org_code").is_in(["S1", "S2", "S5"]))
    details = cohort_jumps(frame, ObjectivitySettings(min_participants=5))  # needs 5 other schools
    assert not details.get_column("flagged").any()
    assert details.get_column("value").is_null().all()
    assert "Других школ с обоими годами 2 — меньше 5, скачок не оценивается." in row(
        details, "S5", "ma: 5 → 6 класс, средняя отметка"
    )["evidence"]


def test_all_schools_equal_gives_no_flags():
    v = Vpr()
    for org in ("S1", "S2", "S3", "S4", "S5", "S6"):
        v.add(org, 6, mark=4, journal=4, primary=10, subject="ma", grade=5, year=2023)
        v.add(org, 6, mark=4, journal=4, primary=10, subject="ma", grade=6, year=2024)
    result = run_objectivity(v.frame(), settings=ObjectivitySettings(min_participants=5, cohort_min_schools=3, min_criteria=1))
    assert result.details.height > 0
    assert not result.details.get_column("flagged").any()
    assert not result.summary.get_column("flagged").any()


# ------------------------------------------------------------------------- ВсОШ

OLYMPIAD_SCHEMA = {
    "year": pl.Int64, "participant": pl.String, "org_code": pl.String, "grade": pl.Int64, "subject": pl.String,
    "stage": pl.String, "status": pl.String, "score": pl.Float64, "max_score": pl.Float64,
}


def olympiad_frame() -> pl.DataFrame:
    rows = []

    def add(participant, org, stage, status, score=None):
        rows.append({"year": 2024, "participant": participant, "org_code": org, "grade": 9, "subject": "ma",
                     "stage": stage, "status": status, "score": score, "max_score": 100.0})

    # A: 6 school-stage winners / prize-winners; municipal scores 10, 20, 24, 5 (low: < 25) and 25, 60
    for i, score in enumerate([10, 20, 24, 5, 25, 60]):
        add(f"a{i}", "A", "школьный", "победитель" if i % 2 else "призёр", 50)
        add(f"a{i}", "A", "муниципальный", "участник", score)
    add("a-part", "A", "школьный", "участник", 10)  # not a winner: not counted
    add("a-part", "A", "муниципальный", "участник", 3)
    add("a-absent", "A", "школьный", "победитель", 90)  # did not take part in the municipal stage
    # B: 5 winners, municipal scores 10 (low), 40, 50, 60, 70
    for i, score in enumerate([10, 40, 50, 60, 70]):
        add(f"b{i}", "B", "школьный", "победитель", 80)
        add(f"b{i}", "B", "муниципальный", "призёр", score)
    return pl.DataFrame(rows, schema=OLYMPIAD_SCHEMA)


def test_olympiad_school_winners_failing_at_municipal_stage():
    details = olympiad_low_scores(olympiad_frame())
    a = row(details, "A", "ВсОШ, школьный → муниципальный этап")
    # A: 4 of 6 low = 66.7 % > 50 %, 6 ≥ 5; municipality: 5 of 11 = 45.5 %
    assert a["participants"] == 6
    assert a["value"] == pytest.approx(400 / 6)
    assert a["flagged"] is True
    assert a["evidence"] == (
        "ВсОШ 2024/25: 4 из 6 победителей и призёров школьного этапа (66,7 %) набрали на муниципальном этапе "
        "меньше 25 % максимального балла; по муниципалитету 45,5 %. Порог: 50 %."
    )
    b = row(details, "B", "ВсОШ, школьный → муниципальный этап")
    assert b["value"] == pytest.approx(20.0)
    assert b["flagged"] is False


def test_olympiad_needs_a_minimum_count():
    details = olympiad_low_scores(olympiad_frame(), ObjectivitySettings(olympiad_min_count=7))
    assert not details.get_column("flagged").any()
    assert "Результатов меньше 7" in details.row(0, named=True)["evidence"]


# ------------------------------------------------------------------------- summary, settings, input


def test_summary_counts_criteria_and_applies_min_criteria():
    vpr = journal_frame()  # A flagged by «ВПР и журнал»
    olympiad = olympiad_frame()  # A flagged by ВсОШ (2024 as well)
    one = run_objectivity(vpr, olympiad=olympiad, settings=ObjectivitySettings(min_participants=5, min_criteria=1))
    a = one.summary.filter(pl.col("org_code") == "A").row(0, named=True)
    assert a["year"] == 2024
    assert a["criteria_flagged"] == 2
    assert a["flagged"] is True
    assert a["criteria"] == "ВПР и отметки в журнале; ВсОШ: победители и призёры школьного этапа на муниципальном этапе"
    assert a["evidence"].count("\n") == 1
    b = one.summary.filter(pl.col("org_code") == "B").row(0, named=True)
    assert (b["criteria_flagged"], b["flagged"]) == (0, False)
    assert one.settings["min_criteria"] == 1

    three = run_objectivity(vpr, olympiad=olympiad, settings=ObjectivitySettings(min_participants=5, min_criteria=3))
    assert three.flagged().is_empty()
    default = run_objectivity(vpr, olympiad=olympiad, settings=ObjectivitySettings(min_participants=5))
    assert default.flagged().get_column("org_code").to_list() == ["A"]  # two criteria ≥ default 2


def test_settings_are_validated_and_serialisable():
    with pytest.raises(SettingsError, match="min_participants"):
        ObjectivitySettings(min_participants=0)
    with pytest.raises(SettingsError, match="cohort_direction"):
        ObjectivitySettings(cohort_direction="down")
    with pytest.raises(SettingsError, match="olympiad_low_share_of_max"):
        ObjectivitySettings(olympiad_low_share_of_max=1.5)
    data = ObjectivitySettings().to_dict()
    assert json.loads(json.dumps(data))["gia_pairs"][0] == [8, "ОГЭ", 1]


def test_missing_columns_are_reported_in_russian():
    with pytest.raises(InputError, match="Результаты ВПР: нет обязательных столбцов: «journal_mark»"):
        journal_marks(journal_frame().drop("journal_mark"))
    with pytest.raises(InputError, match="Результаты ВсОШ"):
        olympiad_low_scores(olympiad_frame().drop("stage"))
