"""Objectivity checks: signs of bias (необъективность) in a school's ВПР results, with evidence.

Five documented criteria (the Russian description of each, with its thresholds, is in
`docs/analytics/objectivity.md`); every criterion returns rows of `DETAIL_SCHEMA`, one per school,
year and *scope* (a test, a boundary, a cohort, an exam), and `run_objectivity` adds the per
school-year summary. All computation is vectorised Polars; nothing here imports Django.

Inputs (column names exactly, extra columns ignored):
- ВПР participants: ``org_code, year, subject, grade, participant, primary, mark, journal_mark``;
- mark boundaries: ``subject, grade, b3, b4, b5`` (optionally ``year``), see `boundaries_from_spec`;
- ГИА participants: ``org_code, year, exam, subject, primary, test_score, mark, min_score, high_score``;
- ВсОШ: ``year, participant, org_code, grade, subject, stage, status, score, max_score``.
``year`` is the start year of the academic year (2024 = 2024/25).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import polars as pl

from msoko.analytics.core.errors import InputError, SettingsError
from msoko.collection import vpr_spec

#: Criterion code → Russian name (the order is the order of the report).
CRITERIA: dict[str, str] = {
    "journal_marks": "ВПР и отметки в журнале",
    "boundary_excess": "Избыток первичных баллов у границ отметок",
    "vpr_vs_gia": "ВПР и ГИА той же школы",
    "cohort_jump": "Неправдоподобный скачок результатов параллели",
    "olympiad": "ВсОШ: победители и призёры школьного этапа на муниципальном этапе",
}

DETAIL_SCHEMA: dict[str, pl.DataType] = {
    "org_code": pl.String(),
    "year": pl.Int64(),
    "criterion": pl.String(),
    "scope": pl.String(),
    "participants": pl.Int64(),
    "flagged": pl.Boolean(),
    "value": pl.Float64(),
    "threshold": pl.Float64(),
    "evidence": pl.String(),
}

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "org_code": pl.String(),
    "year": pl.Int64(),
    "criteria_checked": pl.Int64(),
    "criteria_flagged": pl.Int64(),
    "flagged": pl.Boolean(),
    "criteria": pl.String(),
    "evidence": pl.String(),
}

VPR_COLUMNS = ("org_code", "year", "subject", "grade", "primary", "mark", "journal_mark")
GIA_COLUMNS = ("org_code", "year", "exam", "subject", "primary", "test_score", "mark", "min_score", "high_score")
OLYMPIAD_COLUMNS = ("year", "participant", "org_code", "subject", "stage", "status", "score", "max_score")
BOUNDARY_COLUMNS = ("subject", "grade", "b3", "b4", "b5")

_EXAMS = {"ОГЭ": "ОГЭ", "oge": "ОГЭ", "ЕГЭ": "ЕГЭ", "ege": "ЕГЭ", "ГВЭ": "ГВЭ", "gve": "ГВЭ"}
_SCHOOL_STAGE = ("школьный", "школьный этап", "school")
_MUNICIPAL_STAGE = ("муниципальный", "муниципальный этап", "municipal")
_AWARDED = ("победитель", "призёр", "призер", "winner", "prize")
COHORT_DIRECTIONS = ("rise", "both")


@dataclass(frozen=True)
class ObjectivitySettings:
    """Thresholds of the objectivity criteria; every result stores `to_dict()` of these.

    min_participants: a school's test (or exam) enters a criterion only with at least this many
        participants (default 10); smaller groups get a row with ``flagged = False`` saying so.
    min_z: the difference must also be statistically clear: a z statistic of at least this (3.0,
        one-sided ≈ 0.13 %: a school has dozens of tests a year, so a looser level would flag
        ordinary schools by chance) for the criteria «ВПР и журнал» and «границы отметок», so that a small
        school is flagged only for a larger difference.
    journal_threshold_pp: criterion «ВПР и журнал» — flag when the school's share of participants
        whose ВПР mark is above (повысили) or below (понизили) the journal mark exceeds the
        municipal share of the same test and year by more than this many percentage points (15).
    boundary_window: width w of the score windows [b − w, b) and [b, b + w) around the minimum
        primary score b of the marks 3 and 4 (default 2 points).
    boundary_ratio: flag when (above + 0.5) / (below + 0.5) of the school divided by the same
        ratio of the municipality exceeds this (default 2, i.e. twice the municipal excess).
    boundary_min_near: at least this many of the school's participants must be in the two windows
        together (default 5), so that 2 against 0 is never a finding.
    gia_pairs: (ВПР grade, exam, year offset): ВПР of grade g in year y is compared with the exam of
        year y + offset — by default the same cohort: 8 → ОГЭ next year, 9 → ОГЭ the same year,
        10 → ЕГЭ next year, 11 → ЕГЭ the same year.
    gia_subjects: ВПР subject codes compared with ГИА (default Russian and mathematics).
    gia_subject_aliases: ГИА subject code → ВПР code (ЕГЭ базовая and профильная → ``ma``).
    gia_top_percentile: a school is in the top ВПР group at or above this percentile rank (75).
    gia_rank_gap: flag when the ВПР percentile rank exceeds the ГИА one by more than this (50).
    gia_min_schools: percentile ranks need at least this many schools with both results (4).
    ege_high_score: ЕГЭ «высокий балл» when ``high_score`` is blank (81).
    cohort_k: criterion «скачок параллели» — flag when a school's change exceeds the mean change of
        the other schools by more than k standard deviations of their changes (default 3) ...
    cohort_min_mark: ... and by at least this much of a mark for the mean mark (0.3) ...
    cohort_min_fail_pp: ... or this many percentage points for the share of «2» (10).
    cohort_min_schools: other schools needed to judge a change (default 5).
    cohort_direction: ``rise`` (default) — only implausible improvements are flagged (they point
        at the later year); ``both`` — drops too.
    olympiad_low_share_of_max: a municipal-stage score below this share of the maximum is low
        (default 0.25).
    olympiad_threshold_pct: flag when more than this percentage (50) of the school-stage winners
        and prize-winners who took part in the municipal stage scored low there ...
    olympiad_min_count: ... and there were at least this many of them (default 5).
    min_criteria: a school-year is flagged when at least this many different criteria flag it
        (default 2: a single criterion is a sign to look at, two independent ones put the school on
        the list; 1 is the strict choice).
    """

    min_participants: int = 10
    min_z: float = 3.0
    journal_threshold_pp: float = 15.0
    boundary_window: int = 2
    boundary_ratio: float = 2.0
    boundary_min_near: int = 5
    gia_pairs: tuple[tuple[int, str, int], ...] = ((8, "ОГЭ", 1), (9, "ОГЭ", 0), (10, "ЕГЭ", 1), (11, "ЕГЭ", 0))
    gia_subjects: tuple[str, ...] = ("ru", "ma")
    gia_subject_aliases: tuple[tuple[str, str], ...] = (("mb", "ma"), ("mp", "ma"))
    gia_top_percentile: float = 75.0
    gia_rank_gap: float = 50.0
    gia_min_schools: int = 4
    ege_high_score: int = 81
    cohort_k: float = 3.0
    cohort_min_mark: float = 0.3
    cohort_min_fail_pp: float = 10.0
    cohort_min_schools: int = 5
    cohort_direction: str = "rise"
    olympiad_low_share_of_max: float = 0.25
    olympiad_threshold_pct: float = 50.0
    olympiad_min_count: int = 5
    min_criteria: int = 2

    def __post_init__(self) -> None:
        for name in ("min_participants", "boundary_window", "boundary_min_near", "gia_min_schools",
                     "ege_high_score", "cohort_min_schools", "olympiad_min_count", "min_criteria"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SettingsError(f"Параметр {name}: ожидается целое число не меньше 1, получено «{value}».")
        for name in ("min_z", "journal_threshold_pp", "boundary_ratio", "gia_top_percentile", "gia_rank_gap",
                     "cohort_k", "cohort_min_mark", "cohort_min_fail_pp", "olympiad_threshold_pct"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise SettingsError(f"Параметр {name}: ожидается неотрицательное число, получено «{value}».")
        if not 0 < self.olympiad_low_share_of_max < 1:
            raise SettingsError(
                f"Параметр olympiad_low_share_of_max: доля должна быть больше 0 и меньше 1, "
                f"получено {self.olympiad_low_share_of_max}."
            )
        if self.cohort_direction not in COHORT_DIRECTIONS:
            raise SettingsError(
                f"Параметр cohort_direction: недопустимое значение «{self.cohort_direction}»; допустимы: rise, both."
            )
        for pair in self.gia_pairs:
            if len(pair) != 3 or _EXAMS.get(pair[1]) is None:
                raise SettingsError(f"Параметр gia_pairs: элемент {pair!r}; ожидается (класс ВПР, «ОГЭ»/«ЕГЭ», сдвиг лет).")

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready mapping stored with every result."""
        data = asdict(self)
        data["gia_pairs"] = [list(p) for p in self.gia_pairs]
        data["gia_subjects"] = list(self.gia_subjects)
        data["gia_subject_aliases"] = dict(self.gia_subject_aliases)
        return data


@dataclass(frozen=True)
class ObjectivityResult:
    """All criterion rows (`DETAIL_SCHEMA`), the school-year summary and the settings used."""

    details: pl.DataFrame
    summary: pl.DataFrame
    settings: dict[str, object]

    def flagged(self) -> pl.DataFrame:
        """The summary rows of flagged school-years: the list that can feed the ШНОР input."""
        return self.summary.filter(pl.col("flagged"))


# --------------------------------------------------------------------------------------------
# formatting helpers (vectorised, Russian number style: decimal comma, true minus sign)


def _num(expr: pl.Expr, decimals: int = 1, signed: bool = False) -> pl.Expr:
    """Number as Russian text: «12,5», «38», with ``signed`` «+26» / «−5»."""
    rounded = expr.round(decimals) + 0.0  # + 0.0 turns −0.0 into 0.0
    text = rounded.abs().cast(pl.String).str.strip_suffix(".0").str.replace(".", ",", literal=True)
    sign = pl.when(rounded < 0).then(pl.lit("−")).otherwise(pl.lit("+" if signed else ""))
    return pl.concat_str([sign, text])


def _year_label(expr: pl.Expr) -> pl.Expr:
    return pl.format("{}/{}", expr, ((expr + 1) % 100).cast(pl.String).str.zfill(2))


def _subject_name(subject: pl.Expr) -> pl.Expr:
    """Russian subject name for a ВПР code (the code itself when unknown)."""
    return subject.replace_strict(vpr_spec.SUBJECTS, default=subject, return_dtype=pl.String)


def _test_label(subject: pl.Expr, grade: pl.Expr) -> pl.Expr:
    return pl.format("{}, {} класс", _subject_name(subject), grade)


def _few(n: pl.Expr, minimum: int) -> pl.Expr:
    return pl.when(n < minimum).then(
        pl.format(" Участников {} — меньше {}, критерий не применяется.", n, pl.lit(minimum))
    ).otherwise(pl.lit(""))


def _finish(frame: pl.DataFrame | pl.LazyFrame, criterion: str) -> pl.LazyFrame:
    """The criterion rows as a lazy plan cast to `DETAIL_SCHEMA` (unsorted: see `_sorted`)."""
    return (
        frame.lazy()
        .with_columns(criterion=pl.lit(criterion))
        .select([pl.col(name).cast(dtype) for name, dtype in DETAIL_SCHEMA.items()])
        .with_columns(pl.col("flagged").fill_null(False))
    )


def _sorted(rows: pl.LazyFrame) -> pl.DataFrame:
    """One criterion's rows, collected and sorted for stable output."""
    return rows.sort(["org_code", "year", "scope"]).collect()


def _require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        listed = ", ".join(f"«{c}»" for c in missing)
        raise InputError([f"{what}: нет обязательных столбцов: {listed}."])


def _prepare_vpr(vpr: pl.DataFrame) -> pl.LazyFrame:
    _require(vpr, VPR_COLUMNS, "Результаты ВПР")
    return vpr.lazy().select(
        pl.col("org_code").cast(pl.String),
        pl.col("year").cast(pl.Int64),
        pl.col("subject").cast(pl.String),
        pl.col("grade").cast(pl.Int64),
        pl.col("primary").cast(pl.Int64),
        pl.col("mark").cast(pl.Int64),
        pl.col("journal_mark").cast(pl.Int64),
    ).filter(pl.col("org_code").is_not_null() & pl.col("year").is_not_null())


def boundaries_from_spec() -> pl.DataFrame:
    """Mark boundaries of every test of `msoko.collection.vpr_spec`: ``subject, grade, b3, b4, b5``."""
    tests = list(vpr_spec.TESTS.values())
    return pl.DataFrame(
        {
            "subject": [t.subject for t in tests],
            "grade": [t.grade for t in tests],
            "b3": [t.boundaries[0] for t in tests],
            "b4": [t.boundaries[1] for t in tests],
            "b5": [t.boundaries[2] for t in tests],
        },
        schema={"subject": pl.String, "grade": pl.Int64, "b3": pl.Int64, "b4": pl.Int64, "b5": pl.Int64},
    )


def _boundary_frame(boundaries: pl.DataFrame | None) -> tuple[pl.DataFrame, list[str]]:
    bounds = boundaries_from_spec() if boundaries is None else boundaries
    _require(bounds, BOUNDARY_COLUMNS, "Границы отметок ВПР")
    on = ["subject", "grade", *(["year"] if "year" in bounds.columns else [])]
    typed = bounds.select(
        *[pl.col(c).cast(pl.String if c == "subject" else pl.Int64) for c in on],
        pl.col("b3").cast(pl.Int64),
        pl.col("b4").cast(pl.Int64),
    ).unique(on, keep="first")
    return typed, on


def test_stats(
    vpr: pl.DataFrame, boundaries: pl.DataFrame | None = None, settings: ObjectivitySettings | None = None
) -> pl.DataFrame:
    """One row per school, year, subject and grade with every count the ВПР criteria need.

    ``n`` participants with a mark, ``mean_mark``, ``fail`` («2»), ``good`` («4»–«5»);
    ``n_journal`` with both marks and ``lowered`` / ``confirmed`` / ``raised`` among them;
    ``b3``, ``b4`` and the counts ``above3``, ``below3``, ``above4``, ``below4`` of primary scores
    in [b, b + w) and [b − w, b) (null without boundaries). One pass over the participants.
    """
    s = settings or ObjectivitySettings()
    bounds, on = _boundary_frame(boundaries)
    w = s.boundary_window
    mark, journal, primary = pl.col("mark"), pl.col("journal_mark"), pl.col("primary")

    def window(column: str, low: int, high: int) -> pl.Expr:
        b = pl.col(column)
        return ((primary >= b + low) & (primary < b + high)).sum().cast(pl.Int64)

    lazy = _prepare_vpr(vpr).join(bounds.lazy(), on=on, how="left")
    return (
        lazy.group_by(["org_code", "year", "subject", "grade"])
        .agg(
            n=mark.count().cast(pl.Int64),
            mean_mark=mark.mean(),
            fail=(mark == 2).sum().cast(pl.Int64),
            good=(mark >= 4).sum().cast(pl.Int64),
            n_journal=(mark.is_not_null() & journal.is_not_null()).sum().cast(pl.Int64),
            lowered=(mark < journal).sum().cast(pl.Int64),
            confirmed=(mark == journal).sum().cast(pl.Int64),
            raised=(mark > journal).sum().cast(pl.Int64),
            n_primary=primary.count().cast(pl.Int64),
            b3=pl.col("b3").first(),
            b4=pl.col("b4").first(),
            above3=window("b3", 0, w),
            below3=window("b3", -w, 0),
            above4=window("b4", 0, w),
            below4=window("b4", -w, 0),
        )
        .collect()
    )


# --------------------------------------------------------------------------------------------
# criterion 1: ВПР marks versus journal marks


def journal_marks(vpr: pl.DataFrame, settings: ObjectivitySettings | None = None) -> pl.DataFrame:
    """Shares понизили / подтвердили / повысили of each school's test against the municipality.

    Only participants with both marks count. Two rows per school and test: ``повысили`` (ВПР mark
    above the journal mark) and ``понизили`` (below); value = school share − municipal share of the
    same year, subject and grade in percentage points (the municipal share includes the school).
    """
    s = settings or ObjectivitySettings()
    return _sorted(_journal_marks(test_stats(vpr, None, s), s))


def _journal_marks(stats: pl.DataFrame, s: ObjectivitySettings) -> pl.LazyFrame:
    test = ["year", "subject", "grade"]
    school = stats.lazy().filter(pl.col("n_journal") > 0).with_columns(n=pl.col("n_journal"))
    # everything that depends on the test alone (label, municipal shares and their texts) is
    # computed once per test, not once per school
    words = (("повысили", "raised", "выше"), ("понизили", "lowered", "ниже"))
    key = pl.format("{}-{}", pl.col("subject"), pl.col("grade"))
    muni = (
        school.group_by(test)
        .agg(m_n=pl.col("n").sum(), m_lowered=pl.col("lowered").sum(), m_raised=pl.col("raised").sum())
        .with_columns(
            m_pct_lowered=pl.col("m_lowered") * 100.0 / pl.col("m_n"),
            m_pct_raised=pl.col("m_raised") * 100.0 / pl.col("m_n"),
            label=_test_label(pl.col("subject"), pl.col("grade")),
            **{f"scope_{count}": pl.format("{}, {}", key, pl.lit(word)) for word, count, _ in words},
        )
        .with_columns(**{f"m_text_{count}": _num(pl.col(f"m_pct_{count}")) for _, count, _ in words})
    )
    both = school.join(muni, on=test, how="left").with_columns(
        pct_lowered=pl.col("lowered") * 100.0 / pl.col("n"),
        pct_confirmed=pl.col("confirmed") * 100.0 / pl.col("n"),
        pct_raised=pl.col("raised") * 100.0 / pl.col("n"),
    ).with_columns(
        # the same for both rows of a school's test
        tail=pl.concat_str(
            [
                pl.format(
                    " Понизили {} %, подтвердили {} %, повысили {} %.",
                    _num(pl.col("pct_lowered")), _num(pl.col("pct_confirmed")), _num(pl.col("pct_raised")),
                ),
                _few(pl.col("n"), s.min_participants),
            ]
        )
    )
    threshold = float(s.journal_threshold_pp)
    parts = []
    for _, count, phrase in words:
        share, m_share = f"pct_{count}", f"m_pct_{count}"
        diff = pl.col(share) - pl.col(m_share)
        p0 = pl.col(m_share) / 100.0
        z = (diff / 100.0) / (p0 * (1.0 - p0) / pl.col("n")).sqrt()
        parts.append(
            both.select(
                "org_code",
                "year",
                scope=pl.col(f"scope_{count}"),
                participants=pl.col("n"),
                value=diff,
                threshold=pl.lit(threshold),
                flagged=(diff > threshold) & (z >= s.min_z) & (pl.col("n") >= s.min_participants),
                evidence=pl.concat_str(
                    [
                        pl.format(
                            "{}: ВПР {} журнальной отметки у {} % участников ({} из {}) при {} % по "
                            "муниципалитету; разница {} п.п. (порог: +{} п.п.), z = {} (порог: {}).",
                            pl.col("label"), pl.lit(phrase), _num(pl.col(share)), pl.col(count), pl.col("n"),
                            pl.col(f"m_text_{count}"), _num(diff, signed=True), _num(pl.lit(threshold)),
                            _num(z, 2), _num(pl.lit(float(s.min_z)), 2),
                        ),
                        pl.col("tail"),
                    ]
                ),
            )
        )
    return _finish(pl.concat(parts), "journal_marks")


# --------------------------------------------------------------------------------------------
# criterion 2: excess mass just above a mark boundary


def boundary_excess(
    vpr: pl.DataFrame, boundaries: pl.DataFrame | None = None, settings: ObjectivitySettings | None = None
) -> pl.DataFrame:
    """Excess of primary scores just above the boundaries of the marks 3 and 4.

    For a boundary b and window w: above = participants with a score in [b, b + w), below = in
    [b − w, b); the school's ratio (above + 0.5) / (below + 0.5) is divided by the same ratio of the
    municipality (all schools of the test and year); value = that quotient. Tests without
    boundaries are skipped. One row per school, test and boundary.
    """
    s = settings or ObjectivitySettings()
    return _sorted(_boundary_excess(test_stats(vpr, boundaries, s), s))


def _boundary_excess(stats: pl.DataFrame, s: ObjectivitySettings) -> pl.LazyFrame:
    w = s.boundary_window
    test = ["year", "subject", "grade"]
    present = stats.lazy().filter(pl.col("b3").is_not_null() & (pl.col("n_primary") > 0))
    parts = []
    for mark in (3, 4):
        school = present.select(
            "org_code", *test, n=pl.col("n_primary"), boundary=pl.col(f"b{mark}"),
            above=pl.col(f"above{mark}"), below=pl.col(f"below{mark}"),
        )
        # the boundary is the test's: texts that depend on the test alone are made once per test
        bnd = pl.col("boundary")
        m_ratio = (pl.col("m_above") + 0.5) / (pl.col("m_below") + 0.5)
        muni = (
            school.group_by(test)
            .agg(m_above=pl.col("above").sum(), m_below=pl.col("below").sum(), boundary=bnd.first())
            .with_columns(m_ratio=m_ratio)
            .with_columns(
                scope=pl.format("{}-{}, отметка {}", pl.col("subject"), pl.col("grade"), pl.lit(mark)),
                head=pl.format(
                    "{}, граница отметки «{}» ({} баллов): ", _test_label(pl.col("subject"), pl.col("grade")),
                    pl.lit(mark), bnd,
                ),
                above_range=pl.format("{}–{}", bnd, bnd + w - 1),
                below_range=pl.format("{}–{}", bnd - w, bnd - 1),
                m_text=_num(pl.col("m_ratio"), 2),
            )
            .drop("boundary")
        )
        ratio = (pl.col("above") + 0.5) / (pl.col("below") + 0.5)
        near = pl.col("above") + pl.col("below")
        p0 = pl.col("m_above") / (pl.col("m_above") + pl.col("m_below"))
        z = (pl.col("above") - near * p0) / (near * p0 * (1.0 - p0)).sqrt()
        frame = school.join(muni, on=test, how="left").with_columns(ratio=ratio, z=z)
        value = pl.col("ratio") / pl.col("m_ratio")
        parts.append(
            frame.select(
                "org_code",
                "year",
                "scope",
                participants=pl.col("n"),
                value=value,
                threshold=pl.lit(float(s.boundary_ratio)),
                flagged=(value > s.boundary_ratio)
                & (pl.col("z") >= s.min_z)
                & (pl.col("n") >= s.min_participants)
                & (near >= s.boundary_min_near),
                evidence=pl.concat_str(
                    [
                        pl.col("head"),
                        pl.format(
                            "{} участников с баллами {} и {} с баллами {} (отношение {}) при отношении {} по "
                            "муниципалитету; превышение в {} раза (порог: {}), z = {} (порог: {}).",
                            pl.col("above"), pl.col("above_range"), pl.col("below"), pl.col("below_range"),
                            _num(pl.col("ratio"), 2), pl.col("m_text"), _num(value, 2),
                            _num(pl.lit(float(s.boundary_ratio)), 2), _num(pl.col("z"), 2),
                            _num(pl.lit(float(s.min_z)), 2),
                        ),
                        pl.when(near < s.boundary_min_near)
                        .then(pl.format(" У границы меньше {} участников, критерий не применяется.", pl.lit(s.boundary_min_near)))
                        .otherwise(pl.lit("")),
                        _few(pl.col("n"), s.min_participants),
                    ]
                ),
            )
        )
    return _finish(pl.concat(parts), "boundary_excess")


# --------------------------------------------------------------------------------------------
# criterion 3: ВПР versus ОГЭ / ЕГЭ of the same school


def _pct_rank(expr: pl.Expr, group: list[str]) -> pl.Expr:
    """Percentile rank 0–100 within the group: 100 × (average rank − 1) / (N − 1); null when N = 1."""
    n = pl.len().over(group)
    rank = expr.rank("average").over(group)
    return pl.when(n > 1).then((rank - 1) * 100.0 / (n - 1)).otherwise(None)


def vpr_vs_gia(vpr: pl.DataFrame, gia: pl.DataFrame, settings: ObjectivitySettings | None = None) -> pl.DataFrame:
    """Schools in the top ВПР group whose ГИА results of the same cohort are much worse.

    Per pair (ВПР grade, exam, offset) and subject: among the schools with both results (each with
    at least `min_participants`), percentile ranks of the ВПР share of «4»–«5», of the ГИА share of
    good results («4»–«5»; ЕГЭ: test score ≥ high score) and of the ГИА share without a fail
    («2»; ЕГЭ: below the minimum). value = ВПР rank − the lower of the two ГИА ranks; flagged when
    the ВПР rank is at least `gia_top_percentile` and value > `gia_rank_gap`. The row is recorded
    in the ВПР year.
    """
    s = settings or ObjectivitySettings()
    return _sorted(_vpr_vs_gia(test_stats(vpr, None, s), gia, s))


def _vpr_vs_gia(stats: pl.DataFrame, gia: pl.DataFrame, s: ObjectivitySettings) -> pl.LazyFrame:
    _require(gia, GIA_COLUMNS, "Результаты ГИА")
    aliases = dict(s.gia_subject_aliases)
    g = gia.lazy().select(
        pl.col("org_code").cast(pl.String),
        pl.col("year").cast(pl.Int64),
        pl.col("exam").cast(pl.String).replace_strict(_EXAMS, default=None, return_dtype=pl.String),
        pl.col("subject").cast(pl.String).replace(aliases),
        *[pl.col(c).cast(pl.Float64) for c in ("primary", "test_score", "mark", "min_score", "high_score")],
    )
    test_score, mark = pl.col("test_score"), pl.col("mark")
    good = pl.when(test_score.is_not_null()).then(test_score >= pl.col("high_score").fill_null(s.ege_high_score)).otherwise(mark >= 4)
    fail = (
        pl.when(test_score.is_not_null() & pl.col("min_score").is_not_null()).then(test_score < pl.col("min_score"))
        .when(mark.is_not_null()).then(mark == 2)
        .otherwise(pl.col("primary") < pl.col("min_score"))
    )
    g = g.with_columns(good=good, fail=fail).filter(pl.col("good").is_not_null() | pl.col("fail").is_not_null())
    gia_school = g.group_by(["org_code", "year", "exam", "subject"]).agg(
        g_n=pl.len().cast(pl.Int64),
        g_good=pl.col("good").mean() * 100.0,
        g_fail=pl.col("fail").mean() * 100.0,
    )
    vpr_school = stats.lazy().filter(pl.col("subject").is_in(list(s.gia_subjects)) & (pl.col("n") > 0)).select(
        "org_code", "year", "subject", "grade", v_n=pl.col("n"), v_good=pl.col("good") * 100.0 / pl.col("n")
    )
    pairs = pl.DataFrame(
        {"grade": [p[0] for p in s.gia_pairs], "exam": [_EXAMS[p[1]] for p in s.gia_pairs], "offset": [p[2] for p in s.gia_pairs]},
        schema={"grade": pl.Int64, "exam": pl.String, "offset": pl.Int64},
    )
    matched = (
        vpr_school.join(pairs.lazy(), on="grade", how="inner")
        .with_columns(gia_year=pl.col("year") + pl.col("offset"))
        .join(gia_school.rename({"year": "gia_year"}), on=["org_code", "gia_year", "exam", "subject"], how="inner")
    )
    enough = (pl.col("v_n") >= s.min_participants) & (pl.col("g_n") >= s.min_participants)
    ranked = matched.filter(enough)
    few = matched.filter(~enough)
    group = ["year", "subject", "grade", "exam"]
    ranked = ranked.with_columns(
        schools=pl.len().over(group).cast(pl.Int64),
        v_rank=_pct_rank(pl.col("v_good"), group),
        g_rank_good=_pct_rank(pl.col("g_good"), group),
        g_rank_pass=_pct_rank(-pl.col("g_fail"), group),
    ).with_columns(g_rank=pl.min_horizontal("g_rank_good", "g_rank_pass"))
    value = pl.col("v_rank") - pl.col("g_rank")
    judged = pl.col("schools") >= s.gia_min_schools
    ranked = ranked.with_columns(
        value=pl.when(judged).then(value).otherwise(None),
        flagged=judged & (pl.col("v_rank") >= s.gia_top_percentile) & (value > s.gia_rank_gap),
    )
    head = pl.format(
        "{}: ВПР {} — «4» и «5» у {} % ({} участников); {} {} — хорошие результаты у {} %, «2» (ниже минимума) у {} % "
        "({} участников).",
        _test_label(pl.col("subject"), pl.col("grade")), _year_label(pl.col("year")), _num(pl.col("v_good")),
        pl.col("v_n"), pl.col("exam"), _year_label(pl.col("gia_year")), _num(pl.col("g_good")),
        _num(pl.col("g_fail")), pl.col("g_n"),
    )
    ranked_evidence = pl.when(judged).then(
        pl.format(
            " Перцентильный ранг среди {} школ: по ВПР {}, по ГИА {}; разрыв {} (порог: {} при ранге ВПР не ниже {}).",
            pl.col("schools"), _num(pl.col("v_rank")), _num(pl.col("g_rank")), _num(value),
            _num(pl.lit(float(s.gia_rank_gap))), _num(pl.lit(float(s.gia_top_percentile))),
        )
    ).otherwise(
        pl.format(" Школ с обоими результатами {} — меньше {}, ранги не сравниваются.", pl.col("schools"), pl.lit(s.gia_min_schools))
    )
    scope = pl.format("{}-{} → {} {}", pl.col("subject"), pl.col("grade"), pl.col("exam"), pl.col("gia_year"))
    out_ranked = ranked.select(
        "org_code", "year", scope=scope, participants=pl.col("v_n"), value="value",
        threshold=pl.lit(float(s.gia_rank_gap)), flagged="flagged",
        evidence=pl.concat_str([head, ranked_evidence]),
    )
    out_few = few.select(
        "org_code", "year", scope=scope, participants=pl.col("v_n"), value=pl.lit(None, dtype=pl.Float64),
        threshold=pl.lit(float(s.gia_rank_gap)), flagged=pl.lit(False),
        evidence=pl.concat_str(
            [head, pl.format(" Участников меньше {}, критерий не применяется.", pl.lit(s.min_participants))]
        ),
    )
    return _finish(pl.concat([out_ranked, out_few]), "vpr_vs_gia")


# --------------------------------------------------------------------------------------------
# criterion 4: implausible cohort jumps year to year


def cohort_jumps(vpr: pl.DataFrame, settings: ObjectivitySettings | None = None) -> pl.DataFrame:
    """The same school, subject and cohort: grade g in year y versus grade g + 1 in year y + 1.

    Two measures: the mean mark and the share of «2». A change is oriented so that positive means
    better (the share of «2» falling). It is compared with the changes of the *other* schools of
    the municipality for the same subject, grade and year (leave-one-out, so that a school's own
    jump does not widen its yardstick): value = change − mean of the others' changes, threshold =
    max(k × sample standard deviation of the others' changes, the minimum of the measure). The row
    is recorded in the later year y + 1. Schools without the later year (or new schools) get no row.
    """
    s = settings or ObjectivitySettings()
    return _sorted(_cohort_jumps(test_stats(vpr, None, s), s))


def _cohort_jumps(stats: pl.DataFrame, s: ObjectivitySettings) -> pl.LazyFrame:
    per = stats.lazy().filter(pl.col("n") > 0).select(
        "org_code", "year", "subject", "grade", "n", "mean_mark", fail=pl.col("fail") * 100.0 / pl.col("n")
    )
    later = per.select(
        "org_code", "subject",
        year=pl.col("year") - 1, grade=pl.col("grade") - 1,
        n2=pl.col("n"), mean_mark2=pl.col("mean_mark"), fail2=pl.col("fail"),
    )
    pairs = per.join(later, on=["org_code", "year", "subject", "grade"], how="inner")
    pairs = pairs.filter((pl.col("n") >= s.min_participants) & (pl.col("n2") >= s.min_participants))
    group = ["year", "subject", "grade"]
    parts = []
    for measure, before, after, sign, minimum, level_unit, unit in (
        ("средняя отметка", "mean_mark", "mean_mark2", 1.0, s.cohort_min_mark, "", ""),
        ("доля «2»", "fail", "fail2", -1.0, s.cohort_min_fail_pp, " %", " п.п."),
    ):
        change = pl.col(after) - pl.col(before)
        x = change * sign  # oriented: positive = better
        n = pl.len().over(group)
        others_sum = x.sum().over(group) - x
        others_sq = (x * x).sum().over(group) - x * x
        others_n = n - 1
        mean_o = others_sum / others_n
        var_o = ((others_sq - others_n * mean_o * mean_o) / (others_n - 1)).clip(lower_bound=0.0)
        frame = pairs.with_columns(
            change=change, x=x, others=others_n.cast(pl.Int64),
            mean_o=pl.when(others_n >= 1).then(mean_o), sd_o=pl.when(others_n >= 2).then(var_o.sqrt()),
        ).with_columns(
            dev=pl.col("x") - pl.col("mean_o"),
            limit=pl.max_horizontal(pl.col("sd_o") * s.cohort_k, pl.lit(float(minimum))),
        )
        judged = pl.col("others") >= s.cohort_min_schools
        beyond = pl.col("dev") > pl.col("limit")
        if s.cohort_direction == "both":
            beyond = pl.col("dev").abs() > pl.col("limit")
        mean_change = pl.col("mean_o") * sign  # others' mean change in the measure's own direction
        parts.append(
            frame.select(
                "org_code",
                year=pl.col("year") + 1,
                scope=pl.format("{}: {} → {} класс, {}", pl.col("subject"), pl.col("grade"), pl.col("grade") + 1, pl.lit(measure)),
                participants=pl.col("n2"),
                value=pl.when(judged).then(pl.col("dev")),
                threshold=pl.when(judged).then(pl.col("limit")),
                flagged=judged & beyond,
                evidence=pl.concat_str(
                    [
                        pl.format(
                            "{}: {} класс в {} → {} класс в {}: {} {}{} → {}{} (изменение {}{}).",
                            _subject_name(pl.col("subject")), pl.col("grade"), _year_label(pl.col("year")),
                            pl.col("grade") + 1, _year_label(pl.col("year") + 1), pl.lit(measure),
                            _num(pl.col(before), 2), pl.lit(level_unit), _num(pl.col(after), 2), pl.lit(level_unit),
                            _num(pl.col("change"), 2, signed=True), pl.lit(unit),
                        ),
                        pl.when(judged)
                        .then(
                            pl.format(
                                " У других {} школ среднее изменение {}{} (стандартное отклонение {}); отклонение "
                                "школы {} при пороге {} ({} ст. откл., не меньше {}).",
                                pl.col("others"), _num(mean_change, 2, signed=True), pl.lit(unit),
                                _num(pl.col("sd_o"), 2), _num(pl.col("dev"), 2, signed=True),
                                _num(pl.col("limit"), 2), _num(pl.lit(float(s.cohort_k)), 2), _num(pl.lit(float(minimum)), 2),
                            )
                        )
                        .otherwise(
                            pl.format(
                                " Других школ с обоими годами {} — меньше {}, скачок не оценивается.",
                                pl.col("others"), pl.lit(s.cohort_min_schools),
                            )
                        ),
                        pl.when(judged & beyond & (pl.col("dev") < 0))
                        .then(pl.lit(" Резкое ухудшение может указывать на необъективность результатов предыдущего года."))
                        .otherwise(pl.lit("")),
                    ]
                ),
            )
        )
    return _finish(pl.concat(parts), "cohort_jump")


# --------------------------------------------------------------------------------------------
# criterion 5: ВсОШ school-stage winners at the municipal stage


def olympiad_low_scores(olympiad: pl.DataFrame, settings: ObjectivitySettings | None = None) -> pl.DataFrame:
    """School-stage winners and prize-winners who scored low at the municipal stage.

    A winner or prize-winner of the school stage is matched with the municipal stage of the same
    year and subject by the participant code; low = score < `olympiad_low_share_of_max` × max
    score (results without a score or maximum are left out). Per school (the school-stage record)
    and year: value = share of low results in percent; flagged above `olympiad_threshold_pct` with
    at least `olympiad_min_count` matched results.
    """
    s = settings or ObjectivitySettings()
    return _sorted(_olympiad_low_scores(olympiad, s))


def _spellings(column: pl.Series, accepted: tuple[str, ...]) -> list[str]:
    """The distinct texts of `column` that mean one of `accepted` once trimmed and in lower case.

    Stage and status repeat a handful of texts over every result: normalising the distinct texts
    and filtering by them is much cheaper than normalising every row.
    """
    distinct = column.cast(pl.String).unique().drop_nulls()
    return distinct.filter(distinct.str.strip_chars().str.to_lowercase().is_in(accepted)).to_list()


def _olympiad_low_scores(olympiad: pl.DataFrame, s: ObjectivitySettings) -> pl.LazyFrame:
    _require(olympiad, OLYMPIAD_COLUMNS, "Результаты ВсОШ")
    stage, status = olympiad.get_column("stage"), olympiad.get_column("status")
    data = olympiad.lazy().select(
        pl.col("year").cast(pl.Int64),
        pl.col("participant").cast(pl.String),
        pl.col("org_code").cast(pl.String),
        pl.col("subject").cast(pl.String),
        pl.col("stage").cast(pl.String),
        pl.col("status").cast(pl.String),
        score=pl.col("score").cast(pl.Float64),
        max_score=pl.col("max_score").cast(pl.Float64),
    )
    awarded = data.filter(
        pl.col("stage").is_in(_spellings(stage, _SCHOOL_STAGE)) & pl.col("status").is_in(_spellings(status, _AWARDED))
    ).select("year", "participant", "subject", "org_code").unique()
    municipal = data.filter(
        pl.col("stage").is_in(_spellings(stage, _MUNICIPAL_STAGE)) & pl.col("score").is_not_null()
        & (pl.col("max_score") > 0)
    ).select("year", "participant", "subject", "score", "max_score")
    matched = awarded.join(municipal, on=["year", "participant", "subject"], how="inner").with_columns(
        low=pl.col("score") < pl.col("max_score") * s.olympiad_low_share_of_max
    )
    school = matched.group_by(["org_code", "year"]).agg(n=pl.len().cast(pl.Int64), low=pl.col("low").sum().cast(pl.Int64))
    muni = school.group_by("year").agg(m_n=pl.col("n").sum(), m_low=pl.col("low").sum())
    frame = school.join(muni, on="year", how="left").with_columns(
        share=pl.col("low") * 100.0 / pl.col("n"), m_share=pl.col("m_low") * 100.0 / pl.col("m_n")
    )
    threshold = float(s.olympiad_threshold_pct)
    out = frame.select(
        "org_code",
        "year",
        scope=pl.lit("ВсОШ, школьный → муниципальный этап"),
        participants=pl.col("n"),
        value=pl.col("share"),
        threshold=pl.lit(threshold),
        flagged=(pl.col("share") > threshold) & (pl.col("n") >= s.olympiad_min_count),
        evidence=pl.concat_str(
            [
                pl.format(
                    "ВсОШ {}: {} из {} победителей и призёров школьного этапа ({} %) набрали на муниципальном этапе "
                    "меньше {} % максимального балла; по муниципалитету {} %. Порог: {} %.",
                    _year_label(pl.col("year")), pl.col("low"), pl.col("n"), _num(pl.col("share")),
                    _num(pl.lit(s.olympiad_low_share_of_max * 100)), _num(pl.col("m_share")), _num(pl.lit(threshold)),
                ),
                pl.when(pl.col("n") < s.olympiad_min_count)
                .then(pl.format(" Результатов меньше {}, критерий не применяется.", pl.lit(s.olympiad_min_count)))
                .otherwise(pl.lit("")),
            ]
        ),
    )
    return _finish(out, "olympiad")


# --------------------------------------------------------------------------------------------
# all criteria and the per school-year summary


def summarise(details: pl.DataFrame, settings: ObjectivitySettings | None = None) -> pl.DataFrame:
    """Per school and year: criteria checked and flagged; flagged when ≥ `min_criteria` criteria flag.

    ``criteria`` lists the Russian names of the flagging criteria, ``evidence`` joins the evidence
    of every flagged row (in criterion order).
    """
    s = settings or ObjectivitySettings()
    if details.is_empty():
        return pl.DataFrame(schema=SUMMARY_SCHEMA)
    return _summarise(_report_order(details).lazy(), s).collect()


def _report_order(details: pl.DataFrame) -> pl.DataFrame:
    """Rows by school, year, criterion (in the order of `CRITERIA`) and scope.

    Sorted by one integer key made of each row's position among the sorted distinct values of the
    four columns (nulls first, as a sort by the columns puts them): the same order as sorting by
    the columns, several times cheaper on half a million rows with text keys.
    """
    order = {code: i for i, code in enumerate(CRITERIA)}
    frame = details.with_columns(
        _order=pl.col("criterion").replace_strict(order, default=len(order), return_dtype=pl.Int64)
    )
    columns = ["org_code", "year", "_order", "scope"]
    key, span = pl.lit(0, dtype=pl.UInt64), 1
    for column in columns:
        distinct = frame.get_column(column).drop_nulls().unique().sort()
        size = distinct.len() + 1
        span *= size
        position = pl.col(column).replace_strict(
            distinct, pl.int_range(1, size, dtype=pl.UInt64, eager=True), default=0, return_dtype=pl.UInt64
        ).fill_null(0)
        key = key * size + position
    by = key if span < 2**63 else columns
    return frame.sort(by).drop("_order")


def _summarise(rows: pl.LazyFrame, s: ObjectivitySettings) -> pl.LazyFrame:
    """The summary of `rows` already in report order (see `_report_order`)."""
    keys = ["org_code", "year"]
    checked = rows.group_by(keys).agg(criteria_checked=pl.col("criterion").n_unique().cast(pl.Int64))
    hits = (
        rows.filter(pl.col("flagged"))
        .with_columns(_name=pl.col("criterion").replace_strict(CRITERIA, default=pl.col("criterion"), return_dtype=pl.String))
        .group_by(keys, maintain_order=True)
        .agg(
            criteria_flagged=pl.col("criterion").n_unique().cast(pl.Int64),
            criteria=pl.col("_name").unique(maintain_order=True).str.join("; "),
            evidence=pl.col("evidence").str.join("\n"),
        )
    )
    summary = checked.join(hits, on=keys, how="left").with_columns(
        pl.col("criteria_flagged").fill_null(0),
        pl.col("criteria").fill_null(""),
        pl.col("evidence").fill_null(""),
    ).with_columns(flagged=pl.col("criteria_flagged") >= s.min_criteria)
    return summary.select([pl.col(n).cast(t) for n, t in SUMMARY_SCHEMA.items()]).sort(keys)


def run_objectivity(
    vpr: pl.DataFrame,
    gia: pl.DataFrame | None = None,
    olympiad: pl.DataFrame | None = None,
    settings: ObjectivitySettings | None = None,
    boundaries: pl.DataFrame | None = None,
) -> ObjectivityResult:
    """Every criterion whose input is given, then the school-year summary, with the settings used.

    The participant counts are computed once (`test_stats`); the criteria are one lazy plan,
    collected together (Polars runs them in parallel) and sorted once.
    """
    s = settings or ObjectivitySettings()
    stats = test_stats(vpr, boundaries, s)
    parts = [_journal_marks(stats, s), _boundary_excess(stats, s), _cohort_jumps(stats, s)]
    if gia is not None:
        parts.append(_vpr_vs_gia(stats, gia, s))
    if olympiad is not None:
        parts.append(_olympiad_low_scores(olympiad, s))
    details = _report_order(pl.concat(parts, how="vertical").collect())
    summary = _summarise(details.lazy(), s).collect() if details.height else pl.DataFrame(schema=SUMMARY_SCHEMA)
    return ObjectivityResult(details=details, summary=summary, settings=s.to_dict())
