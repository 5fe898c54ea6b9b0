"""ApplicationDocument and ConventionTracking point to the documents app by foreign key (to an
official Document or to a SupportingDocument), no longer by a bare UUID."""

import django.db.models.deletion
from django.db import migrations, models


def link(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    SupportingDocument = apps.get_model("documents", "SupportingDocument")
    ApplicationDocument = apps.get_model("workflows", "ApplicationDocument")
    ConventionTracking = apps.get_model("workflows", "ConventionTracking")
    documents = set(Document.objects.values_list("pk", flat=True))
    pieces = set(SupportingDocument.objects.values_list("pk", flat=True))
    for row in ApplicationDocument.objects.all().iterator():
        if row.role == "generated" and row.legacy_document_id in documents:
            row.document_id = row.legacy_document_id
        elif row.role != "generated" and row.legacy_document_id in pieces:
            row.piece_id = row.legacy_document_id
        else:
            row.delete()  # it pointed to nothing: no link to keep
            continue
        row.save(update_fields=["document", "piece"])
    for tracking in ConventionTracking.objects.exclude(legacy_document_id=None).iterator():
        if tracking.legacy_document_id in pieces:
            tracking.piece_id = tracking.legacy_document_id
        else:
            tracking.status, tracking.signed_on, tracking.validated_by = "awaited", None, None
        tracking.save(update_fields=["piece", "status", "signed_on", "validated_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_audiences"),
        ("workflows", "0004_journal_flush_guard"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="conventiontracking", name="tracking_signed_has_document"
        ),
        migrations.RenameField(
            model_name="applicationdocument", old_name="document_id", new_name="legacy_document_id"
        ),
        migrations.RenameField(
            model_name="conventiontracking", old_name="document_id", new_name="legacy_document_id"
        ),
        migrations.AddField(
            model_name="applicationdocument",
            name="document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.document",
                verbose_name="document produit",
            ),
        ),
        migrations.AddField(
            model_name="applicationdocument",
            name="piece",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.supportingdocument",
                verbose_name="pièce",
            ),
        ),
        migrations.AddField(
            model_name="conventiontracking",
            name="piece",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.supportingdocument",
                verbose_name="convention signée (pièce)",
            ),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
        migrations.RemoveField(model_name="applicationdocument", name="legacy_document_id"),
        migrations.RemoveField(model_name="conventiontracking", name="legacy_document_id"),
        migrations.AddConstraint(
            model_name="applicationdocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("role", "generated"), ("document__isnull", False), ("piece__isnull", True)
                    ),
                    models.Q(
                        models.Q(("role", "generated"), _negated=True),
                        ("document__isnull", True),
                        ("piece__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="application_document_is_a_document_or_a_piece",
            ),
        ),
        migrations.AddConstraint(
            model_name="conventiontracking",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["received", "signed"]), _negated=True),
                    models.Q(("piece__isnull", False), ("signed_on__isnull", False)),
                    _connector="OR",
                ),
                name="tracking_signed_has_document",
            ),
        ),
    ]
