"""The demo municipality: structure, canonical files, planted truth, determinism and scale."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from msoko.collection import vpr_spec
from msoko.demo.generator import DemoConfig, DemoManifest, generate
from msoko.demo.tests.catalog_sample import CATALOG

HEADERS = {
    "organisations": ["Код", "Краткое наименование", "Полное наименование", "Тип", "Поселение", "Малокомплектная",
                      "Удалённая", "Адрес", "Руководитель", "Телефон", "Эл. почта", "Действует с", "Действует по"],
    "clusters": ["Код ОО", "Учебный год", "Кластер", "Название кластера"],
    "gia": ["Учебный год", "Код ОО", "Код участника", "Экзамен", "Предмет", "Первичный балл", "Тестовый балл",
            "Отметка", "Минимальный балл", "Высокий балл"],
    "olympiad": ["Учебный год", "Код участника", "Код ОО", "Класс", "Предмет", "Этап", "Статус", "Балл",
                 "Максимальный балл"],
    "values": ["Учебный год", "Код ОО", "Элемент данных", "Разрез", "Значение"],
}


def read(out: Path, path: str) -> pl.DataFrame:
    """Read a generated file back the way the importers do (calamine for xlsx, «;» csv)."""
    file = out / path
    if file.suffix == ".xlsx":
        return pl.read_excel(file, engine="calamine", infer_schema_length=0)
    return pl.read_csv(file, separator=";", infer_schema_length=0)


def frame(demo, kind: str) -> pl.DataFrame:
    out, manifest = demo
    return pl.concat([read(out, f.path) for f in manifest.files_of(kind)], how="vertical")


def as_int(df: pl.DataFrame, *cols: str) -> pl.DataFrame:
    return df.with_columns(pl.col(c).cast(pl.Float64).cast(pl.Int64) for c in cols)


# --- structure ---------------------------------------------------------------------------------


def test_default_municipality_has_enough_organisations_clusters_and_years(demo):
    out, manifest = demo
    orgs = frame(demo, "organisations")
    kinds = orgs["Тип"].value_counts().rows()
    assert dict(kinds) == {"школа": 28, "ДОО": 12, "УДО": 3}
    clusters = frame(demo, "clusters")
    assert clusters["Кластер"].n_unique() >= 3
    assert set(clusters["Кластер"]) == {"urban", "rural", "small"}
    assert [y["label"] for y in manifest.years] == ["2022/23", "2023/24", "2024/25", "2025/26"]
    assert {f.academic_year for f in manifest.files if f.kind == "vpr"} == {"2022/23", "2023/24", "2024/25", "2025/26"}
    assert orgs["Код"].n_unique() == orgs.height
    assert orgs.filter(pl.col("Код") == "OO-0003")["Краткое наименование"].item() == "МБОУ СОШ № 3"


def test_files_have_the_canonical_headers_and_manifest_row_counts(demo):
    out, manifest = demo
    for f in manifest.files:
        df = read(out, f.path)
        assert df.height == f.rows, f.path
        if f.kind in HEADERS:
            assert df.columns == HEADERS[f.kind], f.path
    vpr = read(out, manifest.files_of("vpr")[0].path)
    tasks = [f"Задание {k}" for k in range(1, 16)]
    assert vpr.columns == ["Учебный год", "Код ОО", "Класс", "Параллель", "Предмет", "Код участника", "Вариант",
                           *tasks, "Первичный балл", "Отметка", "Отметка по журналу"]
    survey = read(out, manifest.files_of("survey")[0].path)
    assert survey.columns[:4] == ["Отметка времени", "Код ОО", "Респондент",
                                  "Удовлетворены ли вы качеством образования в организации?"]
    assert set(survey["Удовлетворены ли вы качеством образования в организации?"]) == {"да", "нет"}
    assert set(survey["Респондент"]) == {"родитель", "обучающийся", "педагог"}


def test_manifest_json_round_trips(demo):
    out, manifest = demo
    assert DemoManifest.load(out / "manifest.json") == manifest


def test_every_role_has_a_person(demo):
    _, manifest = demo
    people = manifest.people
    roles = {p["role"] for p in people}
    assert roles == {"region", "department", "methodist", "coordinator", "executor", "operator", "org_admin",
                     "council", "public"}
    for d in range(1, 9):
        assert any(p["role"] == "coordinator" and p["direction"] == d for p in people), d
        assert any(p["role"] == "executor" and p["direction"] == d for p in people), d
    admins = {p["organisation"] for p in people if p["role"] == "org_admin"}
    orgs = frame(demo, "organisations")
    assert set(orgs.filter(pl.col("Тип").is_in(["школа", "ДОО"]))["Код"]) <= admins
    council = [p["position"] for p in people if p["role"] == "council"]
    assert council[:3] == ["Председатель координационного совета", "Заместитель председателя координационного совета",
                           "Секретарь координационного совета"]
    assert council.count("Член координационного совета") >= 4
    assert len({p["username"] for p in people}) == len(people)
    assert all(len(p["full_name"].split()) == 3 and p["password"] for p in people)


# --- ВПР ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vpr(demo) -> pl.DataFrame:
    df = frame(demo, "vpr")
    tasks = [c for c in df.columns if c.startswith("Задание ")]
    return as_int(df, "Параллель", "Первичный балл", "Отметка", "Отметка по журналу", "Вариант", *tasks)


def test_vpr_covers_grades_4_to_8_10_11_with_at_least_four_subjects_each(vpr):
    per_grade = vpr.group_by("Параллель").agg(pl.col("Предмет").n_unique()).sort("Параллель").rows()
    assert [g for g, _ in per_grade] == [4, 5, 6, 7, 8, 10, 11]
    assert all(n >= 4 for _, n in per_grade)
    assert set(vpr["Предмет"]) <= set(vpr_spec.SUBJECTS.values())


def test_vpr_primary_score_is_the_sum_of_tasks_and_marks_follow_the_spec(vpr):
    tasks = [c for c in vpr.columns if c.startswith("Задание ")]
    assert vpr.select(pl.sum_horizontal(tasks)).to_series().equals(vpr["Первичный балл"], check_names=False)
    for (subject, grade), group in vpr.group_by("Предмет", "Параллель"):
        test = vpr_spec.get(subject, grade)
        expected = [test.mark_for(p) for p in group["Первичный балл"]]
        assert group["Отметка"].to_list() == expected, (subject, grade)
        for k, maximum in enumerate(test.task_max, start=1):
            column = group[f"Задание {k}"]
            assert column.null_count() == 0 and column.min() >= 0 and column.max() <= maximum
        for k in range(test.task_count + 1, len(tasks) + 1):
            assert group[f"Задание {k}"].null_count() == group.height  # blank beyond the test's tasks
    assert set(vpr["Отметка по журналу"].drop_nulls()) <= {2, 3, 4, 5}


def test_class_and_parallel_agree(vpr):
    assert (vpr["Класс"].str.extract(r"^(\d+)", 1).cast(pl.Int64) == vpr["Параллель"]).all()


def test_inflated_schools_give_vpr_marks_above_journal_marks_far_more_often(demo, vpr):
    _, manifest = demo
    inflated = manifest.planted["inflated"]
    assert len(inflated) >= 2
    marked = vpr.drop_nulls("Отметка по журналу").with_columns(
        (pl.col("Отметка") > pl.col("Отметка по журналу")).alias("raised")
    )
    rest = marked.filter(~pl.col("Код ОО").is_in(inflated))["raised"].mean()
    for code in inflated:
        share = marked.filter(pl.col("Код ОО") == code)["raised"].mean()
        assert share > 2 * rest, (code, share, rest)


def test_inflated_schools_have_excess_primary_scores_just_above_the_mark_3_boundary(demo, vpr):
    _, manifest = demo
    inflated = manifest.planted["inflated"]
    b3 = pl.struct("Предмет", "Параллель").map_elements(
        lambda r: vpr_spec.get(r["Предмет"], r["Параллель"]).boundaries[0], return_dtype=pl.Int64
    )
    rel = vpr.with_columns((pl.col("Первичный балл") - b3).alias("d"))
    just_above = rel.filter(pl.col("d").is_between(0, 1)).height
    just_below = rel.filter(pl.col("d").is_between(-2, -1)).height
    inf = rel.filter(pl.col("Код ОО").is_in(inflated))
    inf_above = inf.filter(pl.col("d").is_between(0, 1)).height
    inf_below = inf.filter(pl.col("d").is_between(-2, -1)).height
    assert inf_above > 3 * inf_below
    assert just_above - inf_above < 2 * (just_below - inf_below)  # elsewhere no such cliff


def test_stably_low_schools_are_below_their_cluster_every_year(demo, vpr):
    _, manifest = demo
    clusters = frame(demo, "clusters").select("Код ОО", "Учебный год", "Кластер")
    marks = vpr.join(clusters, on=["Код ОО", "Учебный год"])
    assert len(manifest.planted["stably_low"]) >= 3
    for code in manifest.planted["stably_low"]:
        for year in marks["Учебный год"].unique():
            in_year = marks.filter(pl.col("Учебный год") == year)
            cluster = in_year.filter(pl.col("Код ОО") == code)["Кластер"][0]
            own = in_year.filter(pl.col("Код ОО") == code)["Отметка"].mean()
            others = in_year.filter((pl.col("Кластер") == cluster) & (pl.col("Код ОО") != code))
            school_means = others.group_by("Код ОО").agg(pl.col("Отметка").mean())["Отметка"]
            assert own < school_means.min(), (code, year, own, school_means.min())


def test_improving_schools_rise_after_the_measure_year(demo, vpr):
    _, manifest = demo
    assert len(manifest.planted["improving"]) >= 2
    labels = [y["label"] for y in manifest.years]
    for item in manifest.planted["improving"]:
        assert item["measure_year_label"] in labels
        means = (vpr.filter(pl.col("Код ОО") == item["code"]).group_by("Учебный год")
                 .agg(pl.col("Отметка").mean()).sort("Учебный год")["Отметка"].to_list())
        before = [m for y, m in zip(labels, means, strict=True) if int(y[:4]) <= item["measure_year"]]
        after = [m for y, m in zip(labels, means, strict=True) if int(y[:4]) > item["measure_year"] + 1]
        assert after and min(after) > max(before) + 0.3, (item, means)


# --- other procedures ----------------------------------------------------------------------------


def test_gia_rows_are_consistent_and_inflated_schools_do_much_worse_than_their_vpr(demo, vpr):
    _, manifest = demo
    gia = as_int(frame(demo, "gia"), "Первичный балл", "Тестовый балл", "Отметка", "Минимальный балл", "Высокий балл")
    assert set(gia["Экзамен"]) == {"ОГЭ", "ЕГЭ", "ГВЭ"}
    ege = gia.filter(pl.col("Экзамен") == "ЕГЭ")
    assert ege["Отметка"].null_count() == ege.height and ege["Тестовый балл"].null_count() == 0
    assert set(ege["Высокий балл"]) == {81}
    oge = gia.filter(pl.col("Экзамен") == "ОГЭ")
    assert oge["Тестовый балл"].null_count() == oge.height
    assert ((oge["Отметка"] == 2) == (oge["Первичный балл"] < oge["Минимальный балл"])).all()
    # the gap «mean ВПР mark in grade 8 minus mean ОГЭ mark» is larger in inflated schools
    gap = (vpr.filter(pl.col("Параллель") == 8).group_by("Код ОО").agg(pl.col("Отметка").mean().alias("v"))
           .join(oge.group_by("Код ОО").agg(pl.col("Отметка").mean().alias("o")), on="Код ОО")
           .with_columns((pl.col("v") - pl.col("o")).alias("gap")))
    inflated = gap.filter(pl.col("Код ОО").is_in(manifest.planted["inflated"]))["gap"]
    rest = gap.filter(~pl.col("Код ОО").is_in(manifest.planted["inflated"]))["gap"]
    assert inflated.min() > rest.median() + 0.3


def test_olympiad_stages_narrow_and_codes_are_stable(demo):
    _, manifest = demo
    ol = as_int(frame(demo, "olympiad"), "Класс", "Балл", "Максимальный балл")
    counts = dict(ol["Этап"].value_counts().rows())
    assert counts["школьный"] > counts["муниципальный"] > counts["региональный"] > 0
    assert set(ol["Статус"]) == {"участник", "призёр", "победитель"}
    school = set(ol.filter(pl.col("Этап") == "школьный")["Код участника"])
    assert set(ol.filter(pl.col("Этап") == "муниципальный")["Код участника"]) <= school
    # a participant keeps the code across years
    by_year = ol.group_by("Код участника").agg(pl.col("Учебный год").n_unique().alias("n"))
    assert by_year.filter(pl.col("n") >= 3).height > 0
    # winners of the school stage in inflated schools score low at the municipal stage
    winners = ol.filter((pl.col("Этап") == "школьный") & (pl.col("Статус") != "участник")).select(
        "Учебный год", "Код участника", "Предмет")
    muni = ol.filter(pl.col("Этап") == "муниципальный").join(winners, on=["Учебный год", "Код участника", "Предмет"])
    inflated = muni.filter(pl.col("Код ОО").is_in(manifest.planted["inflated"]))["Балл"].mean()
    rest = muni.filter(~pl.col("Код ОО").is_in(manifest.planted["inflated"]))["Балл"].mean()
    assert inflated < rest - 8


def test_unfavourable_schools_have_high_social_figures_every_year(demo):
    _, manifest = demo
    oo1 = as_int(frame(demo, "oo1"), "students_total", "students_odn", "org_remote")
    oo1 = oo1.with_columns((pl.col("students_odn") / pl.col("students_total")).alias("odn"))
    assert oo1.columns[:2] == ["Учебный год", "Код ОО"]
    assert set(oo1["org_remote"]) <= {0, 1}
    for year in oo1["Учебный год"].unique():
        rows = oo1.filter(pl.col("Учебный год") == year)
        others = rows.filter(~pl.col("Код ОО").is_in(manifest.planted["unfavourable"]))["odn"].median()
        for code in manifest.planted["unfavourable"]:
            row = rows.filter(pl.col("Код ОО") == code)
            assert row["odn"].item() > others, (code, year)
            assert row["org_remote"].item() == 1


def test_resilient_schools_are_unfavourable_but_not_low(demo, vpr):
    _, manifest = demo
    planted = manifest.planted
    assert len(planted["resilient"]) >= 2
    assert set(planted["resilient"]) <= set(planted["unfavourable"])
    assert not set(planted["resilient"]) & set(planted["stably_low"])
    overall = vpr["Отметка"].mean()
    for code in planted["resilient"]:
        assert vpr.filter(pl.col("Код ОО") == code)["Отметка"].mean() > overall


# --- catalog-driven values -----------------------------------------------------------------------


def test_values_follow_the_catalog(demo):
    values = frame(demo, "values").with_columns(pl.col("Значение").cast(pl.Float64))
    oo1 = as_int(frame(demo, "oo1"), "students_total", "teachers_total")
    elements = set(values["Элемент данных"])
    # written by the wide oo1/preschool files or derived by the importers: never in the long table
    assert not elements & {"students_total", "students_odn", "children_total", "vpr_mark2", "vpr_participants",
                           "org_remote"}
    assert elements == {"students_volunteers", "teachers_mentors", "has_program", "children_walks", "noko_score",
                        "teachers_total"}
    # teachers_total is in the wide files for schools and ДОО; УДО have no wide file
    teachers = values.filter(pl.col("Элемент данных") == "teachers_total")
    assert set(teachers["Код ОО"].str.slice(0, 4)) == {"UDO-"}
    volunteers = values.filter(pl.col("Элемент данных") == "students_volunteers").join(
        oo1, on=["Учебный год", "Код ОО"])
    assert volunteers.height == oo1.height
    assert (volunteers["Значение"] <= volunteers["students_total"]).all()
    assert (volunteers["Значение"] >= 0).all()
    share = volunteers["Значение"].sum() / volunteers["students_total"].sum()
    assert 0.15 < share < 0.5  # centred on the 30 % target
    walks = values.filter(pl.col("Элемент данных") == "children_walks")
    assert set(walks["Код ОО"].str.slice(0, 4)) == {"DOO-"}
    program = values.filter(pl.col("Элемент данных") == "has_program")
    assert set(program["Значение"]) <= {0.0, 1.0}
    assert set(program["Код ОО"].str.slice(0, 3)) == {"OO-", "UDO"}
    mentors = values.filter((pl.col("Элемент данных") == "teachers_mentors") & pl.col("Код ОО").str.starts_with("OO-"))
    mentors = mentors.join(oo1, on=["Учебный год", "Код ОО"])
    assert (mentors["Значение"] <= mentors["teachers_total"]).all()
    assert values["Разрез"].null_count() == values.height


def test_without_a_catalog_only_the_fixed_files_are_written(tmp_path):
    manifest = generate(DemoConfig(schools=6, preschools=2, additional=1, years=1), tmp_path, catalog={})
    assert not manifest.files_of("values")
    assert "students_ovz" in read(tmp_path, manifest.files_of("oo1")[0].path).columns


# --- determinism and scale ---------------------------------------------------------------------


def digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path):
    config = DemoConfig(schools=8, preschools=2, additional=2, years=2)
    generate(config, tmp_path / "a", catalog=CATALOG)
    generate(config, tmp_path / "b", catalog=CATALOG)
    generate(DemoConfig(schools=8, preschools=2, additional=2, years=2, seed=7), tmp_path / "c", catalog=CATALOG)
    a, b, c = digests(tmp_path / "a"), digests(tmp_path / "b"), digests(tmp_path / "c")
    assert a == b
    assert len(a) == 1 + 2 * 8 + 1  # organisations, 8 files per year, manifest
    assert a["vpr_2025-26.xlsx"] != c["vpr_2025-26.xlsx"]


def test_scale_parameters_are_respected_and_csv_is_readable(tmp_path):
    config = DemoConfig(schools=40, preschools=13, additional=2, years=2, last_year=2024, fmt="csv")
    manifest = generate(config, tmp_path, catalog={})
    assert manifest.counts == {"schools": 40, "preschools": 13, "additional": 2}
    assert [y["label"] for y in manifest.years] == ["2023/24", "2024/25"]
    vpr_files = manifest.files_of("vpr")
    assert [f.path for f in vpr_files] == ["vpr_2023-24.csv", "vpr_2024-25.csv"]
    df = read(tmp_path, vpr_files[1].path)
    assert df["Код ОО"].n_unique() == 40
    assert set(df["Учебный год"]) == {"2024/25"}
    clusters = read(tmp_path, manifest.files_of("clusters")[0].path)
    assert dict(clusters["Кластер"].value_counts().rows()) == {"urban": 17, "rural": 14, "small": 9}


def test_region_scale_config_scales_preschools_and_uses_csv():
    config = DemoConfig.for_scale(1500)
    assert (config.schools, config.preschools, config.additional) == (1500, 643, 161)
    assert config.big_format == "csv"
    assert DemoConfig().big_format == "xlsx"


@pytest.mark.parametrize("kwargs", [{"schools": 2}, {"years": 0}, {"fmt": "ods"}])
def test_bad_configs_are_refused_in_russian(kwargs):
    with pytest.raises(ValueError, match="[а-я]"):
        DemoConfig(**kwargs)
