"""`msoko catalog …`: load, check, export and import the indicator catalog."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from msoko.catalog import schema, services
from msoko.catalog.models import CatalogVersion


class Command(BaseCommand):
    help = "Каталог показателей: загрузка встроенного каталога, проверка, выгрузка и загрузка файла."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ДЕЙСТВИЕ")
        sub.add_parser("load-default", help="загрузить встроенный каталог msoko/catalog/data/catalog.yaml")

        export = sub.add_parser("export", help="выгрузить версию каталога в файл")
        export.add_argument("--format", choices=["json", "yaml"], default="json")
        export.add_argument("--out", required=True, help="путь к файлу")
        export.add_argument("--version", dest="label", help="метка версии (по умолчанию — действующая)")

        imp = sub.add_parser("import", help="загрузить каталог из файла JSON или YAML как новую версию")
        imp.add_argument("file")
        imp.add_argument("--not-current", action="store_true", help="не делать загруженную версию действующей")

        check = sub.add_parser("check", help="проверить файл каталога, ничего не загружая")
        check.add_argument("file")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        try:
            if action == "load-default":
                result = services.load_default_catalog()
                self.stdout.write(result.message)
            elif action == "export":
                self._export(options)
            elif action == "import":
                path = Path(options["file"])
                data = schema.read_file(path)
                result = services.import_catalog(data, source=str(path), make_current=not options["not_current"])
                self.stdout.write(result.message)
            elif action == "check":
                path = Path(options["file"])
                document = services.validate_catalog(schema.read_file(path), source=str(path))
                total = sum(len(d["indicators"]) for d in document["directions"] + document["variant_directions"])
                self.stdout.write(
                    f"Файл «{path}» корректен: версия «{document['version']}», "
                    f"направлений {len(document['directions'])} (+ вариативных {len(document['variant_directions'])}), "
                    f"показателей {total}, элементов данных {len(document['data_elements'])}."
                )
        except schema.CatalogError as exc:
            raise CommandError(str(exc)) from None

    def _export(self, options: dict) -> None:
        label = options.get("label")
        if label:
            version = CatalogVersion.objects.filter(label=label).first()
            if version is None:
                raise CommandError(f"Версия каталога «{label}» не найдена.")
        else:
            version = CatalogVersion.objects.filter(is_current=True).first()
            if version is None:
                raise CommandError("В системе нет действующей версии каталога: выполните «msoko catalog load-default».")
        document = services.export_catalog(version)
        out = Path(options["out"])
        if options["format"] == "json":
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        else:
            text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Не удалось записать файл «{out}»: {exc.strerror}.") from None
        total = sum(len(d["indicators"]) for d in document["directions"] + document["variant_directions"])
        self.stdout.write(f"Версия «{version.label}» выгружена в «{out}»: показателей {total}.")
