"""What the fuzz of every form (test_form_fuzz.py) found, each kind fixed and kept fixed here."""

import html

import pytest
from django.urls import reverse

from tests.factories import InstructeurFactory, PorteurUserFactory
from tests.workflows import factories as wf
from workflows.models import Application, State

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", ["a\x00b", "queue", "workflows:queue", "/a b", "/\x7f", "."])
def test_a_next_that_is_no_path_of_the_site_goes_to_the_default_page(client, target):
    """A bare word was read by `redirect` as a view name (500); a control character or a
    space in a path is no page of the site either."""
    app = wf.submitted()
    client.force_login(InstructeurFactory(departement_id=app.departement_id))
    response = client.post(
        reverse("workflows:queue_take"), {"dossiers": [str(app.pk)], "next": target}
    )
    assert response.status_code == 302
    assert response.url == reverse("workflows:queue")
    app.refresh_from_db()
    assert app.assigned_to_id is not None


def test_an_empty_post_is_judged_not_read_as_a_visit(client):
    """`request.POST or None` read an empty post (no field at all) as a visit: the page came
    back without a word. It is now a post, judged like any other."""
    user = PorteurUserFactory()
    client.force_login(user)
    app = wf.drafted(user)
    response = client.post(
        reverse("workflows:draft_step", kwargs={"application_id": app.pk, "step": "lieu"}), {}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le formulaire contient" in page and "Nom du lieu" in page


@pytest.mark.parametrize(
    "management",
    [
        {},
        {"agents-TOTAL_FORMS": "", "agents-INITIAL_FORMS": "0"},
        {"agents-TOTAL_FORMS": "abc", "agents-INITIAL_FORMS": "\x00"},
        {"agents-TOTAL_FORMS": "99999", "agents-INITIAL_FORMS": "0"},
    ],
)
def test_a_list_of_agents_not_sent_whole_is_said_in_french(client, management):
    """A tampered or missing management form was refused without a word on the page."""
    user = PorteurUserFactory()
    client.force_login(user)
    app = wf.drafted(user)
    before = app.draft_declaration
    response = client.post(
        reverse("workflows:draft_step", kwargs={"application_id": app.pk, "step": "agents"}),
        {**management, "agents-0-name": "Claire Martin", "agents-0-fte": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le formulaire contient une erreur" in page
    assert "Agents et formations :" in page
    assert "ManagementForm" not in page
    app.refresh_from_db()
    assert app.draft_declaration == before
    assert Application.objects.get(pk=app.pk).state == State.DRAFT


def test_a_button_refused_with_an_error_keeps_no_key_and_can_be_sent_again(client):
    """A post refused with only an error message (no file taken) kept its one-time key: the
    same form, sent again once the cause is gone, was taken for a double click."""
    from idempotency.models import SubmittedForm

    app = wf.submitted()
    instructor = InstructeurFactory(departement_id=app.departement_id)
    client.force_login(instructor)
    key = "0f6e8d1c-3c5b-4d0a-9a51-2f8e6b7c9d10"
    response = client.post(
        reverse("workflows:queue_take"), {"dossiers": ["pas-un-dossier"], "request_key": key}
    )
    assert response.status_code == 302
    assert not SubmittedForm.objects.exists()
    response = client.post(
        reverse("workflows:queue_take"), {"dossiers": [str(app.pk)], "request_key": key}
    )
    app.refresh_from_db()
    assert app.assigned_to_id == instructor.pk
    assert SubmittedForm.objects.count() == 1


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ("a\x00b", "JSON invalide"),
        ("{", "JSON invalide"),
        ('{"hours": NaN}', "NaN"),
        ("[" * 5000, "JSON trop imbriqué"),
    ],
)
def test_a_criterion_s_parameters_that_are_no_json_are_said_in_french(client, params, said):
    """Python's English message (« Expecting value ») was shown; a JSON nested thousands deep
    exhausted the parser."""
    from labelling.models import Version
    from labelling.versions import publishing
    from tests.factories import UserFactory

    national = UserFactory()
    version = publishing.create_draft_version(
        user=national,
        copy_from=Version.objects.get(code="france-services-2019"),
        code="projet-essai",
        title="Projet d'essai",
    )
    criterion = version.criteria.first()
    before = criterion.params
    client.force_login(national)
    url = reverse("labelling:criterion_edit", kwargs={"code": version.code, "pk": criterion.pk})
    data = {"params": params, "label": criterion.label, "severity": criterion.severity}
    for name in ("message_pass", "message_fail", "reference"):
        data[name] = getattr(criterion, name)
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert said in text and "Expecting" not in text and "Le formulaire contient" in text
    criterion.refresh_from_db()
    assert criterion.params == before


@pytest.mark.parametrize("key", ["pas-une-clé", "\x00", "1 OR 1=1"])
def test_an_invitation_whose_form_key_was_altered_is_sent_without_a_word_about_a_uuid(client, key):
    """The invitation form's hidden one-time key answered « Saisissez un UUID valide. », a
    message about a field the user cannot see."""
    from tests.workflows.onboarding.test_onboarding import imported_place
    from workflows.onboarding.models import Invitation

    place = imported_place("63003", name="France Services importée", id_fs="fs-x")
    client.force_login(InstructeurFactory(departement_id="63"))
    response = client.post(
        reverse("onboarding:invite", args=[place.pk]),
        {"email": "porteur@example.fr", "request_key": key},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(place=place, email="porteur@example.fr").count() == 1


def test_a_review_message_is_cleaned_and_limited_like_every_posted_text(client):
    """The renewal forms were plain Django forms: control characters were stored as typed and
    100,000 characters accepted; a refused message was dropped without a word."""
    from tests.badinput.test_form_fuzz import World
    from workflows.renewal.models import ReviewMessage

    world = World()
    review = world.review_open
    client.force_login(world.porteur)
    url = reverse("renewal:message", args=[review.pk])
    client.post(url, {"body": "Horaires\x07 modifiés\x1b au 1er mars."})
    assert ReviewMessage.objects.get(review=review).body == "Horaires modifiés au 1er mars."
    response = client.post(url, {"body": "x" * 100_000}, follow=True)
    page = response.content.decode()
    assert "Message : Ce texte compte 100" in page
    assert ReviewMessage.objects.filter(review=review).count() == 1


@pytest.mark.parametrize("action", [None, "", "supprimer", "\x00", "create\x00"])
def test_the_api_token_page_says_when_it_does_nothing(client, action):
    """A post without a known action was answered by the same page, without a word."""
    from rest_framework.authtoken.models import Token

    client.force_login(PorteurUserFactory())
    data = {} if action is None else {"action": action}
    response = client.post(reverse("api_token"), data, follow=True)
    page = html.unescape(response.content.decode())
    assert "Choisissez de créer ou de révoquer votre jeton d'API." in page
    assert not Token.objects.exists()
    response = client.post(reverse("api_token"), {"action": "revoke"}, follow=True)
    assert "Vous n'aviez pas de jeton d'API" in html.unescape(response.content.decode())
