"""The helpers of home-page panels (``qms.core.panels``): a panel of a person's page applies to a person, and shows
their own work to them alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from qms.core import panels
from qms.core.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_by(user):
    request = RequestFactory().get("/accueil/")
    request.user = user
    return request


def test_a_home_page_panel_applies_to_a_person_only():
    assert panels.is_person(UserFactory())
    assert not panels.is_person(OrgUnitFactory())


def test_a_person_s_own_work_is_shown_to_them_alone():
    person, colleague = UserFactory(username="camille"), UserFactory(username="sam")
    assert panels.viewer_is(request_by(person), person)
    assert not panels.viewer_is(request_by(colleague), person)
    assert not panels.viewer_is(request_by(AnonymousUser()), person)
    assert not panels.viewer_is(RequestFactory().get("/"), person)  # no one signed in on the request at all
