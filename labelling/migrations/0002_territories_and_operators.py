from django.db import migrations

# Partner operators of the declaration contract, with their French names.
OPERATORS = [
    ("caf", "Caisse d'allocations familiales (CAF)", True),
    ("assurance_maladie", "Assurance maladie (CPAM)", True),
    ("assurance_retraite", "Assurance retraite (CNAV, CARSAT)", True),
    ("msa", "Mutualité sociale agricole (MSA)", True),
    ("france_travail", "France Travail (ex-Pôle emploi)", True),
    ("la_poste", "La Poste", True),
    ("dgfip", "Finances publiques (DGFiP)", True),
    ("justice", "Ministère de la Justice", True),
    ("interieur", "Ministère de l'Intérieur (ANTS, France Titres)", True),
    ("grdf", "GRDF", False),
    ("autre", "Autre opérateur local", False),
]


def load(apps, schema_editor):
    from labelling.territories_loader import load_territories

    load_territories(
        apps.get_model("labelling", "Region"),
        apps.get_model("labelling", "Departement"),
        apps.get_model("labelling", "EPCI"),
        apps.get_model("labelling", "Commune"),
    )
    Operator = apps.get_model("labelling", "Operator")
    for position, (code, name, is_national) in enumerate(OPERATORS):
        Operator.objects.update_or_create(
            code=code, defaults={"name": name, "is_national": is_national, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("labelling", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
