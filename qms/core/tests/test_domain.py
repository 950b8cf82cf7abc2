"""One domain error shape for every app, and one way forms show it."""

from __future__ import annotations

import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.generic import FormView

from qms.core.domain import DomainError, ServiceFormMixin, errors_on, show_on_form
from qms.core.workflow import TransitionError


class TitleForm(forms.Form):
    title = forms.CharField(label="Title")


def test_the_workflows_refusals_share_the_shape():
    assert issubclass(TransitionError, DomainError)
    error = DomainError("Too late.", field="title")
    assert (error.message, error.field, str(error)) == ("Too late.", "title", "Too late.")


def test_an_error_lands_on_its_field_or_on_the_form():
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    show_on_form(form, DomainError("Taken.", field="title"))
    show_on_form(form, DomainError("Closed.", field="not-a-field"))
    assert form.errors == {"title": ["Taken."], "__all__": ["Closed."]}


def test_errors_on_keeps_the_form_and_what_was_typed():
    form = TitleForm({"title": "Réparer"})
    assert form.is_valid()
    with errors_on(form):
        raise DomainError("This plan is closed.")
    assert not form.is_valid() and form.non_field_errors() == ["This plan is closed."]
    assert form["title"].value() == "Réparer"


class TitleView(ServiceFormMixin, FormView):
    form_class = TitleForm
    template_name = "core/home.html"

    def perform(self, form):
        raise DomainError("The title is taken.", field="title")

    def form_invalid(self, form):
        return HttpResponse(str(form.errors["title"][0]), status=400)


@pytest.mark.django_db
def test_a_form_view_shows_the_services_refusal_on_the_form():
    request = RequestFactory().post("/", {"title": "Réparer"})
    response = TitleView.as_view()(request)
    assert response.status_code == 400 and response.content.decode() == "The title is taken."
