"""The helpdesk's forms: the public form and its abuse guards, the requester's forms on the tracking page, the
staff report form and the processing forms of the request page."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.choices import ComplaintKind, RequesterCategory, SensitiveNature, Severity
from complaints.models import Complaint, RedirectBody, RootCauseCategory
from complaints.selectors import (
    active_redirect_bodies,
    active_root_causes,
    assignable_users,
    complaint_visible_to,
    units_for_choice,
)
from complaints.validators import ALLOWED_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, check_attachments
from qms.core import config_cache
from qms.core.models import OrgUnit, Programme
from qms.core.widgets import user_picker

MAX_DESCRIPTION = 10_000
_STARTED_SALT = "complaints.form-started"
# Scopes of the people picker (registered in complaints.apps).
ASSIGNEE_SCOPE = "complaints.assignee"
STAFF_SCOPE = "complaints.staff"


# --- Files ---------------------------------------------------------------------------------------------------
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked on its content (type and size), and their number."""

    def __init__(self, *args, **kwargs):
        accept = ",".join(sorted({f".{ext}" for ext in ALLOWED_TYPES.values()} | {".jpeg"}))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        files = [upload for upload in files if upload]
        check_attachments(files)
        return files


def attachments_help() -> str:
    return _("Up to %(max)d files: PDF, images or office documents, %(size)d MB each.") % {
        "max": MAX_ATTACHMENTS,
        "size": MAX_ATTACHMENT_BYTES // (1024 * 1024),
    }


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
def sign_started(at: float | None = None) -> str:
    """A signed timestamp of when the form was shown (the minimum fill time is checked against it)."""
    return signing.dumps({"t": round(at if at is not None else time.time(), 3)}, salt=_STARTED_SALT)


def read_started(value: str) -> float | None:
    try:
        return float(signing.loads(value or "", salt=_STARTED_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class PublicComplaintForm(ConcernedMixin, forms.Form):
    """The public form: no account; anonymous requests allowed. Guarded by a honeypot, a minimum fill time (a
    signed timestamp carried by the form; setting PUBLIC_FORM_MIN_FILL_SECONDS), the view's rate limit, size limits
    and CSRF."""

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
        label=_("Your name"), max_length=200, required=False, help_text=_("Optional: you may stay anonymous.")
    )
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        max_length=254,
        help_text=_("Optional. With it, you receive the acknowledgement and the answers by email."),
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
    attachments = MultipleFileField(label=_("Attachments"))
    # Honeypot: hidden from people, filled by robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the field is shown or checked (an empty public form is shown from the cache).
        self.fields["concerned"].choices = concerned_choices
        self.fields["attachments"].help_text = attachments_help()
        self.started_at: float | None = None
        if self.is_bound:
            self.started_at = read_started(self.data.get("started", ""))
            if self.started_at is None:
                # Re-displayed with a fresh stamp, so that the next try can go through.
                self.data = self.data.copy()
                self.data["started"] = sign_started()
        else:
            self.initial["started"] = sign_started()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            # Said vaguely, on purpose: a robot learns nothing from it.
            raise ValidationError(_("Your request could not be sent. Please try again."), code="honeypot")
        if self.started_at is None:
            raise ValidationError(
                _("The form has expired or was altered. Please check your entries and send it again."),
                code="no_timestamp",
            )
        if time.time() - self.started_at < settings.PUBLIC_FORM_MIN_FILL_SECONDS:
            raise ValidationError(
                _("The form was sent too quickly. Please check your entries and send it again."), code="too_fast"
            )
        return cleaned


class StaffReportForm(ConcernedMixin, forms.Form):
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
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the field is shown or checked (an empty public form is shown from the cache).
        self.fields["concerned"].choices = concerned_choices
        self.fields["attachments"].help_text = attachments_help()


# --- The tracking page -----------------------------------------------------------------------------------------
class TrackLookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=100, strip=True)


class LostLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)


class RequesterMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), required=False, max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not cleaned.get("attachments") and not self.errors:
            raise ValidationError(_("Write a message or join a file."))
        return cleaned


class RatingForm(forms.Form):
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

    def __init__(self, *args, complaint: Complaint, **kwargs):
        from processes.models import Process

        kwargs.setdefault(
            "initial",
            {"org_unit": complaint.org_unit_id, "process": complaint.process_id, "assignee": complaint.assignee_id},
        )
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for_choice()
        self.fields["process"].queryset = Process.objects.filter(is_active=True)
        self.fields["assignee"].queryset = assignable_users(complaint)
        # The people a request may go to, as signed scope of the picker's search (the sensitive-cases group
        # for a sensitive request); the field's queryset above still decides what is accepted.
        self.fields["assignee"].widget = user_picker(scope=ASSIGNEE_SCOPE, argument=complaint.reference)
        self.fields["assignee"].widget.choices = self.fields["assignee"].choices
        self.fields["assignee"].widget.is_required = self.fields["assignee"].required


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


class NoteForm(forms.Form):
    body = _text(_("Internal note"), help_text=_("Never shown to the requester."))


class ReplyForm(forms.Form):
    body = _text(_("Public reply"), help_text=_("Shown on the tracking page and emailed to the requester."))


class QuestionForm(forms.Form):
    question = _text(
        _("Question to the requester"),
        help_text=_("The request waits for the requester's reply; its deadline clock pauses meanwhile."),
    )


class AnswerForm(forms.Form):
    answer = _text(_("Final answer"), rows=8, help_text=_("Shown on the tracking page and emailed to the requester."))


class RedirectForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Redirect to"), queryset=RedirectBody.objects.none())
    explanation = _text(_("Explanation"), help_text=_("The body's contact details are added to the reply."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = active_redirect_bodies()


class RejectForm(forms.Form):
    reason = _text(_("Reason"), help_text=_("Why the request is inadmissible; sent to the requester."))


class SpamForm(forms.Form):
    note = forms.CharField(label=_("Internal note"), max_length=500, required=False)


class DuplicateForm(forms.Form):
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


class CloseForm(forms.Form):
    resolution_summary = _text(
        _("Resolution summary"), help_text=_("What was done: kept in the register and the management review.")
    )


class TakeChargeForm(forms.Form):
    """No field: the button is the decision."""


class CreateActionForm(forms.Form):
    """A corrective action in action plans, with this request as its origin."""

    title = forms.CharField(label=_("Title of the action"), max_length=500)
    description = _text(_("Description"), required=False, rows=3)
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=None,
        required=False,
        empty_label=_("The continuous-improvement plan of the unit (created if needed)"),
    )
    kind = forms.ChoiceField(label=_("Kind of action"), choices=())
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, complaint: Complaint, user, **kwargs):
        from actionplans.choices import ActionKind
        from actionplans.selectors import plans_user_can_add_actions_to

        kwargs.setdefault("initial", {"kind": ActionKind.CORRECTIVE})
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans_user_can_add_actions_to(user).order_by("title")
        self.fields["kind"].choices = ActionKind.choices
        self.fields["owner"].queryset = assignable_users()
        self.fields["owner"].widget = user_picker(scope=STAFF_SCOPE)
        self.fields["owner"].widget.choices = self.fields["owner"].choices
        self.fields["owner"].widget.is_required = self.fields["owner"].required


class LinkActionsForm(forms.Form):
    """Existing actions that also answer this request."""

    actions = forms.ModelMultipleChoiceField(
        label=_("Actions"), queryset=None, help_text=_("Open actions you can see.")
    )

    def __init__(self, *args, complaint: Complaint, user, **kwargs):
        from actionplans.choices import OPEN_STATUSES as ACTION_OPEN_STATUSES
        from actionplans.forms import action_picker
        from actionplans.selectors import action_picker_label, actions_for_source, actions_visible_to

        super().__init__(*args, **kwargs)
        linked = list(actions_for_source(complaint).values_list("pk", flat=True))
        field = self.fields["actions"]
        field.queryset = (
            actions_visible_to(user)
            .filter(status__in=ACTION_OPEN_STATUSES)
            .exclude(pk__in=linked)
            .order_by("plan__title", "reference")
        )
        field.label_from_instance = action_picker_label
        field.widget = action_picker(multiple=True, exclude=linked, open_only=True)
        field.widget.choices = field.choices
        field.widget.is_required = field.required
