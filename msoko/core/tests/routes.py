"""Walking the project's URL patterns and calling them as a persona (shared by the access tests)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ANONYMOUS = "anonymous"
LOGIN = "login"  # 302 to /login/?next=…
ADMIN_LOGIN = "admin-login"  # 302 to /admin/login/?next=…
REDIRECT = "redirect"  # any other 302


@dataclass(frozen=True)
class Route:
    """One URL pattern: its key (``namespace:name`` or, without a name, the full pattern)."""

    key: str
    pattern: str
    name: str | None

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def all_routes() -> list[Route]:
    """Every URL pattern of the project, resolvers walked recursively."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[None]:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                ns = namespace
                if item.namespace:
                    ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
                walk(item, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                pattern = prefix + str(item.pattern)
                name = f"{namespace}:{item.name}" if namespace and item.name else item.name
                found.append(Route(key=name or pattern, pattern=pattern, name=name))

    walk(get_resolver(), "", "")
    return found


def admin_path(route: Route) -> str:
    """A concrete URL for an admin pattern: an existing object's id where the pattern wants one."""
    pattern = route.pattern
    if pattern.startswith("admin/^"):  # the app index regex: the first app of the alternatives
        return "/admin/" + re.search(r"\(\?P<app_label>([^|)]+)", pattern).group(1) + "/"
    if "(?P<url>" in pattern:  # the catch-all
        return "/admin/no-such-page/"
    if "<path:content_type_id>" in pattern:
        ct = ContentType.objects.get_for_model(apps.get_model("registry", "organisation"))
        obj = apps.get_model("registry", "organisation").objects.order_by("pk").first()
        return "/" + pattern.replace("<path:content_type_id>", str(ct.pk)).replace("<path:object_id>", str(obj.pk))
    path = "/" + pattern
    if "<path:object_id>" in pattern or "<id>" in pattern:
        app_label, model_name = pattern.split("/")[1:3]
        model = apps.get_model(app_label, model_name)
        obj = model._default_manager.order_by("pk").first()
        pk = obj.pk if obj is not None else 999999
        path = path.replace("<path:object_id>", str(pk)).replace("<id>", str(pk))
    return path


def outcome(response) -> str | int:
    """A response as the matrix writes it: the status, or where a 302 leads."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        return REDIRECT
    return response.status_code


def client_as(role: str, users: dict) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(users[role])
    return client


def api_headers(role: str, keys: dict[str, str]) -> dict[str, str]:
    return {} if role == ANONYMOUS else {"Authorization": f"Bearer {keys[role]}"}
