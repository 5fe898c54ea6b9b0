import datetime
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied

from labelling.conformity import BUILTIN_VERSIONS, validate_declaration
from labelling.conformity.builtin import FRANCE_SERVICES_2019
from labelling.conformity.declaration import today_in_paris
from labelling.models import ConformityReport, Criterion, Version
from labelling.versions.publishing import (
    VersionError,
    add_draft_criterion,
    create_draft_version,
    delete_draft_criterion,
    publish_version,
    update_draft_criterion,
)
from labelling.versions.store import (
    UnknownVersion,
    canonical_json,
    get_version_spec,
    published_version_specs,
    record_conformity_report,
    version_in_force,
)
from tests.factories import InstructeurFactory, PlaceFactory, UserFactory
from tests.labelling.conformity.helpers import conform_fs

pytestmark = pytest.mark.django_db


def test_builtin_versions_are_published_data_equal_to_the_code():
    assert published_version_specs() == BUILTIN_VERSIONS
    version = Version.objects.get(code="france-services-2019")
    assert version.status == "published" and version.published_at is not None
    assert version.criteria.filter(severity="warning").count() == 2


def test_version_in_force_and_by_code():
    assert version_in_force(on=datetime.date(2015, 12, 31)) is None
    assert version_in_force(on=datetime.date(2019, 12, 31)).code == "msap-2016"
    assert version_in_force(on=datetime.date(2020, 1, 1)).code == "france-services-2019"
    assert get_version_spec("msap-2016").code == "msap-2016"
    with pytest.raises(UnknownVersion):
        get_version_spec("france-services-2030")


def test_record_report_keeps_canonical_declaration_and_hash():
    user = UserFactory()
    place = PlaceFactory()
    declaration = validate_declaration(conform_fs())
    report = record_conformity_report(
        declaration=declaration,
        version=FRANCE_SERVICES_2019,
        place=place,
        checked_by=user,
        process="tests",
    )
    report.refresh_from_db()
    assert report.version.code == report.version_code == "france-services-2019"
    assert report.conform is True
    assert report.declaration == declaration.to_dict()
    assert report.results["criteria"][0]["label"] == "Ouverture d'au moins 24 heures par semaine"
    expected = json.dumps(
        conform_fs(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert canonical_json(report.declaration) == expected
    assert report.sha256 == hashlib.sha256(expected).hexdigest()


def test_a_report_is_never_updated():
    report = record_conformity_report(
        declaration=validate_declaration(conform_fs()),
        version=Version.objects.get(code="france-services-2019"),
        process="tests",
    )
    report.conform = False
    with pytest.raises(ValueError, match="jamais modifié"):
        report.save()
    assert ConformityReport.objects.get(pk=report.pk).conform is True


# --- Publishing -------------------------------------------------------------------------


@pytest.fixture
def national():
    return UserFactory(role="national")


def _draft(national, code="france-services-2027"):
    return create_draft_version(
        user=national,
        code=code,
        title="France Services 2027",
        copy_from=Version.objects.get(code="france-services-2019"),
    )


def test_draft_copies_criteria_and_is_not_in_force(national):
    draft = _draft(national)
    assert draft.status == "draft"
    assert draft.criteria.count() == 8
    assert get_version_spec(draft.code, include_drafts=True).starts_on is None
    with pytest.raises(UnknownVersion):
        get_version_spec(draft.code)


def test_only_national_users_change_versions():
    with pytest.raises(PermissionDenied):
        create_draft_version(user=InstructeurFactory(), code="x", title="x")


def test_edit_a_draft_criterion_is_checked_by_the_engine(national):
    draft = _draft(national)
    criterion = draft.criteria.get(code="opening.weekly_hours")
    update_draft_criterion(user=national, criterion=criterion, params={"minutes": 30 * 60})
    assert get_version_spec(draft.code, include_drafts=True).criteria[0].params == {"minutes": 1800}
    with pytest.raises(VersionError, match="minutes"):
        update_draft_criterion(user=national, criterion=criterion, params={"minutes": -1})
    with pytest.raises(VersionError, match="inconnu"):
        update_draft_criterion(user=national, criterion=criterion, message_fail="{heures}")
    criterion.refresh_from_db()
    assert criterion.params == {"minutes": 1800}


def test_add_and_delete_draft_criteria(national):
    draft = _draft(national)
    added = add_draft_criterion(
        user=national,
        version=draft,
        code="operators.grdf",
        kind="required_partners",
        params={"partners": ["grdf"]},
        label="GRDF",
        message_pass="ok",
        message_fail="absents : {missing}",
        reference="essai",
    )
    assert added.position == 8
    with pytest.raises(VersionError, match="déjà"):
        add_draft_criterion(
            user=national,
            version=draft,
            code="operators.grdf",
            kind="premises_flag",
            params={"flag": "digital_space"},
            label="x",
            message_pass="x",
            message_fail="x",
            reference="x",
        )
    delete_draft_criterion(user=national, criterion=added)
    assert draft.criteria.count() == 8


def test_published_versions_are_never_edited(national):
    published = Version.objects.get(code="msap-2016")
    criterion = published.criteria.first()
    with pytest.raises(VersionError, match="nouvelle version"):
        update_draft_criterion(user=national, criterion=criterion, params={"minutes": 1})
    with pytest.raises(VersionError):
        publish_version(version=published, starts_on=today_in_paris(), user=national)


def test_publish_ends_the_open_version_the_day_before(national):
    draft = _draft(national)
    starts_on = today_in_paris() + datetime.timedelta(days=30)
    publish_version(version=draft, starts_on=starts_on, user=national)
    previous = Version.objects.get(code="france-services-2019")
    assert previous.ends_on == starts_on - datetime.timedelta(days=1)
    assert version_in_force(on=starts_on).code == draft.code
    assert version_in_force(on=starts_on - datetime.timedelta(days=1)).code == previous.code
    assert Criterion.objects.filter(version=draft).count() == 8


def test_publish_refuses_overlaps_and_the_past(national):
    first = _draft(national)
    starts_on = today_in_paris() + datetime.timedelta(days=30)
    publish_version(version=first, starts_on=starts_on, user=national)
    second = _draft(national, code="france-services-2028")
    with pytest.raises(VersionError, match="chevauche la version france-services-2027"):
        publish_version(version=second, starts_on=starts_on, user=national)
    with pytest.raises(VersionError, match="chevauche la version france-services-2019"):
        publish_version(
            version=second, starts_on=starts_on - datetime.timedelta(days=1), user=national
        )
    with pytest.raises(VersionError, match="rétroactivement"):
        publish_version(version=second, starts_on=datetime.date(2021, 1, 1), user=national)
    second.refresh_from_db()
    assert second.status == "draft"
