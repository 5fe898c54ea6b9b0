import pytest

from documents.audiences import Audience
from documents.models import Document
from documents.samples import sample_context
from tests.factories import (
    InstructeurFactory,
    PlaceFactory,
    PorteurFactory,
    PorteurUserFactory,
    SignataireFactory,
)


@pytest.fixture
def porteur():
    return PorteurFactory(name="Communauté de communes Ambert Livradois Forez", kind="epci")


@pytest.fixture
def place(porteur):
    return PlaceFactory(name="France Services d'Ambert", porteur=porteur)


@pytest.fixture
def porteur_user(porteur):
    return PorteurUserFactory(porteur=porteur)


@pytest.fixture
def instructeur():
    return InstructeurFactory()


@pytest.fixture
def signataire():
    return SignataireFactory(first_name="Claire", last_name="Fontanel")


@pytest.fixture
def other_instructeur():
    from labelling.models import Departement

    return InstructeurFactory(departement=Departement.objects.get(pk="05"))


def readers(place) -> Audience:
    """The readers of a place's file: its porteur, its préfecture and the agency."""
    return Audience.of(
        porteur=place.porteur_id,
        prefecture=place.departement_id,
        national=True,
        public_verification=True,
    )


@pytest.fixture
def make_document(place, django_capture_on_commit_callbacks):
    """Ask for a document and run the (eager) task as the commit would."""
    from documents.services import request_document

    def make(kind: str = "arrete_labellisation", subject_key: str = "application:test", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            document = request_document(
                place=kw.pop("place", place),
                subject_key=subject_key,
                context=kw.pop("context", None) or sample_context(kind),
                audience=kw.pop("audience", None) or readers(kw.get("place", place)),
                **kw,
            )
        return Document.objects.get(pk=document.pk)

    return make
