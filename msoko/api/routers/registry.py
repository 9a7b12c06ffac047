"""Organisations and clusters."""

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.api.routers.common import READ_ERRORS, scope
from msoko.api.schemas import ClusterOut, OrganisationOut
from msoko.registry import selectors as registry
from msoko.registry.models import AcademicYear, ClusterMembership, Organisation

router = Router(tags=["Организации и кластеры"])


class OrganisationFilter(Schema):
    q: str = ""
    kind: str = ""
    cluster: str = ""
    year: int | None = None


def _org_out(org: Organisation, memberships: dict[int, list]) -> dict:
    return {
        "code": org.code, "short_name": org.short_name, "full_name": org.full_name, "kind": org.kind,
        "settlement": org.settlement, "is_small": org.is_small, "is_remote": org.is_remote,
        "municipality": org.municipality.code, "address": org.address, "head_name": org.head_name, "phone": org.phone,
        "email": org.email, "website": org.website, "active_from": org.active_from, "active_to": org.active_to,
        "clusters": memberships.get(org.pk, []),
    }


def _memberships(org_ids: list[int]) -> dict[int, list]:
    out: dict[int, list] = {}
    rows = ClusterMembership.objects.filter(organisation_id__in=org_ids).select_related("cluster", "academic_year")
    for m in rows.order_by("academic_year__start_year"):
        out.setdefault(m.organisation_id, []).append({"year": m.academic_year.label, "cluster": m.cluster.code})
    return out


@router.get("/organisations/", response={200: list[OrganisationOut], **READ_ERRORS}, summary="Организации")
@paginate(LimitOffsetPagination)
def organisations(request, filters: Query[OrganisationFilter]):
    """Организации, доступные пользователю; поиск без учёта регистра и «ё»."""
    year = AcademicYear.objects.filter(start_year=filters.year).first() if filters.year else registry.current_year()
    qs = registry.filter_organisations(
        scope(request).visible_organisations().select_related("municipality"),
        query=filters.q, kind=filters.kind, cluster=filters.cluster, year=year,
    ).distinct()
    orgs = list(qs)
    memberships = _memberships([o.pk for o in orgs])
    return [_org_out(o, memberships) for o in orgs]


@router.get("/organisations/{code}/", response={200: OrganisationOut, **READ_ERRORS}, summary="Организация")
def organisation(request, code: str):
    org = scope(request).visible_organisations().select_related("municipality").filter(code=code).first()
    if org is None:
        raise Http404("Организация не найдена")
    return _org_out(org, _memberships([org.pk]))


@router.get("/clusters/", response={200: list[ClusterOut], **READ_ERRORS}, summary="Кластеры")
def clusters(request, year: int | None = None):
    """Кластеры муниципалитетов пользователя и их школы в указанном (или текущем) году."""
    user_scope = scope(request)
    chosen = AcademicYear.objects.filter(start_year=year).first() if year else registry.current_year()
    municipality_ids = user_scope.visible_municipalities().values_list("pk", flat=True)
    visible = set(user_scope.visible_organisations().values_list("pk", flat=True))
    out = []
    for cluster in registry.clusters(municipality_ids).select_related("municipality"):
        members = []
        if chosen is not None:
            members = sorted(
                code for pk, code in ClusterMembership.objects.filter(cluster=cluster, academic_year=chosen)
                .values_list("organisation_id", "organisation__code") if pk in visible
            )
        out.append({
            "id": cluster.pk, "code": cluster.code, "name": cluster.name, "description": cluster.description,
            "municipality": cluster.municipality.code, "year": chosen.label if chosen else None, "members": members,
        })
    return out
