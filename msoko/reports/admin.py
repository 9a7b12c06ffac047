from django.contrib import admin

from msoko.reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "fmt", "status", "progress", "created_by", "created_at")
    list_filter = ("status", "kind", "fmt")
    readonly_fields = [f.name for f in ReportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
