"""Money the French way in templates: {{ amount|montant }} → « 15 000,00 € »."""

from django import template

from labelling.funding.money import euros

register = template.Library()


@register.filter
def montant(value) -> str:
    return euros(value)
