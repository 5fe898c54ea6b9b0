"""What people read instead of a declaration's paths."""

from django import template

from workflows import draft

register = template.Library()


@register.filter
def field_title(path: str | None) -> str:
    """``opening_hours.mo`` → « les horaires du lundi »."""
    return draft.field_title(path or "")
