"""Benchmark of the region-scale analysis (issue 4): Polars analytics core against a pandas baseline.

    .venv/bin/python bench/bench_analysis.py [--schools 1500] [--years 3] [--vpr-rows 1500000] \
        [--demo-dir DIR] [--repeat 1]

Input: the demo region of `msoko.demo.generator` (``DemoConfig.for_scale(schools, years)``, csv files,
about 40 s to write; reused when ``--demo-dir`` already holds them). The files are read back with
Polars (not timed against the baseline, reported separately); the ВПР file of each year is brought
to ``--vpr-rows`` participant results by resampling rows with replacement (fixed seed) — the
generator writes about 0.9 M a year for 1,500 schools, the issue asks for 1.5 M. Every sampled row
keeps its school, test, scores and marks, so the schools planted by the generator stay in the data.

Timed, in one process, each implementation starting from the same in-memory frames (no database):
(a) indicator values — data elements derived from participant rows (ВПР counts of marks and the
    journal comparison; ОГЭ/ЕГЭ/ГВЭ below minimum, marks, high scores) by the import formats' own
    `derive` (`msoko.collection.formats.vpr` / `gia`, Django-free), category totals, then
    `indicator_values.compute` for the catalog indicators of the ВПР, ГИА and social blocks, and
    `aggregate` by year and by year × cluster;
(b) ШНОР / ШНСУ identification: the long input frame from (a) and `shnor.identify` with default
    `ShnorSettings`;
(c) objectivity: `objectivity.run_objectivity` on ВПР, ГИА and ВсОШ with default settings;
and the same steps in pandas (`bench/baselines/pandas_analysis.py`). Before printing times it checks
that both give the same results: same rows, values and indices equal within 1e-9, the same flagged
schools, the same evidence texts.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import pandas_analysis as pdb  # noqa: E402

from msoko.analytics.core.indicator_values import IndicatorDef, aggregate, compute  # noqa: E402
from msoko.analytics.core.objectivity import run_objectivity  # noqa: E402
from msoko.analytics.core.settings import ShnorSettings  # noqa: E402
from msoko.analytics.core.shnor import identify  # noqa: E402
from msoko.catalog import schema  # noqa: E402
from msoko.collection.formats.gia import GiaFormat  # noqa: E402
from msoko.collection.formats.subjects import known_subject_code, subject_slug  # noqa: E402
from msoko.collection.formats.vpr import VprFormat  # noqa: E402
from msoko.collection.readers.table import ROW  # noqa: E402
from msoko.demo.generator import DemoConfig, generate, load_catalog  # noqa: E402

CATALOG = Path(__file__).resolve().parent.parent / "msoko" / "catalog" / "data" / "catalog.yaml"
#: Indicators computed in step (a): those over data elements derived from participant rows and the
#: social block of the ШНОР identification (school statistics ОО-1).
INDICATORS = ("1.01", "1.02", "1.03", "1.04", "1.06", "1.07", "1.10", "1.13", "1.14", "1.15", "1.21",
              "2.01", "2.02", "2.03", "2.04", "2.05", "2.06", "2.07", "2.08", "2.09")
SOCIAL_ELEMENTS = ("students_total", "students_odn", "students_non_native", "students_not_attested",
                   "students_absent_unexcused", "students_zpr", "org_remote", "org_small", "infra_deficit",
                   "specialist_deficit")
EXAM_CODES = {"ОГЭ": "oge", "ЕГЭ": "ege", "ГВЭ": "gve"}
TOLERANCE = 1e-9
DIGITS = re.compile(r"\d")


@dataclass
class Inputs:
    vpr: pl.DataFrame  # org_code, year, subject, grade, participant, primary, mark, journal_mark
    gia: pl.DataFrame  # org_code, year, exam, subject, participant, primary, test_score, mark, min_score, high_score
    olympiad: pl.DataFrame  # year, participant, org_code, grade, subject, stage, status, score, max_score
    social: pl.DataFrame  # org_code, year, element, value
    orgs: pl.DataFrame  # org_code, year, org_name, cluster
    indicators: list[dict]  # code, numerator, denominator, multiplier, aggregation, higher_is_better, block


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------------
# input


def _year(label: pl.Expr) -> pl.Expr:
    return label.str.slice(0, 4).cast(pl.Int64)


def _csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, separator=";", infer_schema_length=None)


def load_inputs(demo_dir: Path, years: list[int], vpr_rows: int, seed: int) -> Inputs:
    tags = [f"{y}-{(y + 1) % 100:02d}" for y in years]
    vpr_parts = []
    for i, tag in enumerate(tags):
        raw = _csv(demo_dir / f"vpr_{tag}.csv")
        frame = raw.select(
            org_code=pl.col("Код ОО"), year=_year(pl.col("Учебный год")), subject=pl.col("Предмет"),
            grade=pl.col("Параллель").cast(pl.Int64), participant=pl.col("Код участника"),
            primary=pl.col("Первичный балл").cast(pl.Int64), mark=pl.col("Отметка").cast(pl.Int64),
            journal_mark=pl.col("Отметка по журналу").cast(pl.Int64),
        )
        if vpr_rows > frame.height:
            extra = frame.sample(vpr_rows - frame.height, with_replacement=True, seed=seed + i).with_columns(
                participant=pl.format("{}-r{}", pl.col("participant"), pl.int_range(pl.len()))
            )
            frame = pl.concat([frame, extra])
        vpr_parts.append(frame)
    vpr = pl.concat(vpr_parts)
    codes = {name: known_subject_code(name) for name in vpr.get_column("subject").unique().to_list()}
    vpr = vpr.with_columns(pl.col("subject").replace_strict(codes))

    gia = pl.concat([_csv(demo_dir / f"gia_{tag}.csv") for tag in tags], how="vertical_relaxed").select(
        org_code=pl.col("Код ОО"), year=_year(pl.col("Учебный год")), exam=pl.col("Экзамен"),
        subject=pl.col("Предмет"), participant=pl.col("Код участника"),
        **{new: pl.col(old).cast(pl.Int64) for new, old in (
            ("primary", "Первичный балл"), ("test_score", "Тестовый балл"), ("mark", "Отметка"),
            ("min_score", "Минимальный балл"), ("high_score", "Высокий балл"))},
    )
    codes = {name: known_subject_code(name) for name in gia.get_column("subject").unique().to_list()}
    gia = gia.with_columns(pl.col("subject").replace_strict(codes))

    olympiad = pl.concat([_csv(demo_dir / f"olympiad_{tag}.csv") for tag in tags], how="vertical_relaxed").select(
        year=_year(pl.col("Учебный год")), participant=pl.col("Код участника"), org_code=pl.col("Код ОО"),
        grade=pl.col("Класс").cast(pl.Int64), subject=pl.col("Предмет"), stage=pl.col("Этап"),
        status=pl.col("Статус"), score=pl.col("Балл").cast(pl.Float64),
        max_score=pl.col("Максимальный балл").cast(pl.Float64),
    )
    slugs = {name: subject_slug(name) for name in olympiad.get_column("subject").unique().to_list()}
    olympiad = olympiad.with_columns(pl.col("subject").replace_strict(slugs))

    oo1 = pl.concat(
        [pl.read_excel(demo_dir / f"oo1_{tag}.xlsx", engine="calamine") for tag in tags], how="vertical_relaxed"
    )
    social = oo1.select(
        org_code=pl.col("Код ОО"), year=_year(pl.col("Учебный год")),
        **{e: pl.col(e).cast(pl.Float64) for e in SOCIAL_ELEMENTS},
    ).unpivot(index=["org_code", "year"], variable_name="element", value_name="value")

    names = pl.read_excel(demo_dir / "organisations.xlsx", engine="calamine").select(
        org_code=pl.col("Код"), org_name=pl.col("Краткое наименование")
    )
    clusters = pl.concat(
        [pl.read_excel(demo_dir / f"clusters_{tag}.xlsx", engine="calamine") for tag in tags]
    ).select(org_code=pl.col("Код ОО"), year=_year(pl.col("Учебный год")), cluster=pl.col("Кластер"))
    orgs = clusters.join(names, on="org_code", how="left").select("org_code", "year", "org_name", "cluster")

    catalog = schema.normalise(schema.read_file(CATALOG))
    by_code = {i["code"]: i for d in catalog["directions"] for i in d["indicators"]}
    indicators = [
        {k: by_code[code][k] for k in ("code", "numerator", "denominator", "multiplier", "aggregation",
                                       "higher_is_better", "block")}
        for code in INDICATORS
    ]
    return Inputs(vpr, gia, olympiad, social, orgs, indicators)


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Numpy-backed pandas frame (integers with blanks become float64 with NaN, as read_csv gives)."""
    return pd.DataFrame({name: frame.get_column(name).to_numpy() for name in frame.columns})


def from_pandas(frame: pd.DataFrame) -> pl.DataFrame:
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if values.dtype.kind == "f":
            columns[name] = pl.Series(name, values.to_numpy(), dtype=pl.Float64).fill_nan(None)
        elif values.dtype.kind in "iub":
            columns[name] = pl.Series(name, values.to_numpy())
        else:
            columns[name] = pl.Series(name, [None if v is None or v is pd.NA or v != v else v for v in values.tolist()])
    return pl.DataFrame(columns)


# ------------------------------------------------------------------------------------------------
# the Polars implementation: the project's own code


def polars_indicators(inp: Inputs) -> dict[str, pl.DataFrame]:
    defs = [IndicatorDef(code=i["code"], numerator=i["numerator"], denominator=i["denominator"],
                         multiplier=i["multiplier"], aggregation=i["aggregation"],
                         higher_is_better=i["higher_is_better"]) for i in inp.indicators]
    vpr = inp.vpr.select(
        "org_code", "year", "grade", "mark", subject_code="subject", journal="journal_mark",
        **{ROW: pl.int_range(1, pl.len() + 1)},
    )
    gia = inp.gia.select(
        "org_code", "year", "participant", "primary", "mark", exam=pl.col("exam").replace_strict(EXAM_CODES),
        subject_code="subject", test="test_score", min="min_score", high="high_score",
    )
    derived = pl.concat([VprFormat().derive(vpr), GiaFormat().derive(gia)])
    totals = derived.lazy().group_by("org_code", "year", "element").agg(pl.col("value").sum()).collect()
    values = pl.concat([totals, inp.social.select(totals.columns)])
    per_org = compute(values, defs)
    by_year = aggregate(per_org, defs, ("year",))
    clustered = per_org.join(inp.orgs.select("org_code", "year", "cluster"), on=["org_code", "year"], how="left")
    by_cluster = aggregate(clustered, defs, ("year", "cluster"))
    return {"totals": totals, "per_org": per_org, "by_year": by_year, "by_cluster": by_cluster}


def polars_shnor_input(inp: Inputs, per_org: pl.DataFrame) -> pl.DataFrame:
    meta = pl.DataFrame(
        {"indicator": [i["code"] for i in inp.indicators], "block": [i["block"] for i in inp.indicators],
         "higher_is_better": [i["higher_is_better"] for i in inp.indicators]}
    ).filter(pl.col("block").is_in(["results", "social"]))
    return (
        per_org.join(meta, on="indicator", how="inner")
        .join(inp.orgs, on=["org_code", "year"], how="inner")
        .select("org_code", "org_name", "cluster", "year", "block", "indicator", "value", "higher_is_better")
        .sort("year", "block", "indicator", "org_code")
    )


def pandas_shnor_input(inp: Inputs, orgs: pd.DataFrame, per_org: pd.DataFrame) -> pd.DataFrame:
    meta = pd.DataFrame(
        {"indicator": [i["code"] for i in inp.indicators], "block": [i["block"] for i in inp.indicators],
         "higher_is_better": [i["higher_is_better"] for i in inp.indicators]}
    )
    meta = meta[meta["block"].isin(["results", "social"])]
    long = per_org.merge(meta, on="indicator").merge(orgs, on=["org_code", "year"])
    columns = ["org_code", "org_name", "cluster", "year", "block", "indicator", "value", "higher_is_better"]
    return long[columns].sort_values(["year", "block", "indicator", "org_code"]).reset_index(drop=True)


def pandas_indicators(frames: dict[str, pd.DataFrame], indicators: list[dict]) -> dict[str, pd.DataFrame]:
    derived = pd.concat([pdb.derive_vpr(frames["vpr"]), pdb.derive_gia(frames["gia"])], ignore_index=True)
    totals = pdb.element_totals(derived)
    values = pd.concat([totals, frames["social"]], ignore_index=True)
    per_org = pdb.indicator_values(values, indicators)
    by_year = pdb.aggregate(per_org, indicators, ["year"])
    clustered = per_org.merge(frames["orgs"][["org_code", "year", "cluster"]], on=["org_code", "year"], how="left")
    by_cluster = pdb.aggregate(clustered, indicators, ["year", "cluster"])
    return {"totals": totals, "per_org": per_org, "by_year": by_year, "by_cluster": by_cluster}


# ------------------------------------------------------------------------------------------------
# checks: both implementations must agree before times mean anything


class Mismatch(AssertionError):
    pass


def same_frame(name: str, ours: pl.DataFrame, theirs: pd.DataFrame, keys: list[str], exact: list[str],
               close: list[str], texts: list[str] = ()) -> str:
    """Join on `keys`; `exact` columns equal, `close` within 1e-9 (nulls in the same places)."""
    base = from_pandas(theirs[keys + exact + close + list(texts)])
    base = base.with_columns([pl.col(k).cast(ours.schema[k]) for k in keys])
    if ours.height != base.height:
        raise Mismatch(f"{name}: {ours.height} rows (Polars) vs {base.height} (pandas)")
    joined = ours.select(keys + exact + close + list(texts)).join(base, on=keys, how="full", suffix="_pd", nulls_equal=True)
    if joined.height != ours.height:
        raise Mismatch(f"{name}: keys differ ({joined.height} joined rows for {ours.height})")
    for column in exact:
        bad = joined.filter(pl.col(column).cast(pl.Float64).ne_missing(pl.col(f"{column}_pd").cast(pl.Float64))
                            if ours.schema[column].is_numeric() else pl.col(column).ne_missing(pl.col(f"{column}_pd")))
        if bad.height:
            raise Mismatch(f"{name}.{column}: {bad.height} rows differ, e.g. {bad.head(3).to_dicts()}")
    for column in close:
        a, b = pl.col(column), pl.col(f"{column}_pd")
        bad = joined.filter((a.is_null() != b.is_null()) | ((a - b).abs() > TOLERANCE))
        if bad.height:
            raise Mismatch(f"{name}.{column}: {bad.height} rows differ, e.g. {bad.head(3).to_dicts()}")
    rounding = 0
    for t in texts:
        differ = joined.filter(pl.col(t).ne_missing(pl.col(f"{t}_pd"))).select(t, f"{t}_pd")
        for a, b in differ.iter_rows():
            # A number exactly half-way at the displayed precision (3.825 → «3,82» / «3,83») may round
            # differently when its last bits differ between the two implementations; nothing else may.
            if a is None or b is None or DIGITS.sub("#", a) != DIGITS.sub("#", b):
                raise Mismatch(f"{name}.{t}: texts differ:\n  {a}\n  {b}")
            rounding += 1
    note = f" ({rounding} texts differ only in a digit rounded at a half)" if rounding else ""
    return f"{name}: {ours.height:,} rows equal{note}"


def check(pol: dict, pan: dict) -> list[str]:
    report = [
        same_frame("element totals", pol["totals"], pan["totals"], ["org_code", "year", "element"], [], ["value"]),
        same_frame("indicator values", pol["per_org"], pan["per_org"], ["org_code", "year", "indicator"], [],
                   ["numerator", "denominator", "value"]),
        same_frame("by year", pol["by_year"], pan["by_year"], ["year", "indicator"], ["organisations"],
                   ["numerator", "denominator", "value"]),
        same_frame("by year × cluster", pol["by_cluster"], pan["by_cluster"], ["year", "cluster", "indicator"],
                   ["organisations"], ["numerator", "denominator", "value"]),
    ]
    result, theirs = pol["shnor"], pan["shnor"]
    report.append(same_frame("ШНОР results", result.results, theirs["results"], ["year", "org_code"],
                             ["rank", "low", "n", "k", "indicators_used", "indicators_present"], ["index"]))
    report.append(same_frame("ШНОР social", result.social, theirs["social"], ["year", "org_code"],
                             ["rank", "unfavourable", "n", "k"], ["index"]))
    report.append(same_frame("ШНОР schools", result.schools, theirs["schools"], ["org_code"],
                             ["results_years", "low_years", "social_years", "unfavourable_years", "stable_low",
                              "social_status", "overlay", "resilient", "insufficient_data", "cluster"], []))
    schools = result.schools
    report.append(
        f"ШНОР lists equal: {len(result.stable_low)} stably low, {len(result.overlay)} overlay, "
        f"{len(result.resilient)} resilient, "
        f"{schools.filter(pl.col('social_status') == 'неблагоприятные').height} unfavourable"
    )
    objectivity, (details, summary) = pol["objectivity"], pan["objectivity"]
    report.append(same_frame("objectivity details", objectivity.details, details,
                             ["org_code", "year", "criterion", "scope"], ["participants", "flagged"],
                             ["value", "threshold"], ["evidence"]))
    report.append(same_frame("objectivity summary", objectivity.summary, summary, ["org_code", "year"],
                             ["criteria_checked", "criteria_flagged", "flagged", "criteria"], [], ["evidence"]))
    flagged = objectivity.flagged()
    report.append(f"objectivity: {flagged.height} flagged school-years "
                  f"({flagged.get_column('org_code').n_unique()} schools)")
    return report


# ------------------------------------------------------------------------------------------------


def timed(fn, repeat: int):
    """(result of the last run, (wall s, process CPU s) of the fastest of `repeat` runs).

    CPU time counts every thread of the process; it shows the work done and is less sensitive than
    the wall time to other processes competing for the cores.
    """
    best, result = (math.inf, math.inf), None
    for _ in range(repeat):
        result = None
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return result, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--vpr-rows", type=int, default=1_500_000, help="ВПР participant results per year")
    parser.add_argument("--demo-dir", type=Path, default=None, help="demo files (generated when missing)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the best time is reported")
    args = parser.parse_args()

    config = DemoConfig.for_scale(args.schools, years=args.years, seed=args.seed, fmt="csv")
    demo_dir = args.demo_dir or Path(tempfile.gettempdir()) / f"msoko-bench-analysis-{args.schools}-{args.years}"
    years = config.start_years
    if not all((demo_dir / f"vpr_{y}-{(y + 1) % 100:02d}.csv").exists() for y in years):
        started = time.perf_counter()
        print(f"generating the demo region into {demo_dir} …", flush=True)
        generate(config, demo_dir, catalog=load_catalog())
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    inp = load_inputs(demo_dir, years, args.vpr_rows, args.seed)
    load_s = time.perf_counter() - started
    per_year = inp.vpr.group_by("year").len().sort("year").get_column("len").to_list()
    print(f"input: {inp.orgs.get_column('org_code').n_unique():,} schools, years {years}, ВПР results per year "
          f"{per_year}, ГИА {inp.gia.height:,}, ВсОШ {inp.olympiad.height:,} rows; read with Polars in {load_s:.1f} s")

    started = time.perf_counter()
    frames = {name: to_pandas(getattr(inp, name)) for name in ("vpr", "gia", "olympiad", "social", "orgs")}
    print(f"converted to pandas in {time.perf_counter() - started:.1f} s; peak RSS so far {peak_mb():,.0f} MB",
          flush=True)

    pol: dict = {}
    pan: dict = {}
    times: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}

    ind, t_pl = timed(lambda: polars_indicators(inp), args.repeat)
    pol.update(ind)
    ind_pd, t_pd = timed(lambda: pandas_indicators(frames, inp.indicators), args.repeat)
    pan.update(ind_pd)
    times["(a) indicator values"] = (t_pl, t_pd)

    pol["shnor"], t_pl = timed(lambda: identify(polars_shnor_input(inp, pol["per_org"]), ShnorSettings()), args.repeat)
    pan["shnor"], t_pd = timed(
        lambda: pdb.shnor(pandas_shnor_input(inp, frames["orgs"], pan["per_org"])), args.repeat
    )
    times["(b) ШНОР/ШНСУ identification"] = (t_pl, t_pd)

    pol["objectivity"], t_pl = timed(lambda: run_objectivity(inp.vpr, inp.gia, inp.olympiad), args.repeat)
    pan["objectivity"], t_pd = timed(
        lambda: pdb.objectivity(frames["vpr"], frames["gia"], frames["olympiad"]), args.repeat
    )
    times["(c) objectivity"] = (t_pl, t_pd)

    print("\nchecks (Polars = pandas):")
    for line in check(pol, pan):
        print("  " + line)

    total_pl = sum(t[0] for t, _ in times.values())
    total_pd = sum(t[0] for _, t in times.values())
    cpu_pl = sum(t[1] for t, _ in times.values())
    cpu_pd = sum(t[1] for _, t in times.values())
    print(f"\n{'step':<32} {'polars s':>9} {'pandas s':>9} {'ratio':>7}   {'CPU: polars':>11} {'pandas':>7} {'ratio':>6}")
    for step, (t_pl, t_pd) in times.items():
        print(f"{step:<32} {t_pl[0]:9.2f} {t_pd[0]:9.2f} {t_pd[0] / t_pl[0]:6.1f}×   {t_pl[1]:11.2f} "
              f"{t_pd[1]:7.2f} {t_pd[1] / t_pl[1]:5.1f}×")
    print(f"{'total':<32} {total_pl:9.2f} {total_pd:9.2f} {total_pd / total_pl:6.1f}×   {cpu_pl:11.2f} "
          f"{cpu_pd:7.2f} {cpu_pd / cpu_pl:5.1f}×")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end")
    print(f"peak RSS {peak_mb():,.0f} MB (whole process: input, pandas copies, both implementations)")
    print(f"targets: total < 60 s — {'met' if total_pl < 60 else 'NOT met'}; ≥ 5× pandas — "
          f"{'met' if total_pd / total_pl >= 5 else 'NOT met'}")
    print(f"python {sys.version.split()[0]}, polars {pl.__version__}, pandas {pd.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
