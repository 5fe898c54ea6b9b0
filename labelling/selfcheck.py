"""The form of the public self-check "Mon lieu peut-il être labellisé ?": a few questions
turned into a declaration, checked, nothing stored."""

from __future__ import annotations

from typing import Any

from django import forms

from labelling.conformity.criteria import OPERATOR_NAMES
from labelling.conformity.declaration import WEEKDAYS, today_in_paris

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"),
        strict=True,
    )
)
HALVES = (("am", "matin"), ("pm", "après-midi"))
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


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SelfCheckForm(forms.Form):
    """Every field is optional: an empty answer simply counts as missing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for day in WEEKDAYS:
            for half, half_name in HALVES:
                self.fields[f"{day}_{half}_start"] = _time(
                    f"{DAY_NAMES[day]} {half_name} : ouverture"
                )
                self.fields[f"{day}_{half}_end"] = _time(
                    f"{DAY_NAMES[day]} {half_name} : fermeture"
                )
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
    def days(self) -> list[tuple[str, list]]:
        return [
            (
                DAY_NAMES[day],
                [self[f"{day}_{half}_{edge}"] for half, _ in HALVES for edge in ("start", "end")],
            )
            for day in WEEKDAYS
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
        for day in WEEKDAYS:
            for half, _ in HALVES:
                start, end = data.get(f"{day}_{half}_start"), data.get(f"{day}_{half}_end")
                if start and not end:
                    self.add_error(f"{day}_{half}_end", "Indiquez l'heure de fermeture.")
                elif end and not start:
                    self.add_error(f"{day}_{half}_start", "Indiquez l'heure d'ouverture.")
                elif start and end and start >= end:
                    self.add_error(
                        f"{day}_{half}_end",
                        f"{start:%H:%M} ≥ {end:%H:%M} : la fermeture doit suivre l'ouverture.",
                    )
        return data

    def declaration(self) -> dict[str, Any]:
        """The answers as a ``declaration/1`` object (call after ``is_valid()``)."""
        data = self.cleaned_data
        hours: dict[str, list[list[str]]] = {}
        for day in WEEKDAYS:
            for half, _ in HALVES:
                start, end = data.get(f"{day}_{half}_start"), data.get(f"{day}_{half}_end")
                if start and end:
                    hours.setdefault(day, []).append([f"{start:%H:%M}", f"{end:%H:%M}"])
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
