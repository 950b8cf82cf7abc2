"""Frameworks: the list of versions, a requirement tree, custom frameworks and the grading scales."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from certifications import services
from certifications.forms import FrameworkForm, GradeForm, NewVersionForm, RequirementForm
from certifications.models import Framework, Grade, Requirement
from certifications.selectors import can_manage
from certifications.services import CertificationError
from qms.core.domain import ServiceFormMixin


class FrameworkReaderMixin(UserPassesTestMixin):
    """Frameworks are reference data: whoever reads certifications reads them."""

    raise_exception = True

    def test_func(self) -> bool:
        return self.request.user.has_perm("certifications.view_framework")


class FrameworkListView(FrameworkReaderMixin, ListView):
    template_name = "certifications/framework_list.html"
    context_object_name = "frameworks"

    def get_queryset(self):
        return Framework.objects.order_by("code", "-effective_from", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=can_manage(self.request.user), **kwargs)


class FrameworkMixin(FrameworkReaderMixin):
    @cached_property
    def framework(self) -> Framework:
        return get_object_or_404(Framework, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["framework"] = self.framework
        return context


class FrameworkManageMixin(FrameworkMixin):
    def test_func(self) -> bool:
        return can_manage(self.request.user)


class FrameworkDetailView(FrameworkMixin, TemplateView):
    """A framework version: its tree, with categories, conditions, grading and live evidence per requirement."""

    template_name = "certifications/framework_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        framework = self.framework
        requirements = framework.requirements.select_related("condition").prefetch_related(
            "categories", "live_evidence"
        )
        context.update(
            requirements=requirements.order_by("position"),
            grades=framework.grades.select_related("regrades_to"),
            versions=Framework.objects.filter(code=framework.code).exclude(pk=framework.pk),
            can_manage=can_manage(self.request.user),
            editable=can_manage(self.request.user) and not framework.is_reference,
        )
        return context


class FrameworkCreateView(ServiceFormMixin, UserPassesTestMixin, FormView):
    raise_exception = True
    template_name = "certifications/form.html"
    form_class = FrameworkForm

    def test_func(self) -> bool:
        return can_manage(self.request.user)

    def perform(self, form: FrameworkForm):
        data = dict(form.cleaned_data)
        framework = services.framework_create(by=self.request.user, **data)
        messages.success(self.request, _("The framework has been created, with the default grading scale."))
        return HttpResponseRedirect(framework.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New framework"), **kwargs)


class FrameworkEditView(ServiceFormMixin, FrameworkManageMixin, FormView):
    template_name = "certifications/form.html"
    form_class = FrameworkForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Framework.objects.get(pk=self.framework.pk)}

    def perform(self, form: FrameworkForm):
        data = {name: value for name, value in form.cleaned_data.items() if not form.fields[name].disabled}
        data.pop("code", None)
        services.framework_update(framework=self.framework, by=self.request.user, **data)
        messages.success(self.request, _("The framework has been saved."))
        return HttpResponseRedirect(self.framework.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the framework"), **kwargs)


class FrameworkNewVersionView(ServiceFormMixin, FrameworkManageMixin, FormView):
    """Copy a framework into a new version, to edit: the certifications move to it when their owner says so."""

    template_name = "certifications/form.html"
    form_class = NewVersionForm

    def perform(self, form: NewVersionForm):
        copy = services.framework_new_version(
            framework=self.framework,
            version=form.cleaned_data["version"],
            effective_from=form.cleaned_data["effective_from"],
            by=self.request.user,
        )
        messages.success(self.request, _("The new version has been created."))
        return HttpResponseRedirect(copy.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New version of the framework"), **kwargs)


class RequirementCreateView(ServiceFormMixin, FrameworkManageMixin, FormView):
    template_name = "certifications/form.html"
    form_class = RequirementForm

    def test_func(self) -> bool:
        return can_manage(self.request.user) and not self.framework.is_reference

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.framework}

    def perform(self, form: RequirementForm):
        services.requirement_create(framework=self.framework, by=self.request.user, **form.cleaned_data)
        return HttpResponseRedirect(self.framework.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New requirement"), **kwargs)


class RequirementMixin(UserPassesTestMixin):
    raise_exception = True

    @cached_property
    def requirement(self) -> Requirement:
        return get_object_or_404(Requirement.objects.select_related("framework"), pk=self.kwargs["pk"])

    def test_func(self) -> bool:
        return can_manage(self.request.user) and not self.requirement.framework.is_reference


class RequirementEditView(ServiceFormMixin, RequirementMixin, FormView):
    template_name = "certifications/form.html"
    form_class = RequirementForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "framework": self.requirement.framework,
            "instance": Requirement.objects.get(pk=self.requirement.pk),
        }

    def perform(self, form: RequirementForm):
        services.requirement_update(requirement=self.requirement, by=self.request.user, **form.cleaned_data)
        return HttpResponseRedirect(self.requirement.framework.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Edit the requirement"), framework=self.requirement.framework, **kwargs
        )


class RequirementDeleteView(RequirementMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        framework = self.requirement.framework
        try:
            services.requirement_delete(requirement=self.requirement, by=request.user)
        except CertificationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The requirement has been removed."))
        return HttpResponseRedirect(framework.get_absolute_url())


class GradeCreateView(ServiceFormMixin, FrameworkManageMixin, FormView):
    template_name = "certifications/form.html"
    form_class = GradeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.framework}

    def perform(self, form: GradeForm):
        services.grade_save(framework=self.framework, by=self.request.user, **form.cleaned_data)
        return HttpResponseRedirect(self.framework.get_absolute_url() + "#scale")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New grade"), **kwargs)


class GradeMixin(UserPassesTestMixin):
    raise_exception = True

    @cached_property
    def grade(self) -> Grade:
        return get_object_or_404(Grade.objects.select_related("framework"), pk=self.kwargs["pk"])

    def test_func(self) -> bool:
        return can_manage(self.request.user)


class GradeEditView(ServiceFormMixin, GradeMixin, FormView):
    template_name = "certifications/form.html"
    form_class = GradeForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "framework": self.grade.framework,
            "instance": Grade.objects.get(pk=self.grade.pk),
        }

    def perform(self, form: GradeForm):
        services.grade_save(framework=self.grade.framework, grade=self.grade, by=self.request.user, **form.cleaned_data)
        return HttpResponseRedirect(self.grade.framework.get_absolute_url() + "#scale")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the grade"), framework=self.grade.framework, **kwargs)


class GradeDeleteView(GradeMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        framework = self.grade.framework
        try:
            services.grade_delete(grade=self.grade, by=request.user)
        except CertificationError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(reverse("certifications:framework-detail", args=[framework.pk]) + "#scale")
