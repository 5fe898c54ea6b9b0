"""The one-time keys of the forms, taken over from `config` (its migration 0002 renamed the
table and kept its rows): this migration changes the model state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("config", "0002_submittedform_moved_to_idempotency"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="SubmittedForm",
                    fields=[
                        (
                            "key",
                            models.UUIDField(
                                primary_key=True, serialize=False, verbose_name="clé"
                            ),
                        ),
                        ("action", models.CharField(max_length=100, verbose_name="action")),
                        (
                            "result_url",
                            models.CharField(
                                blank=True, max_length=500, verbose_name="page du résultat"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="envoyé le"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "formulaire envoyé",
                        "verbose_name_plural": "formulaires envoyés",
                    },
                ),
            ],
        ),
    ]
