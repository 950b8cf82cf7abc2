"""Reads: the emails about an object, who to write to, and the site's details."""

from __future__ import annotations

import pytest

from qms.core.choices import MembershipRole, Role
from qms.core.factories import MembershipFactory, OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxState
from qms.notifications.selectors import (
    emails_about,
    outbox_counts,
    quality_office_recipients,
    recipients_for_unit,
    site_info,
)
from qms.notifications.services import notify, render_outbox_email
from qms.notifications.tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db


def test_emails_about_lists_the_emails_of_one_object_oldest_first():
    unit, other = OrgUnitFactory(), OrgUnitFactory()
    first = notify(UserFactory(), "test-plain", unit)
    notify(UserFactory(), "test-plain", other)
    second = notify("someone@example.org", "test-plain", unit)
    assert list(emails_about(unit)) == [first, second]


def test_emails_about_runs_one_query(django_assert_num_queries):
    unit = OrgUnitFactory()
    for _ in range(5):
        notify(UserFactory(), "test-plain", unit)
    emails_about(unit)  # warms the content-type cache
    with django_assert_num_queries(1):
        assert [email.recipient_user.username for email in emails_about(unit)]


def test_recipients_for_unit_finds_the_referents_of_the_unit_or_of_its_parent(org, referent_sciences):
    assert list(recipients_for_unit(org.sciences, MembershipRole.QUALITY_REFERENT)) == [referent_sciences]
    # The Physics department has no referent of its own: those of UFR Sciences are reached.
    assert list(recipients_for_unit(org.physics, MembershipRole.QUALITY_REFERENT)) == [referent_sciences]
    assert list(recipients_for_unit(None, MembershipRole.QUALITY_REFERENT)) == []


def test_recipients_for_unit_leaves_out_people_without_an_address(org):
    mute = UserFactory(username="mute", email="")
    MembershipFactory(user=mute, org_unit=org.letters, role=MembershipRole.HEAD)
    assert list(recipients_for_unit(org.letters, MembershipRole.HEAD)) == []


def test_quality_office_recipients_are_the_quality_managers(quality_manager):
    UserFactory(username="former-qm", roles=[Role.QUALITY_MANAGER], is_active=False)
    assert quality_office_recipients() == [quality_manager]


def test_without_a_quality_manager_the_quality_office_address_is_used(db, settings):
    settings.QUALITY_OFFICE_EMAIL = "qualite@univ.example"
    assert quality_office_recipients() == ["qualite@univ.example"]


def test_site_info_falls_back_to_the_environment(settings):
    settings.SITE_URL = "https://smq.univ.example/"
    settings.INSTITUTION_NAME = "Université d'exemple"
    info = site_info()
    assert info.site_url == "https://smq.univ.example"
    assert info.domain == "smq.univ.example"
    assert info.institution_name == "Université d'exemple"


def test_site_info_follows_the_site_settings_edited_at_run_time(settings):
    from qms.core.models import SiteSettings

    settings.SITE_URL = "https://env.example"
    record = SiteSettings.load()
    record.institution_name = "Université de Lorraine-sur-Test"
    record.site_url = "https://qualite.test.example"
    record.save()
    info = site_info()
    assert (info.institution_name, info.site_url) == ("Université de Lorraine-sur-Test", "https://qualite.test.example")
    email = notify(UserFactory(), "test-plain", OrgUnitFactory())
    assert email.message_id.endswith("@qualite.test.example>")
    assert "Université de Lorraine-sur-Test" in render_outbox_email(email).body_html


def test_outbox_counts_counts_every_state():
    OutboxEmailFactory.create_batch(2)
    OutboxEmailFactory(state=OutboxState.SENT)
    counts = outbox_counts()
    assert counts[OutboxState.QUEUED] == 2
    assert counts[OutboxState.SENT] == 1
    assert counts[OutboxState.GIVEN_UP] == 0
