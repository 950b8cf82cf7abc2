"""Process reviews: their list, drafting one (its summary compiled then), its page with the decisions and what
became of the previous review's, editing, holding, and the decisions themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from processes import services
from processes.choices import ReviewStatus
from processes.filtersets import ReviewFilterSet
from processes.forms import DecisionForm, HoldForm, ReviewCreateForm, ReviewForm
from processes.models import ProcessReview, ReviewDecision
from processes.permissions import can_edit_review, can_view_review
from processes.selectors import decisions_visible_to, previous_review, review_detail, reviews_visible_to
from processes.views.base import ObjectMixin, PeoplePickerMixin, ProcessMixin, ServiceFormMixin
from processes.views.processes import _query


class ReviewListView(PermissionRequiredMixin, ListView):
    permission_required = "processes.view_processreview"
    raise_exception = True
    template_name = "processes/review_list.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self):
        reviews = reviews_visible_to(self.request.user)
        self.filterset = ReviewFilterSet(self.request.GET or None, queryset=reviews, request=self.request)
        if self.filterset.is_bound and self.filterset.is_valid():
            reviews = self.filterset.qs
        return reviews.order_by("-held_on", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, query_string=_query(self.request), **kwargs)


class ReviewCreateView(ProcessMixin, ServiceFormMixin, FormView):
    """Draft a review of a process: its indicators, risks and open actions are compiled now."""

    template_name = "processes/object_form.html"
    form_class = ReviewCreateForm

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def perform(self, form):
        review = services.review_draft(process=self.process, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The review has been drafted with the figures of today."))
        return HttpResponseRedirect(review.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New process review"), **kwargs)


class ReviewMixin(ObjectMixin):
    context_object_name = "review"

    def get_object(self) -> ProcessReview:
        return review_detail(self.request.user, self.kwargs["pk"])

    def can(self, user, review) -> bool:
        return can_edit_review(user, review) and review.status == ReviewStatus.DRAFT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["process"] = self.object.process
        return context


class ReviewDetailView(ReviewMixin, TemplateView):
    template_name = "processes/review_detail.html"

    def can(self, user, review) -> bool:
        return can_view_review(user, review)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        context.update(
            decisions=list(review.decisions.all()),
            previous=previous_review(review),
            can_edit=can_edit_review(self.request.user, review) and review.status == ReviewStatus.DRAFT,
            can_act=can_edit_review(self.request.user, review),
            summary=review.summary or {},
        )
        return context


class ReviewEditView(ReviewMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = ReviewForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": ProcessReview.objects.get(pk=self.object.pk)}

    def perform(self, form):
        services.review_update(review=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The review has been saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the review"), **kwargs)


class ReviewRecompileView(ReviewMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.review_recompile(review=self.object, by=request.user)
        messages.success(request, _("The summary has been compiled again."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReviewHoldView(ReviewMixin, ServiceFormMixin, FormView):
    """Record the review as held: its record closes and the process's next review is set."""

    template_name = "processes/object_form.html"
    form_class = HoldForm

    def perform(self, form):
        review = services.review_hold(review=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            _("The review is recorded as held; the next one is due on %(date)s.")
            % {"date": review.next_review_on.strftime("%d/%m/%Y")},
        )
        return HttpResponseRedirect(review.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Record the review as held"), **kwargs)


class DecisionAddView(ReviewMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = DecisionForm

    def picked_for(self) -> str:
        return f"review:{self.object.pk}"

    def perform(self, form):
        services.decision_add(review=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The decision has been added."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New decision"), **kwargs)


class DecisionMixin(ObjectMixin):
    context_object_name = "decision"

    def get_object(self) -> ReviewDecision:
        return get_object_or_404(decisions_visible_to(self.request.user), pk=self.kwargs["pk"])

    def can(self, user, decision) -> bool:
        review = decision.review
        return can_edit_review(user, review) and review.status == ReviewStatus.DRAFT and not decision.is_archived

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review"] = self.object.review
        context["process"] = self.object.review.process
        return context


class DecisionEditView(DecisionMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = DecisionForm

    def picked_for(self) -> str:
        return f"review:{self.object.review_id}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": ReviewDecision.objects.get(pk=self.object.pk)}

    def perform(self, form):
        services.decision_update(decision=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The decision has been saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the decision"), **kwargs)


class DecisionArchiveView(DecisionMixin, View):
    """Withdraw a decision: kept, archived, so that the actions answering it keep their source."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.decision_archive(decision=self.object, by=request.user)
        messages.success(request, _("The decision has been withdrawn."))
        return HttpResponseRedirect(self.object.review.get_absolute_url())
