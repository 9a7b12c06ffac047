"""Registry in the Django admin; every change is written to the audit trail."""

from django.contrib import admin

from msoko.core.admin import AuditedModelAdmin
from msoko.registry import models


@admin.register(models.Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["code", "short_name", "kind", "settlement", "is_small", "is_remote", "municipality"]
    list_filter = ["kind", "settlement", "is_small", "is_remote", "municipality"]
    search_fields = ["code", "short_name", "full_name"]


class RoleInline(admin.TabularInline):
    model = models.RoleAssignment
    extra = 0


@admin.register(models.Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["full_name", "position", "organisation", "user"]
    search_fields = ["full_name", "user__username"]
    inlines = [RoleInline]


@admin.register(models.Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "region", "variant_directions"]


for model in (models.Region, models.AcademicYear, models.Period, models.Cluster, models.ClusterMembership,
              models.RoleAssignment):
    admin.site.register(model, AuditedModelAdmin)
