"""ОГЭ, ЕГЭ and ГВЭ results per participant, as exported from РИС ГИА."""

from __future__ import annotations

import polars as pl

from msoko.collection.formats.base import Format
from msoko.collection.formats.common import (
    Column,
    Context,
    Located,
    check_choice,
    check_duplicates,
    count_elements,
    empty_derived,
    parse_numbers,
    parse_year,
    require_values,
)
from msoko.collection.formats.subjects import known_subject_code
from msoko.collection.formats.vpr import ORG, YEAR

EXAMS = {"ОГЭ": "oge", "ЕГЭ": "ege", "ГВЭ": "gve", "ГВЭ-9": "gve", "ГВЭ-11": "gve", "ГВЭ 9": "gve", "ГВЭ 11": "gve"}
DEFAULT_EGE_HIGH = 81  # «высокий балл» when the export leaves the threshold blank


class GiaFormat(Format):
    kind = "gia"
    title = "ГИА: ОГЭ, ЕГЭ, ГВЭ (результаты участников, РИС ГИА)"
    columns = (
        YEAR,
        ORG,
        Column("participant", "Код участника", ("Код обучающегося", "Код ученика", "ID участника", "Идентификатор участника")),
        Column("exam", "Экзамен", ("Форма ГИА", "Форма экзамена", "Вид экзамена")),
        Column("subject", "Предмет", ("Учебный предмет", "Название предмета")),
        Column("primary", "Первичный балл", ("Первичные баллы",)),
        Column("test", "Тестовый балл", ("Тестовые баллы", "Балл ЕГЭ", "Стобалльная оценка"), required=False),
        Column("mark", "Отметка", ("Оценка", "Отметка по пятибалльной шкале"), required=False),
        Column("min", "Минимальный балл", ("Минимальный порог", "Порог", "Минимальное количество баллов"), required=False),
        Column("high", "Высокий балл", ("Высокий порог", "Порог высокого балла"), required=False),
    )
    derived_elements = (
        "oge_participants", "oge_below_min", "oge_mark4", "oge_mark5",
        "ege_participants", "ege_below_min", "ege_high_score", "ege_score_sum",
        "gve_participants", "gve_mark2",
    )

    def validate(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        require_values(frame, located, ["org_code", "participant", "exam", "subject"], self.titles())
        frame = parse_year(frame, located)
        frame = check_choice(frame, located, "exam", EXAMS, "Экзамен")
        codes = {s: known_subject_code(s) for s in frame.get_column("subject").unique().to_list() if s is not None}
        frame = frame.with_columns(
            pl.col("subject").replace_strict(codes, default=None, return_dtype=pl.String).alias("subject_code")
        )
        unknown = frame.filter(pl.col("subject").is_not_null() & pl.col("subject_code").is_null())
        located.add_rows(unknown, "subject", lambda r: f"неизвестный предмет ГИА «{r['subject']}».")
        frame = parse_numbers(frame, located, ["primary", "min", "high"], integer=True, low=0)
        frame = parse_numbers(frame, located, ["test"], integer=True, low=0, high=100)
        frame = parse_numbers(frame, located, ["mark"], integer=True, low=2, high=5)
        for key in ("test", "mark", "min", "high"):
            if key not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(key))
        exam = pl.col("exam")
        no_result = frame.filter(
            (exam == "ege") & pl.col("test").is_null() & pl.col("mark").is_null()
        )
        located.add_rows(no_result, "test", lambda r: "для ЕГЭ не указан тестовый балл.")
        no_mark = frame.filter(exam.is_in(["oge", "gve"]) & pl.col("mark").is_null())
        located.add_rows(no_mark, "mark", lambda r: "для ОГЭ и ГВЭ нужна отметка (2–5).")
        no_primary = frame.filter(exam.is_in(["oge", "gve"]) & pl.col("primary").is_null())
        located.add_rows(no_primary, "primary", lambda r: "не указан первичный балл.")
        check_duplicates(frame, located, ["participant", "exam", "subject_code"], "участник с этим кодом по этому экзамену и предмету", "participant")
        return frame

    def procedure_keys(self, frame: pl.DataFrame) -> list[str]:
        return sorted({f"{e}:{s}" for e, s in frame.select("exam", "subject_code").unique().iter_rows() if e and s})

    def derive(self, frame: pl.DataFrame) -> pl.DataFrame:
        group = ["org_code", "year", "subject_code"]
        category = pl.col("subject_code")
        primary, test, mark, minimum = pl.col("primary"), pl.col("test"), pl.col("mark"), pl.col("min")
        exists = pl.col("participant").is_not_null()
        parts = []
        oge = frame.lazy().filter(pl.col("exam") == "oge")
        parts.append(count_elements(oge, group, {
            "oge_participants": exists,
            "oge_below_min": pl.when(minimum.is_not_null() & primary.is_not_null()).then(primary < minimum).otherwise(mark == 2),
            "oge_mark4": mark == 4,
            "oge_mark5": mark == 5,
        }, category=category))
        ege = frame.lazy().filter(pl.col("exam") == "ege")
        parts.append(count_elements(ege, group, {
            "ege_participants": exists,
            "ege_below_min": pl.when(minimum.is_not_null() & test.is_not_null()).then(test < minimum).otherwise(mark == 2),
            "ege_high_score": test.is_not_null() & (test >= pl.col("high").fill_null(DEFAULT_EGE_HIGH)),
            "ege_score_sum": test.fill_null(0),
        }, category=category))
        gve = frame.lazy().filter(pl.col("exam") == "gve")
        parts.append(count_elements(gve, group, {
            "gve_participants": exists,
            "gve_mark2": mark == 2,
        }, category=category))
        parts = [p for p in parts if p.height]
        return pl.concat(parts) if parts else empty_derived()

