"""Every model registered in the Django admin opens: its list (searched when it has a search) and its add form,
for a superuser verified with a second factor."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from qms.core.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize("model", [model for model, _model_admin in _registered()], ids=lambda m: m._meta.label)
def test_every_admin_list_opens_with_a_search(admin_client, model):
    model_admin = admin.site._registry[model]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = admin_client.get(url, {"q": "é"} if model_admin.search_fields else {})
    assert response.status_code == 200, url
    if model_admin.has_add_permission(response.wsgi_request):
        add = admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
        assert add.status_code == 200


def test_the_organisation_admins_search_filter_and_autocomplete():
    from qms.core.models import Course, Membership, OrgUnit, Programme

    for model in (OrgUnit, Programme, Course, Membership):
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields and model_admin.list_filter and model_admin.autocomplete_fields, model
