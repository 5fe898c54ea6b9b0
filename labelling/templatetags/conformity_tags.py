"""What people read instead of codes: the title of a version of the cahier des charges, the
name of a commune."""

from django import template

from labelling import territories
from labelling.models import Version

register = template.Library()


@register.filter
def version_title(code: str | None) -> str:
    """``france-services-2019`` → « France Services — circulaire du 1er juillet 2019 »."""
    if not code:
        return ""
    title = Version.objects.filter(code=code).values_list("title", flat=True).first()
    return title or "Cahier des charges"


@register.filter
def commune_label(code: str | None) -> str:
    """An INSEE code → « Ambert (63) »; the code itself when unknown."""
    if not code:
        return ""
    return territories.label_for_code(code)
