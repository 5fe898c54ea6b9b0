"""The one-time keys of the forms moved to the `idempotency` app (the lowest layer, which every
app may import): the table is renamed, its rows kept (idempotency/migrations/0001_initial.py
takes the model over without touching the database)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("config", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE config_submittedform RENAME TO idempotency_submittedform",
                    reverse_sql=(
                        "ALTER TABLE idempotency_submittedform RENAME TO config_submittedform"
                    ),
                ),
            ],
            state_operations=[migrations.DeleteModel(name="SubmittedForm")],
        ),
    ]
