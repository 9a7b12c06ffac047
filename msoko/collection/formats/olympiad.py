"""ВсОШ stage results. A participant's code is stable across stages and years (seed 000 §14.3)."""

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
from msoko.collection.formats.subjects import subject_slug
from msoko.collection.formats.vpr import ORG, YEAR

STAGES = {
    "школьный": "school", "школьный этап": "school", "шэ": "school",
    "муниципальный": "municipal", "муниципальный этап": "municipal", "мэ": "municipal",
    "региональный": "regional", "региональный этап": "regional", "рэ": "regional",
    "заключительный": "final", "заключительный этап": "final", "зэ": "final", "всероссийский": "final",
}
STATUSES = {
    "участник": "participant", "призёр": "prize", "призер": "prize", "победитель": "winner",
}
STAGE_ELEMENTS = {
    "school": ("olymp_school_participants", "olymp_school_winners"),
    "municipal": ("olymp_municipal_participants", "olymp_municipal_winners"),
    "regional": ("olymp_regional_participants", "olymp_regional_winners"),
    "final": ("olymp_final_participants", None),
}


class OlympiadFormat(Format):
    kind = "olympiad"
    title = "ВсОШ: результаты этапов"
    columns = (
        YEAR,
        Column("participant", "Код участника", ("Код обучающегося", "Код ученика", "ID участника", "Идентификатор участника")),
        ORG,
        Column("grade", "Класс", ("Класс обучения", "Параллель"),),
        Column("subject", "Предмет", ("Общеобразовательный предмет", "Учебный предмет")),
        Column("stage", "Этап", ("Этап олимпиады", "Этап ВсОШ")),
        Column("status", "Статус", ("Статус участника", "Результат", "Тип диплома")),
        Column("score", "Балл", ("Баллы", "Набранный балл", "Количество баллов"), required=False),
        Column("max_score", "Максимальный балл", ("Максимально возможный балл", "Макс. балл"), required=False),
    )
    derived_elements = tuple(e for pair in STAGE_ELEMENTS.values() for e in pair if e)
    # Per subject: participations; the total "": distinct participants (физические лица), so it is
    # counted here rather than summed over subjects.
    sum_totals = False

    def validate(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        require_values(frame, located, ["participant", "org_code", "grade", "subject", "stage", "status"], self.titles())
        frame = parse_year(frame, located)
        frame = parse_numbers(frame, located, ["grade"], integer=True, low=1, high=11)
        frame = check_choice(frame, located, "stage", STAGES, "Этап")
        frame = check_choice(frame, located, "status", STATUSES, "Статус")
        frame = parse_numbers(frame, located, ["score", "max_score"], low=0)
        for key in ("score", "max_score"):
            if key not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(key))
        over = frame.filter(pl.col("score").is_not_null() & pl.col("max_score").is_not_null() & (pl.col("score") > pl.col("max_score")))
        located.add_rows(over, "score", lambda r: f"балл {r['score']:g} больше максимального ({r['max_score']:g}).")
        slugs = {s: subject_slug(s) for s in frame.get_column("subject").unique().to_list() if s is not None}
        frame = frame.with_columns(
            pl.col("subject").replace_strict(slugs, default=None, return_dtype=pl.String).alias("subject_code")
        )
        check_duplicates(frame, located, ["participant", "subject_code", "stage"], "участник с этим кодом на этом этапе по этому предмету", "participant")
        return frame

    def procedure_keys(self, frame: pl.DataFrame) -> list[str]:
        return sorted(s for s in frame.get_column("stage").unique().to_list() if s)

    def derive(self, frame: pl.DataFrame) -> pl.DataFrame:
        parts = []
        for stage, (participants, winners) in STAGE_ELEMENTS.items():
            rows = frame.lazy().filter(pl.col("stage") == stage)
            counts = {participants: pl.col("participant").is_not_null()}
            if winners:
                counts[winners] = pl.col("status").is_in(["winner", "prize"])
            part = count_elements(rows, ["org_code", "year", "subject_code"], counts, category=pl.col("subject_code"))
            if part.height:
                parts.append(part)
                persons = {participants: pl.col("participant").n_unique()}
                if winners:
                    persons[winners] = pl.col("participant").filter(pl.col("status").is_in(["winner", "prize"])).n_unique()
                totals = rows.group_by(["org_code", "year"]).agg(
                    [expr.cast(pl.Float64).alias(name) for name, expr in persons.items()]
                ).unpivot(index=["org_code", "year"], variable_name="element", value_name="value")
                parts.append(totals.select(
                    pl.col("org_code"), pl.col("year").cast(pl.Int64), pl.col("element"), pl.lit("").alias("category"),
                    pl.col("value"), pl.lit(None, dtype=pl.Int64).alias("source_row"),
                ).collect())
        return pl.concat(parts) if parts else empty_derived()
