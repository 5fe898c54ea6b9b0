import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password(client):
    UserFactory(email="claire@example.fr", password="un-mot-de-passe-long")
    response = client.post(
        reverse("login"), {"username": "claire@example.fr", "password": "un-mot-de-passe-long"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_keeps_email_and_says_why_in_french(client):
    UserFactory(email="claire@example.fr")
    response = client.post(reverse("login"), {"username": "claire@example.fr", "password": "x"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in content
    assert 'value="claire@example.fr"' in content


def test_password_reset_by_email(client, settings):
    settings.SITE_URL = "https://estampille.example.gouv.fr/"
    user = UserFactory(email="claire@example.fr")
    client.post(reverse("password_reset"), {"email": "claire@example.fr"})
    assert len(mail.outbox) == 1
    # The link points to SITE_URL, whatever host the request came from.
    link = re.search(r"https://estampille\.example\.gouv\.fr(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Nouveau-mot-de-passe-42", "new_password2": "Nouveau-mot-de-passe-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nouveau-mot-de-passe-42")
