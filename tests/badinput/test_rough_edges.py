"""Issue 10, rough edges in the journeys: codes never shown to people, the criteria review's
error summary, comment length, dates of effect and decision, a proposal sent back, documents
listed once."""

import datetime
import re

import pytest
from django.urls import reverse

from labelling.text import COMMENT_MAX_LENGTH
from tests.factories import InstructeurFactory, SignataireFactory
from tests.workflows import factories as wf
from workflows import services
from workflows.models import Application, State

pytestmark = pytest.mark.django_db

CODES = re.compile(
    r"\b(?:site|opening|staff|operators|premises|agents|opening_hours)\.[a-z_]+"
    r"|france-services-2019|msap-2016"
)


def visible_codes(html: str) -> set[str]:
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    return set(CODES.findall(text))


def test_the_draft_panel_says_what_is_still_to_fill_in_without_codes(client):
    app = wf.drafted()
    client.force_login(app.created_by)
    blank = services.start_application(user=app.created_by)
    html = client.get(reverse("workflows:draft_step", args=[blank.pk, "porteur"])).content.decode()
    assert visible_codes(html) == set()
    assert "Encore à remplir" in html
    lieu = reverse("workflows:draft_step", args=[blank.pk, "lieu"])
    assert f'<a href="{lieu}">Lieu</a> : le nom du lieu, la commune du lieu' in html
    assert "France Services — circulaire du 1er juillet 2019" in html
    html = client.get(reverse("workflows:draft_step", args=[app.pk, "locaux"])).content.decode()
    assert visible_codes(html) == set()
    assert "Rempli" in html


def test_file_page_and_review_show_titles_not_codes(client):
    app = wf.in_instruction(conform=False)
    client.force_login(app.created_by)
    html = client.get(reverse("workflows:application_detail", args=[app.pk])).content.decode()
    assert visible_codes(html) == set()
    instructor = InstructeurFactory(departement_id=app.departement_id)
    client.force_login(instructor)
    for name in ("application_detail", "review"):
        html = client.get(reverse(f"workflows:{name}", args=[app.pk])).content.decode()
        assert visible_codes(html) == set(), name
        assert "Bureau de confidentialité" in html or "confidentiel" in html


def _review_post(app, criteria, **changes):
    data = {}
    for c in criteria:
        data[f"{c['code']}-verdict"] = c["status"]
        data[f"{c['code']}-comment"] = f"Vu sur place ({c['code']})."
        data[f"{c['code']}-justification"] = ""
    data.update(changes)
    return data


def test_an_error_on_the_eighth_criterion_is_summarised_at_the_top_and_nothing_is_lost(client):
    app = wf.in_instruction()
    instructor = InstructeurFactory(departement_id=app.departement_id)
    client.force_login(instructor)
    criteria = services.selectors.current_criteria(app) if hasattr(services, "selectors") else None
    from workflows import selectors

    criteria = selectors.current_criteria(app)
    last = criteria[-1]
    other = "pass" if last["status"] != "pass" else "fail"
    response = client.post(
        reverse("workflows:review", args=[app.pk]),
        _review_post(app, criteria, **{f"{last['code']}-verdict": other}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.index("data-error-summary")
    assert summary < html.index(f'name="{criteria[0]["code"]}-verdict"')
    assert f'href="#id_{last["code"]}-justification"' in html
    assert "Justifiez l&#x27;écart avec le résultat automatique." in html
    for c in criteria:  # every typed comment kept
        assert f"Vu sur place ({c['code']})." in html
    assert not app.reviews.exists()


def test_comments_are_limited_to_two_thousand_characters(client):
    app = wf.in_instruction()
    instructor = InstructeurFactory(departement_id=app.departement_id)
    client.force_login(instructor)
    from workflows import selectors

    criteria = selectors.current_criteria(app)
    code = criteria[0]["code"]
    long = "Un commentaire très long. " * 831  # 21,606 characters
    response = client.post(
        reverse("workflows:review", args=[app.pk]),
        _review_post(app, criteria, **{f"{code}-comment": long}),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{COMMENT_MAX_LENGTH} au plus" in html and f'maxlength="{COMMENT_MAX_LENGTH}"' in html
    response = client.post(
        reverse("workflows:review", args=[app.pk]),
        _review_post(app, criteria, **{f"{code}-comment": long[:COMMENT_MAX_LENGTH]}),
    )
    assert response.status_code == 302
    # the same limit on messages, notes and reasons
    response = client.post(reverse("workflows:post_message", args=[app.pk]), {"body": long})
    assert response.status_code == 200 and "au plus" in response.content.decode()


def test_a_date_of_effect_before_the_submission_is_refused_on_its_field(client):
    app = wf.in_proposal()
    instructor = app.journal.filter(actor__role="instructeur").first().actor
    client.force_login(instructor)
    response = client.post(
        reverse("workflows:proposal", args=[app.pk]),
        {"outcome": "label", "reasons": "Conforme.", "effective_on": "2019-01-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "ne peut précéder le dépôt du dossier" in html
    assert 'aria-describedby="id_effective_on-messages"' in html
    assert Application.objects.get(pk=app.pk).state == State.PROPOSAL


def test_the_sign_form_puts_each_date_error_on_its_own_field(client):
    app = wf.in_proposal()
    instructor = app.journal.filter(actor__role="instructeur").first().actor
    soon = datetime.date.today() + datetime.timedelta(days=1)
    services.propose(
        user=instructor, application_id=app.pk, outcome="label", reasons="Conforme.",
        effective_on=soon,
    )  # fmt: skip
    signataire = SignataireFactory(departement_id=app.departement_id)
    client.force_login(signataire)
    url = reverse("workflows:decision", args=[app.pk])
    later = (soon + datetime.timedelta(days=3)).isoformat()
    # a decision dated in the future: on the decision's date
    html = client.post(url, {"decided_on": later, "effective_on": ""}).content.decode()
    assert "postérieure à aujourd&#x27;hui" in html
    assert 'aria-describedby="id_decided_on-messages"' in html
    # a date of effect typed before the decision: on the date of effect
    today = datetime.date.today().isoformat()
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    html = client.post(url, {"decided_on": today, "effective_on": yesterday}).content.decode()
    assert "La date d&#x27;effet ne peut précéder la décision." in html
    assert 'aria-describedby="id_effective_on-messages"' in html
    assert Application.objects.get(pk=app.pk).state == State.DECISION


def test_a_proposal_sent_back_shows_its_reason_and_starts_from_it(client):
    app = wf.in_decision()
    signataire = SignataireFactory(departement_id=app.departement_id)
    services.return_proposal(
        user=signataire, application_id=app.pk, reason="Précisez la date d'effet."
    )
    instructor = app.journal.filter(actor__role="instructeur").first().actor
    client.force_login(instructor)
    html = client.get(reverse("workflows:proposal", args=[app.pk])).content.decode()
    assert "Précisez la date d&#x27;effet." in html
    assert "Le lieu remplit le cahier des charges." in html  # the reasons, pre-filled
    assert 'value="2030-01-01"' in html


def test_each_document_is_listed_once(client):
    app = wf.in_decision()
    instructor = app.journal.filter(actor__role="instructeur").first().actor
    client.force_login(instructor)
    html = client.get(reverse("workflows:application_detail", args=[app.pk])).content.decode()
    section = html[html.index('id="documents"') :]
    section = section[: section.index("</section>")]
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", section)]
    assert items and len(items) == len(set(items)), items
    assert sum("Rapport d'instruction" in item for item in items) <= 1


def test_demo_names_elide_and_its_count_matches_the_readme(capsys):
    from django.core.management import call_command

    from labelling.models import Place
    from labelling.text import of_place

    assert [of_place(n) for n in ("Ambert", "Embrun", "Le Mont-Dore", "Les Angles", "Thiers")] == [
        "d'Ambert",
        "d'Embrun",
        "du Mont-Dore",
        "des Angles",
        "de Thiers",
    ]
    call_command("seed_demo")
    out = capsys.readouterr().out
    # README: 13 labelled and 10 in project in the Puy-de-Dôme, 11 labelled in the Hautes-Alpes
    assert "Données de démonstration prêtes : 34 lieux (24 labellisés, 10 en projet" in out
    names = set(Place.objects.values_list("name", flat=True))
    assert "France Services d'Ambert" in names and "Projet de France Services d'Arlanc" in names
    assert not [n for n in names if re.search(r"\bde [AEIOUYÉ]", n)]


def test_draft_pieces_open_replace_delete_and_count_without_saving(client):
    from documents.models import SupportingDocument

    app = services.start_application(user=wf.drafted().created_by)
    client.force_login(app.created_by)
    steps = wf.conform_steps()
    for step in ("porteur", "lieu"):
        services.save_draft_step(
            user=app.created_by, application_id=app.pk, step=step, data=steps[step]
        )
    upload = reverse("workflows:draft_upload", args=[app.pk])
    response = client.post(upload, {"piece-title": "Délibération", "piece-file": wf.pdf()})
    assert response.status_code == 302
    app.refresh_from_db()
    assert "pieces" in app.completed_steps  # attached without « Enregistrer »: it counts
    row = app.documents.get(title="Délibération")
    html = client.get(reverse("workflows:draft_step", args=[app.pk, "pieces"])).content.decode()
    opened = reverse("documents:download_supporting", args=[row.piece_id])
    assert opened in html
    download = client.get(opened)
    assert download.status_code == 200
    download.close()
    # replace
    response = client.post(
        upload,
        {"remplace": str(row.pk), "piece-title": "Délibération", "piece-file": wf.pdf("v2.pdf")},
    )
    assert response.status_code == 302
    rows = list(app.documents.filter(title="Délibération"))
    assert len(rows) == 1 and rows[0].pk != row.pk
    assert not SupportingDocument.objects.filter(pk=row.piece_id).exists()
    # delete
    remove = reverse("workflows:draft_piece_remove", args=[app.pk, rows[0].pk])
    assert client.post(remove).status_code == 302
    assert not app.documents.filter(title="Délibération").exists()
    # another file's piece cannot be removed through this draft
    other = wf.drafted()
    services.add_supporting_document(
        user=other.created_by, application_id=other.pk, title="Autre", uploaded_file=wf.pdf()
    )
    foreign = other.documents.get(title="Autre")
    client.post(reverse("workflows:draft_piece_remove", args=[app.pk, foreign.pk]))
    assert other.documents.filter(pk=foreign.pk).exists()


def test_resuming_a_draft_opens_the_first_step_not_filled_in(client):
    app = services.start_application(user=wf.drafted().created_by)
    client.force_login(app.created_by)
    steps = wf.conform_steps()
    for step in ("porteur", "lieu"):
        services.save_draft_step(
            user=app.created_by, application_id=app.pk, step=step, data=steps[step]
        )
    html = client.get(reverse("workflows:application_detail", args=[app.pk])).content.decode()
    resume = reverse("workflows:draft_resume", args=[app.pk])
    assert resume in html and "Reprendre le brouillon" in html
    response = client.get(resume)
    assert response.url == reverse("workflows:draft_step", args=[app.pk, "horaires"])
    full = wf.drafted()
    client.force_login(full.created_by)
    response = client.get(reverse("workflows:draft_resume", args=[full.pk]))
    assert response.url == reverse("workflows:draft_submit", args=[full.pk])
