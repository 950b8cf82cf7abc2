"""What the process map's pages share: the mixins that find the process (or its object) among those the user may
open, and the people pickers' form naming. A service's refusal lands on the form through ``qms.core.domain``'s
``ServiceFormMixin`` (re-exported here for the views)."""

from __future__ import annotations

from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from processes.models import Process
from processes.permissions import can_edit_process
from processes.selectors import processes_visible_to
from qms.core.domain import ServiceFormMixin, show_on_form


class ProcessMixin(UserPassesTestMixin):
    """A page of one process found among those the user may open (404 otherwise); ``test_func`` says what more
    the page needs (403 otherwise). By default: editing the process."""

    raise_exception = True
    process_kwarg = "pk"

    @cached_property
    def process(self) -> Process:
        return get_object_or_404(processes_visible_to(self.request.user), pk=self.kwargs[self.process_kwarg])

    def test_func(self) -> bool:
        return can_edit_process(self.request.user, self.process)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["process"] = self.process
        return context


class ObjectMixin(UserPassesTestMixin):
    """A page of one object, found through ``get_object()`` among those the user may open (404 otherwise);
    ``test_func`` checks the rule ``can`` with the object (403 otherwise)."""

    raise_exception = True
    context_object_name = "object"

    def get_object(self):  # pragma: no cover - every view defines it
        raise NotImplementedError

    @cached_property
    def object(self):
        try:
            return self.get_object()
        except ObjectDoesNotExist:
            raise Http404 from None

    def can(self, user, obj) -> bool:  # pragma: no cover - every view defines it
        raise NotImplementedError

    def test_func(self) -> bool:
        return self.can(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.context_object_name] = self.object
        return context


class PeoplePickerMixin:
    """A form view whose form picks people: it names the form for the people search (``picked_for``)."""

    def picked_for(self) -> str:  # pragma: no cover - every view defines it
        raise NotImplementedError

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "picked_for": self.picked_for()}


__all__ = ["ObjectMixin", "PeoplePickerMixin", "ProcessMixin", "ServiceFormMixin", "show_on_form"]
