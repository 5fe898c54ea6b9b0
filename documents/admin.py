from django.contrib import admin

from documents.models import (
    Document,
    DocumentBatch,
    Prefecture,
    SignatureDelegation,
    SupportingDocument,
)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("kind", "subject_key", "revision", "status", "place", "created_at", "ready_at")
    list_filter = ("kind", "status")
    search_fields = ("subject_key", "verification_code", "place__name", "sha256")
    raw_id_fields = ("place", "requested_by")
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportingDocument)
class SupportingDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "original_name", "content_type", "size", "place", "uploaded_at")
    search_fields = ("title", "original_name", "sha256", "place__name")
    raw_id_fields = ("place", "uploaded_by")
    readonly_fields = [f.name for f in SupportingDocument._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DocumentBatch)
class DocumentBatchAdmin(admin.ModelAdmin):
    list_display = ("__str__", "total", "requested_by", "created_at")
    readonly_fields = ("title", "total", "requested_by", "created_at")
    exclude = ("documents",)


class SignatureDelegationInline(admin.TabularInline):
    model = SignatureDelegation
    extra = 0
    raw_id_fields = ("delegate",)


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ("departement", "prefet_name", "service", "phone", "email")
    raw_id_fields = ("prefet_user",)
    inlines = [SignatureDelegationInline]


@admin.register(SignatureDelegation)
class SignatureDelegationAdmin(admin.ModelAdmin):
    list_display = (
        "arrete_number",
        "arrete_date",
        "delegate",
        "prefecture",
        "valid_from",
        "valid_until",
    )
    list_filter = ("prefecture",)
    raw_id_fields = ("delegate",)
