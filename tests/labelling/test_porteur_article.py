"""Porteurs carry the article their name takes in the documents, as data: proposed from the name
when a porteur is created without one, chosen by a person in the administration, kept by the
imports unless the name changes."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from labelling.declarations import upsert_place_from_declaration
from labelling.models import Porteur
from tests.factories import PorteurFactory, UserFactory
from tests.labelling.conformity.helpers import conform_fs, msap

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "article"),
    [
        ("Communauté de communes du Livradois-Forez", "la"),
        ("Syndicat mixte du Parc Livradois-Forez", "le"),
        ("Association Familles rurales", "l'"),
        ("La Poste", "-"),
        ("Emmaüs Ambert", "-"),
    ],
)
def test_a_porteur_created_without_article_gets_the_one_its_name_suggests(name, article):
    porteur = Porteur.objects.create(kind="autre", name=name)
    porteur.refresh_from_db()
    assert porteur.article == article


def test_a_chosen_article_is_kept():
    porteur = Porteur.objects.create(
        kind="association", name="Amicale laïque d'Ambert", article="l'"
    )
    porteur.name = "Amicale laïque d'Ambert et du Livradois"
    porteur.save(update_fields=["name"])
    porteur.refresh_from_db()
    assert porteur.article == "l'"


def test_the_migration_fills_the_article_of_existing_porteurs():
    guessed = PorteurFactory(name="Communauté de communes Ambert Livradois Forez")
    proper = PorteurFactory(name="Les Herbiers")
    Porteur.objects.update(article="")  # as they were before the field
    migration = importlib.import_module("labelling.migrations.0014_porteur_article")
    migration.fill_articles(apps, None)
    assert Porteur.objects.get(pk=guessed.pk).article == "la"
    assert Porteur.objects.get(pk=proper.pk).article == "-"


def test_the_administration_edits_the_article_with_french_choices(client):
    porteur = PorteurFactory(name="Amicale laïque d'Ambert", kind="association")
    assert porteur.article == "-"  # the guess is wrong: no article for « Amicale »
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:labelling_porteur_change", args=[porteur.pk])
    page = client.get(url).content.decode()
    assert "Article devant le nom" in page
    assert "la (la Communauté de communes du Livradois-Forez)" in page
    assert "aucun : le nom porte son article ou est un nom propre" in page
    response = client.post(
        url, {"kind": "association", "name": porteur.name, "article": "l'", "siret": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    porteur.refresh_from_db()
    assert porteur.article == "l'"


def test_the_administration_refuses_a_porteur_without_article(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:labelling_porteur_add"),
        {"kind": "association", "name": "Amicale laïque", "article": "", "siret": ""},
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Porteur.objects.filter(name="Amicale laïque").exists()


def test_an_import_proposes_the_article_and_keeps_one_a_person_chose():
    place, _ = upsert_place_from_declaration(declaration=conform_fs())
    porteur = place.porteur
    assert porteur.article == "la"  # Communauté de communes de la Haute-Ariège
    renamed = conform_fs()
    renamed["site"]["porteur"]["name"] = "Haute-Ariège Communauté"
    upsert_place_from_declaration(declaration=renamed)
    porteur.refresh_from_db()
    assert (porteur.name, porteur.article) == ("Haute-Ariège Communauté", "-")  # re-proposed
    # A person chose another article than the guess: a renaming import keeps it.
    Porteur.objects.filter(pk=porteur.pk).update(article="la")
    renamed["site"]["porteur"]["name"] = "Haute-Ariège Communauté de communes"
    upsert_place_from_declaration(declaration=renamed)
    porteur.refresh_from_db()
    assert (porteur.name, porteur.article) == ("Haute-Ariège Communauté de communes", "la")


def test_an_imported_association_gets_the_elided_article():
    place, _ = upsert_place_from_declaration(declaration=msap())
    assert place.porteur.article == "l'"  # Association Séronais Accueil Services
