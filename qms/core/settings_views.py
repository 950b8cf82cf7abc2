"""Back-office pages of the settings (the site's and each app's section) and of the closure days."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DeleteView, ListView, UpdateView

from qms.core.app_settings import SettingsSection, declared_sections
from qms.core.calendar import WorkingCalendar
from qms.core.forms import ClosureDayForm, SiteSettingsForm
from qms.core.health import setup_warnings
from qms.core.models import ClosureDay, SiteSettings
from qms.core.services import log_activity

# The site's own section: what is institution-wide. The apps' sections follow it, in their order.
SITE_SECTION = SettingsSection(
    key="site",
    label=gettext_lazy("Institution and site"),
    model=SiteSettings,
    form_class=SiteSettingsForm,
    permission="core.change_sitesettings",
    order=0,
)


def all_sections() -> list[SettingsSection]:
    return [SITE_SECTION, *declared_sections()]


def may_edit_settings(user) -> bool:
    """Whether ``user`` may change at least one section of the settings page (the menu's check)."""
    return bool(user is not None and user.is_authenticated and editable_sections(user))


def editable_sections(user) -> list[SettingsSection]:
    return [section for section in all_sections() if user.has_perm(section.permission)]


class SiteSettingsView(View):
    """The "Paramètres" page: the site's section, then one section per app (``<app>/app_settings.py``).

    Each section is its own form with its own save button: a save validates and writes that section's record
    alone, so it never touches what the other sections hold, and is logged. A user sees the sections whose
    permission they hold; with none, the page refuses them.
    """

    template_name = "core/settings.html"
    invalid_status = 200  # as the other back-office edit pages (Django's default)

    def dispatch(self, request, *args, **kwargs):
        self.sections = editable_sections(request.user)
        if not self.sections:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs) -> HttpResponse:
        return self.render_sections()

    def post(self, request, *args, **kwargs) -> HttpResponse:
        key = request.POST.get("section", SITE_SECTION.key)
        section = next((section for section in all_sections() if section.key == key), None)
        if section is None:
            return HttpResponseBadRequest(_("Unknown settings section."))
        if section not in self.sections:
            raise PermissionDenied
        form = self.make_form(section, data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_sections(bound=form, bound_key=key, status=self.invalid_status)
        with transaction.atomic():
            form.instance.updated_by = request.user
            saved = form.save()
            log_activity(
                obj=saved,
                verb=f"{section.key}_settings.updated",
                by=request.user,
                details={"section": section.key, "fields": form.changed_data},
            )
        messages.success(request, _("The settings “%(section)s” have been saved.") % {"section": section.label})
        return HttpResponseRedirect(f"{reverse('core:site-settings')}#settings-{section.key}")

    @staticmethod
    def make_form(section: SettingsSection, **kwargs):
        # The site's fields keep their plain names; an app's carry its key, so that two sections never clash.
        prefix = None if section is SITE_SECTION else section.key
        return section.form_class(instance=section.model.load(), prefix=prefix, **kwargs)

    def render_sections(self, *, bound=None, bound_key: str = "", status: int = 200) -> HttpResponse:
        blocks = [
            (section, bound if section.key == bound_key else self.make_form(section)) for section in self.sections
        ]
        context = {
            "sections": blocks,
            "form": bound if bound is not None else blocks[0][1],
            "effective": SiteSettings.get() if SITE_SECTION in self.sections else None,
            # What needs attention in the setup (qms.core.health), such as an empty sensitive-cases group.
            "setup_warnings": setup_warnings(),
        }
        return render(self.request, self.template_name, context, status=status)


def _year_param(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


class ClosureDayListView(PermissionRequiredMixin, ListView):
    """The closure days of a year, beside the public holidays of the configured country."""

    permission_required = "core.view_closureday"
    raise_exception = True
    template_name = "core/settings_closures.html"
    context_object_name = "closures"

    def get_queryset(self):
        self.year = _year_param(self.request.GET.get("year"))
        first, last = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        return ClosureDay.objects.filter(start_date__lte=last, end_date__gte=first).order_by("start_date")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calendar = WorkingCalendar()
        first, last = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        context.update(
            year=self.year,
            previous_year=self.year - 1,
            next_year=self.year + 1,
            holidays=[day for day in calendar.non_working_days_in(first, last) if day.kind == "holiday"],
            working_days=len(calendar.working_days_in(first, last)),
            calendar=calendar,
            site=SiteSettings.get(),
        )
        return context


class _ClosureDayEditMixin(PermissionRequiredMixin):
    raise_exception = True
    model = ClosureDay
    form_class = ClosureDayForm
    template_name = "core/settings_closure_form.html"

    def get_success_url(self) -> str:
        return reverse("core:closure-list") + f"?year={self.object.start_date.year}"

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
            log_activity(obj=self.object, verb=self.verb, by=self.request.user, details={"label": self.object.label})
        messages.success(self.request, self.success_message % {"closure": self.object})
        return HttpResponseRedirect(self.get_success_url())


class ClosureDayCreateView(_ClosureDayEditMixin, CreateView):
    permission_required = "core.add_closureday"
    verb = "closure_day.created"
    success_message = gettext_lazy("The closure “%(closure)s” has been added.")


class ClosureDayUpdateView(_ClosureDayEditMixin, UpdateView):
    permission_required = "core.change_closureday"
    verb = "closure_day.updated"
    success_message = gettext_lazy("The closure “%(closure)s” has been saved.")


class ClosureDayDeleteView(PermissionRequiredMixin, DeleteView):
    permission_required = "core.delete_closureday"
    raise_exception = True
    model = ClosureDay
    template_name = "core/settings_closure_confirm_delete.html"

    def form_valid(self, form):
        year = self.object.start_date.year
        label = str(self.object)
        with transaction.atomic():
            log_activity(obj=self.object, verb="closure_day.deleted", by=self.request.user, details={"label": label})
            self.object.delete()
        messages.success(self.request, _("The closure “%(closure)s” has been deleted.") % {"closure": label})
        return HttpResponseRedirect(reverse("core:closure-list") + f"?year={year}")
