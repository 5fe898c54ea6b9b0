"""Fixtures of the workflow tests.

While the conformity engine or the documents app of the other teams is not importable, small
stand-ins are patched into `workflows.integrations` (the one seam where workflows calls them);
as soon as the real modules exist the tests run against them."""

from __future__ import annotations

import importlib
import uuid
from types import SimpleNamespace

import pytest

from workflows import integrations

NATIONAL = [
    "caf",
    "assurance_maladie",
    "assurance_retraite",
    "msa",
    "france_travail",
    "la_poste",
    "dgfip",
    "justice",
    "interieur",
]


def _available(*modules: str) -> bool:
    try:
        for name in modules:
            importlib.import_module(name)
    except ImportError:
        return False
    return True


CONFORMITY_READY = _available("labelling.conformity.store") and hasattr(
    importlib.import_module("labelling.conformity"), "check"
)
DOCUMENTS_READY = _available("documents.services", "documents.uploads")


def _fake_check(raw: dict, *, version_code: str) -> integrations.ConformityOutcome:
    site = raw.get("site") or {}
    errors = []
    if not site.get("name"):
        errors.append(integrations.FieldError(path="site.name", message="obligatoire"))
    if not site.get("commune_insee"):
        errors.append(integrations.FieldError(path="site.commune_insee", message="obligatoire"))
    if errors:
        return integrations.ConformityOutcome(version_code=version_code, errors=errors)

    def minutes(t: str) -> int:
        h, m = t.split(":")
        return int(h) * 60 + int(m)

    hours = raw.get("opening_hours") or {}
    total = sum(minutes(e) - minutes(s) for day in hours.values() for s, e in day)
    trained = [
        a
        for a in raw.get("agents") or []
        if any(t["kind"] == "france_services_initiale" for t in a.get("trainings") or [])
    ]
    present = {o["code"] for o in raw.get("operators") or [] if o["presence"] != "none"}
    premises = raw.get("premises") or {}
    rows = [
        ("opening.weekly_hours", total >= 1440),
        ("opening.days", len([d for d in hours.values() if d]) >= 5),
        ("staff.trained_agents", len(trained) >= 2),
        ("operators.national_partners", set(NATIONAL) <= present),
        ("premises.confidential_office", premises.get("confidential_office") is True),
        ("premises.digital_space", premises.get("digital_space") is True),
    ]
    criteria = [
        {
            "code": code,
            "status": "pass" if ok else "fail",
            "message": f"{code} {'respecté' if ok else 'non respecté'}",
            "reference": "circulaire 6094-SG",
            "label": code,
        }
        for code, ok in rows
    ]
    return integrations.ConformityOutcome(
        version_code=version_code,
        conform=all(ok for _, ok in rows),
        criteria=criteria,
    )


def _fake_record(*, raw, version_code, place=None, checked_by=None, process):
    import datetime

    from django.utils import timezone

    from labelling.models import ConformityReport, Version

    outcome = _fake_check(raw, version_code=version_code)
    version, _ = Version.objects.get_or_create(
        code=version_code,
        defaults={
            "title": "France Services",
            "starts_on": datetime.date(2020, 1, 1),
            "status": "published",
            "published_at": timezone.now(),
        },
    )
    return ConformityReport.objects.create(
        place=place,
        version=version,
        version_code=version_code,
        declaration=raw,
        results={"conform": outcome.conform, "criteria": outcome.criteria},
        conform=outcome.conform,
        checked_by=checked_by,
        process=process,
        sha256="0" * 64,
    )


class FakeDocuments:
    def __init__(self):
        self.requested: list[dict] = []
        self.stored: list[dict] = []

    def request_document(self, *, kind, place, subject_key, context, requested_by=None):
        self.requested.append({"kind": kind, "subject_key": subject_key, "context": context})
        return SimpleNamespace(pk=uuid.uuid4(), status="pending")

    def store_supporting_document(self, *, place, subject_key, title, uploaded_file, uploaded_by):
        self.stored.append({"subject_key": subject_key, "title": title})
        return SimpleNamespace(pk=uuid.uuid4())

    @staticmethod
    def validate_upload(uploaded_file):
        from django.core.exceptions import ValidationError

        if not uploaded_file.name.lower().endswith(".pdf"):
            raise ValidationError("Seuls les fichiers PDF sont acceptés.")


@pytest.fixture(autouse=True)
def _integrations(monkeypatch):
    """Stand-ins for the other teams' modules until they are importable."""
    fakes = FakeDocuments()
    if not CONFORMITY_READY:
        monkeypatch.setattr(
            integrations, "version_code_in_force", lambda on=None: "france-services-2019"
        )
        monkeypatch.setattr(integrations, "national_partners", lambda code: list(NATIONAL))
        monkeypatch.setattr(integrations, "check_declaration", _fake_check)
        monkeypatch.setattr(integrations, "record_report", _fake_record)
    if not DOCUMENTS_READY:
        monkeypatch.setattr(integrations, "request_document", fakes.request_document)
        monkeypatch.setattr(
            integrations, "store_supporting_document", fakes.store_supporting_document
        )
        monkeypatch.setattr(integrations, "validate_upload", fakes.validate_upload)
    return fakes
