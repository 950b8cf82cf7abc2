"""Pages of the improvement councils: the year page, a council's page, its form, members, inputs, decisions,
status moves and the minutes (served only through a permission-checked download)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from qms.core.files import private_file_response
from qms.core.models import AcademicYear
from qms.core.workflow import status_history
from surveys.councils_choices import CouncilStatus
from surveys.councils_forms import CouncilForm, DecisionForm, InputForm, MemberForm, YearFilterForm
from surveys.councils_selectors import (
    can_edit_council,
    can_read_minutes,
    council_state,
    councils_visible_to,
    editable_programmes,
    may_see_year_page,
    other_councils_of_year,
    previous_decisions,
    year_programmes,
    year_rows,
)
from surveys.models import Council, CouncilDecision, CouncilMember
from surveys.services import SurveyError
from surveys.services import councils as services
from surveys.workflows import COUNCIL_WORKFLOW


class CouncilYearView(UserPassesTestMixin, TemplateView):
    """Every programme in scope with its council of the year: planned, held or missing, and the held rate."""

    template_name = "surveys/councils/year.html"
    raise_exception = True

    def test_func(self) -> bool:
        return may_see_year_page(self.request.user)

    @cached_property
    def year(self) -> AcademicYear:
        if "year_pk" in self.kwargs:
            return get_object_or_404(AcademicYear, pk=self.kwargs["year_pk"])
        year = AcademicYear.current() or AcademicYear.objects.first()
        if year is None:
            raise Http404
        return year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = YearFilterForm(self.request.GET or None)
        unit = level = None
        if form.is_valid():
            unit, level = form.cleaned_data["unit"], form.cleaned_data["level"]
        rows = []
        counts = {"held": 0, "planned": 0, "missing": 0}
        without_date = []
        for programme, councils in year_rows(self.request.user, self.year, unit=unit, level=level or ""):
            state = council_state(councils)
            counts[state] += 1
            if not any(c.planned_date or c.held_date for c in councils):
                without_date.append(programme)
            rows.append({"programme": programme, "councils": councils, "state": state})
        total = len(rows)
        # Beyond the programmes listed: the councils they sit on, and a teacher's programmes' published minutes.
        seats, readable = other_councils_of_year(self.request.user, self.year)
        context.update(
            year=self.year,
            years=AcademicYear.objects.all(),
            form=form,
            # Those with programmes in scope get the figures and the filters; a teacher, their councils alone.
            in_scope=bool(rows) or year_programmes(self.request.user).filter(is_active=True).exists(),
            rows=rows,
            seats=seats,
            readable=readable,
            counts=counts,
            total=total,
            held_rate=(100 * counts["held"] / total) if total else None,
            without_date=without_date,
            can_create=editable_programmes(self.request.user).filter(is_active=True).exists(),
        )
        return context


class CouncilMixin(UserPassesTestMixin):
    raise_exception = True
    needs_edit = False

    @cached_property
    def council(self) -> Council:
        return get_object_or_404(
            councils_visible_to(self.request.user).select_related("academic_year"), pk=self.kwargs["pk"]
        )

    @cached_property
    def can_edit(self) -> bool:
        return can_edit_council(self.request.user, self.council)

    def test_func(self) -> bool:
        return self.can_edit if self.needs_edit else self.council is not None

    def back(self, anchor: str = ""):
        return HttpResponseRedirect(self.council.get_absolute_url() + anchor)


class CouncilDetailView(CouncilMixin, TemplateView):
    template_name = "surveys/councils/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        council = self.council
        decisions = list(council.decisions.select_related("programme", "council__academic_year"))
        moves = []
        refusals = []
        if self.can_edit:
            for target in (CouncilStatus.HELD, CouncilStatus.MINUTES_PUBLISHED):
                try:
                    COUNCIL_WORKFLOW.check(council, target)
                    moves.append((target, CouncilStatus(target).label))
                except Exception as error:  # noqa: BLE001 - TransitionError carries the translated reason
                    if any(m.target == target and m.starts_from(council.status) for m in COUNCIL_WORKFLOW.moves):
                        refusals.append(str(error))
        context.update(
            council=council,
            programmes=list(council.programmes.select_related("org_unit", "director")),
            members=list(council.members.select_related("user")),
            inputs=list(council.inputs.all()),
            decisions=decisions,
            previous=previous_decisions(council),
            can_edit=self.can_edit,
            can_read_minutes=can_read_minutes(self.request.user, council),
            moves=moves,
            refusals=refusals,
            history=[(change, COUNCIL_WORKFLOW.label(change.to_status)) for change in status_history(council)],
            input_form=InputForm() if self.can_edit else None,
            decision_form=DecisionForm(council=council) if self.can_edit else None,
        )
        return context


class CouncilFormView(UserPassesTestMixin, FormView):
    """Plan a council (``pk`` absent) or edit one."""

    template_name = "surveys/councils/form.html"
    form_class = CouncilForm
    raise_exception = True

    @cached_property
    def council(self) -> Council | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(councils_visible_to(self.request.user), pk=self.kwargs["pk"])

    def test_func(self) -> bool:
        if self.council is None:
            return editable_programmes(self.request.user).filter(is_active=True).exists()
        return can_edit_council(self.request.user, self.council)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["programmes"] = editable_programmes(self.request.user)
        return kwargs

    def get_initial(self):
        council = self.council
        if council is None:
            initial = {"academic_year": AcademicYear.current()}
            if self.request.GET.get("programme", "").isdigit():
                initial["programmes"] = [int(self.request.GET["programme"])]
            if self.request.GET.get("year", "").isdigit():
                initial["academic_year"] = int(self.request.GET["year"])
            return initial
        return {
            "academic_year": council.academic_year,
            "programmes": list(council.programmes.all()),
            "planned_date": council.planned_date,
            "held_date": council.held_date,
            "agenda": council.agenda,
            "composition_reason": council.composition_reason,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        programmes = list(data["programmes"])
        if self.council is not None:
            # Programmes outside the editor's reach stay on the council.
            reach = set(editable_programmes(self.request.user).values_list("pk", flat=True))
            programmes += [p for p in self.council.programmes.all() if p.pk not in reach]
        try:
            council = services.council_save(
                council=self.council,
                by=self.request.user,
                data=data,
                programmes=programmes,
                minutes=data.get("minutes_file"),
            )
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The council was saved."))
        return HttpResponseRedirect(council.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["council"] = self.council
        return context


class CouncilMoveView(CouncilMixin, View):
    needs_edit = True

    def post(self, request, *args, **kwargs):
        to = kwargs["status"]
        if to not in CouncilStatus.values:
            raise Http404
        try:
            services.council_transition(council=self.council, to=to, by=request.user)
        except SurveyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The council is now “%(status)s”.") % {"status": CouncilStatus(to).label})
        return self.back()


class CouncilMemberView(CouncilMixin, FormView):
    """Add a member (no ``member_pk``) or change one (their attendance, say)."""

    needs_edit = True
    form_class = MemberForm
    template_name = "surveys/councils/member_form.html"

    @cached_property
    def member(self) -> CouncilMember | None:
        if "member_pk" not in self.kwargs:
            return None
        return get_object_or_404(self.council.members, pk=self.kwargs["member_pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(council=self.council, user=self.request.user)
        return kwargs

    def get_initial(self):
        member = self.member
        if member is None:
            return {}
        return {
            "user": member.user,
            "name": "" if member.user_id else member.name,
            "role": member.role,
            "attended": member.attended,
        }

    def form_valid(self, form):
        try:
            services.member_save(council=self.council, member=self.member, by=self.request.user, data=form.cleaned_data)
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        return self.back("#members")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(council=self.council, member=self.member)
        return context


class CouncilMemberRemoveView(CouncilMixin, View):
    needs_edit = True

    def post(self, request, *args, **kwargs):
        member = get_object_or_404(self.council.members, pk=kwargs["member_pk"])
        try:
            services.member_remove(council=self.council, member=member, by=request.user)
        except SurveyError as error:
            messages.error(request, error.message)
        return self.back("#members")


class CouncilInputView(CouncilMixin, View):
    needs_edit = True

    def post(self, request, *args, **kwargs):
        form = InputForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give at least what was reviewed."))
            return self.back("#inputs")
        try:
            services.input_add(council=self.council, by=request.user, **form.cleaned_data)
        except SurveyError as error:
            messages.error(request, error.message)
        return self.back("#inputs")


class CouncilDecisionView(CouncilMixin, View):
    needs_edit = True

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST, council=self.council)
        if not form.is_valid():
            messages.error(request, _("Choose the programme and write the decision."))
            return self.back("#decisions")
        try:
            decision = services.decision_add(council=self.council, by=request.user, **form.cleaned_data)
        except SurveyError as error:
            messages.error(request, error.message)
            return self.back("#decisions")
        messages.success(request, _("Decision %(reference)s recorded.") % {"reference": decision.reference})
        return self.back(f"#decision-{decision.pk}")


class CouncilDecisionArchiveView(CouncilMixin, View):
    needs_edit = True

    def post(self, request, *args, **kwargs):
        decision = get_object_or_404(CouncilDecision, council=self.council, pk=kwargs["decision_pk"])
        services.decision_archive(decision=decision, by=request.user, archived=not decision.archived)
        return self.back(f"#decision-{decision.pk}")


class CouncilMinutesView(CouncilMixin, View):
    """The minutes, as a download, for those who may read them."""

    def test_func(self) -> bool:
        return can_read_minutes(self.request.user, self.council)

    def get(self, request, *args, **kwargs):
        council = self.council
        if not council.minutes:
            raise PermissionDenied
        return private_file_response(
            council.minutes, filename=council.minutes_name or "minutes", content_type=council.minutes_content_type
        )
