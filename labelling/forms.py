from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators

from labelling import opening_hours, text


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


def limit_text_areas(form: forms.BaseForm) -> None:
    """Every text area without its own limit holds at most `text.COMMENT_MAX_LENGTH`
    characters (checked by the browser and the server, said in French)."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and isinstance(field.widget, forms.Textarea)
            and field.max_length is None
        ):
            limit = text.COMMENT_MAX_LENGTH
            field.max_length = limit
            field.validators.append(_MaxLength(limit))
            field.widget.attrs["maxlength"] = str(limit)
            hint = f"{limit:,} caractères au plus.".replace(",", "\u202f")
            field.help_text = f"{field.help_text} {hint}".strip() if field.help_text else hint


class _MaxLength(validators.MaxLengthValidator):
    def __init__(self, limit: int):
        super().__init__(
            limit,
            message="Ce texte compte %(show_value)s caractères : %(limit_value)s au plus. "
            "Raccourcissez-le ou joignez un document.",
        )


class CleanTextForm(forms.Form):
    """The base of every form that takes free text: what was typed or pasted is cleaned
    (`labelling.text`) before the fields see it, so validation, the page shown back and what is
    stored all read the cleaned text. A field drawn as a text area keeps its line breaks; any
    other text field is one line; passwords are never touched. Text areas hold at most
    `text.COMMENT_MAX_LENGTH` characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text_areas(self)

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
    """`CleanTextForm` for model forms (the admin's and the pages'); their text areas keep
    their model's limits."""

    def full_clean(self) -> None:
        if self.is_bound and self.data:
            self.data = clean_form_data(self, self.data)
        super().full_clean()


# --- opening hours, as people write them (the application and the self-check) ----------------

HOURS_HELP = (
    "Par exemple « 9h-12h, 14h-17h », « de 9h à 12h » ou « 09:00-12:00 13:30-17:00 ». "
    "Laissez vide (ou écrivez « fermé ») si le lieu est fermé ce jour-là."
)


def hours_field(label: str) -> forms.CharField:
    """A day's opening hours, as people write them (`labelling.opening_hours`): the same field
    in the self-check and in the application's hours step."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        help_text=HOURS_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def clean_hours(form: forms.Form, names: list[str]) -> None:
    """Parse each hours field of `form`; the normalised value is what the form shows back."""
    for name in names:
        if name in form.errors:
            continue
        try:
            intervals = opening_hours.parse_day(form.cleaned_data.get(name) or "")
        except opening_hours.HoursInputError as exc:
            form.add_error(name, exc.message)
            continue
        form.cleaned_data[name] = intervals
        # Shown back normalised (« 9h-12h » → « 09:00-12:00 »), in both forms alike.
        show_back(form, name, opening_hours.format_day(intervals))


def show_back(form: forms.Form, name: str, value: str) -> None:
    """Put `value` in the data a bound form shows back for the field `name`."""
    data = form.data
    if getattr(data, "_mutable", True) is False:
        data = data.copy()
    elif not hasattr(data, "setlist"):
        data = dict(data)
    data[form.add_prefix(name)] = value
    form.data = data
