"""ВПР results per participant, as exported from ФИС ОКО."""

from __future__ import annotations

import re

import polars as pl

from msoko.collection import vpr_spec
from msoko.collection.formats.base import Format
from msoko.collection.formats.common import (
    WARNING,
    Column,
    Context,
    Located,
    check_duplicates,
    count_elements,
    parse_numbers,
    parse_year,
    require_values,
)
from msoko.collection.readers.table import ROW

MAX_TASKS = max(t.task_count for t in vpr_spec.TESTS.values())
NOT_ATTEMPTED = ("x", "х", "-", "—", "н")  # «X» in ФИС ОКО: the task was not attempted (0 points)
_TASK_HEADER = re.compile(r"^(?:задание|зад|task|з)?\s*(\d{1,2})$")

ORG = Column("org_code", "Код ОО", ("Код организации", "Код ОУ", "Код школы", "Логин ОО", "Код образовательной организации"))
YEAR = Column("year", "Учебный год", ("Год", "Уч. год", "Учебный год проведения"), required=False)


class VprFormat(Format):
    kind = "vpr"
    title = "ВПР (результаты участников, ФИС ОКО)"
    columns = (
        YEAR,
        ORG,
        Column("class_name", "Класс", ("Литера класса", "Класс (литера)", "Буква класса"), required=False),
        Column("grade", "Параллель", ("Номер класса", "Класс (параллель)", "Параллель класса"), required=False),
        Column("subject", "Предмет", ("Учебный предмет", "Название предмета")),
        Column("participant", "Код участника", ("Код обучающегося", "Код ученика", "ID участника", "Идентификатор участника")),
        Column("variant", "Вариант", ("Номер варианта",), required=False),
        Column("primary", "Первичный балл", ("Сумма баллов", "Первичный балл (сумма)", "Итоговый балл")),
        Column("mark", "Отметка", ("Отметка за работу", "Отметка ВПР", "Оценка", "Оценка за работу"), required=False),
        Column(
            "journal", "Отметка по журналу",
            ("Отметка за предыдущую четверть", "Отметка за предыдущий триместр", "Оценка по журналу",
             "Отметка по журналу за предыдущую четверть", "Отметка за четверть"),
            required=False,
        ),
    )
    derived_elements = (
        "vpr_participants", "vpr_mark2", "vpr_mark3", "vpr_mark4", "vpr_mark5",
        "vpr_lowered", "vpr_confirmed", "vpr_raised",
        "vpr_noo_participants", "vpr_noo_mark2", "vpr_noo_mark4", "vpr_noo_mark5",
    )

    def extra_headers(self, headers: list[str], context: Context) -> dict[str, str]:
        extra = {}
        for header in headers:
            match = _TASK_HEADER.match(" ".join(header.casefold().replace(".", " ").replace("№", " ").split()))
            if match and 1 <= int(match.group(1)) <= 99:
                extra[header] = f"task_{int(match.group(1))}"
        return extra

    @staticmethod
    def task_keys(frame: pl.DataFrame) -> list[str]:
        return sorted((c for c in frame.columns if c.startswith("task_")), key=lambda c: int(c[5:]))

    def validate(self, frame: pl.DataFrame, located: Located, context: Context) -> pl.DataFrame:
        titles = self.titles()
        require_values(frame, located, ["org_code", "subject", "participant"], titles)
        frame = parse_year(frame, located)
        frame = self._grade(frame, located)
        frame = self._subject(frame, located)
        tasks = self.task_keys(frame)
        frame = parse_numbers(frame, located, tasks, integer=True, low=0, blanks=NOT_ATTEMPTED)
        frame = parse_numbers(frame, located, ["primary"], integer=True, low=0)
        frame = parse_numbers(frame, located, ["mark", "journal"], integer=True, low=2, high=5)
        frame = self._against_spec(frame, located, tasks)
        check_duplicates(frame, located, ["participant", "subject_code"], "участник с этим кодом по этому предмету", "participant")
        return frame

    def _grade(self, frame: pl.DataFrame, located: Located) -> pl.DataFrame:
        from_class = (
            pl.col("class_name").str.extract(r"^\s*(\d{1,2})", 1).cast(pl.Int64, strict=False)
            if "class_name" in frame.columns else pl.lit(None, dtype=pl.Int64)
        )
        if "grade" in frame.columns:
            frame = parse_numbers(frame, located, ["grade"], integer=True, low=1, high=11)
            grade = pl.col("grade").cast(pl.Int64, strict=False)
        else:
            grade = pl.lit(None, dtype=pl.Int64)
        frame = frame.with_columns(pl.coalesce(grade, from_class).alias("grade"))
        missing = frame.filter(pl.col("grade").is_null())
        located.add_rows(missing, "class_name", lambda r: "не указан класс (параллель).")
        return frame

    def _subject(self, frame: pl.DataFrame, located: Located) -> pl.DataFrame:
        names = [s for s in frame.get_column("subject").unique().to_list() if s is not None]
        codes = {name: vpr_spec.subject_code(name) for name in names}
        frame = frame.with_columns(
            pl.col("subject").replace_strict(codes, default=None, return_dtype=pl.String).alias("subject_code")
        )
        unknown = frame.filter(pl.col("subject").is_not_null() & pl.col("subject_code").is_null())
        known = ", ".join(vpr_spec.SUBJECTS.values())
        located.add_rows(unknown, "subject", lambda r: f"неизвестный предмет ВПР «{r['subject']}» (известны: {known}).")
        return frame

    def _against_spec(self, frame: pl.DataFrame, located: Located, tasks: list[str]) -> pl.DataFrame:
        spec_rows = []
        for (subject, grade), test in vpr_spec.TESTS.items():
            row = {"subject_code": subject, "grade": grade, "__max": test.max_score, "__count": test.task_count,
                   "__b3": test.boundaries[0], "__b4": test.boundaries[1], "__b5": test.boundaries[2]}
            for i in range(1, MAX_TASKS + 1):
                row[f"__max_{i}"] = test.task_max[i - 1] if i <= test.task_count else None
            spec_rows.append(row)
        spec = pl.DataFrame(spec_rows, schema_overrides={f"__max_{i}": pl.Int64 for i in range(1, MAX_TASKS + 1)})
        frame = frame.join(spec, on=["subject_code", "grade"], how="left")
        no_test = frame.filter(pl.col("subject_code").is_not_null() & pl.col("grade").is_not_null() & pl.col("__max").is_null())
        located.add_rows(
            no_test, "subject",
            lambda r: f"ВПР по предмету «{r['subject']}» для {r['grade']} класса не проводится (нет в спецификации).",
        )
        for key in tasks:
            number = int(key[5:])
            limit = pl.col(f"__max_{number}") if number <= MAX_TASKS else pl.lit(None, dtype=pl.Int64)
            over = frame.filter(pl.col(key).is_not_null() & limit.is_not_null() & (pl.col(key) > limit))
            located.add_rows(
                over.with_columns(limit.alias("__limit")), key,
                lambda r, n=number: f"балл {int(r[f'task_{n}'])} за задание {n} больше максимального ({r['__limit']}).",
            )
            extra = frame.filter(pl.col(key).is_not_null() & pl.col("__max").is_not_null() & limit.is_null())
            located.add_rows(
                extra, key,
                lambda r, n=number: f"в ВПР «{r['subject']}», {r['grade']} класс, нет задания {n}, а балл указан.",
            )
        over_primary = frame.filter(pl.col("primary").is_not_null() & (pl.col("primary") > pl.col("__max")))
        located.add_rows(
            over_primary, "primary",
            lambda r: f"первичный балл {int(r['primary'])} больше максимального ({r['__max']}).",
        )
        if tasks:
            present = pl.sum_horizontal([pl.col(k).is_not_null().cast(pl.Int64) for k in tasks])
            total = pl.sum_horizontal([pl.col(k).fill_null(0) for k in tasks])
            frame = frame.with_columns(present.alias("__present"), total.alias("__sum"))
            mismatch = frame.filter(
                pl.col("primary").is_not_null() & (pl.col("__present") == pl.col("__count"))
                & (pl.col("__sum") != pl.col("primary"))
            )
            located.add_rows(
                mismatch, "primary",
                lambda r: f"первичный балл {int(r['primary'])} не равен сумме баллов за задания ({int(r['__sum'])}).",
            )
        computed = (
            pl.when(pl.col("primary") >= pl.col("__b5")).then(5)
            .when(pl.col("primary") >= pl.col("__b4")).then(4)
            .when(pl.col("primary") >= pl.col("__b3")).then(3)
            .when(pl.col("primary").is_not_null() & pl.col("__b3").is_not_null()).then(2)
            .otherwise(None)
        ).cast(pl.Float64)
        if "mark" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("mark"))
        frame = frame.with_columns(computed.alias("__computed"))
        blank = frame.filter(pl.col("mark").is_null() & pl.col("__computed").is_not_null())
        if blank.height:
            located.add(
                f"отметка не указана в {blank.height} строках — вычислена по первичному баллу и границам отметок.",
                row=blank.get_column(ROW).min(), column="mark", level=WARNING,
            )
        differs = frame.filter(
            pl.col("mark").is_not_null() & pl.col("__computed").is_not_null() & (pl.col("mark") != pl.col("__computed"))
        )
        located.add_rows(
            differs, "mark",
            lambda r: f"отметка {int(r['mark'])} не соответствует первичному баллу {int(r['primary'])} "
            f"по границам спецификации (ожидалась {int(r['__computed'])}).",
            level=WARNING,
        )
        frame = frame.with_columns(pl.coalesce(pl.col("mark"), pl.col("__computed")).alias("mark"))
        if "journal" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("journal"))
        return frame.drop([c for c in frame.columns if c.startswith("__") and c != ROW])

    def procedure_keys(self, frame: pl.DataFrame) -> list[str]:
        return sorted({f"{s}-{g}" for s, g in frame.select("subject_code", "grade").unique().iter_rows() if s and g})

    def derive(self, frame: pl.DataFrame) -> pl.DataFrame:
        mark, journal = pl.col("mark"), pl.col("journal")
        counts = {
            "vpr_participants": pl.col(ROW).is_not_null(),
            "vpr_mark2": mark == 2,
            "vpr_mark3": mark == 3,
            "vpr_mark4": mark == 4,
            "vpr_mark5": mark == 5,
            "vpr_lowered": journal.is_not_null() & (mark < journal),
            "vpr_confirmed": journal.is_not_null() & (mark == journal),
            "vpr_raised": journal.is_not_null() & (mark > journal),
        }
        group = ["org_code", "year", "subject_code", "grade"]
        category = pl.concat_str([pl.col("subject_code"), pl.lit("-"), pl.col("grade").cast(pl.String)])
        all_grades = count_elements(frame, group, counts, category=category)
        # НОО: the same counts restricted to the 4th grade (catalog elements vpr_noo_*). The grade is
        # part of the group, so they are the 4th-grade rows of `all_grades` under the НОО names.
        noo_names = {
            "vpr_participants": "vpr_noo_participants",
            "vpr_mark2": "vpr_noo_mark2",
            "vpr_mark4": "vpr_noo_mark4",
            "vpr_mark5": "vpr_noo_mark5",
        }
        noo = all_grades.filter(
            pl.col("category").str.ends_with("-4") & pl.col("element").is_in(list(noo_names))
        ).with_columns(pl.col("element").replace_strict(noo_names, return_dtype=pl.String))
        return pl.concat([all_grades, noo]) if noo.height else all_grades
