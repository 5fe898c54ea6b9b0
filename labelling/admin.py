from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from guardian.admin import GuardedModelAdmin

from labelling import models
from labelling.permissions import sync_place_permissions, sync_user_groups


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("name", "code")


@admin.register(models.Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region")
    list_select_related = ("region",)
    search_fields = ("name", "code")


@admin.register(models.Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("insee_code", "name", "departement", "population")
    list_select_related = ("departement",)
    search_fields = ("name", "insee_code")
    list_filter = ("departement",)


@admin.register(models.Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_national", "position")
    list_editable = ("position",)


@admin.register(models.Porteur)
class PorteurAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "siret")
    list_filter = ("kind",)
    search_fields = ("name", "siret")
    autocomplete_fields = ("commune",)


@admin.register(models.Place)
class PlaceAdmin(GuardedModelAdmin):
    list_display = ("name", "commune", "departement", "porteur", "label_status")
    list_filter = ("label_status", "departement")
    list_select_related = ("commune", "departement", "porteur")
    search_fields = ("name", "id_fs", "commune__name")
    autocomplete_fields = ("commune", "porteur")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_place_permissions(places=[obj])


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "departement", "is_active")
    list_filter = ("role", "departement", "is_active")
    search_fields = ("email", "first_name", "last_name")
    autocomplete_fields = ("porteur",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Rôle", {"fields": ("role", "departement", "porteur", "operator")}),
        ("Accès", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "email",
                    "role",
                    "departement",
                    "porteur",
                    "operator",
                    "password1",
                    "password2",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_user_groups(user=obj)
