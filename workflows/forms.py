"""Forms of the workflow pages. Each form turns what was typed into the arguments of a service;
the services decide. Labels and messages are French."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from labelling import territories
from labelling.forms import CleanTextForm, clean_hours, hours_field
from labelling.models import Operator, PorteurKind, Role, User
from labelling.models.network import Presence
from labelling.validators import normalize_siret, validate_siret
from workflows import draft
from workflows.models import OpinionKind, Outcome, TrackingStatus, Verdict

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("oui", "Oui"), ("non", "Non")]


class DateField(forms.DateField):
    widget = DATE_WIDGET

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(**kwargs)


# --- draft steps ----------------------------------------------------------------------------


class StepForm(CleanTextForm):
    """A step of the draft: `initial_from(declaration)` and `to_data()` map it to declaration/1."""

    @classmethod
    def initial_from(cls, declaration: dict) -> dict:
        return {}

    def to_data(self):
        raise NotImplementedError


class PorteurStepForm(StepForm):
    kind = forms.ChoiceField(label="Nature du porteur", choices=PorteurKind.choices)
    name = forms.CharField(label="Nom du porteur", max_length=200)
    siret = forms.CharField(
        label="SIRET",
        required=False,
        help_text="14 chiffres, sans espace.",
        max_length=20,
    )

    @classmethod
    def initial_from(cls, declaration: dict) -> dict:
        return dict((declaration.get("site") or {}).get("porteur") or {})

    def clean_siret(self):
        value = normalize_siret(self.cleaned_data["siret"])
        if value:
            validate_siret(value)  # the one validator (La Poste's rule included)
        return value

    def to_data(self) -> dict:
        data = {"kind": self.cleaned_data["kind"], "name": self.cleaned_data["name"]}
        if self.cleaned_data["siret"]:
            data["siret"] = self.cleaned_data["siret"]
        return data


class PlaceStepForm(StepForm):
    name = forms.CharField(label="Nom du lieu", max_length=200)
    address = forms.CharField(label="Adresse", max_length=300, required=False)
    commune_insee = forms.CharField(
        label="Commune",
        max_length=150,
        help_text="Son nom, son code postal ou son code INSEE, par exemple Clermont-Ferrand, "
        "63000 ou 63113.",
        widget=forms.TextInput(
            attrs={
                "data-commune-search": reverse_lazy("labelling:commune_search"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    itinerant = forms.BooleanField(label="Lieu itinérant (bus, permanences)", required=False)

    @classmethod
    def initial_from(cls, declaration: dict) -> dict:
        site = declaration.get("site") or {}
        initial = {k: site.get(k) for k in ("name", "address", "commune_insee", "itinerant")}
        if initial["commune_insee"]:
            initial["commune_insee"] = territories.label_for_code(initial["commune_insee"])
        return initial

    def clean_commune_insee(self):
        """A name, a postcode or an INSEE code → the INSEE code (see ``find_commune``)."""
        try:
            return territories.find_commune(self.cleaned_data["commune_insee"]).declared_code
        except territories.UnknownCommune as exc:
            raise ValidationError(exc.message) from None

    def to_data(self) -> dict:
        data = {
            "name": self.cleaned_data["name"],
            "commune_insee": self.cleaned_data["commune_insee"],
            "itinerant": self.cleaned_data["itinerant"],
        }
        if self.cleaned_data["address"]:
            data["address"] = self.cleaned_data["address"]
        return data


class HoursStepForm(StepForm):
    """One field a day, as people write hours (`labelling.opening_hours`): the same field, the
    same messages and the same normalised value as the public self-check."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in draft.DAYS:
            self.fields[code] = hours_field(label)

    @classmethod
    def initial_from(cls, declaration: dict) -> dict:
        hours = declaration.get("opening_hours") or {}
        return {code: draft.format_intervals(hours.get(code)) for code, _ in draft.DAYS}

    def clean(self):
        cleaned = super().clean()
        clean_hours(self, [code for code, _ in draft.DAYS])
        return cleaned

    def to_data(self) -> dict:
        return {code: self.cleaned_data[code] for code, _ in draft.DAYS if self.cleaned_data[code]}


class AgentForm(CleanTextForm):
    name = forms.CharField(label="Nom de l'agent", max_length=200, required=False)
    fte = forms.DecimalField(
        label="Temps de travail (ETP)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1"),
        decimal_places=3,
        help_text="Entre 0,01 et 1 (1 = temps plein).",
        localize=True,
    )
    primo_accueil_on = DateField(label="Formation primo-accueil suivie le", required=False)
    france_services_initiale_on = DateField(
        label="Formation initiale France Services suivie le", required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and cleaned.get("fte") is None and "fte" not in self.errors:
            self.add_error("fte", "Indiquez le temps de travail de l'agent.")
        if not cleaned.get("name") and (cleaned.get("fte") or cleaned.get("primo_accueil_on")):
            self.add_error("name", "Indiquez le nom de l'agent.")
        return cleaned


class BaseAgentFormSet(forms.BaseFormSet):
    """The agents, one form each. The list itself (how many forms were sent) is checked too: a
    page that did not send it whole is told so in French, naming the list."""

    default_error_messages = {
        "missing_management_form": "Agents et formations : la liste des agents n'est pas "
        "arrivée entière. Rechargez la page, puis saisissez-la de nouveau.",
        "too_many_forms": "Agents et formations : %(num)d agents au plus.",
        "too_few_forms": "Agents et formations : %(num)d agent(s) au moins.",
    }

    def to_data(self) -> list[dict]:
        agents = []
        for form in self.forms:
            data = form.cleaned_data
            if not data.get("name"):
                continue
            trainings = []
            for kind in ("primo_accueil", "france_services_initiale"):
                if data.get(f"{kind}_on"):
                    trainings.append({"kind": kind, "completed_on": data[f"{kind}_on"].isoformat()})
            agents.append({"name": data["name"], "fte": float(data["fte"]), "trainings": trainings})
        return agents


AgentFormSet = forms.formset_factory(AgentForm, formset=BaseAgentFormSet, extra=2)


def agent_initial(declaration: dict) -> list[dict]:
    rows = []
    for agent in declaration.get("agents") or []:
        row = {"name": agent.get("name"), "fte": agent.get("fte")}
        for training in agent.get("trainings") or []:
            row[f"{training['kind']}_on"] = datetime.date.fromisoformat(training["completed_on"])
        rows.append(row)
    return rows


PRESENCE_CHOICES = [("", "Pas partenaire du lieu"), *Presence.choices]
OTHER_SLOTS = 2


class OperatorsStepForm(StepForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.operators = list(Operator.objects.exclude(pk="autre").order_by("position", "name"))
        for operator in self.operators:
            self.fields[f"op_{operator.pk}"] = forms.ChoiceField(
                label=operator.name, choices=PRESENCE_CHOICES, required=False
            )
        for i in range(1, OTHER_SLOTS + 1):
            self.fields[f"autre_{i}_label"] = forms.CharField(
                label=f"Autre opérateur local n° {i} : nom", required=False, max_length=200
            )
            self.fields[f"autre_{i}_presence"] = forms.ChoiceField(
                label=f"Autre opérateur local n° {i} : présence",
                choices=PRESENCE_CHOICES,
                required=False,
            )

    @classmethod
    def initial_from(cls, declaration: dict) -> dict:
        initial: dict = {}
        others = 0
        for item in declaration.get("operators") or []:
            if item["code"] == "autre":
                others += 1
                initial[f"autre_{others}_label"] = item.get("label", "")
                initial[f"autre_{others}_presence"] = item["presence"]
            else:
                initial[f"op_{item['code']}"] = item["presence"]
        return initial

    def clean(self):
        cleaned = super().clean()
        for i in range(1, OTHER_SLOTS + 1):
            label, presence = cleaned.get(f"autre_{i}_label"), cleaned.get(f"autre_{i}_presence")
            if presence and not label:
                self.add_error(f"autre_{i}_label", "Nommez cet opérateur.")
            if label and not presence:
                self.add_error(f"autre_{i}_presence", "Indiquez comment il est présent.")
        return cleaned

    def to_data(self) -> list[dict]:
        items = [
            {"code": op.pk, "presence": self.cleaned_data[f"op_{op.pk}"]}
            for op in self.operators
            if self.cleaned_data.get(f"op_{op.pk}")
        ]
        for i in range(1, OTHER_SLOTS + 1):
            if self.cleaned_data.get(f"autre_{i}_label"):
                items.append(
                    {
                        "code": "autre",
                        "label": self.cleaned_data[f"autre_{i}_label"],
                        "presence": self.cleaned_data[f"autre_{i}_presence"],
                    }
                )
        return items


class PremisesStepForm(StepForm):
    confidential_office = forms.BooleanField(
        label="Un bureau fermé permet des entretiens confidentiels", required=False
    )
    digital_space = forms.BooleanField(
        label="Un espace numérique en accès libre et gratuit (ordinateur, imprimante, scanner)",
        required=False,
    )
    accessible_pmr = forms.BooleanField(
        label="Le lieu est accessible aux personnes à mobilité réduite", required=False
    )

    @classmethod
    def initial_from(cls, declaration: dict) -> dict:
        return dict(declaration.get("premises") or {})

    def to_data(self) -> dict:
        return {key: bool(self.cleaned_data[key]) for key in self.fields}


class PiecesStepForm(StepForm):
    """The documents step is saved by confirming the list (documents are added one by one)."""

    def to_data(self) -> dict:
        return {}


STEP_FORMS: dict[str, type[StepForm]] = {
    "porteur": PorteurStepForm,
    "lieu": PlaceStepForm,
    "horaires": HoursStepForm,
    "operateurs": OperatorsStepForm,
    "locaux": PremisesStepForm,
    "pieces": PiecesStepForm,
}


class SupportingDocumentForm(CleanTextForm):
    title = forms.CharField(label="Intitulé de la pièce", max_length=200)
    file = forms.FileField(label="Fichier", help_text="PDF, 10 Mo au plus.")


class SubmitForm(CleanTextForm):
    justification = forms.CharField(
        label="Justification",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obligatoire si le lieu ne remplit pas tous les critères : "
        "expliquez pourquoi et ce qui est prévu.",
    )


# --- préfecture -----------------------------------------------------------------------------


class ReasonForm(CleanTextForm):
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 4}))


class CompletenessForm(CleanTextForm):
    decision = forms.ChoiceField(
        label="Le dossier est-il complet ?",
        choices=[("complet", "Oui, il est complet"), ("incomplet", "Non, il faut le compléter")],
    )
    message = forms.CharField(
        label="Ce que le porteur doit compléter",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Obligatoire si le dossier est incomplet ; le porteur le lira.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "incomplet" and not (cleaned.get("message") or "").strip():
            self.add_error("message", "Précisez ce que le porteur doit compléter.")
        return cleaned


class CriterionReviewForm(CleanTextForm):
    verdict = forms.ChoiceField(label="Votre appréciation", choices=Verdict.choices)
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    justification = forms.CharField(
        label="Justification de l'écart avec le résultat automatique",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, criterion: dict, **kwargs):
        self.criterion = criterion
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        verdict = cleaned.get("verdict")
        if (
            verdict
            and verdict != self.criterion["status"]
            and not (cleaned.get("justification") or "").strip()
        ):
            self.add_error("justification", "Justifiez l'écart avec le résultat automatique.")
        return cleaned


class NoteForm(CleanTextForm):
    body = forms.CharField(
        label="Note privée (jamais visible du porteur)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(CleanTextForm):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label="Pièce jointe (facultative)", required=False)


class OpinionRequestForm(CleanTextForm):
    kind = forms.ChoiceField(label="Qui consultez-vous ?", choices=OpinionKind.choices)
    operator_code = forms.ModelChoiceField(
        label="Opérateur partenaire (si un opérateur est consulté)",
        queryset=Operator.objects.exclude(pk="autre"),
        required=False,
        empty_label="—",
    )
    addressee = forms.CharField(label="Destinataire (service, personne)", max_length=200)
    addressee_email = forms.EmailField(label="Adresse électronique du destinataire")
    question = forms.CharField(label="Question posée", widget=forms.Textarea(attrs={"rows": 4}))
    due_on = DateField(label="Date limite de l'avis", required=False)
    shared = forms.MultipleChoiceField(
        label="Documents à montrer à l'opérateur consulté (il lit la déclaration et ceux-ci)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, shareable: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared"].choices = list(shareable)
        if not shareable:
            del self.fields["shared"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == OpinionKind.OPERATEUR and not cleaned.get("operator_code"):
            self.add_error("operator_code", "Choisissez l'opérateur consulté.")
        return cleaned


class OpinionAnswerForm(CleanTextForm):
    favourable = forms.ChoiceField(label="Avis favorable ?", choices=YES_NO)
    answer = forms.CharField(label="Avis reçu", widget=forms.Textarea(attrs={"rows": 4}))


class ConventionUploadForm(CleanTextForm):
    """Every fault said at once: the date and the file are both checked before anything is
    kept (the service checks them again)."""

    signed_on = DateField(label="Date de signature")
    file = forms.FileField(label="Convention signée (PDF)")

    def clean_signed_on(self):
        from workflows.deadlines import today

        signed_on = self.cleaned_data["signed_on"]
        if signed_on and signed_on > today():
            raise ValidationError("La date de signature ne peut être dans le futur.")
        return signed_on

    def clean_file(self):
        from workflows import integrations

        uploaded = self.cleaned_data["file"]
        if uploaded:
            integrations.validate_upload(uploaded)
        return uploaded


class ConventionStatusForm(CleanTextForm):
    status = forms.ChoiceField(
        label="Nouvel état",
        choices=[
            (TrackingStatus.SIGNED, "Valider la convention signée reçue"),
            (TrackingStatus.NATIONAL, "Couverte par un accord national"),
            (TrackingStatus.AWAITED, "De nouveau attendue"),
        ],
    )
    comment = forms.CharField(label="Commentaire", required=False, max_length=500)


class ProposalForm(CleanTextForm):
    outcome = forms.ChoiceField(label="Proposition", choices=Outcome.choices)
    reasons = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 5}))
    effective_on = DateField(label="Date d'effet proposée (si labellisation)", required=False)
    failed_criteria = forms.MultipleChoiceField(
        label="Critères non remplis (si refus)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["failed_criteria"].choices = [
            (c["code"], c.get("label") or c["code"]) for c in criteria
        ]


class DecisionForm(CleanTextForm):
    decided_on = DateField(label="Date de la décision")
    effective_on = DateField(
        label="Date d'effet du label",
        required=False,
        help_text="Par défaut, celle de la proposition.",
    )
    reasons = forms.CharField(
        label="Motifs (par défaut, ceux de la proposition)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


CORRECTABLE = {
    "site.name": ("Nom du lieu", "text"),
    "site.address": ("Adresse du lieu", "text"),
    "premises.confidential_office": ("Bureau de confidentialité", "bool"),
    "premises.digital_space": ("Espace numérique", "bool"),
    "premises.accessible_pmr": ("Accessibilité PMR", "bool"),
    **{
        f"opening_hours.{code}": (f"Horaires du {label.lower()}", "hours")
        for code, label in draft.DAYS
    },
}


class CorrectionForm(CleanTextForm):
    path = forms.ChoiceField(
        label="Champ corrigé", choices=[(k, v[0]) for k, v in CORRECTABLE.items()]
    )
    value = forms.CharField(
        label="Valeur corrigée",
        required=False,
        help_text="Oui ou non pour une case à cocher ; 09:00-12:00, 13:30-17:00 pour des horaires.",
    )
    reason = forms.CharField(
        label="Motif de la correction", widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        path, raw = cleaned.get("path"), (cleaned.get("value") or "").strip()
        if not path:
            return cleaned
        kind = CORRECTABLE[path][1]
        if kind == "bool":
            if raw.lower() not in ("oui", "non"):
                self.add_error("value", "Répondez oui ou non.")
            else:
                cleaned["parsed"] = raw.lower() == "oui"
        elif kind == "hours":
            try:
                cleaned["parsed"] = draft.parse_intervals(raw)
            except ValueError as exc:
                self.add_error("value", str(exc))
        else:
            if not raw:
                self.add_error("value", "Indiquez la valeur corrigée.")
            cleaned["parsed"] = raw
        return cleaned


class AssignForm(CleanTextForm):
    assignee = forms.ModelChoiceField(label="Instructeur", queryset=User.objects.none())

    def __init__(self, *args, departement_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            role=Role.INSTRUCTEUR, departement_id=departement_id, is_active=True
        ).order_by("last_name", "email")
