"""Forms of the funding pages: they carry what was typed; the services decide."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms

from labelling.forms import CleanTextForm
from labelling.funding.money import parse_amount
from workflows.funding.models import FundingState

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AmountField(forms.CharField):
    """An amount in euros as a person types it (« 15 000,50 »), cleaned to a Decimal."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in (None, ""):
            return None
        amount = parse_amount(text)
        if amount is None:
            raise forms.ValidationError(
                "Indiquez un montant en euros, avec au plus deux décimales (ex. 15 000,00)."
            )
        return amount


class DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DATE_INPUT)
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Indiquez une date qui existe (jj/mm/aaaa).",
                "required": "Indiquez la date.",
            },
        )
        super().__init__(**kwargs)


class AdjustForm(CleanTextForm):
    amount = AmountField(
        label="Nouveau montant (€)",
        error_messages={"required": "Indiquez le nouveau montant."},
    )
    reason = forms.CharField(
        label="Motif de l'ajustement",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Obligatoire dès que le montant diffère de celui des règles.",
    )


class ReasonForm(CleanTextForm):
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif."},
    )


SCHEDULE_CHOICES = [
    ("once", "En une fois, à la signature"),
    ("parts", "En plusieurs versements"),
]


class SignForm(CleanTextForm):
    signed_on = DateField(label="Date de signature", required=False)
    mode = forms.ChoiceField(label="Versement", choices=SCHEDULE_CHOICES, initial="once")
    first_percent = forms.DecimalField(
        label="Premier versement (% de la subvention)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        localize=True,
        help_text="À la signature. Par exemple 50.",
    )
    second_percent = forms.DecimalField(
        label="Deuxième versement (%)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        localize=True,
    )
    second_due_on = DateField(label="Date prévue du deuxième versement", required=False)
    third_percent = forms.DecimalField(
        label="Troisième versement (%, facultatif)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        localize=True,
    )
    third_due_on = DateField(label="Date prévue du troisième versement", required=False)

    def clean(self):
        data = super().clean()
        if data.get("mode") != "parts":
            return data
        if not data.get("first_percent"):
            self.add_error("first_percent", "Indiquez la part du premier versement.")
        if not data.get("second_percent"):
            self.add_error("second_percent", "Indiquez la part du deuxième versement.")
        if data.get("second_percent") and not data.get("second_due_on"):
            self.add_error("second_due_on", "Indiquez la date du deuxième versement.")
        if data.get("third_percent") and not data.get("third_due_on"):
            self.add_error("third_due_on", "Indiquez la date du troisième versement.")
        return data

    def schedule(self, signed_on: datetime.date):
        from workflows.funding.services import Instalment

        data = self.cleaned_data
        if data.get("mode") != "parts":
            return None
        plan = [Instalment(data["first_percent"], signed_on)]
        plan.append(Instalment(data["second_percent"], data["second_due_on"]))
        if data.get("third_percent"):
            plan.append(Instalment(data["third_percent"], data["third_due_on"]))
        return plan


class PaymentDateForm(CleanTextForm):
    on = DateField(label="Date", required=False)


class EngagementForm(CleanTextForm):
    def __init__(self, *args, parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        for part in parts:
            self.fields[f"engagement_{part.funder_id}"] = forms.CharField(
                label=f"Numéro d'engagement — {part.funder.short_name}",
                required=False,
                max_length=40,
                initial=part.engagement_number,
            )

    def numbers(self) -> dict[str, str]:
        return {
            name.removeprefix("engagement_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("engagement_")
        }


STATE_CHOICES = [("", "Toutes les étapes"), *FundingState.choices]


class OpenYearForm(CleanTextForm):
    year = forms.IntegerField(
        label="Année",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Indiquez l'année.",
            "invalid": "Indiquez une année sur quatre chiffres.",
            "min_value": "Indiquez une année à partir de 2000.",
            "max_value": "Indiquez une année avant 2100.",
        },
    )


class RateForm(CleanTextForm):
    year = forms.IntegerField(
        label="À partir de l'année",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Indiquez l'année.",
            "invalid": "Indiquez une année sur quatre chiffres.",
            "min_value": "Indiquez une année à partir de 2000.",
            "max_value": "Indiquez une année avant 2100.",
        },
    )
    amount = AmountField(
        label="Forfait annuel (€)", error_messages={"required": "Indiquez le forfait annuel."}
    )
    prorata_first_year = forms.BooleanField(
        label="Première année au prorata des jours labellisés", required=False, initial=True
    )

    def __init__(self, *args, funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.funder_codes = []
        for funder in funders:
            name = f"percent_{funder.code}"
            self.funder_codes.append(funder.code)
            self.fields[name] = forms.DecimalField(
                label=f"Part de {funder.name} (%)",
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                decimal_places=2,
                localize=True,
                error_messages={
                    "invalid": "Indiquez un pourcentage (ex. 50).",
                    "max_decimal_places": "Au plus deux décimales.",
                },
            )

    def shares(self) -> list[tuple[str, Decimal]]:
        return [
            (code, self.cleaned_data[f"percent_{code}"])
            for code in self.funder_codes
            if self.cleaned_data.get(f"percent_{code}")
        ]


class EnvelopeForm(CleanTextForm):
    departement = forms.CharField(
        label="Département (code)",
        max_length=3,
        error_messages={"required": "Indiquez le département."},
    )
    funder = forms.ChoiceField(label="Financeur", choices=())
    amount = AmountField(
        label="Montant de l'enveloppe (€)", error_messages={"required": "Indiquez le montant."}
    )

    def __init__(self, *args, funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(f.code, f.name) for f in funders]
