"""The form of the public self-check "Mon lieu peut-il être labellisé ?": a few questions
turned into a declaration, checked, nothing stored."""

from __future__ import annotations

from typing import Any

from django import forms

from labelling import opening_hours
from labelling.conformity.criteria import OPERATOR_NAMES
from labelling.conformity.declaration import WEEKDAYS, today_in_paris
from labelling.forms import CleanTextForm, clean_hours, hours_field

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"),
        strict=True,
    )
)
AGENTS = 4
OPERATORS = tuple(code for code in OPERATOR_NAMES if code != "autre")
PRESENCE_CHOICES = [
    ("", "Pas partenaire"),
    ("on_site", "Présent sur place (permanence)"),
    ("remote", "Joignable à distance (téléphone, visio)"),
    ("none", "Partenaire sans présence"),
]
PREMISES = {
    "confidential_office": "Un bureau fermé pour les entretiens confidentiels",
    "digital_space": "Un poste informatique en libre accès, avec imprimante et scanner",
    "accessible_pmr": "Des locaux accessibles aux personnes à mobilité réduite",
}


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SelfCheckForm(CleanTextForm):
    """Every field is optional: an empty answer simply counts as missing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for day in WEEKDAYS:
            self.fields[day] = hours_field(DAY_NAMES[day])
        for n in range(1, AGENTS + 1):
            self.fields[f"agent{n}_fte"] = forms.DecimalField(
                label=f"Agent {n} : temps de travail en ETP",
                help_text="Par exemple 0,8 pour un temps partiel à 80 %",
                required=False,
                min_value=0.001,
                max_value=1,
                decimal_places=3,
                localize=True,
            )
            self.fields[f"agent{n}_fs"] = _date(
                f"Agent {n} : formation initiale France Services suivie le"
            )
            self.fields[f"agent{n}_primo"] = _date(
                f"Agent {n} : formation au primo-accueil suivie le"
            )
        for code in OPERATORS:
            self.fields[f"op_{code}"] = forms.ChoiceField(
                label=OPERATOR_NAMES[code], choices=PRESENCE_CHOICES, required=False
            )
        for flag, label in PREMISES.items():
            self.fields[flag] = forms.BooleanField(label=label, required=False)

    # Groups of bound fields, for the template.
    def days(self) -> list:
        return [self[day] for day in WEEKDAYS]

    def hours_read(self) -> list[tuple[str, str]]:
        """(day, hours as read) after validation: what the person sees was understood."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return []
        return [
            (DAY_NAMES[day], opening_hours.describe_day(self.cleaned_data.get(day)))
            for day in WEEKDAYS
            if isinstance(self.cleaned_data.get(day), list)
        ]

    def agents(self) -> list[tuple[int, list]]:
        return [
            (n, [self[f"agent{n}_{part}"] for part in ("fte", "fs", "primo")])
            for n in range(1, AGENTS + 1)
        ]

    def operators(self) -> list:
        return [self[f"op_{code}"] for code in OPERATORS]

    def premises(self) -> list:
        return [self[flag] for flag in PREMISES]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, first error) of each faulty field, for the results panel."""
        return [
            (self[name].auto_id, self.fields[name].label, errors[0])
            for name, errors in self.errors.items()
            if name in self.fields
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        clean_hours(self, list(WEEKDAYS))
        return data

    def declaration(self) -> dict[str, Any]:
        """The answers as a ``declaration/1`` object (call after ``is_valid()``)."""
        data = self.cleaned_data
        hours = {day: data[day] for day in WEEKDAYS if data.get(day)}
        agents = []
        for n in range(1, AGENTS + 1):
            fte = data.get(f"agent{n}_fte")
            if not fte:
                continue
            trainings = [
                {"kind": kind, "completed_on": data[field].isoformat()}
                for kind, field in (
                    ("france_services_initiale", f"agent{n}_fs"),
                    ("primo_accueil", f"agent{n}_primo"),
                )
                if data.get(field)
            ]
            agents.append({"name": f"Agent {n}", "fte": fte, "trainings": trainings})
        return {
            "schema": "declaration/1",
            "reference_date": today_in_paris().isoformat(),
            "site": {
                "name": "Lieu vérifié en ligne",
                "commune_insee": "75056",
                "porteur": {"kind": "autre", "name": "Porteur non renseigné"},
            },
            "opening_hours": hours,
            "agents": agents,
            "operators": [
                {"code": code, "presence": data[f"op_{code}"]}
                for code in OPERATORS
                if data.get(f"op_{code}")
            ],
            "premises": {flag: bool(data.get(flag)) for flag in PREMISES},
        }
