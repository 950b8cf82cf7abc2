"""The form of the answer page, built from a questionnaire's questions: one field per question, each required
question checked with a clear message, and "not applicable" offered where the question allows it."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from qms.core.text import SafeTextMixin
from surveys.choices import QuestionKind
from surveys.models import Question, Section
from surveys.services import AnswerInput

NOT_APPLICABLE = "na"
MAX_TEXT = 5000
REQUIRED_MESSAGE = _("Please answer this question: it is required.")


def field_name(question: Question) -> str:
    return f"q{question.pk}"


@dataclass
class SectionFields:
    section: Section
    number: int
    fields: list  # bound fields, in order


class AnswerForm(SafeTextMixin, forms.Form):
    """Every question of a questionnaire, in its sections' order; free text loses its bidirectional controls."""

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        self.questions = questions
        # This form's own fields, made before the form copies them (and SafeTextMixin cleans what they receive).
        self.base_fields = {field_name(question): self._field(question) for question in questions}
        super().__init__(*args, **kwargs)

    @staticmethod
    def _choices(question: Question) -> list[tuple[str, str]]:
        if question.kind == QuestionKind.LIKERT:
            choices = [(str(point.value), point.label) for point in question.scale.points.all()]
        elif question.kind == QuestionKind.RATING:
            choices = [(str(value), str(value)) for value in range(0, 11)]
        else:
            choices = [(str(option.value), option.label) for option in question.options.all()]
        if question.allows_not_applicable:
            choices.append((NOT_APPLICABLE, str(_("Not applicable"))))
        return choices

    @classmethod
    def _field(cls, question: Question) -> forms.Field:
        messages = {"required": REQUIRED_MESSAGE}
        common = {"label": question.text, "help_text": question.help, "required": question.required}
        if question.kind == QuestionKind.TEXT:
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
                max_length=MAX_TEXT,
                error_messages=messages,
                **common,
            )
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=cls._choices(question),
                widget=forms.CheckboxSelectMultiple,
                error_messages=messages,
                **common,
            )
        return forms.ChoiceField(
            choices=cls._choices(question), widget=forms.RadioSelect, error_messages=messages, **common
        )

    def clean(self):
        data = super().clean()
        for question in self.questions:
            value = data.get(field_name(question))
            if question.kind == QuestionKind.MULTIPLE_CHOICE and value and NOT_APPLICABLE in value and len(value) > 1:
                self.add_error(field_name(question), _("“Not applicable” cannot be chosen together with an option."))
        return data

    def sections(self) -> list[SectionFields]:
        """The bound fields grouped by section, numbered for the progress shown beside them."""
        grouped: list[SectionFields] = []
        for question in self.questions:
            if not grouped or grouped[-1].section.pk != question.section_id:
                grouped.append(SectionFields(question.section, len(grouped) + 1, []))
            bound = self[field_name(question)]
            bound.question = question
            grouped[-1].fields.append(bound)
        return grouped

    def answers(self) -> list[AnswerInput]:
        """The answers given (blank questions are left out), as the submission stores them."""
        answers = []
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []):
                continue
            if question.kind == QuestionKind.TEXT:
                text = value.strip()
                if text:
                    answers.append(AnswerInput(question.pk, text=text))
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                if NOT_APPLICABLE in value:
                    answers.append(AnswerInput(question.pk, not_applicable=True))
                else:
                    mask = 0
                    for option in value:
                        mask |= 1 << (int(option) - 1)
                    answers.append(AnswerInput(question.pk, value=mask))
            elif value == NOT_APPLICABLE:
                answers.append(AnswerInput(question.pk, not_applicable=True))
            else:
                answers.append(AnswerInput(question.pk, value=int(value)))
        return answers
