"""Filters for official documents: French long dates ("1er juillet 2019") and euro amounts."""

import datetime

from django import template

from documents import french
from documents.rendering import format_euros, parse_date

register = template.Library()

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@register.filter
def date_long(value) -> str:
    day = parse_date(value)
    if not isinstance(day, datetime.date):
        return ""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


@register.filter
def euros(value) -> str:
    return format_euros(value)


@register.filter
def article(number: int) -> str:
    return "Article 1er" if int(number) == 1 else f"Article {int(number)}"


@register.filter
def css_string(value) -> str:
    """Text for a double-quoted CSS string (in a <style> element, not HTML-escaped)."""
    from django.utils.safestring import mark_safe

    text = french.typeset_text(str(value)).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", " ").replace("<", "\\3c ")
    return mark_safe(text)


@register.filter
def considerant(value) -> str:
    """A free reason as a recital: « Considérant que … ; »."""
    return french.considerant(str(value or ""))


@register.filter
def url_lines(value) -> str:
    """A URL as a narrow box prints it: it may break only before its last path segment (the
    verification code), never inside the code at one of its hyphens."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    url = str(value or "")
    head, slash, tail = url.rstrip("/").rpartition("/")
    if not slash:
        return escape(url)
    last = tail + url[len(head) + 1 + len(tail) :]
    return mark_safe(f'{escape(head)}/<wbr><span class="nowrap">{escape(last)}</span>')


@register.filter
def clause(value) -> str:
    """An engine's message or a reference as part of a list item in a decision: without its
    final full stop (the list puts « ; » or « . ») nor the echo of the raw answer
    (« (réponse : non) »), which is for the instructor's screen, not for a decision."""
    import re

    text = re.sub(r"\s*\(réponse\s*:[^)]*\)", "", str(value or "").strip())
    return text.rstrip(" .;")


@register.filter
def address_lines(value) -> str:
    """A postal address as a letterhead prints it: the line breaks before the postal code
    (« 18 boulevard Desaix » / « 63033 Clermont-Ferrand Cedex 1 »), never inside it."""
    import re

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    parts = re.split(r",?\s+(?=\d{5}\s)", str(value or "").strip(), maxsplit=1)
    return mark_safe("<br>".join(escape(part) for part in parts))


@register.filter
def after_colon(value) -> str:
    """A phrase as it follows « : » in French: no capital (« : aucun bureau fermé »), unless
    the word is an acronym or a name written in capitals (« CAF »)."""
    text = str(value or "")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
