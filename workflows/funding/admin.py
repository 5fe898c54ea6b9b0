from django.contrib import admin

from workflows.funding.models import FundingFile


@admin.register(FundingFile)
class FundingFileAdmin(admin.ModelAdmin):
    """Read-only: the files change through their transitions only (pages, services)."""

    list_display = ("reference", "year", "place", "departement", "state", "amount")
    list_filter = ("year", "state", "departement")
    search_fields = ("place__name", "porteur__name", "porteur__siret")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
