"""The register's pages: the certifications, their certificates, status and version, the calendar."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from certifications import services
from certifications.filtersets import CertificationFilterSet
from certifications.forms import CertificateForm, CertificationForm, TransitionForm, VersionForm
from certifications.models import Certificate, Certification, Framework
from certifications.selectors import (
    audits_visible_to,
    calendar_events,
    can_edit_certification,
    can_list_certifications,
    can_manage,
    certifications_visible_to,
    snapshots_of,
    with_certificates,
)
from certifications.views.base import CertificationMixin, private_download
from certifications.workflows import CERTIFICATION_WORKFLOW
from qms.core.charts import line_chart
from qms.core.domain import ServiceFormMixin
from qms.core.lists import query_string


class CertificationListView(UserPassesTestMixin, ListView):
    """The register: the certifications the user sees, with their validity."""

    raise_exception = True
    template_name = "certifications/certification_list.html"
    context_object_name = "certifications"
    paginate_by = 50

    def test_func(self) -> bool:
        return can_list_certifications(self.request.user)

    def get_queryset(self):
        certifications = with_certificates(certifications_visible_to(self.request.user)).order_by("name", "pk")
        self.filterset = CertificationFilterSet(self.request.GET or None, queryset=certifications, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else certifications

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filterset=self.filterset,
            query_string=query_string(self.request),
            today=timezone.localdate(),
            soon=timezone.localdate() + relativedelta(months=6),
            can_create=can_manage(self.request.user),
        )
        return context


class CertificationCreateView(ServiceFormMixin, UserPassesTestMixin, FormView):
    raise_exception = True
    template_name = "certifications/form.html"
    form_class = CertificationForm

    def test_func(self) -> bool:
        return can_manage(self.request.user)

    def get_initial(self):
        return {"owner": self.request.user}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form: CertificationForm):
        data = dict(form.cleaned_data)
        certification = services.certification_create(by=self.request.user, **data)
        messages.success(self.request, _("The certification has been recorded."))
        return HttpResponseRedirect(certification.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New certification or label"), **kwargs)


class CertificationDetailView(CertificationMixin, TemplateView):
    """A certification: its certificates and planned dates, its audits, its snapshots over time."""

    template_name = "certifications/certification_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certification, user = self.certification, self.request.user
        latest = certification.latest_certificate
        snapshots = list(snapshots_of(certification))
        chart = None
        if snapshots:
            chart = line_chart(
                [timezone.localtime(s.taken_at).strftime("%d/%m/%Y") for s in snapshots],
                [(_("Readiness"), [s.readiness for s in snapshots])],
                title=_("Readiness over the snapshots"),
                unit="%",
            )
        can_edit = can_edit_certification(user, certification)
        context.update(
            latest=latest,
            window=services.surveillance_window(latest) if latest else None,
            today=timezone.localdate(),
            # Those the viewer may open: an auditor sees the one given to them, not the others.
            audits=audits_visible_to(user).filter(certification=certification).order_by("-start_date", "-pk"),
            snapshots=snapshots,
            chart=chart,
            version_changes=certification.version_changes.select_related("from_framework", "to_framework", "by"),
            can_edit=can_edit,
            can_plan_audit=can_edit,
            transition_form=TransitionForm(workflow=CERTIFICATION_WORKFLOW, obj=certification) if can_edit else None,
            has_other_versions=Framework.objects.filter(code=certification.framework.code)
            .exclude(pk=certification.framework_id)
            .exists(),
        )
        return context


class CertificationEditView(ServiceFormMixin, CertificationMixin, FormView):
    template_name = "certifications/form.html"
    form_class = CertificationForm

    def test_func(self) -> bool:
        return can_edit_certification(self.request.user, self.certification)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form writes its input into its instance, and the page around it shows ``self.certification``.
        kwargs["instance"] = Certification.objects.get(pk=self.certification.pk)
        kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form: CertificationForm):
        data = dict(form.cleaned_data)
        services.certification_update(certification=self.certification, by=self.request.user, **data)
        messages.success(self.request, _("The certification has been saved."))
        return HttpResponseRedirect(self.certification.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the certification"), **kwargs)


class CertificationTransitionView(ServiceFormMixin, CertificationMixin, FormView):
    template_name = "certifications/form.html"
    form_class = TransitionForm

    def test_func(self) -> bool:
        return can_edit_certification(self.request.user, self.certification)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workflow": CERTIFICATION_WORKFLOW, "obj": self.certification}

    def perform(self, form: TransitionForm):
        services.certification_transition(
            certification=self.certification,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            by=self.request.user,
        )
        messages.success(self.request, _("The status has been changed."))
        return HttpResponseRedirect(self.certification.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Change the status"), **kwargs)


class CertificateCreateView(ServiceFormMixin, CertificationMixin, FormView):
    template_name = "certifications/form.html"
    form_class = CertificateForm

    def test_func(self) -> bool:
        return can_edit_certification(self.request.user, self.certification)

    def perform(self, form: CertificateForm):
        data = form.cleaned_data
        services.certificate_add(
            certification=self.certification,
            by=self.request.user,
            number=data["number"],
            issued_on=data["issued_on"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            file=data["file"],
            notes=data["notes"],
        )
        messages.success(self.request, _("The certificate has been recorded."))
        return HttpResponseRedirect(self.certification.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New certificate"), **kwargs)


class CertificateMixin(UserPassesTestMixin):
    raise_exception = True

    @cached_property
    def certificate(self) -> Certificate:
        certificate = get_object_or_404(Certificate.objects.select_related("certification"), pk=self.kwargs["pk"])
        if not certifications_visible_to(self.request.user).filter(pk=certificate.certification_id).exists():
            raise Http404
        return certificate


class CertificateEditView(ServiceFormMixin, CertificateMixin, FormView):
    template_name = "certifications/form.html"
    form_class = CertificateForm

    def test_func(self) -> bool:
        return can_edit_certification(self.request.user, self.certificate.certification)

    def get_initial(self):
        certificate = self.certificate
        return {
            "number": certificate.number,
            "issued_on": certificate.issued_on,
            "valid_from": certificate.valid_from,
            "valid_until": certificate.valid_until,
            "notes": certificate.notes,
        }

    def perform(self, form: CertificateForm):
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        data = {name: value for name, value in data.items() if value is not None}
        services.certificate_update(certificate=self.certificate, by=self.request.user, file=upload, **data)
        messages.success(self.request, _("The certificate has been saved."))
        return HttpResponseRedirect(self.certificate.certification.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Edit the certificate"), certification=self.certificate.certification, **kwargs
        )


class CertificateDownloadView(CertificateMixin, View):
    def test_func(self) -> bool:
        return self.certificate is not None

    def get(self, request, *args, **kwargs):
        return private_download(self.certificate.file)


class CertificationVersionView(ServiceFormMixin, CertificationMixin, FormView):
    """Move a certification to another version of its framework, carrying statuses by reference."""

    template_name = "certifications/version_form.html"
    form_class = VersionForm

    def test_func(self) -> bool:
        return can_edit_certification(self.request.user, self.certification)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "certification": self.certification}

    def perform(self, form: VersionForm):
        services.certification_move_to_version(
            certification=self.certification, framework=form.cleaned_data["framework"], by=self.request.user
        )
        messages.success(self.request, _("The certification now follows the new version; check what is new or gone."))
        return HttpResponseRedirect(self.certification.get_absolute_url())


class CalendarView(UserPassesTestMixin, TemplateView):
    """Every expiry and audit date month by month, the next 12 months highlighted: from six months back to the
    last date ahead; outside the highlighted year, only the months that hold a date."""

    raise_exception = True
    template_name = "certifications/calendar.html"
    # How far ahead a date is still looked for (a certificate lasts a few years).
    LOOK_AHEAD_YEARS = 10

    def test_func(self) -> bool:
        return can_list_certifications(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        first = today.replace(day=1) - relativedelta(months=6)
        horizon = today + relativedelta(months=12)
        events = calendar_events(self.request.user, first, today + relativedelta(years=self.LOOK_AHEAD_YEARS))
        last = max([horizon, *(event.date for event in events)])
        months = []
        month = first
        while month <= last:
            end = month + relativedelta(months=1) - datetime.timedelta(days=1)
            in_month = [e for e in events if month <= e.date <= end]
            highlighted = month <= horizon and end >= today
            if in_month or highlighted:
                months.append(
                    {
                        "start": month,
                        "events": in_month,
                        "highlighted": highlighted,
                        "current": month.year == today.year and month.month == today.month,
                    }
                )
            month += relativedelta(months=1)
        context.update(months=months, today=today, horizon=horizon)
        return context
