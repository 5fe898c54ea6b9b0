"""Forms of the public verification page."""

from django import forms

from documents.codes import normalize_code
from labelling.forms import CleanTextForm


class VerifyCodeForm(CleanTextForm):
    code = forms.CharField(
        label="Code de vérification",
        help_text="12 caractères, par exemple 7K3M-Q9PZ-2XHD (tirets et espaces facultatifs).",
        max_length=30,
    )

    def clean_code(self) -> str:
        normalized = normalize_code(self.cleaned_data["code"])
        if normalized is None:
            raise forms.ValidationError(
                "Ce code n'a pas le bon format : il compte 12 lettres et chiffres."
            )
        return normalized


class VerifyFileForm(CleanTextForm):
    file = forms.FileField(
        label="Fichier PDF à comparer",
        help_text="Le fichier est lu pour calculer son empreinte, puis oublié : rien n'est enregistré.",
    )
