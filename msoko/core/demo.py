"""Building the demo municipality through the real import path.

The generator (`msoko.demo`) writes files in the formats the importers read; this module
creates the territory and academic years, imports organisations and clusters, creates a login
for every role, and imports every data file with the same services the upload page uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command

from msoko.registry import services as registry
from msoko.registry.models import Municipality, Organisation, Role

Progress = Callable[[str, int, int], None]


@dataclass
class DemoResult:
    municipality: Municipality
    logins: list[dict] = field(default_factory=list)
    imports: list[dict] = field(default_factory=list)
    analyses: list[dict] = field(default_factory=list)
    campaigns: list[dict] = field(default_factory=list)
    cycle: dict = field(default_factory=dict)
    planted: dict = field(default_factory=dict)


def demo_exists() -> bool:
    return Organisation.objects.exists()


def manifest_path(data_dir: Path) -> Path:
    return data_dir / "demo-files" / "manifest.json"


def build_demo(config, data_dir: Path, progress: Progress | None = None, *, with_cycle: bool = True) -> DemoResult:
    """Generate the demo files and load them; returns the logins and what was imported.

    `with_cycle` seeds a complete management cycle for the past year (off for tests that walk it by hand).
    """
    from msoko.catalog.services import load_default_catalog
    from msoko.collection.services import import_file
    from msoko.demo.generator import generate
    from msoko.registry.importers import import_clusters, import_organisations

    report = progress or (lambda stage, done, total: None)
    call_command("migrate", verbosity=0, interactive=False)
    report("Каталог показателей", 0, 1)
    version = load_default_catalog().version
    report("Каталог показателей", 1, 1)

    municipality = registry.ensure_municipality(
        config.region_code, config.region_name, config.municipality_code, config.municipality_name
    )
    first = config.last_year - config.years + 1
    for start_year in range(first, config.last_year + 1):
        year = registry.ensure_academic_year(start_year, current=start_year == config.last_year)
        if year.catalog_version_id is None:
            year.catalog_version = version
            year.save(update_fields=["catalog_version"])

    out_dir = data_dir / "demo-files"
    manifest = generate(config, out_dir, progress=lambda stage, done, total: report("Генерация файлов", done, total))

    result = DemoResult(municipality=municipality, planted=manifest.planted)
    files = list(manifest.files)
    for spec in files:
        if spec.kind == "organisations":
            import_organisations(out_dir / spec.path, municipality)
    for spec in files:
        if spec.kind == "clusters":
            import_clusters(out_dir / spec.path, municipality)

    orgs = {o.code: o for o in Organisation.objects.filter(municipality=municipality)}
    for person in manifest.people:
        organisation = orgs.get(person.get("organisation")) if person.get("organisation") else None
        registry.create_person_with_login(
            full_name=person["full_name"],
            username=person["username"],
            password=person["password"],
            role=person["role"],
            position=person.get("position", ""),
            municipality=municipality,
            organisation=organisation,
            direction_number=person.get("direction"),
        )
        result.logins.append(person)

    data_files = [s for s in files if s.kind not in {"organisations", "clusters"}]
    for number, spec in enumerate(data_files, start=1):
        report("Загрузка данных", number - 1, len(data_files))
        outcome = import_file(spec.kind, out_dir / spec.path, year=spec.academic_year, confirm_replace=True)
        result.imports.append({"kind": spec.kind, "file": Path(spec.path).name, "status": outcome.status,
                               "rows": spec.rows, "message": outcome.message})
    report("Загрузка данных", len(data_files), len(data_files))

    from msoko.collection.demo import seed_campaigns
    from msoko.registry.models import AcademicYear

    current = AcademicYear.objects.get(start_year=config.last_year)
    result.campaigns = seed_campaigns(municipality, current, manifest.people)

    from msoko.analytics import services as analysis

    steps = [("ШНОР и ШНСУ", lambda: analysis.run_shnor(municipality)),
             ("Объективность", lambda: analysis.run_objectivity(municipality))]
    steps += [(f"Мониторинг {start_year}", lambda y=start_year: analysis.run_monitoring(y, municipality))
              for start_year in range(max(first, config.last_year - 1), config.last_year + 1)]
    for number, (label, run) in enumerate(steps):
        report("Анализ", number, len(steps))
        outcome = run()
        result.analyses.append({"kind": label, "status": outcome.status})
    report("Анализ", len(steps), len(steps))

    from msoko.cycle.demo import seed_cycle

    report("Управленческий цикл", 0, 1)
    if with_cycle and config.years >= 2:
        result.cycle = seed_cycle(municipality, past_year=config.last_year - 1, planted=manifest.planted)
    report("Управленческий цикл", 1, 1)
    return result


def stored_logins(data_dir: Path) -> list[dict]:
    """The logins written by an earlier build (to print them again when serving)."""
    path = manifest_path(data_dir)
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8")).get("people", [])


ROLE_ORDER = [Role.DEPARTMENT, Role.REGION, Role.METHODIST, Role.COORDINATOR, Role.EXECUTOR, Role.OPERATOR,
              Role.ORG_ADMIN, Role.COUNCIL, Role.PUBLIC]


def one_login_per_role(logins: list[dict]) -> list[dict]:
    """The first login of each role, in a sensible order, for printing."""
    seen: dict[str, dict] = {}
    for person in logins:
        seen.setdefault(person["role"], person)
    return [seen[r] for r in ROLE_ORDER if r in seen]
