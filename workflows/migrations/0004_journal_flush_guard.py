"""The journal stays append-only, and the `flush` command may empty it on SQLite too (the delete
trigger now lets it through; see workflows.journal_triggers). PostgreSQL is unchanged: its
flush runs TRUNCATE, which fires no row trigger; re-creating its triggers is harmless."""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from workflows import journal_triggers

    journal_triggers.create(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_journal_actions")]

    operations = [migrations.RunPython(create_triggers, migrations.RunPython.noop)]
