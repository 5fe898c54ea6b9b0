"""Load the history of the official geography (municipal arrondissements, communes déléguées and
associées, former codes) and the collectivités d'outre-mer, and fill the search names.

Reversible: going back leaves the collectivités d'outre-mer rows in place (they fit the older
schema and harm nothing); the aliases go away with the schema change of 0005."""

from django.db import migrations


def load(apps, schema_editor):
    from labelling.territories_loader import load_territories

    load_territories(
        apps.get_model("labelling", "Region"),
        apps.get_model("labelling", "Departement"),
        apps.get_model("labelling", "EPCI"),
        apps.get_model("labelling", "Commune"),
        apps.get_model("labelling", "CommuneAlias"),
    )


class Migration(migrations.Migration):
    dependencies = [("labelling", "0005_territories_history")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
