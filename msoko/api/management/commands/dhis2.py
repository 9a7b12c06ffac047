"""Exchange with DHIS2 and systems speaking its dataValueSets JSON.

    msoko dhis2 export --out FILE [--period 2024/25] [--org CODE] [--element CODE]
    msoko dhis2 import FILE [--dry-run] [--lenient]
    msoko dhis2 map KIND CODE EXTERNAL      (KIND: dataElement, orgUnit, categoryOptionCombo, period)
    msoko dhis2 unmap KIND CODE
    msoko dhis2 mappings
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Обмен значениями в формате DHIS2 dataValueSets и сопоставление кодов."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="выгрузить значения в JSON dataValueSets")
        export.add_argument("--out", required=True, help="файл .json ('-' — в стандартный вывод)")
        export.add_argument("--period", default="", help="учебный год (2024/25 или 2024Sep) или код периода")
        export.add_argument("--org", default="", help="код организации")
        export.add_argument("--element", default="", help="код элемента данных")
        load = actions.add_parser("import", help="загрузить значения из JSON dataValueSets")
        load.add_argument("file")
        load.add_argument("--dry-run", action="store_true", help="только проверить, ничего не записывая")
        load.add_argument("--lenient", action="store_true",
                          help="записать значения без конфликтов, пропустив остальные (atomicMode=NONE)")
        mapping = actions.add_parser("map", help="сопоставить код msoko идентификатору внешней системы")
        mapping.add_argument("kind", choices=["dataElement", "orgUnit", "categoryOptionCombo", "period"])
        mapping.add_argument("code", help="код в msoko (для итога без разреза — пустая строка '')")
        mapping.add_argument("external", help="идентификатор во внешней системе")
        unmap = actions.add_parser("unmap", help="удалить сопоставление")
        unmap.add_argument("kind", choices=["dataElement", "orgUnit", "categoryOptionCombo", "period"])
        unmap.add_argument("code")
        actions.add_parser("mappings", help="перечислить сопоставления")

    def handle(self, *args, **options) -> None:
        getattr(self, "_" + options["action"])(options)

    def _export(self, options) -> None:
        from msoko.api.exchange import export_data_value_set
        from msoko.api.selectors import data_values
        from msoko.registry.access import Scope

        everything = Scope(is_superuser=True)
        values = data_values(everything, organisation=options["org"], period=options["period"], element=options["element"])
        document = export_data_value_set(values)
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if options["out"] == "-":
            self.stdout.write(text)
            return
        Path(options["out"]).write_text(text, encoding="utf-8")
        self.stderr.write(f"Выгружено значений: {len(document['dataValues'])} → {options['out']}")

    def _import(self, options) -> None:
        from msoko.api.exchange import import_data_value_set

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Файл «{path}» не найден.")
        try:
            payload = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Файл «{path.name}»: не удалось прочитать JSON ({exc}). Данные не изменены.") from None
        summary = import_data_value_set(
            payload, actor=None, dry_run=options["dry_run"], atomic=not options["lenient"], source=f"DHIS2 {path.name}",
        )
        for conflict in summary.conflicts[:50]:
            self.stdout.write(self.style.WARNING(f"Конфликт: {conflict['value']}"))
        if len(summary.conflicts) > 50:
            self.stdout.write(self.style.WARNING(f"… и ещё конфликтов: {len(summary.conflicts) - 50}"))
        self.stdout.write(f"Файл «{path.name}»: {summary.description}")
        if summary.status == "ERROR":
            raise CommandError("Загрузка не выполнена.", returncode=1)

    def _map(self, options) -> None:
        from msoko.api.mappings import MappingError, set_mapping

        try:
            mapping = set_mapping(options["kind"], options["code"], options["external"])
        except MappingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Сопоставлено: {mapping}")

    def _unmap(self, options) -> None:
        from msoko.api.mappings import remove_mapping

        if not remove_mapping(options["kind"], options["code"]):
            raise CommandError("Такого сопоставления нет.")
        self.stdout.write("Сопоставление удалено.")

    def _mappings(self, options) -> None:
        from msoko.api.models import CodeMapping

        for m in CodeMapping.objects.all():
            self.stdout.write(f"{m.kind}\t{m.code or '(итог)'}\t{m.external}")
