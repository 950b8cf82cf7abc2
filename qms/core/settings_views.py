"""Back-office pages of the site settings and of the closure days (quality manager)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DeleteView, ListView, UpdateView

from qms.core.calendar import WorkingCalendar
from qms.core.forms import ClosureDayForm, SiteSettingsForm
from qms.core.models import ClosureDay, SiteSettings
from qms.core.services import log_activity


class SiteSettingsView(PermissionRequiredMixin, UpdateView):
    """Edit the site settings (one record)."""

    permission_required = "core.change_sitesettings"
    raise_exception = True
    form_class = SiteSettingsForm
    template_name = "core/settings.html"
    success_url = reverse_lazy("core:site-settings")

    def get_object(self, queryset=None) -> SiteSettings:
        return SiteSettings.load()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["effective"] = SiteSettings.get()
        return context

    def form_valid(self, form: SiteSettingsForm):
        with transaction.atomic():
            form.instance.updated_by = self.request.user
            self.object = form.save()
            log_activity(
                obj=self.object,
                verb="site_settings.updated",
                by=self.request.user,
                details={"fields": form.changed_data},
            )
        messages.success(self.request, _("The site settings have been saved."))
        return HttpResponseRedirect(self.get_success_url())


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
