"""The request page's forms are written by ``{% form_field %}`` (qms.core.templatetags.qms_lists): in Python for a
simple field (a drop-down, a text box, a text area, with their required mark and help text), by crispy-forms for
the others. Each field of each form the page offers, in every status, must be what crispy-forms writes."""

from __future__ import annotations

import pytest
import time_machine
from django.template import engines
from django.urls import reverse

from complaints.choices import ComplaintStatus as S
from complaints.tests.factories import ComplaintFactory
from qms.core.tests.html import same_markup

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
FAST = engines["django"].from_string("{% load qms_lists %}{% form_field field %}")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING, S.ANSWERED])
def test_every_field_of_the_request_page_is_written_as_crispy_forms_writes_it(client, quality_manager, org, status):
    from crispy_forms.templatetags import crispy_forms_filters

    complaint = ComplaintFactory(status=status, org_unit=org.sciences)
    client.force_login(quality_manager)
    url = reverse("complaints:detail", args=[complaint.reference])
    # Two pages, two sets of forms: crispy-forms changes a widget's attributes as it renders it. At one instant,
    # so that the people picker's signed scope is the same in both.
    with time_machine.travel("2026-03-16 10:00 +0000", tick=False):
        crispy_forms = client.get(url).context["handling"]
        fast_forms = client.get(url).context["handling"]
    fallbacks, checked = [], 0
    original = crispy_forms_filters.as_crispy_field

    def counted(field, *args, **kwargs):
        fallbacks.append(field.name)
        return original(field, *args, **kwargs)

    for (name, _spec, crispy_form), (_name, _other, fast_form) in zip(crispy_forms, fast_forms, strict=True):
        for crispy_field, fast_field in zip(crispy_form, fast_form, strict=True):
            expected = same_markup(CRISPY.render({"field": crispy_field}))
            crispy_forms_filters.as_crispy_field = counted
            try:
                written = same_markup(FAST.render({"field": fast_field}))
            finally:
                crispy_forms_filters.as_crispy_field = original
            assert written == expected, f"{name}: {crispy_field.name}"
            checked += 1
    assert checked
    # Only the people picker (its own template) goes to crispy-forms.
    assert len(fallbacks) <= 1, fallbacks
