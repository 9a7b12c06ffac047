"""`msoko api token create USER [--name N]`, `msoko api token list [USER]`, `msoko api token revoke ID`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Токены API: создать, перечислить, отозвать."

    def add_arguments(self, parser) -> None:
        groups = parser.add_subparsers(dest="group", required=True)
        token = groups.add_parser("token", help="токены пользователей (Authorization: Bearer …)")
        actions = token.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="создать токен; ключ показывается один раз")
        create.add_argument("user", help="имя пользователя (логин)")
        create.add_argument("--name", default="", help="название токена, например «выгрузка в DHIS2»")
        listing = actions.add_parser("list", help="перечислить токены")
        listing.add_argument("user", nargs="?", default=None)
        revoke = actions.add_parser("revoke", help="отозвать токен")
        revoke.add_argument("id", type=int, help="номер токена из списка")

    def handle(self, *args, **options) -> None:
        from msoko.api import tokens
        from msoko.api.models import ApiToken

        action = options["action"]
        if action == "create":
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Пользователь «{options['user']}» не найден.")
            try:
                token, key = tokens.create_token(user, name=options["name"], actor=None)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Токен №{token.pk} для «{user.get_username()}» создан. Сохраните ключ — он больше не будет показан:")
            self.stdout.write(key)
        elif action == "list":
            qs = ApiToken.objects.select_related("user")
            if options["user"]:
                qs = qs.filter(user__username=options["user"])
            for t in qs:
                used = timezone.localtime(t.last_used).strftime("%d.%m.%Y %H:%M") if t.last_used else "не использовался"
                state = " (отозван)" if t.revoked else ""
                self.stdout.write(f"№{t.pk}\t{t.user.get_username()}\t{t.prefix}…\t{t.name}\t{used}{state}")
        else:
            token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
            if token is None:
                raise CommandError(f"Токен №{options['id']} не найден.")
            tokens.revoke_token(token, actor=None)
            self.stdout.write(f"Токен №{token.pk} отозван.")
