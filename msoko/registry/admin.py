from django.contrib import admin

from msoko.registry import models


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "kind", "settlement", "is_small", "is_remote", "municipality"]
    list_filter = ["kind", "settlement", "is_small", "is_remote", "municipality"]
    search_fields = ["code", "short_name", "full_name"]


class RoleInline(admin.TabularInline):
    model = models.RoleAssignment
    extra = 0


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "organisation", "user"]
    search_fields = ["full_name", "user__username"]
    inlines = [RoleInline]


for model in (models.Region, models.Municipality, models.AcademicYear, models.Period, models.Cluster, models.ClusterMembership):
    admin.site.register(model)
