"""Forms of the activity pages: they carry what was typed; the services decide."""

from __future__ import annotations

from django import forms

from labelling.models import Operator

FIGURE_ERRORS = {
    "invalid": "Saisissez un nombre entier.",
    "min_value": "Saisissez un nombre positif ou nul.",
    "max_value": "Ce nombre est trop grand pour un mois.",
}


class MonthForm(forms.Form):
    """One line per operator: people helped and requests of the month."""

    def __init__(self, *args, operators: list[Operator], initial_figures: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.operators = operators
        for operator in operators:
            people, requests = initial_figures.get(operator.pk, (None, None))
            self.fields[f"people_{operator.pk}"] = forms.IntegerField(
                label=f"{operator.name} : personnes accompagnées",
                min_value=0,
                max_value=1_000_000,
                required=False,
                initial=people,
                error_messages=FIGURE_ERRORS,
            )
            self.fields[f"requests_{operator.pk}"] = forms.IntegerField(
                label=f"{operator.name} : demandes traitées",
                min_value=0,
                max_value=1_000_000,
                required=False,
                initial=requests,
                error_messages=FIGURE_ERRORS,
            )

    def figures(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {
            op.pk: (data.get(f"people_{op.pk}") or 0, data.get(f"requests_{op.pk}") or 0)
            for op in self.operators
        }

    def pairs(self):
        return [(op, self[f"people_{op.pk}"], self[f"requests_{op.pk}"]) for op in self.operators]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV des chiffres mensuels",
        help_text="Colonnes : lieu ; mois ; operateur ; personnes_accompagnees ; demandes. "
        "Séparateur « ; » ou « , », UTF-8 (avec ou sans BOM). 5 Mo au plus.",
        error_messages={"required": "Choisissez le fichier à importer."},
    )


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=None)
    departement = forms.CharField(label="Département (code)", max_length=3, required=False)
    operator = forms.ChoiceField(label="Opérateur", required=False)

    def __init__(
        self, *args, years=(), operators=(), show_operator=True, show_departement=True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Toutes"), *((y, str(y)) for y in years)]
        self.fields["operator"].choices = [("", "Tous"), *operators]
        if not show_operator:
            del self.fields["operator"]
        if not show_departement:
            del self.fields["departement"]
