"""Back-office pages of the questionnaires: the list, a template with its sections and questions, their forms,
new versions of frozen templates, and a preview of the answer page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from surveys import services
from surveys.answer_form import AnswerForm
from surveys.forms import QuestionForm, SectionForm, TemplateForm
from surveys.models import Question, QuestionnaireTemplate, Section
from surveys.selectors import can_edit_templates, templates_visible_to
from surveys.services import SurveyError


def questions_of(template: QuestionnaireTemplate) -> list[Question]:
    """A questionnaire's questions in their order, with what the pages need."""
    return list(
        template.questions.select_related("section", "scale")
        .prefetch_related("scale__points", "options", "tags")
        .order_by("section__order", "section_id", "order", "pk")
    )


class TemplateMixin(PermissionRequiredMixin):
    permission_required = "surveys.view_questionnairetemplate"
    raise_exception = True

    @cached_property
    def template(self) -> QuestionnaireTemplate:
        return get_object_or_404(templates_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["questionnaire"] = self.template
        return context


class TemplateEditMixin(TemplateMixin):
    permission_required = "surveys.change_questionnairetemplate"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission() and self.template.is_frozen:
            messages.warning(request, _("This version is frozen: make a new version to change it."))
            return HttpResponseRedirect(self.template.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)


class TemplateListView(PermissionRequiredMixin, ListView):
    permission_required = "surveys.view_questionnairetemplate"
    raise_exception = True
    template_name = "surveys/template_list.html"
    context_object_name = "templates"

    def get_queryset(self):
        return templates_visible_to(self.request.user).order_by("order", "code", "-version")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=can_edit_templates(self.request.user), **kwargs)


class TemplateDetailView(TemplateMixin, TemplateView):
    template_name = "surveys/template_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        questions = questions_of(self.template)
        sections: list[tuple[Section, list[Question]]] = []
        by_section = {}
        for question in questions:
            by_section.setdefault(question.section_id, []).append(question)
        for section in self.template.sections.all():
            sections.append((section, by_section.get(section.pk, [])))
        context.update(
            sections=sections,
            can_edit=can_edit_templates(self.request.user),
            versions=QuestionnaireTemplate.objects.filter(code=self.template.code).order_by("-version"),
            campaigns=self.template.campaigns.select_related("academic_year").order_by("-opens_on"),
        )
        return context


class TemplateCreateView(PermissionRequiredMixin, FormView):
    permission_required = "surveys.add_questionnairetemplate"
    raise_exception = True
    template_name = "surveys/template_form.html"
    form_class = TemplateForm

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            template = services.template_create(by=self.request.user, **data)
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(template.get_absolute_url())


class TemplateEditView(TemplateEditMixin, FormView):
    template_name = "surveys/template_form.html"
    form_class = TemplateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": QuestionnaireTemplate.objects.get(pk=self.template.pk)}

    def form_valid(self, form):
        try:
            services.template_update(template=self.template, by=self.request.user, **form.cleaned_data)
        except SurveyError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.template.get_absolute_url())


class TemplateNewVersionView(TemplateMixin, View):
    permission_required = "surveys.add_questionnairetemplate"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        copy = services.template_new_version(template=self.template, by=request.user)
        messages.success(request, _("Version %(version)s is ready to edit.") % {"version": copy.version})
        return HttpResponseRedirect(copy.get_absolute_url())


class TemplatePreviewView(TemplateMixin, TemplateView):
    """The answer page as students will see it (nothing can be sent)."""

    template_name = "surveys/template_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AnswerForm(questions=questions_of(self.template))
        context.update(form=form, sections=form.sections(), preview=True)
        return context


class SectionFormView(TemplateEditMixin, FormView):
    template_name = "surveys/section_form.html"
    form_class = SectionForm

    @cached_property
    def section(self) -> Section | None:
        if "section_pk" not in self.kwargs:
            return None
        return get_object_or_404(Section, pk=self.kwargs["section_pk"], template=self.template)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.section is not None:
            kwargs["instance"] = Section.objects.get(pk=self.section.pk)
        return kwargs

    def form_valid(self, form):
        try:
            services.section_save(
                template=self.template, by=self.request.user, section=self.section, **form.cleaned_data
            )
        except SurveyError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.template.get_absolute_url())


class SectionDeleteView(TemplateEditMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        section = get_object_or_404(Section, pk=kwargs["section_pk"], template=self.template)
        try:
            services.section_delete(section=section, by=request.user)
        except SurveyError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(self.template.get_absolute_url())


class QuestionFormView(TemplateEditMixin, FormView):
    template_name = "surveys/question_form.html"
    form_class = QuestionForm

    @cached_property
    def question(self) -> Question | None:
        if "question_pk" not in self.kwargs:
            return None
        return get_object_or_404(Question, pk=self.kwargs["question_pk"], template=self.template)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "template": self.template}
        if self.question is not None:
            kwargs["instance"] = Question.objects.get(pk=self.question.pk)
        elif "section" in self.request.GET:
            kwargs.setdefault("initial", {})["section"] = self.request.GET["section"]
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.question_save(
                template=self.template,
                by=self.request.user,
                question=self.question,
                section=data["section"],
                code=data["code"],
                kind=data["kind"],
                text_fr=data["text_fr"],
                text_en=data["text_en"],
                help_fr=data["help_fr"],
                help_en=data["help_en"],
                scale=data["scale"],
                allows_not_applicable=data["allows_not_applicable"],
                required=data["required"],
                tags=data["tags"],
                options=data["options"],
                order=data.get("order"),
            )
        except SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("surveys:template-detail", args=[self.template.pk]))


class QuestionDeleteView(TemplateEditMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        question = get_object_or_404(Question, pk=kwargs["question_pk"], template=self.template)
        try:
            services.question_delete(question=question, by=request.user)
        except SurveyError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(self.template.get_absolute_url())
