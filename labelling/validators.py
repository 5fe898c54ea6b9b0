from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"


def siret_is_valid(value: str) -> bool:
    """A SIRET is 14 digits with a Luhn key. La Poste's establishments (SIREN 356 000 000) were
    numbered before the key was general: theirs follow another rule, the sum of the digits is a
    multiple of 5 (INSEE); the head office, 356 000 000 00048, has a Luhn key. One validator for
    the admin, the forms, the imports and the onboarding."""
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN) and sum(int(d) for d in value) % 5 == 0:
        return True
    return _luhn(value)


def _luhn(value: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    """What people type (« 356 000 000 00048 », with dots or dashes) → 14 digits, as typed
    otherwise (the validator then says what is wrong)."""
    compact = "".join(value.split())
    if compact.replace(".", "").replace("-", "").isdigit():
        compact = compact.replace(".", "").replace("-", "")
    return compact


def validate_siret(value: str) -> None:
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(
            "Le SIRET doit comporter exactement 14 chiffres.", code="siret_format"
        )
    if not siret_is_valid(value):
        raise ValidationError(
            "Ce SIRET n'est pas valide : sa clé de contrôle est fausse. Vérifiez les 14 chiffres.",
            code="siret_key",
        )
