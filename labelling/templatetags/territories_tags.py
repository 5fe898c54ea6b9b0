"""Template helpers about territories."""

from django import template

from labelling import territories

register = template.Library()


@register.simple_tag
def labelled_places_for(code: str | None) -> list[str]:
    """Names of the labelled places of the commune an INSEE code designates (an arrondissement
    or a commune déléguée designates its commune); empty for no code or an unknown one."""
    if not code:
        return []
    resolved = territories.resolve_commune_codes([code]).get(territories.normalise_code(code))
    if resolved is None:
        return []
    code = resolved.commune.insee_code
    return territories.labelled_places_in(commune_codes=[code]).get(code, [])
