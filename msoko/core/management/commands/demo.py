"""`msoko demo`: build the demo municipality on the embedded database and serve the web UI."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from msoko.core import demo
from msoko.registry.models import Role


class Command(BaseCommand):
    help = "Создаёт демонстрационный муниципалитет (через обычную загрузку файлов) и запускает веб-интерфейс."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=28, help="число школ (по умолчанию 28)")
        parser.add_argument("--preschools", type=int, default=None, help="число ДОО (по умолчанию 12)")
        parser.add_argument("--years", type=int, default=4, help="число учебных лет (по умолчанию 4)")
        parser.add_argument("--seed", type=int, default=2026, help="зерно генератора (по умолчанию 2026)")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="адрес веб-сервера")
        parser.add_argument("--no-serve", action="store_true", help="только создать данные, сервер не запускать")
        parser.add_argument("--rebuild", action="store_true", help="пересоздать данные, даже если они уже есть")

    def handle(self, *args, **options):
        from msoko.demo.generator import DemoConfig

        data_dir = Path(settings.DATA_DIR)
        call_command("migrate", verbosity=0, interactive=False)
        if demo.demo_exists() and not options["rebuild"]:
            self.stdout.write(f"Демонстрационные данные уже есть в {data_dir}; пересоздать: --rebuild.")
            logins = demo.stored_logins(data_dir)
        else:
            if options["rebuild"] and demo.demo_exists():
                raise CommandError(
                    f"Для пересоздания удалите каталог данных {data_dir} или укажите другой: --data-dir."
                )
            extra = {} if options["preschools"] is None else {"preschools": options["preschools"]}
            try:
                config = DemoConfig.for_scale(options["schools"], years=options["years"], seed=options["seed"])
                if extra:
                    config = DemoConfig(**{**config.__dict__, **extra})
            except ValueError as exc:
                raise CommandError(f"Неверные параметры демонстрации: {exc}") from None
            bars: dict[str, tqdm] = {}

            def progress(stage: str, done: int, total: int) -> None:
                bar = bars.get(stage)
                if bar is None:
                    for other in bars.values():
                        other.close()
                    bar = bars[stage] = tqdm(total=total, desc=stage, unit="", leave=False)
                bar.total = total
                bar.n = done
                bar.refresh()

            result = demo.build_demo(config, data_dir, progress)
            for bar in bars.values():
                bar.close()
            failed = [i for i in result.imports if i["status"] not in {"done", "unchanged"}]
            self.stdout.write(self.style.SUCCESS(
                f"Демонстрационный муниципалитет «{result.municipality.name}» создан: "
                f"{len(result.imports)} файлов загружено в {data_dir}."
            ))
            if failed:
                details = "\n".join(f"  {i['file']}: {i['message']}" for i in failed)
                raise CommandError(f"Не загружены файлы:\n{details}")
            logins = result.logins
        self._print_logins(logins)
        if not options["no_serve"]:
            self.stdout.write(f"Веб-интерфейс: http://{options['addr']}/  (остановить: Ctrl+C)")
            call_command("runserver", options["addr"], use_reloader=False, use_threading=True)

    def _print_logins(self, logins: list[dict]) -> None:
        labels = dict(Role.choices)
        self.stdout.write("Входы для демонстрации (имя пользователя / пароль):")
        for person in demo.one_login_per_role(logins):
            where = f", {person['organisation']}" if person.get("organisation") else ""
            direction = f", направление {person['direction']}" if person.get("direction") else ""
            self.stdout.write(
                f"  {labels.get(person['role'], person['role'])}{where}{direction}: "
                f"{person['username']} / {person['password']}"
            )
