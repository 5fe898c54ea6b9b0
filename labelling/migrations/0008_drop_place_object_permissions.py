"""Places are no longer granted row by row: who sees a place is derived from its columns and
presences (labelling.permissions.PLACES), so the guardian tables of places go. National users
join the national group, which document grants name (labelling.permissions.groups_for_user)."""

from django.db import migrations


def national_group(apps, schema_editor):
    User = apps.get_model("labelling", "User")
    Group = apps.get_model("auth", "Group")
    users = list(User.objects.filter(role__in=["national", "admin"], is_active=True))
    if users:
        group = Group.objects.get_or_create(name="Agence nationale")[0]
        group.user_set.add(*users)


class Migration(migrations.Migration):
    dependencies = [
        ("labelling", "0007_national_list"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.DeleteModel(name="PlaceGroupObjectPermission"),
        migrations.DeleteModel(name="PlaceUserObjectPermission"),
        migrations.RunPython(national_group, migrations.RunPython.noop),
    ]
