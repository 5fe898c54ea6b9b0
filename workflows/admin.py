"""Read-mostly admin: state changes go through the services, never through the admin."""

from django.contrib import admin

from workflows import models


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class JournalInline(ReadOnlyInline):
    model = models.JournalEntry
    fields = ("at", "actor_label", "action", "from_state", "to_state", "comment", "private")
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = models.ApplicationDocument
    fields = ("created_at", "revision", "role", "kind", "title", "document", "piece")
    readonly_fields = fields


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("reference", "site_name", "departement", "state", "revision", "stage_deadline")
    list_filter = ("state", "departement")
    list_select_related = ("place", "departement")
    search_fields = ("place__name", "porteur__name")
    inlines = [DocumentInline, JournalInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "application", "actor_label", "action", "from_state", "to_state")
    list_filter = ("action",)
    list_select_related = ("application__place",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = ("key", "sent_at")
    search_fields = ("key",)
