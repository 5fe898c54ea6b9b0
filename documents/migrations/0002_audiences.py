"""Documents carry their audience: grants per group on each document and piece.

Existing rows get the readers they had, less the operators present at the place (who never
should have read them) and, for the rapport d'instruction, less the porteur."""

import django.db.models.deletion
from django.db import migrations, models

INTERNAL_KINDS = {"rapport_instruction"}


def grant_existing(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    SupportingDocument = apps.get_model("documents", "SupportingDocument")
    if not Document.objects.exists() and not SupportingDocument.objects.exists():
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    groups: dict = {}

    def group(name):
        if name not in groups:
            groups[name] = Group.objects.get_or_create(name=name)[0]
        return groups[name]

    def permission(model_name):
        content_type, _ = ContentType.objects.get_or_create(app_label="documents", model=model_name)
        return Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"view_{model_name}",
            defaults={"name": f"Can view {model_name}"},
        )[0]

    for model_name, model, grant_model in (
        ("document", Document, "DocumentGroupObjectPermission"),
        ("supportingdocument", SupportingDocument, "SupportingDocumentGroupObjectPermission"),
    ):
        Grant = apps.get_model("documents", grant_model)
        perm = permission(model_name)
        rows = []
        for obj in model.objects.select_related("place").iterator():
            names = [f"Préfecture {obj.place.departement_id}", "Agence nationale"]
            if getattr(obj, "kind", "") not in INTERNAL_KINDS and obj.place.porteur_id:
                names.append(f"Porteur {obj.place.porteur_id}")
            rows += [Grant(content_object=obj, group=group(n), permission=perm) for n in names]
        Grant.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('documents', '0001_initial'),
        ('labelling', '0008_drop_place_object_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='public_verification',
            field=models.BooleanField(default=True, verbose_name='vérifiable publiquement'),
        ),
        migrations.CreateModel(
            name='DocumentGroupObjectPermission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='documents.document')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.group')),
                ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
            ],
            options={
                'abstract': False,
                'unique_together': {('group', 'permission', 'content_object')},
            },
        ),
        migrations.CreateModel(
            name='SupportingDocumentGroupObjectPermission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='documents.supportingdocument')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.group')),
                ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
            ],
            options={
                'abstract': False,
                'unique_together': {('group', 'permission', 'content_object')},
            },
        ),
        migrations.RunPython(grant_existing, migrations.RunPython.noop),
    ]
