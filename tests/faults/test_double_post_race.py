"""Two posts of the same form at the same instant (a double click that the browser sends twice
before the first answer), on PostgreSQL: the database makes the second wait for the first, then
refuses its key — one message is written, both answers lead to the file."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.workflows import factories as wf
from workflows.models import Message

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_posts_of_one_form_make_one_message():
    app = wf.submitted()
    porteur = wf.porteur_of(app)
    page = Client()
    page.force_login(porteur)
    detail = page.get(reverse("workflows:application_detail", args=[app.pk])).content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f-]{36})"', detail).group(1)
    url = reverse("workflows:post_message", args=[app.pk])
    start = threading.Barrier(2)
    answers: list = []

    def post():
        client = Client()
        client.force_login(porteur)
        start.wait(5)
        try:
            answers.append(client.post(url, {"body": "Le plan est joint.", "request_key": key}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [a.status_code for a in answers] == [302, 302]
    assert Message.objects.filter(application=app).count() == 1


def test_two_simultaneous_posts_of_a_button_start_one_impact_study():
    """The same on a view guarded by ``once_per_form`` (the impact study's button): one study,
    both answers lead to its page."""
    from labelling.models import ImpactRun, Version
    from labelling.versions import publishing
    from tests.factories import UserFactory

    national = UserFactory()
    publishing.create_draft_version(
        user=national,
        copy_from=Version.objects.get(code="france-services-2019"),
        code="projet-course",
        title="Projet",
    )
    page = Client()
    page.force_login(national)
    detail = page.get(reverse("labelling:version_detail", args=["projet-course"])).content.decode()
    url = reverse("labelling:impact_start", args=["projet-course"])
    key = re.search(
        rf'action="{re.escape(url)}">.*?name="request_key" value="([0-9a-f-]{{36}})"', detail, re.S
    ).group(1)
    start = threading.Barrier(2)
    answers: list = []

    def post():
        client = Client()
        client.force_login(national)
        start.wait(5)
        try:
            answers.append(client.post(url, {"request_key": key}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [a.status_code for a in answers] == [302, 302]
    run = ImpactRun.objects.get(version__code="projet-course")
    assert {a.url for a in answers} == {reverse("labelling:impact_detail", args=[run.pk])}
