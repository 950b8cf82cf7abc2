"""Back-office forms of the surveys, laid out with crispy-forms (Bootstrap 5). The answer page's form is in
``surveys/answer_form.py``."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from qms.core.models import AcademicYear, Course, OrgUnit, Programme
from qms.core.text import SafeTextMixin
from qms.core.widgets import DateInput
from surveys import roster
from surveys.choices import QuestionKind
from surveys.models import (
    MINIMUM_THRESHOLD,
    Campaign,
    CampaignTarget,
    Question,
    QuestionnaireTemplate,
    QuestionTag,
    Scale,
    Section,
    SurveySettings,
)


def _helper(submit_label, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


def _row(*names: str, width: int = 6) -> Div:
    return Div(*(Div(name, css_class=f"col-md-{width}") for name in names), css_class="row")


class SurveySettingsForm(SafeTextMixin, forms.ModelForm):
    """The surveys' section of the settings page: notice, who sees course results, retention, k, the index, and the
    lead times of the staff's reminders (campaigns, councils, minutes)."""

    class Meta:
        model = SurveySettings
        fields = [
            "privacy_notice_fr",
            "privacy_notice_en",
            "course_results_visibility",
            "retention_days_after_publication",
            "default_threshold",
            "green_threshold",
            "amber_threshold",
            "campaign_opening_reminder_days",
            "campaign_closing_reminder_days",
            "council_expected_day",
            "council_expected_month",
            "council_reminder_days",
            "minutes_after_days",
            "minutes_reminder_days",
        ]
        widgets = {
            "privacy_notice_fr": forms.Textarea(attrs={"rows": 5}),
            "privacy_notice_en": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The settings page wraps each section's form in its own <form> with its save button.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            _row("privacy_notice_fr", "privacy_notice_en"),
            "course_results_visibility",
            _row("retention_days_after_publication", "default_threshold", width=6),
            _row("green_threshold", "amber_threshold"),
            _row("campaign_opening_reminder_days", "campaign_closing_reminder_days"),
            _row("council_expected_day", "council_expected_month", "council_reminder_days", width=4),
            _row("minutes_after_days", "minutes_reminder_days"),
        )


# --- Questionnaires ---------------------------------------------------------------------------------------------


class TemplateForm(SafeTextMixin, forms.ModelForm):
    class Meta:
        model = QuestionnaireTemplate
        fields = [
            "code",
            "title_fr",
            "title_en",
            "introduction_fr",
            "introduction_en",
            "audience",
            "target_kind",
            "order",
            "is_active",
        ]
        widgets = {
            "introduction_fr": forms.Textarea(attrs={"rows": 3}),
            "introduction_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code is the same for every version: it is not edited.
            self.fields.pop("code")
        self.helper = _helper(_("Save"))


class SectionForm(SafeTextMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title_fr", "title_en", "description_fr", "description_en", "order"]
        widgets = {
            "description_fr": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.helper = _helper(_("Save"))


class QuestionForm(SafeTextMixin, forms.ModelForm):
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For a choice question: one option a line, the French label, then “|” and the English one."),
    )

    class Meta:
        model = Question
        fields = [
            "section",
            "code",
            "kind",
            "text_fr",
            "text_en",
            "help_fr",
            "help_en",
            "scale",
            "allows_not_applicable",
            "required",
            "tags",
            "order",
        ]
        widgets = {"tags": forms.CheckboxSelectMultiple}
        help_texts = {
            "code": _("Keep the same code from one version to the next: trends and pooled figures follow it."),
        }

    def __init__(self, *args, template: QuestionnaireTemplate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = template.sections.all()
        self.fields["scale"].queryset = Scale.objects.all()
        self.fields["tags"].queryset = QuestionTag.objects.all()
        self.fields["order"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["options"] = "\n".join(
                f"{option.label_fr} | {option.label_en}" if option.label_en else option.label_fr
                for option in self.instance.options.all()
            )
        self.helper = _helper(_("Save"))

    def clean_options(self) -> list[tuple[str, str]]:
        lines = [line.strip() for line in (self.cleaned_data.get("options") or "").splitlines() if line.strip()]
        parsed = []
        for line in lines:
            label_fr, _sep, label_en = line.partition("|")
            parsed.append((label_fr.strip(), label_en.strip()))
        return parsed

    def clean(self):
        data = super().clean()
        if data.get("kind") == QuestionKind.LIKERT and not data.get("scale"):
            self.add_error("scale", _("An agreement question needs its scale."))
        return data


# --- Campaigns --------------------------------------------------------------------------------------------------


class CampaignForm(SafeTextMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "title",
            "template",
            "academic_year",
            "org_unit",
            "opens_on",
            "closes_on",
            "publication_date",
            "threshold",
        ]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput(), "publication_date": DateInput()}

    def __init__(self, *args, units=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        editable = self.instance.status if self.instance.pk else None
        self.fields["template"].queryset = QuestionnaireTemplate.objects.filter(is_active=True)
        self.fields["academic_year"].queryset = AcademicYear.objects.all()
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.filter(is_active=True)
        self.fields["threshold"].min_value = MINIMUM_THRESHOLD
        if not self.instance.pk:
            self.fields["threshold"].initial = SurveySettings.get().default_threshold
        if editable and editable != "draft":
            from surveys.services.campaigns import EDITABLE

            for name in list(self.fields):
                if name not in EDITABLE[editable]:
                    self.fields[name].disabled = True
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            "title",
            _row("template", "academic_year"),
            "org_unit",
            _row("opens_on", "closes_on", width=4),
            _row("publication_date", "threshold"),
        )


_CODES = re.compile(r"[\s,;]+")


class CampaignTargetsForm(SafeTextMixin, forms.Form):
    """The courses (by code, or all of some programmes'), the programmes and the units a campaign evaluates."""

    course_codes = forms.CharField(
        label=_("Courses (codes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Course codes, separated by spaces, commas or lines."),
    )
    courses_of_programmes = forms.ModelMultipleChoiceField(
        label=_("Add every course of these programmes"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Whole programmes evaluated"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Organisational units evaluated"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.filter(is_active=True).order_by("code")
        self.fields["courses_of_programmes"].queryset = programmes
        self.fields["programmes"].queryset = programmes
        self.fields["units"].queryset = OrgUnit.objects.filter(is_active=True)
        if not self.is_bound:
            targets = list(campaign.targets.select_related("course"))
            self.initial = {
                "course_codes": "\n".join(t.course.code for t in targets if t.course_id),
                "programmes": [t.programme_id for t in targets if t.programme_id],
                "units": [t.unit_id for t in targets if t.unit_id],
            }
        self.helper = _helper(_("Save the targets"))

    def clean(self):
        data = super().clean()
        codes = [code for code in _CODES.split(data.get("course_codes") or "") if code]
        found = {course.code.casefold(): course for course in Course.objects.filter(code__in=codes)}
        missing = [code for code in codes if code.casefold() not in found]
        if missing:
            self.add_error(
                "course_codes", _("Unknown course codes: %(codes)s.") % {"codes": ", ".join(sorted(set(missing)))}
            )
        courses = {course.pk: course for course in found.values()}
        for programme in data.get("courses_of_programmes") or []:
            for course in programme.courses.filter(is_active=True):
                courses[course.pk] = course
        data["courses"] = list(courses.values())
        return data


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file with the columns target code and email, and optionally "
            "language (fr or en). One line for each student and course."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Preview the import"))
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: the limit is %(limit)s."), params={"limit": filesizeformat(roster.MAX_BYTES)}
            )
        return upload


class RosterLineForm(SafeTextMixin, forms.Form):
    target = forms.ModelChoiceField(label=_("Target"), queryset=CampaignTarget.objects.none())
    email = forms.EmailField(label=_("Student's email"))
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("French and English")), *settings.LANGUAGES]
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = campaign.targets.select_related("course", "programme", "unit")
        self.helper = _helper(_("Add to the roster"))
        self.helper.layout = Layout(_row("target", "email", "language", width=4))


class TeacherReplyForm(SafeTextMixin, forms.Form):
    text = forms.CharField(
        label=_("Your reply to the students"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you take from their answers, and what will change. Leave empty to remove your reply."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Publish the reply"))


class HideCommentForm(SafeTextMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
