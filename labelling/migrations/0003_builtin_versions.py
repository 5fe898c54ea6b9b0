from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    """Create the built-in versions of the cahier des charges as published data. A version that
    already exists is left alone: once published, a version never changes."""
    from labelling.conformity.builtin import BUILTIN_VERSIONS

    Version = apps.get_model("labelling", "Version")
    Criterion = apps.get_model("labelling", "Criterion")
    for spec in BUILTIN_VERSIONS:
        if Version.objects.filter(code=spec.code).exists():
            continue
        version = Version.objects.create(
            code=spec.code,
            title=spec.title,
            source_reference=spec.source_reference,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            status="published",
            published_at=timezone.now(),
        )
        Criterion.objects.bulk_create(
            Criterion(
                version=version,
                code=criterion.code,
                kind=criterion.kind,
                params=dict(criterion.params),
                severity=criterion.severity,
                label=criterion.label,
                message_pass=criterion.message_pass,
                message_fail=criterion.message_fail,
                reference=criterion.reference,
                position=position,
            )
            for position, criterion in enumerate(spec.criteria)
        )


class Migration(migrations.Migration):
    dependencies = [("labelling", "0002_territories_and_operators")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
