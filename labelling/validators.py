from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"


def siret_is_valid(value: str) -> bool:
    """A SIRET is 14 digits with a Luhn key; La Poste's establishments use another rule
    (the sum of the digits is a multiple of 5), as the INSEE documents."""
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_SIREN + "00001":
        return sum(int(d) for d in value) % 5 == 0
    total = 0
    for index, char in enumerate(reversed(value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


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
