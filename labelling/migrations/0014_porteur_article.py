"""Porteurs carry the article their name takes in the documents; the porteurs that existed get
the one the documents guessed until now (`labelling.names.proposed_article`)."""

from django.db import migrations, models

from labelling.names import proposed_article


def fill_articles(apps, schema_editor):
    Porteur = apps.get_model("labelling", "Porteur")
    batch = []
    for porteur in Porteur.objects.only("pk", "name").iterator(chunk_size=2000):
        porteur.article = proposed_article(porteur.name)
        batch.append(porteur)
        if len(batch) >= 2000:
            Porteur.objects.bulk_update(batch, ["article"])
            batch = []
    if batch:
        Porteur.objects.bulk_update(batch, ["article"])


class Migration(migrations.Migration):
    dependencies = [
        ("labelling", "0013_monthly_activity"),
    ]

    operations = [
        migrations.AddField(
            model_name="porteur",
            name="article",
            field=models.CharField(
                choices=[
                    ("la", "la (la Communauté de communes du Livradois-Forez)"),
                    ("le", "le (le Syndicat mixte du Parc Livradois-Forez)"),
                    ("l'", "l’ (l’Association Familles rurales d’Ambert)"),
                    ("les", "les (les Restos du cœur du Puy-de-Dôme)"),
                    (
                        "-",
                        "aucun : le nom porte son article ou est un nom propre (La Poste, Les "
                        "Herbiers, Emmaüs Ambert)",
                    ),
                ],
                default="",
                help_text=(
                    "Comment le nom se lit dans les documents officiels : « porté par la "
                    "Communauté de communes du Livradois-Forez », « présentée par La Poste »."
                ),
                max_length=3,
                verbose_name="article devant le nom",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_articles, migrations.RunPython.noop),
    ]
