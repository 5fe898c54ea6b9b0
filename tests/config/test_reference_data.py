import pytest

from labelling.models import Commune, Departement, Operator


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_reference_data():
    assert Departement.objects.count() == 101


@pytest.mark.django_db
def test_the_next_test_finds_reference_data_again():
    assert Departement.objects.count() == 101
    assert Commune.objects.filter(pk="63113").exists()
    assert Operator.objects.filter(pk="caf").exists()
