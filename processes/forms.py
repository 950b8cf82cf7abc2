"""Back-office forms of the process map, laid out with crispy-forms (Bootstrap 5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from processes.choices import DocumentOrigin, IndicatorSource
from processes.files import TYPES_LABEL, VERSION_FILE, check_version_file
from processes.models import (
    Document,
    DocumentVersion,
    Indicator,
    Process,
    ProcessMapSettings,
    ProcessReview,
    ReviewDecision,
    Risk,
)
from qms.core import metrics
from qms.core.choices import MembershipRole
from qms.core.models import OrgUnit, User
from qms.core.spreadsheets import DEFAULT_MAX_BYTES
from qms.core.widgets import DateInput, set_user_picker


def _helper(submit_label, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", submit_label))
    return helper


def _people():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def _row(*names: str, width: int = 6) -> Div:
    return Div(*(Div(name, css_class=f"col-md-{width}") for name in names), css_class="row")


TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PeoplePickers:
    """Forms whose ``people_fields`` pick people: each becomes the shared people picker, searching the process map's
    scope for the form named ``picked_for`` ("process:12", "document:new" …), signed for ``user``."""

    people_fields: tuple[str, ...] = ()

    def set_pickers(self, user, picked_for: str) -> None:
        from processes.selectors import PEOPLE_SCOPE

        for name in self.people_fields:
            self.fields[name].queryset = _people()
            if user is not None:
                set_user_picker(self.fields[name], scope=PEOPLE_SCOPE, argument=picked_for, user=user)


# --- Processes ------------------------------------------------------------------------------------------------------

LONG_TEXT_FIELDS = ("purpose", "scope", "inputs", "outputs", "beneficiaries", "interactions", *Process.RESOURCE_FIELDS)
# Fields only a quality manager changes: what places the process on the map and who answers for it.
STRUCTURAL_FIELDS = ("code", "type", "org_unit", "owner", "parent", "is_active")


class ProcessForm(PeoplePickers, forms.ModelForm):
    """The process sheet's fields. ``structural=False`` locks what places the process on the map."""

    class Meta:
        model = Process
        fields = [
            "code",
            "name",
            "type",
            "org_unit",
            "parent",
            "owner",
            "deputies",
            "purpose",
            "scope",
            "inputs",
            "outputs",
            "beneficiaries",
            "interactions",
            "related_processes",
            "resources_people",
            "resources_premises",
            "resources_equipment",
            "resources_information_systems",
            "resources_budget",
            "version",
            "next_review_on",
            "is_active",
        ]
        labels = {
            "code": _("Code"),
            "name": _("Name"),
            "type": _("Type"),
            "org_unit": _("Organisational unit"),
            "parent": _("Macro-process"),
            "owner": _("Process owner"),
            "deputies": _("Deputies"),
            "purpose": _("Purpose"),
            "scope": _("Scope"),
            "inputs": _("Inputs"),
            "outputs": _("Outputs"),
            "beneficiaries": _("Beneficiaries and stakeholders"),
            "interactions": _("Interactions"),
            "related_processes": _("Interacting processes"),
            "resources_people": _("People and skills"),
            "resources_premises": _("Premises"),
            "resources_equipment": _("Equipment"),
            "resources_information_systems": _("Information systems"),
            "resources_budget": _("Budget"),
            "version": _("Version"),
            "next_review_on": _("Next review"),
            "is_active": _("Active"),
        }
        widgets = {
            "next_review_on": DateInput(),
            "related_processes": forms.CheckboxSelectMultiple(),
            **dict.fromkeys(LONG_TEXT_FIELDS, TEXTAREA),
        }

    people_fields = ("owner", "deputies")

    def __init__(self, *args, structural: bool = True, user=None, picked_for: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_pickers(user, picked_for)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(is_active=True)
        others = Process.objects.filter(is_active=True).order_by("code")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = others
        self.fields["related_processes"].queryset = others
        if not structural:
            for name in STRUCTURAL_FIELDS:
                self.fields[name].disabled = True
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            Fieldset(
                _("The process"),
                Div(Div("code", css_class="col-md-3"), Div("name", css_class="col-md-9"), css_class="row"),
                _row("type", "parent"),
                _row("org_unit", "owner"),
                "deputies",
                _row("version", "next_review_on"),
                "is_active",
            ),
            Fieldset(_("What it does"), "purpose", "scope", _row("inputs", "outputs"), "beneficiaries"),
            Fieldset(_("Interactions"), "interactions", "related_processes"),
            Fieldset(
                _("Resources"),
                _row("resources_people", "resources_premises"),
                _row("resources_equipment", "resources_information_systems"),
                "resources_budget",
            ),
        )

    def changed_data_for_service(self) -> dict:
        """The cleaned data without the locked fields (a disabled field keeps its initial value)."""
        return {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}


class ProcessValidateForm(forms.Form):
    validated_on = forms.DateField(label=_("Validated on"), widget=DateInput())
    validated_by = forms.CharField(
        label=_("Validated by"),
        max_length=200,
        help_text=_("As written in the minutes: e.g. “Conseil d'administration”."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the validation"))


class NoteForm(forms.Form):
    """A move that needs a reason: revising a process, sending a version back, withdrawing it, archiving."""

    note = forms.CharField(label=_("Reason"), widget=TEXTAREA)

    def __init__(self, *args, submit_label=None, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        self.helper = _helper(submit_label or _("Confirm"))


# --- Indicators -----------------------------------------------------------------------------------------------------


class IndicatorForm(PeoplePickers, forms.ModelForm):
    """An indicator. A computed one takes its unit and direction from the metric it reads."""

    metric_key = forms.ChoiceField(label=_("Metric"), required=False)
    target = forms.DecimalField(label=_("Target"), required=False, max_digits=12, decimal_places=2)
    alert_threshold = forms.DecimalField(label=_("Alert threshold"), required=False, max_digits=12, decimal_places=2)
    applies_from = forms.DateField(
        label=_("Target applies from"), required=False, widget=DateInput(), help_text=_("Empty: from today.")
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "definition",
            "source",
            "metric_key",
            "unit",
            "direction",
            "frequency",
            "owner",
            "org_unit",
            "tracked_from",
            "is_active",
        ]
        labels = {
            "name": _("Name"),
            "definition": _("Definition"),
            "source": _("Source"),
            "unit": _("Unit"),
            "direction": _("Direction"),
            "frequency": _("Frequency"),
            "owner": _("Indicator owner"),
            "org_unit": _("Unit measured"),
            "tracked_from": _("Tracked from"),
            "is_active": _("Active"),
        }
        widgets = {"definition": TEXTAREA, "tracked_from": DateInput()}

    people_fields = ("owner",)

    def __init__(self, *args, with_target: bool = False, user=None, picked_for: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_pickers(user, picked_for)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(is_active=True)
        self.fields["metric_key"].choices = [("", "—"), *metrics.registry.choices()]
        self.fields["metric_key"].help_text = _(
            "For a computed indicator: its unit and direction come from the metric."
        )
        if not with_target:
            for name in ("target", "alert_threshold", "applies_from"):
                del self.fields[name]
        self.helper = _helper(_("Save"))
        layout = [
            "name",
            "definition",
            _row("source", "metric_key"),
            _row("unit", "direction"),
            _row("frequency", "tracked_from"),
            _row("owner", "org_unit"),
            "is_active",
        ]
        if with_target:
            layout.append(
                Fieldset(
                    _("First target"),
                    Div(
                        Div("target", css_class="col-md-4"),
                        Div("alert_threshold", css_class="col-md-4"),
                        Div("applies_from", css_class="col-md-4"),
                        css_class="row",
                    ),
                )
            )
        self.helper.layout = Layout(*layout)

    def clean(self):
        data = super().clean()
        if data.get("source") == IndicatorSource.METRIC and not data.get("metric_key"):
            self.add_error("metric_key", _("Choose the metric a computed indicator reads."))
        if data.get("alert_threshold") is not None and data.get("target") is None and "target" in self.fields:
            self.add_error("target", _("Give the target the threshold goes with."))
        return data


class TargetForm(forms.Form):
    applies_from = forms.DateField(
        label=_("Applies from"), widget=DateInput(), help_text=_("The periods starting on or after this date.")
    )
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2)
    alert_threshold = forms.DecimalField(label=_("Alert threshold"), required=False, max_digits=12, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Set the target"))


class MeasurementForm(forms.Form):
    period_start = forms.DateField(
        label=_("Period"), widget=DateInput(), help_text=_("Any day of the period measured (its first day, say).")
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=4)
    numerator = forms.DecimalField(label=_("Numerator"), required=False, max_digits=16, decimal_places=4)
    denominator = forms.DecimalField(label=_("Denominator"), required=False, max_digits=16, decimal_places=4)
    comment = forms.CharField(label=_("Comment"), required=False, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the measurement"))
        self.helper.layout = Layout("period_start", "value", _row("numerator", "denominator"), "comment")


# --- Risks ----------------------------------------------------------------------------------------------------------


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "kind",
            "description",
            "cause",
            "consequence",
            "likelihood",
            "severity",
            "treatment",
            "residual_likelihood",
            "residual_severity",
            "review_on",
        ]
        labels = {
            "kind": _("Kind"),
            "description": _("Description"),
            "cause": _("Cause"),
            "consequence": _("Consequence"),
            "likelihood": _("Likelihood"),
            "severity": _("Severity"),
            "treatment": _("Treatment"),
            "residual_likelihood": _("Residual likelihood"),
            "residual_severity": _("Residual severity"),
            "review_on": _("Review date"),
        }
        widgets = {"description": TEXTAREA, "cause": TEXTAREA, "consequence": TEXTAREA, "review_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            "kind",
            "description",
            _row("cause", "consequence"),
            Fieldset(_("Gross score (before treatment)"), _row("likelihood", "severity")),
            "treatment",
            Fieldset(_("Residual score (after treatment)"), _row("residual_likelihood", "residual_severity")),
            "review_on",
        )

    def clean(self):
        data = super().clean()
        if (data.get("residual_likelihood") is None) != (data.get("residual_severity") is None):
            self.add_error("residual_severity", _("Give both residual scores (likelihood and severity), or neither."))
        return data


# --- Reviews ----------------------------------------------------------------------------------------------------------


class ReviewCreateForm(forms.ModelForm):
    class Meta:
        model = ProcessReview
        fields = ["held_on", "participants"]
        labels = {"held_on": _("Date"), "participants": _("Participants")}
        widgets = {"held_on": DateInput(), "participants": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Draft the review"))


class ReviewForm(forms.ModelForm):
    class Meta:
        model = ProcessReview
        fields = ["held_on", "participants", "assessment", "next_review_on"]
        labels = {
            "held_on": _("Date"),
            "participants": _("Participants"),
            "assessment": _("Assessment"),
            "next_review_on": _("Next review"),
        }
        widgets = {
            "held_on": DateInput(),
            "next_review_on": DateInput(),
            "participants": TEXTAREA,
            "assessment": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_review_on"].help_text = _("Empty: set when the review is held, a review period later.")
        self.helper = _helper(_("Save"))


class HoldForm(forms.Form):
    next_review_on = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: a review period after this one (see the settings)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the review as held"))


class DecisionForm(PeoplePickers, forms.ModelForm):
    class Meta:
        model = ReviewDecision
        fields = ["text", "owner", "due_on"]
        labels = {"text": _("Decision"), "owner": _("Carried by"), "due_on": _("Due date")}
        widgets = {"text": TEXTAREA, "due_on": DateInput()}

    people_fields = ("owner",)

    def __init__(self, *args, user=None, picked_for: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_pickers(user, picked_for)
        self.helper = _helper(_("Save the decision"))


# --- Documents --------------------------------------------------------------------------------------------------------


class DocumentForm(PeoplePickers, forms.ModelForm):
    class Meta:
        model = Document
        fields = [
            "reference",
            "title",
            "doc_type",
            "process",
            "owner",
            "origin",
            "issuer",
            "authoritative_url",
            "review_period_months",
            "in_library",
            "is_active",
        ]
        labels = {
            "reference": _("Reference"),
            "title": _("Title"),
            "doc_type": _("Type"),
            "process": _("Process"),
            "owner": _("Document owner"),
            "origin": _("Origin"),
            "issuer": _("Issuer"),
            "authoritative_url": _("Authoritative copy"),
            "review_period_months": _("Review period (months)"),
            "in_library": _("In the staff library"),
            "is_active": _("Active"),
        }

    people_fields = ("owner",)

    def __init__(
        self, *args, processes=None, process_required: bool = False, user=None, picked_for: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.set_pickers(user, picked_for)
        if processes is not None:
            self.fields["process"].queryset = processes
        self.fields["process"].required = process_required
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            Div(Div("reference", css_class="col-md-3"), Div("title", css_class="col-md-9"), css_class="row"),
            _row("doc_type", "process"),
            _row("owner", "review_period_months"),
            Fieldset(_("Origin"), "origin", _row("issuer", "authoritative_url")),
            _row("in_library", "is_active"),
        )

    def clean(self):
        data = super().clean()
        if data.get("origin") == DocumentOrigin.EXTERNAL and not (data.get("issuer") or "").strip():
            self.add_error("issuer", _("Say who issues this external document."))
        return data


class VersionForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("%(types)s, up to 20 MB.") % {"types": TYPES_LABEL},
    )

    class Meta:
        model = DocumentVersion
        fields = ["number", "issued_on", "link", "change_summary"]
        labels = {
            "number": _("Version"),
            "issued_on": _("Edition date"),
            "link": _("Link"),
            "change_summary": _("Change summary"),
        }
        widgets = {"issued_on": DateInput(), "change_summary": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = VERSION_FILE.accept
        self.helper = _helper(_("Add the version"))
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(_row("number", "issued_on"), "file", "link", "change_summary")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        check_version_file(upload)
        return upload


class SubmitForm(PeoplePickers, forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none(), required=False)

    people_fields = ("reviewer",)

    def __init__(self, *args, user=None, picked_for: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_pickers(user, picked_for)
        self.helper = _helper(_("Submit for review"))


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Approve"))


class DistributionForm(PeoplePickers, forms.Form):
    people = forms.ModelMultipleChoiceField(label=_("People"), queryset=User.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role holders"), required=False, choices=[("", "—"), *MembershipRole.choices])
    role_units = forms.ModelMultipleChoiceField(
        label=_("… in the units"), queryset=OrgUnit.objects.none(), required=False
    )
    member_units = forms.ModelMultipleChoiceField(
        label=_("Members of the units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Everyone belonging to these units or their sub-units."),
    )
    message = forms.CharField(label=_("Message"), required=False, widget=TEXTAREA)

    people_fields = ("people",)

    def __init__(self, *args, user=None, picked_for: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_pickers(user, picked_for)
        units = OrgUnit.objects.filter(is_active=True)
        self.fields["role_units"].queryset = units
        self.fields["member_units"].queryset = units
        self.helper = _helper(_("Send"))
        self.helper.layout = Layout("people", _row("role", "role_units"), "member_units", "message")

    def clean(self):
        data = super().clean()
        if bool(data.get("role")) != bool(data.get("role_units")):
            self.add_error("role_units", _("Choose a role and the units where its holders are."))
        if not (data.get("people") or data.get("role_units") or data.get("member_units")):
            raise ValidationError(_("Choose at least one person, role or unit."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, up to 5 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        self.helper = _helper(_("Preview the import"))
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > DEFAULT_MAX_BYTES:
            raise ValidationError(_("The file is too large; the limit is 5 MB."))
        return upload


# --- Settings ---------------------------------------------------------------------------------------------------------


class ProcessMapSettingsForm(forms.ModelForm):
    """The process map's section of the settings page: the criticality bands, the rhythm of reviews and the lead
    times of the reminders."""

    class Meta:
        model = ProcessMapSettings
        fields = [
            "watch_from",
            "critical_from",
            "process_review_months",
            "measurement_grace_days",
            "measurement_reminder_days",
            "document_review_reminder_days",
            "process_review_reminder_days",
            "risk_review_reminder_days",
        ]
        labels = {
            "watch_from": _("“To watch” from criticality"),
            "critical_from": _("“Critical” from criticality"),
            "process_review_months": _("Months between process reviews"),
            "measurement_grace_days": _("Days to enter a measurement"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        watch, critical = data.get("watch_from"), data.get("critical_from")
        if watch is not None and critical is not None and critical <= watch:
            self.add_error("critical_from", _("The critical band starts above the band to watch."))
        return data
