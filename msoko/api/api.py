"""The `/api/v1/` application: django-ninja with bearer tokens, Russian errors, OpenAPI and docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from msoko.api.errors import InvalidInput, russian_message
from msoko.api.tokens import user_for_key
from msoko.collection.campaign_services import CampaignError, StaleForm
from msoko.cycle.errors import CycleError


class BearerToken(HttpBearer):
    """`Authorization: Bearer <key>`; keys are created with `msoko api token create USER`."""

    openapi_description = "Токен пользователя: msoko api token create ИМЯ_ПОЛЬЗОВАТЕЛЯ"

    def authenticate(self, request, token: str):
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


class RussianJSONRenderer(JSONRenderer):
    """Cyrillic as is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="msoko API",
    version="1",
    description=(
        "Муниципальная система оценки качества образования: организации и кластеры, каталог показателей, "
        "значения (в том числе в формате DHIS2 dataValueSets), загрузки, расчёты, рекомендации, "
        "мероприятия и управленческие решения. Права те же, что в интерфейсе: вне своей территории — 404, "
        "роль только для чтения — 403. Описание: docs/api.md."
    ),
    auth=BearerToken(),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    renderer=RussianJSONRenderer(),
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Не найдено."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Недостаточно прав."}, status=403)


@api.exception_handler(CycleError)
def rule_broken(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(InvalidInput)
def refused_input(request, exc: InvalidInput):
    return api.create_response(
        request, {"detail": exc.message, "errors": [{"field": "", "message": p, "type": "rule"} for p in exc.problems]},
        status=422,
    )


@api.exception_handler(CampaignError)
def campaign_refused(request, exc: CampaignError):
    """A stale form (optimistic lock) is 409; refused answers 422 with every problem; a status rule 400."""
    if isinstance(exc, StaleForm):
        return api.create_response(request, {"detail": exc.message}, status=409)
    if exc.problems:
        return refused_input(request, InvalidInput(exc.message, exc.problems))
    return api.create_response(request, {"detail": exc.message}, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Нужен действующий токен: заголовок «Authorization: Bearer <токен>»."}, status=401
    )


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        errors.append({"field": location, "message": russian_message(error), "type": str(error.get("type", ""))})
    fields = ", ".join(e["field"] for e in errors) or "запрос"
    return api.create_response(
        request, {"detail": f"Неверные данные запроса: {fields}.", "errors": errors}, status=422
    )


def _register() -> None:
    from msoko.api.routers import analysis, campaigns, catalog, cycle, imports, registry, values

    api.add_router("/", registry.router)
    api.add_router("/", catalog.router)
    api.add_router("/", values.router)
    api.add_router("/", imports.router)
    api.add_router("/", analysis.router)
    api.add_router("/", cycle.router)
    api.add_router("/", campaigns.router)


_register()
