"""Forms of the onboarding pages; the services decide, the forms only carry what was typed."""

from __future__ import annotations

import uuid

from django import forms

from labelling.forms import CleanTextForm
from labelling.models import PorteurArticle, PorteurKind

STATE_FILTERS = [("", "Toutes")]


class InviteForm(CleanTextForm):
    email = forms.EmailField(
        label="Adresse électronique de la personne invitée",
        help_text="Par défaut, l'adresse de contact du lieu dans la liste nationale.",
        error_messages={
            "required": "Indiquez l'adresse à inviter.",
            "invalid": "Saisissez une adresse électronique valide (par exemple nom@exemple.fr).",
        },
    )
    # Idempotency: the same form posted twice sends one invitation.
    request_key = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def clean_request_key(self) -> uuid.UUID | None:
        # A key that is no UUID (a page altered) is no fault of the user's: the invitation is
        # sent without one, as a form without a key is (`idempotency.keys.key_of`).
        try:
            return uuid.UUID(self.cleaned_data["request_key"])
        except ValueError:
            return None


class SiretField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "SIRET du porteur")
        kwargs.setdefault(
            "help_text",
            "14 chiffres : l'établissement de la structure qui gère le lieu (commune, "
            "intercommunalité, association, La Poste…).",
        )
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": "Indiquez le SIRET du porteur."})
        super().__init__(**kwargs)


class AcceptSignedInForm(CleanTextForm):
    """The invitee is signed in with the invited address: the SIRET only."""

    siret = SiretField()


class AcceptNewAccountForm(CleanTextForm):
    """The invitee has no account yet: its names, a password, and the porteur."""

    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    siret = SiretField()
    porteur_name = forms.CharField(
        label="Nom du porteur",
        max_length=200,
        required=False,
        help_text="Seulement si ce SIRET n'est pas encore connu d'Estampille.",
    )
    porteur_kind = forms.ChoiceField(
        label="Nature du porteur",
        choices=[("", "Choisir"), *PorteurKind.choices],
        required=False,
        help_text="Seulement si ce SIRET n'est pas encore connu d'Estampille.",
    )
    porteur_article = forms.ChoiceField(
        label="Article devant le nom du porteur",
        choices=[("", "Choisir (à défaut, déduit du nom)"), *PorteurArticle.choices],
        required=False,
        help_text=(
            "Comment le nom se lit dans les documents officiels : « porté par la Communauté de "
            "communes du Livradois-Forez ». Seulement si ce SIRET n'est pas encore connu."
        ),
    )
    password = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        required=False,
        help_text="12 caractères au moins, ni trop courant, ni uniquement des chiffres.",
    )
    password_again = forms.CharField(
        label="Mot de passe, de nouveau",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", "Les deux mots de passe ne sont pas identiques.")
        return data


class RefuseForm(CleanTextForm):
    reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="La personne invitée le recevra par courriel.",
        required=False,
    )
