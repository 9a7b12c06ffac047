"""Django admin that writes the audit trail, and audited admins for users and groups.

Any app's ModelAdmin becomes audited by inheriting `AuditedModelAdmin`: every add, change and
delete of the object and of its inline objects gets an audit entry with the state before and
after, inside the admin's own transaction. Users and groups are re-registered here with it, so
changes of accounts, passwords and permissions made in the admin are audited too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from msoko.core import audit
from msoko.core.models import AuditEntry

BEFORE_KEY = "_msoko_audit_before"


def _label(obj: Any) -> str:
    return obj._meta.label_lower


def _fresh(obj: Any) -> Any:
    """The object as it is in the database now (before the admin's change), or None."""
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every write leaves an audit entry (action ``<app>.<model>.admin_*``)."""

    audit_exclude: tuple[str, ...] = ()

    def _snapshot(self, obj: Any) -> dict[str, Any] | None:
        return None if obj is None else audit.snapshot(obj, exclude=self.audit_exclude)

    def save_model(self, request, obj, form, change):
        # Many-to-many fields are saved later (save_related), so the entry is written there.
        setattr(request, BEFORE_KEY, self._snapshot(_fresh(obj)) if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, BEFORE_KEY, None)
        after = self._snapshot(obj)
        if change and before == after:
            return
        action = "admin_change" if change else "admin_add"
        audit.record(request.user, f"{_label(obj)}.{action}", obj, before=before, after=after)

    def save_formset(self, request, form, formset, change):
        befores: dict[int, dict | None] = {}
        for inline_form in formset.initial_forms:
            instance = inline_form.instance
            if instance.pk is not None and (
                inline_form.has_changed() or formset._should_delete_form(inline_form)
            ):
                befores[id(instance)] = self._snapshot(_fresh(instance))
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record(request.user, f"{_label(obj)}.admin_add", obj, after=self._snapshot(obj))
        for obj, _fields in formset.changed_objects:
            audit.record(
                request.user,
                f"{_label(obj)}.admin_change",
                obj,
                before=befores.get(id(obj)),
                after=self._snapshot(obj),
            )
        for obj in formset.deleted_objects:
            audit.record(
                request.user,
                f"{_label(obj)}.admin_delete",
                object_type=_label(obj),
                summary=str(obj)[:500],
                before=befores.get(id(obj)),
            )

    def delete_model(self, request, obj):
        audit.record(request.user, f"{_label(obj)}.admin_delete", obj, before=self._snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(request.user, f"{_label(obj)}.admin_delete", obj, before=self._snapshot(obj))
        super().delete_queryset(request, queryset)


class AuditedUserAdmin(AuditedModelAdmin, UserAdmin):
    """Users: account, permission and group changes and password resets are audited."""

    audit_exclude = ("last_login",)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            old_hash = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != old_hash:
                    audit.record(
                        request.user,
                        "auth.user.password_change",
                        user,
                        summary=f"Пароль пользователя {user.get_username()} изменён в администрировании",
                    )
        return response


class AuditedGroupAdmin(AuditedModelAdmin, GroupAdmin):
    """Groups and their permissions."""


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail is read-only everywhere, the admin included."""

    list_display = ["id", "at", "actor_label", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


_user_model = get_user_model()
for _model, _admin in ((_user_model, AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
