"""Pages of the site itself, outside any domain app: the accessibility statement (RGAA)."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The date of the statement and of the self-assessment it reports; updated with it.
STATEMENT_DATE = datetime.date(2026, 11, 29)

# The pages of the sample that is checked (axe-core in Chromium on each journey, keyboard use):
# the RGAA's representative sample, named as their users know them.
AUDITED_PAGES = (
    ("Accueil", "/"),
    ("Annuaire des France Services : recherche, résultats et carte", "/annuaire/"),
    ("Page d'une France Services", "/annuaire/…"),
    ("Mon lieu peut-il être labellisé ?", "/verifier-mon-lieu/"),
    ("Connexion", "/compte/connexion/"),
    ("Candidature : chaque étape du formulaire, les pièces jointes, le dépôt", "/candidatures/…"),
    ("Page d'un dossier et réponse à une demande de compléments", "/dossiers/…"),
    ("File des dossiers de la préfecture, instruction, proposition, signature", "/instruction/"),
    ("État du réseau (agence nationale)", "/reseau/"),
    ("Vérification d'un document officiel", "/verifier/"),
    ("Déclaration d'accessibilité", "/accessibilite/"),
)


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/accessibility.html",
        {
            "title": "Déclaration d'accessibilité",
            "statement_date": STATEMENT_DATE,
            "audited_pages": AUDITED_PAGES,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )
