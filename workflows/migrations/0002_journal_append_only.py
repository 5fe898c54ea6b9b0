"""The database refuses UPDATE and DELETE on the journal (PostgreSQL and SQLite)."""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from workflows import journal_triggers

    journal_triggers.create(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from workflows import journal_triggers

    journal_triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
