"""Back-office pages of the campaigns: list, create and edit, targets, moves, reminders, copy, and the roster
(import with its preview, and corrections while open). While a campaign is open, its page shows counts only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, ListView, TemplateView, View

from qms.core.models import Course, Programme
from qms.core.workflow import status_history
from qms.notifications.selectors import email_counts_about
from surveys import emails, services
from surveys.choices import CampaignStatus
from surveys.filtersets import CampaignFilterSet
from surveys.forms import CampaignForm, CampaignTargetsForm, RosterLineForm, RosterUploadForm
from surveys.models import Campaign, RosterImport, SurveyToken
from surveys.results import Participation, participation_by_target
from surveys.selectors import (
    campaigns_visible_to,
    can_manage_campaign,
    can_manage_roster,
    managed_units,
    targets_in_scope,
)
from surveys.services import SurveyError
from surveys.workflows import CAMPAIGN_WORKFLOW

ROSTER_PAGE_SIZE = 100


class CampaignMixin(UserPassesTestMixin):
    """A page of one campaign, found among the campaigns the user follows (404 otherwise)."""

    raise_exception = True

    @cached_property
    def campaign(self) -> Campaign:
        return get_object_or_404(campaigns_visible_to(self.request.user), pk=self.kwargs["pk"])

    def test_func(self) -> bool:
        return self.campaign is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaign"] = self.campaign
        return context


class CampaignManageMixin(CampaignMixin):
    def test_func(self) -> bool:
        return can_manage_campaign(self.request.user, self.campaign)


class RosterMixin(CampaignMixin):
    def test_func(self) -> bool:
        return can_manage_roster(self.request.user, self.campaign)


class CampaignListView(PermissionRequiredMixin, ListView):
    """The campaigns the user follows."""

    permission_required = "surveys.view_campaign"
    raise_exception = True
    template_name = "surveys/campaign_list.html"
    context_object_name = "campaigns"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = CampaignFilterSet(
            self.request.GET or None, queryset=campaigns_visible_to(self.request.user), request=self.request
        )
        campaigns = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        return campaigns.order_by("-academic_year__start_date", "-opens_on", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            query_string=query.urlencode(),
            can_create=can_manage_campaign(self.request.user),
            can_see_templates=self.request.user.has_perm("surveys.view_questionnairetemplate"),
        )
        return context


class CampaignDetailView(CampaignMixin, TemplateView):
    """A campaign: its dates, threshold and status, its targets with their response counts and rates (counts
    only: nobody sees answers while it is open), its mailings, and what may be done next."""

    template_name = "surveys/campaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, user = self.campaign, self.request.user
        targets = list(campaign.targets.select_related("course", "programme", "unit"))
        in_scope = targets_in_scope(user, campaign)
        if in_scope is not None:
            targets = [target for target in targets if target.pk in in_scope]
        participation = participation_by_target(campaign, targets)
        rows = [(target, participation[target.pk]) for target in targets]
        manage = can_manage_campaign(user, campaign)
        context.update(
            rows=rows,
            total_invited=sum(p.invited for p in participation.values()),
            total_answered=sum(p.answered for p in participation.values()),
            can_manage=manage,
            can_manage_roster=can_manage_roster(user, campaign),
            moves=[(status, CAMPAIGN_WORKFLOW.label(status)) for status in CAMPAIGN_WORKFLOW.allowed_targets(campaign)]
            if manage
            else [],
            refusals=self._refusals(campaign) if manage else [],
            history=[(change, CAMPAIGN_WORKFLOW.label(change.to_status)) for change in status_history(campaign)],
            mail_counts=email_counts_about(campaign),
            invitation_kind=emails.INVITATION,
            reminder_kind=emails.REMINDER,
            programme_rows=self._programmes(targets, participation) if targets else [],
        )
        return context

    @staticmethod
    def _refusals(campaign: Campaign) -> list[str]:
        """Why the next moves of the table cannot be made yet (no roster, results held …)."""
        refusals = []
        for move in CAMPAIGN_WORKFLOW.moves:
            if move.starts_from(campaign.status) and move.guard is not None:
                reason = move.guard(campaign)
                if reason:
                    refusals.append(str(reason))
        return refusals

    @staticmethod
    def _programmes(targets, participation) -> list:
        """Response counts and rates by programme (of the courses shown)."""
        course_targets = {t.course_id: t for t in targets if t.course_id}
        links = Course.programmes.through.objects.filter(course_id__in=list(course_targets)).values_list(
            "course_id", "programme_id"
        )
        by_programme: dict[int, list] = {}
        for course_id, programme_id in links:
            by_programme.setdefault(programme_id, []).append(course_targets[course_id])
        rows = []
        for programme in Programme.objects.filter(pk__in=list(by_programme)).order_by("code"):
            total = Participation()
            for target in by_programme[programme.pk]:
                total.add(participation[target.pk])
            rows.append((programme, total))
        return rows


class CampaignCreateView(PermissionRequiredMixin, FormView):
    permission_required = "surveys.add_campaign"
    raise_exception = True
    template_name = "surveys/campaign_form.html"
    form_class = CampaignForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_campaign(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": managed_units(self.request.user)}

    def form_valid(self, form):
        data = form.cleaned_data
        if not can_manage_campaign(self.request.user, Campaign(org_unit=data["org_unit"])):
            form.add_error("org_unit", _("You may only run campaigns for your own units."))
            return self.form_invalid(form)
        try:
            campaign = services.campaign_create(by=self.request.user, **data)
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The campaign has been created. Now choose what it evaluates."))
        return HttpResponseRedirect(reverse("surveys:campaign-targets", args=[campaign.pk]))


class CampaignEditView(CampaignManageMixin, FormView):
    template_name = "surveys/campaign_form.html"
    form_class = CampaignForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Campaign.objects.get(pk=self.campaign.pk),
            "units": managed_units(self.request.user),
        }

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if not form.fields[name].disabled}
        try:
            services.campaign_update(campaign=self.campaign, by=self.request.user, **fields)
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The campaign has been saved."))
        return HttpResponseRedirect(self.campaign.get_absolute_url())


class CampaignTargetsView(CampaignManageMixin, FormView):
    """Choose the courses, programmes and units a draft campaign evaluates."""

    template_name = "surveys/campaign_targets.html"
    form_class = CampaignTargetsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            added, removed = services.campaign_set_targets(
                campaign=self.campaign,
                by=self.request.user,
                courses=data["courses"],
                programmes=data.get("programmes") or [],
                units=data.get("units") or [],
            )
        except SurveyError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Targets saved: %(added)s added, %(removed)s removed.") % {"added": added, "removed": removed},
        )
        return HttpResponseRedirect(self.campaign.get_absolute_url())


class CampaignActionView(CampaignManageMixin, View):
    """The POST-only moves of a campaign: open, close, publish, remind, copy for next year."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        campaign = self.campaign
        try:
            if action in CampaignStatus.values:
                services.campaign_transition(campaign=campaign, to=action, by=request.user)
                messages.success(
                    request,
                    _("The campaign is now “%(status)s”.") % {"status": CAMPAIGN_WORKFLOW.label(action)},
                )
            elif action == "remind":
                services.campaign_send_reminder(campaign=campaign, by=request.user)
                messages.success(request, _("The reminder is on its way to the students who have not answered."))
            elif action == "copy":
                copy = services.campaign_copy_last_year(campaign=campaign, by=request.user)
                messages.success(
                    request, _("A draft for %(year)s has been made: import its roster.") % {"year": copy.academic_year}
                )
                return HttpResponseRedirect(copy.get_absolute_url())
            else:
                raise Http404
        except SurveyError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(campaign.get_absolute_url())


# --- Roster ---------------------------------------------------------------------------------------------------


class RosterView(RosterMixin, FormView):
    """The roster, page by page, with one line to add; each line can be taken off. It never tells which lines
    have answered."""

    template_name = "surveys/roster.html"
    form_class = RosterLineForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tokens = (
            SurveyToken.objects.filter(campaign=self.campaign, removed=False)
            .select_related("target__course", "target__programme", "target__unit")
            .order_by("email", "target__course__code", "target__programme__code", "target__unit__code")
            .only("pk", "email", "language", "target")
        )
        page = Paginator(tokens, ROSTER_PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            tokens=page.object_list,
            editable=self.campaign.status in (CampaignStatus.DRAFT, CampaignStatus.OPEN),
            query_string="",
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.roster_add_line(
                campaign=self.campaign,
                by=self.request.user,
                target=data["target"],
                email=data["email"],
                language=data["language"],
            )
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The line has been added to the roster."))
        return HttpResponseRedirect(reverse("surveys:roster", args=[self.campaign.pk]))


class RosterRemoveView(RosterMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = get_object_or_404(SurveyToken, pk=kwargs["token"], campaign=self.campaign, removed=False)
        try:
            services.roster_remove_line(token=token, by=request.user)
        except SurveyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The line has been taken off the roster."))
        return HttpResponseRedirect(reverse("surveys:roster", args=[self.campaign.pk]))


class RosterImportView(RosterMixin, FormView):
    """Upload a roster; the next page previews what it would do."""

    template_name = "surveys/roster_import.html"
    form_class = RosterUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            roster_import = services.roster_import_start(
                campaign=self.campaign, by=self.request.user, source=upload, filename=upload.name
            )
        except SurveyError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("surveys:roster-preview", args=[self.campaign.pk, roster_import.pk]))


class RosterPreviewView(RosterMixin, TemplateView):
    """What an uploaded roster would do, every error with its line; confirming applies the file kept on the server
    (never anything posted back), all or nothing; abandoning deletes it."""

    template_name = "surveys/roster_preview.html"

    @cached_property
    def roster_import(self) -> RosterImport | None:
        # Only the person who sent the file sees or confirms it; an expired one is gone.
        found = RosterImport.objects.filter(
            pk=self.kwargs["import_pk"], campaign=self.campaign, created_by=self.request.user
        ).first()
        if found is not None and found.is_expired:
            found.delete()
            return None
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roster_import"] = self.roster_import
        if self.roster_import is not None:
            try:
                context["preview"] = services.roster_import_preview(self.roster_import)
            except SurveyError as error:
                context["read_error"] = error.message
        return context

    def post(self, request, *args, **kwargs):
        if self.roster_import is None:
            messages.error(request, _("This import has expired: send the file again."))
            return HttpResponseRedirect(reverse("surveys:roster-import", args=[self.campaign.pk]))
        if request.POST.get("abandon"):
            services.roster_import_abandon(roster_import=self.roster_import, by=request.user)
            messages.info(request, _("The import has been abandoned: the file is deleted."))
            return HttpResponseRedirect(self.campaign.get_absolute_url())
        try:
            result = services.roster_import_confirm(roster_import=self.roster_import, by=request.user)
        except SurveyError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            ngettext(
                "Roster imported: %(created)s link created, %(kept)s already there, %(removed)s removed.",
                "Roster imported: %(created)s links created, %(kept)s already there, %(removed)s removed.",
                result.created,
            )
            % vars(result),
        )
        return HttpResponseRedirect(self.campaign.get_absolute_url())
