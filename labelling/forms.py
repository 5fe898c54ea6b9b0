from django import forms
from django.contrib.auth.forms import AuthenticationForm

from labelling import text


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class CleanTextForm(forms.Form):
    """The base of every form that takes free text: what was typed or pasted is cleaned
    (`labelling.text`) before the fields see it, so validation, the page shown back and what is
    stored all read the cleaned text. A field drawn as a text area keeps its line breaks; any
    other text field is one line; passwords are never touched."""

    def full_clean(self) -> None:
        if self.is_bound and self.data:
            self.data = clean_form_data(self, self.data)
        super().full_clean()


def clean_form_data(form: forms.BaseForm, data):
    """A copy of the posted data with each text field's values cleaned."""
    kinds: dict[str, str] = {}
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        kinds[form.add_prefix(name)] = (
            "multiline" if isinstance(field.widget, forms.Textarea) else "line"
        )
    if not any(key in kinds for key in data):
        return data
    cleaned = data.copy()  # a QueryDict copy is mutable
    getlist = getattr(data, "getlist", None)
    for key, kind in kinds.items():
        if key not in data:
            continue
        clean = text.clean_multiline if kind == "multiline" else text.clean_line
        values = getlist(key) if getlist else [data[key]]
        values = [clean(v) if isinstance(v, str) else v for v in values]
        if hasattr(cleaned, "setlist"):
            cleaned.setlist(key, values)
        else:
            cleaned[key] = values[0] if len(values) == 1 else values
    return cleaned


class CleanTextModelForm(forms.ModelForm):
    """`CleanTextForm` for model forms (the admin's and the pages')."""

    def full_clean(self) -> None:
        if self.is_bound and self.data:
            self.data = clean_form_data(self, self.data)
        super().full_clean()
