from django.contrib import admin

from msoko.cycle import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0


@admin.register(models.Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "established"]
    inlines = [MembershipInline]


class AgendaInline(admin.TabularInline):
    model = models.AgendaItem
    extra = 0


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["body", "number", "date", "status"]
    list_filter = ["status", "body"]
    inlines = [AgendaInline]


@admin.register(models.Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["number", "content", "direction_number", "cycle_position", "deadline_text", "status"]
    list_filter = ["status", "direction_number", "cycle_position", "deadline_kind"]
    search_fields = ["content_key"]


@admin.register(models.RecommendationRule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["finding_kind", "addressee_level", "direction_number", "title", "is_active"]
    list_filter = ["finding_kind", "addressee_level", "is_active"]


@admin.register(models.Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["title", "addressee_level", "organisation", "direction_number", "status"]
    list_filter = ["status", "addressee_level", "direction_number"]


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "direction_number", "deadline", "status"]
    list_filter = ["kind", "status", "direction_number"]


for model in (models.Roadmap, models.Practice, models.EffectivenessAnalysis, models.CycleGoalDraft, models.Vote):
    admin.site.register(model)
