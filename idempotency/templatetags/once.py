"""``{% once %}``: the hidden one-time key of a form that creates something (idempotency/keys.py).
A built-in tag (``TEMPLATES`` options): put it next to ``{% csrf_token %}``."""

from django import template
from django.utils.html import format_html

from idempotency.keys import FIELD, new_key

register = template.Library()


@register.simple_tag
def once() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
