"""Writes of the questionnaires: templates, sections, questions and their options; versions of frozen templates.

A template that a campaign has opened with is frozen: nothing in it changes any more. ``template_new_version``
copies it (sections, questions with their codes, options and tags) into the next version, which is editable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.services import log_activity
from surveys.choices import CHOICE_KINDS, MAX_MULTIPLE_OPTIONS, QuestionKind
from surveys.models import Question, QuestionnaireTemplate, QuestionOption, QuestionTag, Scale, Section
from surveys.services.base import SurveyError

TEMPLATE_FIELDS = (
    "title_fr",
    "title_en",
    "introduction_fr",
    "introduction_en",
    "audience",
    "target_kind",
    "order",
    "is_active",
)


def _check_editable(template: QuestionnaireTemplate) -> None:
    if template.is_frozen:
        raise SurveyError(_("This version has been used by a campaign and is frozen: make a new version to change it."))


@transaction.atomic
def template_create(*, by: Any, code: str, title_fr: str, **fields: Any) -> QuestionnaireTemplate:
    """A new questionnaire, version 1."""
    if QuestionnaireTemplate.objects.filter(code=code).exists():
        raise SurveyError(_("A questionnaire already has the code “%(code)s”.") % {"code": code}, field="code")
    values = {name: value for name, value in fields.items() if name in TEMPLATE_FIELDS}
    template = QuestionnaireTemplate.objects.create(code=code, title_fr=title_fr, version=1, created_by=by, **values)
    log_activity(obj=template, verb="survey_template.created", by=by, details={"code": code})
    return template


@transaction.atomic
def template_update(*, template: QuestionnaireTemplate, by: Any, **fields: Any) -> QuestionnaireTemplate:
    """Change the title, introduction, audience or order of a version that is not frozen."""
    template = QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)
    _check_editable(template)
    changed = []
    for name, value in fields.items():
        if name in TEMPLATE_FIELDS and getattr(template, name) != value:
            setattr(template, name, value)
            changed.append(name)
    if changed:
        template.save(update_fields=changed)
        log_activity(obj=template, verb="survey_template.updated", by=by, details={"fields": changed})
    return template


def template_freeze(template: QuestionnaireTemplate) -> None:
    """Freeze a version (a campaign opens with it); a second call changes nothing."""
    QuestionnaireTemplate.objects.filter(pk=template.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())


@transaction.atomic
def template_new_version(*, template: QuestionnaireTemplate, by: Any) -> QuestionnaireTemplate:
    """The next version of ``template``'s questionnaire, a copy of its latest version with the same question codes.

    When the latest version is not frozen yet, it is the one to edit: it is returned as it is.
    """
    latest = QuestionnaireTemplate.objects.select_for_update().filter(code=template.code).order_by("-version").first()
    if not latest.is_frozen:
        return latest
    copy = QuestionnaireTemplate.objects.create(
        code=latest.code,
        version=latest.version + 1,
        previous=latest,
        created_by=by,
        **{name: getattr(latest, name) for name in TEMPLATE_FIELDS},
    )
    sections = {}
    for section in latest.sections.all():
        sections[section.pk] = Section.objects.create(
            template=copy,
            order=section.order,
            title_fr=section.title_fr,
            title_en=section.title_en,
            description_fr=section.description_fr,
            description_en=section.description_en,
        )
    for question in latest.questions.prefetch_related("tags", "options"):
        new = Question.objects.create(
            template=copy,
            section=sections[question.section_id],
            order=question.order,
            code=question.code,
            kind=question.kind,
            text_fr=question.text_fr,
            text_en=question.text_en,
            help_fr=question.help_fr,
            help_en=question.help_en,
            scale_id=question.scale_id,
            allows_not_applicable=question.allows_not_applicable,
            required=question.required,
        )
        new.tags.set(question.tags.all())
        QuestionOption.objects.bulk_create(
            [
                QuestionOption(question=new, value=option.value, label_fr=option.label_fr, label_en=option.label_en)
                for option in question.options.all()
            ]
        )
    log_activity(
        obj=copy, verb="survey_template.new_version", by=by, details={"code": copy.code, "version": copy.version}
    )
    return copy


# --- Sections -------------------------------------------------------------------------------------------------


@transaction.atomic
def section_save(
    *,
    template: QuestionnaireTemplate,
    by: Any,
    title_fr: str,
    title_en: str = "",
    description_fr: str = "",
    description_en: str = "",
    order: int | None = None,
    section: Section | None = None,
) -> Section:
    """Add a section to ``template`` (or change ``section``)."""
    _check_editable(template)
    if section is None:
        if order is None:
            order = (template.sections.aggregate(last=Max("order"))["last"] or 0) + 1
        section = Section(template=template)
    elif section.template_id != template.pk:
        raise SurveyError(_("This section belongs to another questionnaire."))
    section.title_fr, section.title_en = title_fr, title_en
    section.description_fr, section.description_en = description_fr, description_en
    if order is not None:
        section.order = order
    section.save()
    log_activity(obj=template, verb="survey_template.section_saved", by=by, details={"section": section.title_fr})
    return section


@transaction.atomic
def section_delete(*, section: Section, by: Any) -> None:
    template = section.template
    _check_editable(template)
    log_activity(obj=template, verb="survey_template.section_deleted", by=by, details={"section": section.title_fr})
    section.delete()


# --- Questions ------------------------------------------------------------------------------------------------


def _clean_options(kind: str, options: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned = [
        (label_fr.strip(), (label_en or "").strip()) for label_fr, label_en in options if (label_fr or "").strip()
    ]
    if kind in CHOICE_KINDS and len(cleaned) < 2:
        raise SurveyError(_("A choice question needs at least two options."), field="options")
    if kind == QuestionKind.MULTIPLE_CHOICE and len(cleaned) > MAX_MULTIPLE_OPTIONS:
        raise SurveyError(
            _("A multiple-choice question has at most %(count)s options.") % {"count": MAX_MULTIPLE_OPTIONS},
            field="options",
        )
    return cleaned if kind in CHOICE_KINDS else []


@transaction.atomic
def question_save(
    *,
    template: QuestionnaireTemplate,
    by: Any,
    section: Section,
    code: str,
    kind: str,
    text_fr: str,
    text_en: str = "",
    help_fr: str = "",
    help_en: str = "",
    scale: Scale | None = None,
    allows_not_applicable: bool = False,
    required: bool = False,
    tags: Iterable[QuestionTag] = (),
    options: Sequence[tuple[str, str]] = (),
    order: int | None = None,
    question: Question | None = None,
) -> Question:
    """Add a question to ``template`` (or change ``question``), with its options and tags.

    A Likert question needs its scale; a choice question two options or more (a multiple choice, at most 30);
    the code is unique within the questionnaire and should stay the same from one version to the next.
    """
    _check_editable(template)
    if section.template_id != template.pk:
        raise SurveyError(_("This section belongs to another questionnaire."), field="section")
    if kind == QuestionKind.LIKERT and scale is None:
        raise SurveyError(_("An agreement question needs its scale."), field="scale")
    duplicates = Question.objects.filter(template=template, code=code)
    if question is not None:
        duplicates = duplicates.exclude(pk=question.pk)
    if duplicates.exists():
        raise SurveyError(
            _("Another question of this questionnaire has the code “%(code)s”.") % {"code": code}, field="code"
        )
    cleaned_options = _clean_options(kind, options)
    if question is None:
        if order is None:
            order = (section.questions.aggregate(last=Max("order"))["last"] or 0) + 1
        question = Question(template=template)
    elif question.template_id != template.pk:
        raise SurveyError(_("This question belongs to another questionnaire."))
    question.section = section
    question.code, question.kind = code, kind
    question.text_fr, question.text_en, question.help_fr, question.help_en = text_fr, text_en, help_fr, help_en
    question.scale = scale if kind == QuestionKind.LIKERT else None
    question.allows_not_applicable, question.required = allows_not_applicable, required
    if order is not None:
        question.order = order
    question.save()
    question.tags.set(list(tags))
    question.options.all().delete()
    QuestionOption.objects.bulk_create(
        [
            QuestionOption(question=question, value=value, label_fr=label_fr, label_en=label_en)
            for value, (label_fr, label_en) in enumerate(cleaned_options, start=1)
        ]
    )
    log_activity(obj=template, verb="survey_template.question_saved", by=by, details={"code": code})
    return question


@transaction.atomic
def question_delete(*, question: Question, by: Any) -> None:
    template = question.template
    _check_editable(template)
    log_activity(obj=template, verb="survey_template.question_deleted", by=by, details={"code": question.code})
    question.delete()
