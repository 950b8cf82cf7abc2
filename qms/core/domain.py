"""Domain errors: the one shape of a refusal from a service, and the one way a form shows it.

Every app's services raise a subclass of ``DomainError`` (``ComplaintError``, ``ActionPlanError`` …) with a
translated message and, when the refusal concerns one input, the name of that field. Views never write
``try/except`` around a service: a form view uses ``ServiceFormMixin`` and puts its service call in
``perform(form)``; any other view calls ``show_on_form(form, error)``::

    class PlanCreateView(ServiceFormMixin, FormView):
        def perform(self, form):
            plan = services.plan_create(by=self.request.user, **form.cleaned_data)
            return HttpResponseRedirect(plan.get_absolute_url())
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.http import HttpResponse


class DomainError(Exception):
    """Something a service cannot do. ``message`` is translated and can be shown as is; ``field`` names the input
    it concerns, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return self.message


def show_on_form(form: forms.BaseForm, error: DomainError) -> None:
    """Put ``error`` on ``form``: on its field when the form has it, else on the form as a whole."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@contextmanager
def errors_on(form: forms.BaseForm) -> Iterator[None]:
    """Run the block; a ``DomainError`` raised in it lands on ``form`` (which then is no longer valid)."""
    try:
        yield
    except DomainError as error:
        show_on_form(form, error)


class ServiceFormMixin:
    """For form views: ``form_valid`` calls ``perform(form)``, which calls one service and returns the response;
    a ``DomainError`` it raises is shown on the form, the page given again with what was typed."""

    def perform(self, form: forms.BaseForm) -> HttpResponse:  # pragma: no cover - every view defines it
        raise NotImplementedError

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        try:
            return self.perform(form)
        except DomainError as error:
            show_on_form(form, error)
            return self.form_invalid(form)
