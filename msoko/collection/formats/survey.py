"""Survey exports from form tools (Google Forms and the like): one row per answer sheet.

Columns: `Отметка времени`, `Код ОО`, `Респондент`, then question columns with answers on a
1–5 scale or да/нет. Aggregated per organisation and respondent group; no answer sheet is stored.
"""

from __future__ import annotations

import polars as pl

from msoko.collection.formats.base import Format
from msoko.collection.formats.common import (
    WARNING,
    Column,
    Context,
    Located,
    check_choice,
    count_elements,
    empty_derived,
    normalise_header,
    number_expr,
    require_values,
)
from msoko.collection.formats.values import NO, YES
from msoko.collection.formats.vpr import ORG
from msoko.collection.readers.table import ROW

RESPONDENTS = {
    "родитель": "parent", "родители": "parent", "родитель законный представитель": "parent",
    "законный представитель": "parent",
    "обучающийся": "student", "обучающиеся": "student", "ученик": "student", "учащийся": "student",
    "педагог": "teacher", "педагоги": "teacher", "учитель": "teacher", "педагогический работник": "teacher",
}
QUESTION_PREFIX = "q:"
PERSONAL_WORDS = ("почт", "email", "e mail", "телефон")


def question_title(key: str) -> str:
    return key[len(QUESTION_PREFIX):]


class SurveyFormat(Format):
    kind = "survey"
    title = "Анкетирование (выгрузка формы опроса)"
    has_year_column = False
    derived_elements = ("survey_respondents", "survey_satisfied")
    columns = (
        Column("timestamp", "Отметка времени", ("Дата и время", "Время ответа", "Timestamp", "Дата заполнения"), required=False),
        ORG,
        Column("respondent", "Респондент", ("Категория респондента", "Вы", "Категория участника", "Кто вы")),
    )

    def extra_headers(self, headers: list[str], context: Context) -> dict[str, str]:
        fixed = {normalise_header(t) for c in self.columns for t in (c.title, c.key, *c.synonyms)}
        extra = {}
        for header in headers:
            normal = normalise_header(header)
            if not header or normal in fixed or any(w in normal for w in PERSONAL_WORDS):
                continue
            extra[header] = QUESTION_PREFIX + header
        return extra

    def validate(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        require_values(frame, located, ["org_code", "respondent"], self.titles())
        frame = check_choice(frame, located, "respondent", RESPONDENTS, "Респондент")
        frame = self._year(frame, located, context)
        questions = [c for c in frame.columns if c.startswith(QUESTION_PREFIX)]
        if not questions:
            located.add("нет ни одного столбца с вопросами анкеты.", row=1)
        kinds = {}
        for key in questions:
            frame, kind = self._answers(frame, located, key)
            if kind is None:
                frame = frame.drop(key)
            else:
                kinds[key] = kind
        satisfied = [k for k in kinds if "удовлетвор" in normalise_header(question_title(k)) and kinds[k] == "yes_no"]
        if not satisfied and kinds:
            first = next(iter(kinds))
            if kinds[first] == "yes_no":
                satisfied = [first]
        if not satisfied:
            located.add(
                "не найден вопрос «Удовлетворены ли вы качеством образования в организации?» с ответами да/нет.",
                row=1,
            )
            return frame
        return frame.with_columns((pl.col(satisfied[0]) == 1).fill_null(False).alias("__satisfied"))

    def _year(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        if "timestamp" not in frame.columns:
            return frame.with_columns(pl.lit(context.year, dtype=pl.Int64).alias("year"))
        raw = pl.col("timestamp")
        date = pl.coalesce(
            raw.str.to_datetime("%d.%m.%Y %H:%M:%S", strict=False),
            raw.str.to_datetime("%d.%m.%Y %H:%M", strict=False),
            raw.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False),
            raw.str.to_datetime("%Y/%m/%d %H:%M:%S", strict=False),
            raw.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False),
            raw.str.to_date("%d.%m.%Y", strict=False).cast(pl.Datetime),
            raw.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime),
        )
        frame = frame.with_columns(date.alias("__when"))
        bad = frame.filter(raw.is_not_null() & pl.col("__when").is_null())
        located.add_rows(bad, "timestamp", lambda r: f"«{r['timestamp']}» — не дата и время (ожидается ДД.ММ.ГГГГ ЧЧ:ММ:СС).")
        start = pl.when(pl.col("__when").dt.month() >= 9).then(pl.col("__when").dt.year()).otherwise(pl.col("__when").dt.year() - 1)
        frame = frame.with_columns(pl.coalesce(start.cast(pl.Int64), pl.lit(context.year, dtype=pl.Int64)).alias("year"))
        return frame.drop("__when")

    def _answers(self, frame: pl.DataFrame, located: Located, key: str) -> tuple[pl.DataFrame, str | None]:
        lowered = pl.col(key).str.to_lowercase()
        values = frame.select(
            pl.col(ROW), pl.col(key).alias("__raw"),
            lowered.is_in(list(YES | NO)).alias("__yn"),
            number_expr(key).alias("__num"),
        )
        present = values.filter(pl.col("__raw").is_not_null())
        if present.height == 0:
            return frame.with_columns(pl.col(key).cast(pl.Float64, strict=False)), "scale"
        if present.get_column("__yn").all():
            return frame.with_columns(
                pl.when(lowered.is_in(list(YES))).then(1.0).when(lowered.is_in(list(NO))).then(0.0).otherwise(None).alias(key)
            ), "yes_no"
        numeric = present.filter(pl.col("__num").is_not_null())
        if numeric.height == 0:
            located.add("вопрос со свободными ответами не агрегируется и пропущен.", row=1, column=key, level=WARNING)
            return frame, None
        bad = present.filter(pl.col("__num").is_null())
        located.add_rows(bad, key, lambda r: f"ответ «{r['__raw']}» — ожидается число от 1 до 5.")
        out = present.filter(pl.col("__num").is_not_null() & ((pl.col("__num") < 1) | (pl.col("__num") > 5)))
        located.add_rows(out, key, lambda r: f"ответ {r['__raw']} вне шкалы 1–5.")
        return frame.with_columns(values.get_column("__num").alias(key)), "scale"

    def derive(self, frame: pl.DataFrame) -> pl.DataFrame:
        if frame.height == 0:
            return empty_derived()
        return count_elements(
            frame, ["org_code", "year", "respondent"],
            {"survey_respondents": pl.col("org_code").is_not_null(), "survey_satisfied": pl.col("__satisfied").fill_null(False)},
            category=pl.col("respondent"),
        )

    def question_aggregates(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Per organisation, respondent group and question: answers, mean (1–5) and count of «да»."""
        questions = [c for c in frame.columns if c.startswith(QUESTION_PREFIX)]
        if not questions or frame.height == 0:
            return pl.DataFrame(schema={"org_code": pl.String, "year": pl.Int64, "respondent": pl.String,
                                        "question": pl.String, "answers": pl.Int64, "mean": pl.Float64, "yes": pl.Int64})
        long = frame.select(["org_code", "year", "respondent", *questions]).unpivot(
            index=["org_code", "year", "respondent"], on=questions, variable_name="question", value_name="answer"
        ).filter(pl.col("answer").is_not_null())
        return long.group_by(["org_code", "year", "respondent", "question"], maintain_order=True).agg(
            pl.len().cast(pl.Int64).alias("answers"),
            pl.col("answer").mean().alias("mean"),
            (pl.col("answer") == 1).sum().cast(pl.Int64).alias("yes"),
        ).with_columns(pl.col("question").str.slice(len(QUESTION_PREFIX)))
