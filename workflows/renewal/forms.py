"""Forms of the review pages; the services decide, the forms only carry what was typed (cleaned
of control characters, text areas limited, like every posted form: `CleanTextForm`)."""

from __future__ import annotations

from django import forms

from labelling.forms import CleanTextForm
from workflows.forms import DateField
from workflows.renewal.models import ReviewState

ACTIVITY_LABEL = (
    "Je confirme l'activité de l'année du lieu (les chiffres mensuels saisis ou importés)"
)


class ActivityForm(CleanTextForm):
    activity_confirmed = forms.BooleanField(
        label=ACTIVITY_LABEL,
        required=False,
        help_text="Les mois sans chiffres sont signalés sur la page de la revue.",
    )


class CommentForm(CleanTextForm):
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReasonsForm(CleanTextForm):
    reasons = forms.CharField(
        label="Motifs",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Ils sont communiqués au porteur.",
    )


class ReturnForm(CleanTextForm):
    reason = forms.CharField(
        label="Pourquoi la proposition est renvoyée",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class NoticeForm(CleanTextForm):
    criteria = forms.MultipleChoiceField(
        label="Critères à corriger",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reasons = forms.CharField(
        label="Ce que le porteur doit corriger",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Écrit dans la mise en demeure, avec les critères cochés.",
    )
    deadline = DateField(
        label="À corriger avant le",
        required=False,
        help_text="À cette date, Estampille vérifie de nouveau le lieu.",
    )

    def __init__(self, *args, criteria_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = list(criteria_choices)


class SignForm(CleanTextForm):
    effective_on = DateField(
        label="Date d'effet de l'abrogation",
        required=False,
        help_text="Par défaut aujourd'hui. Une abrogation ne vaut que pour l'avenir.",
    )


class MessageForm(CleanTextForm):
    body = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class NoForm(CleanTextForm):
    """The form of a button that posts nothing but itself."""


CONFORM_CHOICES = [("", "Toutes"), ("oui", "Conformes"), ("non", "Non conformes")]


class QueueForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(
        label="Étape", choices=[("", "Toutes"), *ReviewState.choices], required=False
    )
    departement = forms.CharField(label="Département (code)", max_length=3, required=False)
    search = forms.CharField(label="Lieu, commune, porteur ou identifiant", required=False)
    conform = forms.ChoiceField(label="Conformité", choices=CONFORM_CHOICES, required=False)
    mine = forms.BooleanField(label="Mes revues", required=False)
    overdue = forms.BooleanField(label="En retard", required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Toutes"), *((y, str(y)) for y in years)]
