"""Deterministic demo municipality generator: files in the canonical import formats + a manifest.

``generate(DemoConfig(), out_dir)`` writes organisations and clusters, and per academic year the
ВПР, ГИА, ВсОШ, ОО-1, preschool, generic values and survey files, then ``manifest.json`` with the
list of files (in import order), the people to create and the planted truth that analysis must
find. The same configuration and seed give byte-identical files. Django-free.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from msoko.demo import gia, olympiad, stats, values, vpr
from msoko.demo.people import build_people
from msoko.demo.pupils import Pupils
from msoko.demo.world import CLUSTERS, STREAM_STATS, World, build_world, rng_for, year_label
from msoko.demo.writers import TableWriter, write_table

CATALOG_PATH = Path(__file__).resolve().parent.parent / "catalog" / "data" / "catalog.yaml"
BIG_CSV_THRESHOLD = 200
ORGANISATION_COLUMNS = [
    "Код", "Краткое наименование", "Полное наименование", "Тип", "Поселение", "Малокомплектная", "Удалённая",
    "Адрес", "Руководитель", "Телефон", "Эл. почта", "Действует с", "Действует по",
]
CLUSTER_COLUMNS = ["Код ОО", "Учебный год", "Кластер", "Название кластера"]
KIND_NAMES = {"school": "школа", "preschool": "ДОО", "additional": "УДО"}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoConfig:
    schools: int = 28
    preschools: int = 12
    additional: int = 3
    years: int = 4
    last_year: int = 2025  # start year of the last academic year (2025/26)
    seed: int = 2026
    municipality_code: str = "demo"
    municipality_name: str = "Демонстрационный муниципальный округ"
    region_code: str = "demo-region"
    region_name: str = "Демонстрационный регион"
    fmt: str = "auto"  # "xlsx" or "csv" for the big files (ВПР, ГИА, ВсОШ, values); auto: csv above 200 schools

    def __post_init__(self) -> None:
        problems = []
        if self.schools < 3:
            problems.append("число школ должно быть не меньше 3")
        if self.preschools < 0 or self.additional < 0:
            problems.append("число ДОО и УДО не может быть отрицательным")
        if not 1 <= self.years <= 12:
            problems.append("число учебных лет должно быть от 1 до 12")
        if self.fmt not in ("auto", "xlsx", "csv"):
            problems.append(f"формат «{self.fmt}» не поддерживается (xlsx, csv)")
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def for_scale(cls, schools: int, years: int = 4, seed: int = 2026, **kwargs: Any) -> DemoConfig:
        """A config whose ДОО and УДО counts grow with the number of schools (at least 12 and 2)."""
        return cls(
            schools=schools, years=years, seed=seed,
            preschools=max(12, round(schools * 12 / 28)), additional=max(2, round(schools * 3 / 28)), **kwargs,
        )

    @property
    def big_format(self) -> str:
        if self.fmt == "auto":
            return "csv" if self.schools > BIG_CSV_THRESHOLD else "xlsx"
        return self.fmt

    @property
    def start_years(self) -> list[int]:
        return list(range(self.last_year - self.years + 1, self.last_year + 1))


@dataclass
class DemoFile:
    kind: str  # organisations, clusters, vpr, gia, olympiad, oo1, preschool, values, survey
    academic_year: str | None  # «2024/25» or None for the organisations file
    path: str  # relative to the output directory
    rows: int


@dataclass
class DemoManifest:
    config: dict
    municipality: dict
    years: list[dict]
    clusters: dict[str, str]
    counts: dict[str, int]
    files: list[DemoFile] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    planted: dict = field(default_factory=dict)
    catalog_version: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def files_of(self, kind: str) -> list[DemoFile]:
        return [f for f in self.files if f.kind == kind]

    @classmethod
    def load(cls, path: Path) -> DemoManifest:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["files"] = [DemoFile(**f) for f in data.get("files", [])]
        return cls(**data)


def load_catalog() -> dict | None:
    """The packaged catalog document, or None when it is not there yet."""
    if not CATALOG_PATH.exists():
        return None
    import yaml

    try:
        with CATALOG_PATH.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise ValueError(f"Каталог {CATALOG_PATH}: файл не читается как YAML: {exc}") from exc
    return data if isinstance(data, dict) else None


def _catalog_codes(catalog: dict | None, kind: str) -> set[str] | None:
    """Codes of data elements the catalog allows for an organisation kind (None: no catalog)."""
    if catalog is None or not catalog.get("data_elements"):
        return None
    allowed = set()
    for element in catalog.get("data_elements") or []:
        if not isinstance(element, dict) or not element.get("code"):
            continue
        kinds = element.get("org_kinds") or ["school"]
        if kind in kinds:
            allowed.add(str(element["code"]))
    return allowed


def _organisations_frame(world: World) -> pl.DataFrame:
    orgs = world.orgs
    return pl.DataFrame(
        {
            "Код": [o.code for o in orgs],
            "Краткое наименование": [o.short_name for o in orgs],
            "Полное наименование": [o.full_name for o in orgs],
            "Тип": [KIND_NAMES[o.kind] for o in orgs],
            "Поселение": [o.settlement for o in orgs],
            "Малокомплектная": ["да" if o.small else "нет" for o in orgs],
            "Удалённая": ["да" if o.remote else "нет" for o in orgs],
            "Адрес": [o.address for o in orgs],
            "Руководитель": [o.head for o in orgs],
            "Телефон": [o.phone for o in orgs],
            "Эл. почта": [o.email for o in orgs],
            "Действует с": pl.Series("Действует с", [None] * len(orgs), dtype=pl.Int64),
            "Действует по": pl.Series("Действует по", [None] * len(orgs), dtype=pl.Int64),
        }
    )


def _clusters_frame(world: World, year: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Код ОО": [o.code for o in world.schools],
            "Учебный год": [year_label(year)] * len(world.schools),
            "Кластер": [o.cluster for o in world.schools],
            "Название кластера": [CLUSTERS[o.cluster] for o in world.schools],
        }
    )


def _figures(world: World, year: int, oo1: pl.DataFrame, preschool: pl.DataFrame) -> dict[str, values.OrgFigures]:
    y = world.year_index(year)
    q_doo, q_udo = stats.org_quality(world)
    school_base = {c: oo1[c].to_numpy() for c in oo1.columns if c not in ("Учебный год", "Код ОО")}
    doo_base = {c: preschool[c].to_numpy() for c in preschool.columns if c not in ("Учебный год", "Код ОО")}
    rng = rng_for(world.seed, STREAM_STATS, 0, 5)
    udo_students = np.rint(rng.normal(900, 300, len(world.additional)).clip(200, 3000)).astype(np.int64)
    udo_base = {"students_total": udo_students, "teachers_total": np.maximum(5, udo_students // 25)}
    return {
        "school": values.OrgFigures([o.code for o in world.schools], world.q_year[:, y], world.s_year[:, y], school_base),
        "preschool": values.OrgFigures([o.code for o in world.preschools], q_doo, np.zeros(len(q_doo)), doo_base),
        "additional": values.OrgFigures([o.code for o in world.additional], q_udo, np.zeros(len(q_udo)), udo_base),
    }


def generate(
    config: DemoConfig,
    out_dir: Path,
    catalog: dict | None = None,
    progress: Progress | None = None,
) -> DemoManifest:
    """Write the demo municipality's files into ``out_dir`` and return (and save) the manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if catalog is None:
        catalog = load_catalog()
    world = build_world(config)
    pupils = Pupils(world)
    big = config.big_format
    files: list[DemoFile] = []
    per_year_files = 8 if catalog is not None and catalog.get("data_elements") else 7
    total_steps = 1 + per_year_files * len(world.years)
    step = 0

    def report(stage: str) -> None:
        nonlocal step
        step += 1
        if progress is not None:
            progress(stage, step, total_steps)

    def save(kind: str, year: int | None, name: str, frame: pl.DataFrame, fmt: str) -> None:
        path = out_dir / f"{name}.{fmt}"
        rows = write_table(path, frame, fmt)
        files.append(DemoFile(kind, year_label(year) if year is not None else None, path.name, rows))

    save("organisations", None, "organisations", _organisations_frame(world), "xlsx")
    report("организации")
    oo1_allowed = _catalog_codes(catalog, "school")
    doo_allowed = _catalog_codes(catalog, "preschool")
    for year in world.years:
        tag = year_label(year).replace("/", "-")
        save("clusters", year, f"clusters_{tag}", _clusters_frame(world, year), "xlsx")
        report(f"кластеры {year_label(year)}")

        oo1 = stats.oo1_frame(world, pupils, year)
        oo1_out = oo1 if oo1_allowed is None else oo1.select(["Учебный год", "Код ОО", *[c for c in stats.OO1_CODES if c in oo1_allowed]])
        save("oo1", year, f"oo1_{tag}", oo1_out, "xlsx")
        report(f"ОО-1 {year_label(year)}")

        preschool = stats.preschool_frame(world, year)
        doo_out = preschool if doo_allowed is None else preschool.select(
            ["Учебный год", "Код ОО", *[c for c in stats.PRESCHOOL_CODES if c in doo_allowed]]
        )
        save("preschool", year, f"preschool_{tag}", doo_out, "xlsx")
        report(f"ДОО {year_label(year)}")

        if catalog is not None and catalog.get("data_elements"):
            covered = {(c, "school") for c in oo1_out.columns[2:]} | {(c, "preschool") for c in doo_out.columns[2:]}
            frame = values.values_frame(catalog, world, year, _figures(world, year, oo1, preschool), covered)
            save("values", year, f"values_{tag}", frame, big)
            report(f"показатели {year_label(year)}")

        path = out_dir / f"vpr_{tag}.{big}"
        with TableWriter(path, vpr.COLUMNS, big) as writer:
            for chunk in vpr.vpr_frames(world, pupils, year):
                writer.write(chunk)
        files.append(DemoFile("vpr", year_label(year), path.name, writer.rows))
        report(f"ВПР {year_label(year)}")

        save("gia", year, f"gia_{tag}", gia.gia_frame(world, pupils, year), big)
        report(f"ГИА {year_label(year)}")
        save("olympiad", year, f"olympiad_{tag}", olympiad.olympiad_frame(world, pupils, year), big)
        report(f"ВсОШ {year_label(year)}")
        save("survey", year, f"survey_{tag}", stats.survey_frame(world, year, oo1, preschool), "csv")
        report(f"анкетирование {year_label(year)}")

    manifest = DemoManifest(
        config=asdict(config),
        municipality={
            "code": config.municipality_code, "name": config.municipality_name,
            "region_code": config.region_code, "region_name": config.region_name,
        },
        years=[{"start_year": y, "label": year_label(y)} for y in world.years],
        clusters=dict(CLUSTERS),
        counts={"schools": len(world.schools), "preschools": len(world.preschools), "additional": len(world.additional)},
        files=files,
        people=build_people(world),
        planted=world.planted,
        catalog_version=str(catalog.get("version")) if catalog and catalog.get("version") is not None else None,
    )
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    return manifest
