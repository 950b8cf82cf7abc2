"""The helpdesk's forms: the public form and its abuse guards, the requester's forms on the tracking page, the
staff report form and the processing forms of the request page."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.choices import ComplaintKind, RequesterCategory, SensitiveNature, Severity
from complaints.models import Complaint, HelpdeskSettings, RedirectBody, RootCauseCategory
from complaints.selectors import (
    active_redirect_bodies,
    active_root_causes,
    assignable_users,
    complaint_visible_to,
    units_for_choice,
)
from complaints.validators import ATTACHMENT_POLICY
from qms.core import config_cache
from qms.core.files import MultipleFileField
from qms.core.model_choices import cached_choices
from qms.core.models import OrgUnit, Programme
from qms.core.public import PublicForm
from qms.core.text import SafeTextMixin
from qms.core.widgets import set_user_picker

MAX_DESCRIPTION = 10_000
# The scope of the people picker (registered in complaints.apps).
ASSIGNEE_SCOPE = "complaints.assignee"


# --- What the request is about -------------------------------------------------------------------------------
def concerned_choices() -> list:
    """Programmes and services, grouped, for a searchable select: "p:<id>" and "u:<id>" (built once for the
    current configuration, see ``qms.core.config_cache``)."""
    programmes, units = config_cache.cached("complaints:concerned-choices", _concerned_options)
    return [("", _("— Not specified —")), (_("Programmes"), programmes), (_("Services and units"), units)]


def _concerned_options() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    programmes = [(f"p:{pk}", name) for pk, name in Programme.objects.filter(is_active=True).values_list("pk", "name")]
    units = [(f"u:{pk}", name) for pk, name in units_for_choice().values_list("pk", "name")]
    return programmes, units


def parse_concerned(value: str) -> tuple[Programme | None, OrgUnit | None]:
    if not value or ":" not in value:
        return None, None
    prefix, _sep, pk = value.partition(":")
    if not pk.isdigit():
        return None, None
    if prefix == "p":
        return Programme.objects.select_related("org_unit").filter(pk=pk, is_active=True).first(), None
    if prefix == "u":
        return None, OrgUnit.objects.filter(pk=pk, is_active=True).first()
    return None, None


class ConcernedMixin:
    def clean_concerned(self):
        value = self.cleaned_data.get("concerned") or ""
        programme, unit = parse_concerned(value)
        if value and programme is None and unit is None:
            raise ValidationError(_("Choose a programme or a service from the list."))
        self.cleaned_data["programme"], self.cleaned_data["concerned_unit"] = programme, unit
        return value


# --- The public form -----------------------------------------------------------------------------------------
class PublicComplaintForm(ConcernedMixin, PublicForm):
    """The public form: no account; anonymous requests allowed. Guarded by a honeypot and a single-use fill-time
    stamp (qms.core.public.PublicForm), the view's rate limit, size limits and CSRF."""

    stamp_name = "complaints.public-form"

    kind = forms.ChoiceField(
        label=_("What would you like to tell us?"),
        choices=ComplaintKind.choices,
        initial=ComplaintKind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    requester_category = forms.ChoiceField(
        label=_("You are"), choices=[("", _("— Choose —")), *RequesterCategory.choices]
    )
    sensitive_nature = forms.ChoiceField(
        label=_("Does it concern harassment, discrimination, or sexual and gender-based violence?"),
        choices=[("", _("No")), *SensitiveNature.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("If so, only the team named for these situations will read your report."),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        help_text=_("Optional: you may stay anonymous."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        max_length=254,
        help_text=_("Optional. With it, you receive the acknowledgement and the answers by email."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    concerned = forms.ChoiceField(
        label=_("Programme or service concerned"),
        required=False,
        help_text=_("Optional. Type in the search box to find it."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened, when and where. Please do not include health or other sensitive data that is not needed."
        ),
    )
    attachments = MultipleFileField(label=_("Attachments"), policy=ATTACHMENT_POLICY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the field is shown or checked (an empty public form is shown from the cache).
        self.fields["concerned"].choices = concerned_choices

    def fingerprint_values(self) -> list:
        """What makes two submissions of this form the same (qms.core.public.submission_fingerprint)."""
        data = self.cleaned_data
        names = ("kind", "requester_category", "sensitive_nature", "name", "email", "concerned", "subject")
        files = [(upload.name, upload.size) for upload in data.get("attachments") or []]
        return [*(data.get(name) or "" for name in names), data.get("description", ""), files]


class StaffReportForm(SafeTextMixin, ConcernedMixin, forms.Form):
    """An internal dysfunction report by a signed-in member of staff, whose identity is attached."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ComplaintKind.DYSFUNCTION, ComplaintKind.DYSFUNCTION.label),
            (ComplaintKind.SUGGESTION, ComplaintKind.SUGGESTION.label),
            (ComplaintKind.COMPLAINT, ComplaintKind.COMPLAINT.label),
            (ComplaintKind.COMPLIMENT, ComplaintKind.COMPLIMENT.label),
        ],
        initial=ComplaintKind.DYSFUNCTION,
    )
    sensitive_nature = forms.ChoiceField(
        label=_("Does it concern harassment, discrimination, or sexual and gender-based violence?"),
        choices=[("", _("No")), *SensitiveNature.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    concerned = forms.ChoiceField(label=_("Programme or service concerned"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=MAX_DESCRIPTION, widget=forms.Textarea)
    attachments = MultipleFileField(label=_("Attachments"), policy=ATTACHMENT_POLICY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the field is shown or checked (an empty public form is shown from the cache).
        self.fields["concerned"].choices = concerned_choices


# --- The tracking page -----------------------------------------------------------------------------------------
class TrackLookupForm(SafeTextMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=100, strip=True)


class LostLinkForm(SafeTextMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class RequesterMessageForm(SafeTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"), required=False, max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Attachments"), policy=ATTACHMENT_POLICY)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not cleaned.get("attachments") and not self.errors:
            raise ValidationError(_("Write a message or join a file."))
        return cleaned


class RatingForm(SafeTextMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not at all satisfied; 5: very satisfied."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- Processing, on the request page ---------------------------------------------------------------------------
def _text(label, *, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class AssignForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit in charge"), queryset=OrgUnit.objects.none(), required=False)
    process = forms.ModelChoiceField(label=_("Process"), queryset=None, required=False)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False)

    def __init__(self, *args, complaint: Complaint, user, **kwargs):
        from processes.models import Process

        kwargs.setdefault(
            "initial",
            {"org_unit": complaint.org_unit_id, "process": complaint.process_id, "assignee": complaint.assignee_id},
        )
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for_choice()
        # Read on every view of a request: the drop-down's labels only, not each process's long texts.
        self.fields["process"].queryset = Process.objects.filter(is_active=True).only("pk", "code", "name")
        # Shown on every view of a request: their options from the cache (what is accepted: the querysets above).
        cached_choices(self.fields["org_unit"], "complaints.assign.org_unit")
        cached_choices(self.fields["process"], "complaints.assign.process")
        self.fields["assignee"].queryset = assignable_users(complaint)
        # The people a request may go to, as signed scope of the picker's search (the sensitive-cases group
        # for a sensitive request); the field's queryset above still decides what is accepted.
        set_user_picker(self.fields["assignee"], scope=ASSIGNEE_SCOPE, argument=complaint.reference, user=user)


class QualifyForm(forms.Form):
    _YES_NO = [("", _("Not decided")), ("true", _("Yes")), ("false", _("No"))]

    is_admissible = forms.TypedChoiceField(
        label=_("Admissible"), choices=_YES_NO, required=False, coerce=lambda v: v == "true", empty_value=None
    )
    is_founded = forms.TypedChoiceField(
        label=_("Founded"), choices=_YES_NO, required=False, coerce=lambda v: v == "true", empty_value=None
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False)
    root_cause = forms.ModelChoiceField(
        label=_("Root-cause category"), queryset=RootCauseCategory.objects.none(), required=False
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        def yes_no(value):
            return "" if value is None else ("true" if value else "false")

        kwargs.setdefault(
            "initial",
            {
                "is_admissible": yes_no(complaint.is_admissible),
                "is_founded": yes_no(complaint.is_founded),
                "severity": complaint.severity,
                "root_cause": complaint.root_cause_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["root_cause"].queryset = active_root_causes()
        cached_choices(self.fields["root_cause"], "complaints.qualify.root_cause")


class NoteForm(SafeTextMixin, forms.Form):
    body = _text(_("Internal note"), help_text=_("Never shown to the requester."))


class ReplyForm(SafeTextMixin, forms.Form):
    body = _text(_("Public reply"), help_text=_("Shown on the tracking page and emailed to the requester."))


class QuestionForm(SafeTextMixin, forms.Form):
    question = _text(
        _("Question to the requester"),
        help_text=_("The request waits for the requester's reply; its deadline clock pauses meanwhile."),
    )


class AnswerForm(SafeTextMixin, forms.Form):
    answer = _text(_("Final answer"), rows=8, help_text=_("Shown on the tracking page and emailed to the requester."))


class RedirectForm(SafeTextMixin, forms.Form):
    body = forms.ModelChoiceField(label=_("Redirect to"), queryset=RedirectBody.objects.none())
    explanation = _text(_("Explanation"), help_text=_("The body's contact details are added to the reply."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = active_redirect_bodies()
        cached_choices(self.fields["body"], "complaints.redirect.body")


class RejectForm(SafeTextMixin, forms.Form):
    reason = _text(_("Reason"), help_text=_("Why the request is inadmissible; sent to the requester."))


class SpamForm(SafeTextMixin, forms.Form):
    note = forms.CharField(label=_("Internal note"), max_length=500, required=False)


class DuplicateForm(SafeTextMixin, forms.Form):
    original = forms.CharField(label=_("Reference of the original request"), max_length=20)

    def __init__(self, *args, user, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.complaint = complaint

    def clean_original(self):
        reference = self.cleaned_data["original"].strip().upper()
        original = complaint_visible_to(self.user, reference)
        if original is None:
            raise ValidationError(_("No request of yours has this reference."))
        if original.pk == self.complaint.pk:
            raise ValidationError(_("A request cannot be a duplicate of itself."))
        return original


class CloseForm(SafeTextMixin, forms.Form):
    resolution_summary = _text(
        _("Resolution summary"), help_text=_("What was done: kept in the register and the management review.")
    )


class TakeChargeForm(forms.Form):
    """No field: the button is the decision."""


class HelpdeskSettingsForm(SafeTextMixin, forms.ModelForm):
    """Deadlines, closing, reopening and retention of requests, and the contacts shown for sensitive reports."""

    class Meta:
        model = HelpdeskSettings
        fields = [
            "take_charge_deadline_days",
            "answer_deadline_days",
            "auto_close_after_days",
            "reopen_window_days",
            "retention_closed_months",
            "retention_spam_days",
            "reminder_lead_days",
            "ack_alert_after_hours",
            "sensitive_cases_contact",
        ]
        widgets = {"sensitive_cases_contact": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The settings page wraps each section's form in its own <form> with its save button.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                *(Div(name, css_class="col-md-6") for name in self.Meta.fields[:-1]),
                css_class="row",
            ),
            "sensitive_cases_contact",
        )
