"""The state of an application is owned by its transition table (workflows.lifecycle, with
viewflow.fsm): the viewflow process that mirrored it goes, and the two branches of the
instruction become two recorded facts.

- `review_finished_at` / `opinions_closed_at`: taken from the journal of the current revision
  of files still in instruction (the private « finish_review » / « close_opinions » entries);
- the processes and tasks of the old flow are deleted, then its table."""

from django.db import migrations, models


def facts_from_journal(apps, schema_editor):
    Application = apps.get_model("workflows", "Application")
    JournalEntry = apps.get_model("workflows", "JournalEntry")
    for app in Application.objects.filter(state="instruction").iterator():
        entries = JournalEntry.objects.filter(application=app, revision=app.revision)
        review = entries.filter(action="finish_review").order_by("at").first()
        opinions = entries.filter(action="close_opinions").order_by("at").first()
        if review or opinions:
            Application.objects.filter(pk=app.pk).update(
                review_finished_at=review.at if review else None,
                opinions_closed_at=opinions.at if opinions else None,
            )


def drop_processes(apps, schema_editor):
    ApplicationProcess = apps.get_model("workflows", "ApplicationProcess")
    ids = list(ApplicationProcess.objects.values_list("process_ptr_id", flat=True))
    if not ids:
        return
    # Raw SQL: the historical models of viewflow would import the deleted flow class.
    with schema_editor.connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"DELETE FROM viewflow_task_previous WHERE from_task_id IN "
            f"(SELECT id FROM viewflow_task WHERE process_id IN ({marks})) OR to_task_id IN "
            f"(SELECT id FROM viewflow_task WHERE process_id IN ({marks}))",
            ids + ids,
        )
        cursor.execute(f"DELETE FROM viewflow_task WHERE process_id IN ({marks})", ids)
        cursor.execute(
            f"DELETE FROM workflows_applicationprocess WHERE process_ptr_id IN ({marks})", ids
        )
        cursor.execute(f"DELETE FROM viewflow_process WHERE id IN ({marks})", ids)


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0006_opinion_shared_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="review_finished_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="critères appréciés le"
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="opinions_closed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="consultation close le"
            ),
        ),
        migrations.RunPython(facts_from_journal, migrations.RunPython.noop),
        migrations.RunPython(drop_processes, migrations.RunPython.noop),
        migrations.DeleteModel(name="ApplicationProcess"),
    ]
