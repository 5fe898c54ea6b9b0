"""The forms of a page as a browser sees them (the fuzz of tests/badinput/test_form_fuzz.py posts
what they hold): fields with their kind, value, options and label; the DSFR error summary of
an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, file, hidden, date, number, email…
    values: list[str] = field(default_factory=list)  # current value(s) or option values
    id: str = ""
    multiple: bool = False


@dataclass
class Form:
    action: str
    enctype: str = ""
    fields: dict[str, Field] = field(default_factory=dict)
    label_ids: dict[str, str] = field(default_factory=dict)  # field id → label text
    legends: list[str] = field(default_factory=list)  # the names of groups of fields

    @property
    def path(self) -> str:
        return self.action.split("?")[0]

    @property
    def labels(self) -> list[str]:
        return [label for label in [*self.label_ids.values(), *self.legends] if label]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None
        self.label_for: str | None = None
        self.label_text: list[str] = []
        self.hint_depth = 0
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.form = Form(action=a.get("action", ""), enctype=a.get("enctype", ""))
                self.forms.append(self.form)
            return
        if self.form is None:
            return
        if tag in ("label", "legend"):
            self.label_for, self.label_text, self.hint_depth = a.get("for", tag), [], 0
        elif tag == "span" and self.label_for is not None:
            if self.hint_depth or "fr-hint-text" in a.get("class", ""):
                self.hint_depth += 1
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            found = self.form.fields.get(a["name"])
            if found is None:
                found = self.form.fields[a["name"]] = Field(a["name"], kind, id=a.get("id", ""))
            found.values.append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select" and a.get("name"):
            self.select = Field(a["name"], "select", id=a.get("id", ""), multiple="multiple" in a)
            self.form.fields.setdefault(a["name"], self.select)
        elif tag == "option" and self.select is not None:
            self.select.values.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self.textarea = Field(a["name"], "textarea", id=a.get("id", ""))
            self.form.fields.setdefault(a["name"], self.textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "span" and self.hint_depth:
            self.hint_depth -= 1
        elif tag in ("label", "legend") and self.label_for is not None and self.form is not None:
            text = " ".join("".join(self.label_text).split()).rstrip(" *")
            if self.label_for == "legend":
                self.form.legends.append(text)
            elif self.label_for:
                self.form.label_ids[self.label_for] = text
            self.label_for = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.values.append(data)
        if self.label_for is not None and not self.hint_depth:
            self.label_text.append(data)


def forms_of(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


# --- the answer -------------------------------------------------------------------------------

# The form's error summary (templates/includes/form_errors.html, funding/_form_errors.html).
SUMMARY = re.compile(
    r'<div class="fr-alert fr-alert--error[^"]*"[^>]*role="alert"[^>]*>\s*'
    r'(<h2 class="fr-alert__title">Le formulaire contient.*?)</div>',
    re.S,
)
TAG = re.compile(r"<[^>]+>")
LINK = re.compile(r'<a href="#([^"]+)">(.*?)</a>', re.S)
# Words of Django's and Python's English messages, never in a French sentence of the site.
ENGLISH = re.compile(
    r"\b(this field|the|is required|enter a|valid|invalid|ensure|must|should|select a|"
    r"please|value|not a|characters|submitted|file|error)\b",
    re.I,
)


def text_of(fragment: str) -> str:
    import html

    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


@dataclass
class Summary:
    html: str
    items: list[str]  # each message, as read
    links: list[tuple[str, str]]  # (field id, "Label : message")

    @property
    def text(self) -> str:
        return text_of(self.html)


def error_summary(html: str) -> Summary | None:
    found = SUMMARY.search(html)
    if found is None:
        return None
    body = found.group(1)
    items = [text_of(m) for m in re.findall(r"<(?:li|p)>(.*?)</(?:li|p)>", body, re.S)]
    links = [(target, text_of(label)) for target, label in LINK.findall(body)]
    return Summary(body, [i for i in items if i], links)


def english_in(message: str) -> str | None:
    found = ENGLISH.search(message)
    return found.group(0) if found else None
