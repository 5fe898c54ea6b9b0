from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from labelling import models, territories
from labelling.forms import CleanTextModelForm


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
    list_display = ("insee_code", "name", "departement", "population", "postal_codes")
    list_select_related = ("departement",)
    search_fields = ("name", "insee_code")
    list_filter = ("departement",)

    def get_search_results(self, request, queryset, search_term):
        """Also what the forms find: accent-insensitive name prefix, postcode, and the INSEE
        code of an arrondissement or commune déléguée (its commune)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            codes = [
                s.resolved.commune.insee_code
                for s in territories.search_communes(query=search_term, limit=20)
            ]
            found = found | queryset.filter(insee_code__in=codes)
        return found, duplicates


@admin.register(models.CommuneAlias)
class CommuneAliasAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "commune")
    list_select_related = ("commune",)
    list_filter = ("kind",)
    search_fields = ("code", "name", "commune__name")
    autocomplete_fields = ("commune",)


@admin.register(models.Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_national", "position")
    list_editable = ("position",)


@admin.register(models.Porteur)
class PorteurAdmin(admin.ModelAdmin):
    list_display = ("name", "article", "kind", "siret")
    list_filter = ("kind",)
    search_fields = ("name", "siret")
    autocomplete_fields = ("commune",)


class PlaceAdminForm(CleanTextModelForm):
    """The admin gives the model and the fields (``modelform_factory``)."""

    def clean(self):
        """The one rule of ``labelling.territories``: an arrondissement or commune déléguée
        designates its commune, and the place's département is its commune's."""
        cleaned = super().clean()
        alias = cleaned.get("commune_alias")
        commune = cleaned.get("commune")
        if alias is not None:
            if commune is not None and commune.pk != alias.commune_id:
                self.add_error(
                    "commune_alias",
                    f"{alias.code} désigne la commune de {alias.commune.name} "
                    f"({alias.commune_id}), pas {commune}.",
                )
            else:
                cleaned["commune"] = alias.commune
                self.instance.commune = alias.commune
        if cleaned.get("commune") is not None:
            self.instance.departement_id = cleaned["commune"].departement_id
        return cleaned


@admin.register(models.Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceAdminForm
    list_display = ("name", "commune", "departement", "porteur", "label_status")
    list_filter = ("label_status", "departement")
    list_select_related = ("commune", "departement", "porteur")
    search_fields = ("name", "id_fs", "commune__name")
    autocomplete_fields = ("commune", "commune_alias", "porteur")


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


class FundingRateShareInline(admin.TabularInline):
    model = models.FundingRateShare
    extra = 0


@admin.register(models.Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "budget_line", "position")


@admin.register(models.FundingRate)
class FundingRateAdmin(admin.ModelAdmin):
    """The national users' page (/financements/taux/) checks that the parts make 100 %; here
    the administrator sees the same rows."""

    list_display = ("year", "amount", "prorata_first_year")
    inlines = [FundingRateShareInline]


@admin.register(models.Envelope)
class EnvelopeAdmin(admin.ModelAdmin):
    list_display = ("year", "departement", "funder", "amount")
    list_filter = ("year", "funder")

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.commitments.exists()
