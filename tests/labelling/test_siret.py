import pytest
from django.core.exceptions import ValidationError

from labelling.validators import siret_is_valid, validate_siret


@pytest.mark.parametrize(
    "siret",
    [
        "20006737800014",
        "52297314500017",
        "73282932000074",
        "35600000000100",  # La Poste: the sum of the digits is a multiple of 5
    ],
)
def test_valid_sirets(siret):
    assert siret_is_valid(siret)
    validate_siret(siret)


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("20006737800013", "siret_key"),
        ("73282932000075", "siret_key"),
        ("35600000000101", "siret_key"),
        ("1234567890123", "siret_format"),
        ("2000673780001A", "siret_format"),
        ("", "siret_format"),
    ],
)
def test_invalid_sirets_are_refused_with_a_french_message(siret, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_siret(siret)
    assert excinfo.value.code == code
    assert "SIRET" in excinfo.value.messages[0]
