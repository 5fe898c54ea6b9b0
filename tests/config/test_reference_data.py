import pytest

from labelling.models import Commune, CommuneAlias, Departement, Operator


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_reference_data():
    assert Departement.objects.filter(kind="departement").count() == 101


@pytest.mark.django_db
def test_the_next_test_finds_reference_data_again():
    assert Departement.objects.filter(kind="departement").count() == 101
    assert Commune.objects.filter(pk="63113").exists()
    assert Operator.objects.filter(pk="caf").exists()
    assert CommuneAlias.objects.get(pk="13203").commune_id == "13055"
    assert Commune.objects.get(pk="97801").departement.kind == "collectivite"
