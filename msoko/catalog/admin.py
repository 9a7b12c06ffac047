"""Django admin for the catalog: every write is checked like a catalog file and audited."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q

from msoko.catalog import formula
from msoko.catalog.models import (
    CatalogVersion,
    DataElement,
    Direction,
    Goal,
    Indicator,
    IndicatorTarget,
    Mechanism,
)
from msoko.core import audit
from msoko.core.text import search_key


class AuditedAdmin(admin.ModelAdmin):
    """Records an audit entry for each save and delete (the admin view runs in a transaction)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        audit.record(request.user, "catalog.admin_change" if change else "catalog.admin_add", obj, after=changed)

    def delete_model(self, request, obj):
        audit.record(request.user, "catalog.admin_delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(request.user, "catalog.admin_delete", obj)
        super().delete_queryset(request, queryset)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = "__all__"

    def clean(self):
        data = super().clean()
        known = set(DataElement.objects.values_list("code", flat=True))
        for key in ("numerator", "denominator"):
            expression = (data.get(key) or "").strip()
            if not expression:
                continue
            try:
                formula.check(expression, known)
            except formula.FormulaError as exc:
                self.add_error(key, str(exc))
        if data.get("kind") in ("share", "ratio") and not (data.get("denominator") or "").strip():
            self.add_error("denominator", "Для доли и отношения нужен знаменатель.")
        direction, version = data.get("direction"), data.get("version")
        if direction and version and direction.version_id != version.pk:
            self.add_error("direction", "Направление относится к другой версии каталога.")
        return data


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0
    fields = ("order", "code", "text", "tasks", "seed_ref")


@admin.register(CatalogVersion)
class CatalogVersionAdmin(AuditedAdmin):
    list_display = ("label", "is_current", "loaded_at", "source")
    readonly_fields = ("checksum", "loaded_at")
    filter_horizontal = ("data_elements",)


@admin.register(Mechanism)
class MechanismAdmin(AuditedAdmin):
    list_display = ("number", "name", "version")
    list_filter = ("version",)


@admin.register(Direction)
class DirectionAdmin(AuditedAdmin):
    list_display = ("number", "short_name", "mechanism", "is_variant", "version")
    list_filter = ("version", "is_variant", "mechanism__number")
    search_fields = ("code", "name", "short_name")
    inlines = [GoalInline]


@admin.register(Goal)
class GoalAdmin(AuditedAdmin):
    list_display = ("code", "direction", "text")
    list_filter = ("direction__version", "direction__number")


@admin.register(DataElement)
class DataElementAdmin(AuditedAdmin):
    list_display = ("code", "name", "value_type", "unit", "source")
    list_filter = ("value_type",)
    search_fields = ("code", "name")


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    form = IndicatorForm
    list_display = ("code", "name", "direction", "kind", "block", "higher_is_better", "not_for_rating", "defined_in_msoko")
    list_filter = ("version", "direction__number", "kind", "block", "aggregation", "not_for_rating", "defined_in_msoko")
    search_fields = ("code", "name")
    list_select_related = ("direction",)
    inlines = [IndicatorTargetInline]
    fieldsets = (
        (None, {"fields": ("version", "direction", "code", "order", "name", "criterion", "description")}),
        ("Формула", {"fields": ("kind", "numerator", "denominator", "multiplier", "unit", "higher_is_better", "aggregation")}),
        ("Сбор данных", {"fields": ("periodicity", "source", "collection_method", "responsible_role", "org_kinds")}),
        ("Использование", {"fields": ("block", "not_for_rating", "defined_in_msoko", "seed_ref")}),
    )

    def get_search_results(self, request, queryset, search_term):
        """Cyrillic case-insensitive search through the stored search key (SQLite folds ASCII only)."""
        words = search_key(search_term).split()
        if not words:
            return queryset, False
        condition = Q()
        for word in words:
            condition &= Q(name_key__contains=word)
        return queryset.filter(condition), False


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(AuditedAdmin):
    list_display = ("indicator", "year", "norm", "target")
    list_filter = ("year",)
