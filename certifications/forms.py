"""Back-office forms of the certifications, laid out with crispy-forms (Bootstrap 5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from certifications.choices import AuditType, ComplianceStatus, FrameworkKind, GradeKind
from certifications.models import (
    Audit,
    Certification,
    CertificationSettings,
    Framework,
    Grade,
    InternalAuditProgramme,
    Requirement,
)
from certifications.selectors import PEOPLE_SCOPE
from certifications.uploads import DOCUMENT_POLICY
from processes.choices import VersionStatus
from processes.models import DocumentVersion, Process
from qms.core.models import OrgUnit, User
from qms.core.spreadsheets import DEFAULT_MAX_BYTES
from qms.core.widgets import DateInput, set_user_picker


class DocumentField(forms.FileField):
    """One document, its type read from its content (``qms.core.files``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": DOCUMENT_POLICY.accept}))
        kwargs.setdefault("help_text", DOCUMENT_POLICY.short_label)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "read") and upload is not initial:
            DOCUMENT_POLICY.check(upload)
        return upload


def _helper(submit_label, *, multipart: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    if multipart:
        helper.attrs = {"enctype": "multipart/form-data"}
    return helper


def _people():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def _units():
    return OrgUnit.objects.filter(is_active=True).order_by("path")


# --- Frameworks ---------------------------------------------------------------------------------------------------


class FrameworkForm(forms.ModelForm):
    class Meta:
        model = Framework
        fields = [
            "code",
            "name",
            "version",
            "kind",
            "publisher",
            "effective_from",
            "effective_until",
            "certificate_validity_months",
            "surveillance_from_month",
            "surveillance_to_month",
            "renewal_takes_effect_after_expiry",
            "rules_notes",
            "description",
            "sources",
        ]
        labels = {
            "code": _("Code"),
            "name": _("Name"),
            "version": _("Version"),
            "kind": _("Kind"),
            "publisher": _("Publisher"),
            "effective_from": _("Effective from"),
            "effective_until": _("Effective until"),
            "certificate_validity_months": _("Certificate validity (months)"),
            "surveillance_from_month": _("Surveillance audit from (month after issue)"),
            "surveillance_to_month": _("Surveillance audit until (month after issue)"),
            "renewal_takes_effect_after_expiry": _(
                "A renewal takes effect the day after the previous certificate expires"
            ),
            "rules_notes": _("Notes on the rules"),
            "description": _("Notes"),
            "sources": _("Sources"),
        }
        widgets = {
            "effective_from": DateInput(),
            "effective_until": DateInput(),
            "rules_notes": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "sources": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The versions of one framework share their code.
            self.fields["code"].disabled = True
            if self.instance.is_reference:
                for name in ("name", "version", "kind", "publisher", "description", "sources"):
                    self.fields[name].disabled = True
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            Div(
                Div("code", css_class="col-md-3"),
                Div("name", css_class="col-md-6"),
                Div("version", css_class="col-md-3"),
                css_class="row",
            ),
            Div(Div("kind", css_class="col-md-4"), Div("publisher", css_class="col-md-8"), css_class="row"),
            Div(
                Div("effective_from", css_class="col-md-6"),
                Div("effective_until", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("certificate_validity_months", css_class="col-md-4"),
                Div("surveillance_from_month", css_class="col-md-4"),
                Div("surveillance_to_month", css_class="col-md-4"),
                css_class="row",
            ),
            "renewal_takes_effect_after_expiry",
            "rules_notes",
            "description",
            "sources",
        )


class NewVersionForm(forms.Form):
    version = forms.CharField(label=_("New version"), max_length=100)
    effective_from = forms.DateField(label=_("Effective from"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Create the new version"))


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = ["parent", "reference", "title", "statement", "guidance"]
        labels = {
            "parent": _("Parent"),
            "reference": _("Reference"),
            "title": _("Title"),
            "statement": _("Statement"),
            "guidance": _("Guidance"),
        }
        widgets = {"statement": forms.Textarea(attrs={"rows": 3}), "guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        parents = framework.requirements.order_by("position")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False
        self.helper = _helper(_("Save"))


class GradeForm(forms.ModelForm):
    class Meta:
        model = Grade
        fields = [
            "code",
            "label",
            "kind",
            "needs_action",
            "position",
            "action_plan_days",
            "implementation_months",
            "verification_months",
            "verify_at_next_audit",
            "regrades_to",
            "notes",
        ]
        labels = {
            "code": _("Code"),
            "label": _("Label"),
            "kind": _("Kind"),
            "needs_action": _("Needs an action plan"),
            "position": _("Position"),
            "action_plan_days": _("Action plan due (days after the audit)"),
            "implementation_months": _("Implementation due (months after the audit)"),
            "verification_months": _("Verification due (months after the implementation)"),
            "verify_at_next_audit": _("Verified at the next audit"),
            "regrades_to": _("Regraded to when still open at the next audit"),
            "notes": _("Notes"),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        others = framework.grades.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["regrades_to"].queryset = others
        self.fields["kind"].choices = GradeKind.choices
        self.helper = _helper(_("Save"))


class FrameworkImportForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50, help_text=_("Shared by every version, e.g. qualicert."))
    name = forms.CharField(label=_("Name"), max_length=250)
    version = forms.CharField(label=_("Version"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=FrameworkKind.choices, initial=FrameworkKind.LABEL)
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file with the columns reference, parent and title."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Preview the import"), multipart=True)

    def clean_file(self):
        return _check_spreadsheet(self.cleaned_data["file"])


def _check_spreadsheet(upload):
    if upload.size > DEFAULT_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is too large: the limit is %(limit)s."), params={"limit": filesizeformat(DEFAULT_MAX_BYTES)}
        )
    return upload


class SpreadsheetForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet"), help_text=_("An Excel workbook (.xlsx) or a CSV file."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Preview the import"), multipart=True)

    def clean_file(self):
        return _check_spreadsheet(self.cleaned_data["file"])


# --- The register -------------------------------------------------------------------------------------------------


class CertificationForm(forms.ModelForm):
    """A certification's own fields; its categories and conditions are those of its framework version."""

    class Meta:
        model = Certification
        fields = [
            "name",
            "framework",
            "holder",
            "owner",
            "certifying_body",
            "level",
            "scope",
            "categories",
            "conditions",
            "is_new_entrant",
            "show_on_public_page",
            "notes",
        ]
        labels = {
            "name": _("Name"),
            "framework": _("Framework version"),
            "holder": _("Holder unit"),
            "owner": _("Owner"),
            "certifying_body": _("Certifying body"),
            "level": _("Level"),
            "scope": _("Scope"),
            "categories": _("Action categories"),
            "conditions": _("Conditions that hold"),
            "is_new_entrant": _("New entrant"),
            "show_on_public_page": _("Shown on the public page"),
            "notes": _("Notes"),
        }
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "categories": forms.CheckboxSelectMultiple,
            "conditions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        picked_for = f"certification:{self.instance.pk}" if self.instance.pk else "certification:new"
        set_user_picker(self.fields["owner"], scope=PEOPLE_SCOPE, argument=picked_for, user=user)
        self.fields["holder"].queryset = _units()
        framework = self.instance.framework if self.instance.pk else None
        if framework is None and self.is_bound:
            framework = Framework.objects.filter(pk=self.data.get(self.add_prefix("framework")) or None).first()
        if self.instance.pk:
            # The version moves through its own page, which carries the statuses forward.
            del self.fields["framework"]
        else:
            self.fields["framework"].queryset = Framework.objects.order_by("name", "-effective_from")
        if framework is not None:
            self.fields["categories"].queryset = framework.categories.all()
            self.fields["conditions"].queryset = framework.conditions.all()
        else:
            self.fields["categories"].queryset = self.fields["categories"].queryset.select_related("framework")
            self.fields["conditions"].queryset = self.fields["conditions"].queryset.select_related("framework")
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        framework = data.get("framework") or (self.instance.framework if self.instance.pk else None)
        if framework is not None:
            for name in ("categories", "conditions"):
                if any(item.framework_id != framework.pk for item in data.get(name) or []):
                    self.add_error(name, _("Choose among those of the framework version."))
        return data


class TransitionForm(forms.Form):
    """Move a status: only the moves the workflow allows now are offered."""

    to = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, workflow, obj, **kwargs):
        super().__init__(*args, **kwargs)
        # The note is typed afterwards: offer the moves that a note would allow.
        targets = workflow.allowed_targets(obj, note="-")
        self.fields["to"].choices = [(status, workflow.label(status)) for status in targets]
        self.helper = _helper(_("Change the status"))


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Date of issue"), widget=DateInput())
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
        help_text=_("Left empty: from the framework's rules."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Left empty: from the framework's rules."),
    )
    file = DocumentField(label=_("Certificate file"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"), multipart=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("A certificate cannot end before it starts."))
        return data


class VersionForm(forms.Form):
    framework = forms.ModelChoiceField(label=_("New version"), queryset=Framework.objects.none())

    def __init__(self, *args, certification: Certification, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.filter(code=certification.framework.code).exclude(
            pk=certification.framework_id
        )
        self.helper = _helper(_("Move to this version"))


# --- The matrix ---------------------------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComplianceStatus.choices)
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the requirement does not apply."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, user, certification: Certification, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        set_user_picker(
            self.fields["owner"], scope=PEOPLE_SCOPE, argument=f"certification:{certification.pk}", user=user
        )
        self.helper = _helper(_("Save the assessment"))

    def clean(self):
        data = super().clean()
        if data.get("status") == ComplianceStatus.NOT_APPLICABLE and not (data.get("justification") or "").strip():
            self.add_error("justification", _("Say why this requirement does not apply."))
        return data


class DocumentVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} — {obj.document.title}"


class EvidenceForm(forms.Form):
    file = DocumentField(label=_("File"), required=False)
    url = forms.CharField(label=_("Link"), required=False, max_length=500)
    document_version = DocumentVersionChoiceField(
        label=_("Document version"),
        queryset=DocumentVersion.objects.none(),
        required=False,
        help_text=_("An approved version of a controlled document of the process map."),
    )
    label = forms.CharField(label=_("Label"), required=False, max_length=250)
    dated = forms.DateField(
        label=_("Date of the evidence"),
        required=False,
        widget=DateInput(),
        help_text=_("Left empty: today, or the edition date of the document version."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_version"].queryset = (
            DocumentVersion.objects.filter(status=VersionStatus.APPROVED)
            .select_related("document")
            .order_by("document__reference")
        )
        self.helper = _helper(_("Add the evidence"), multipart=True)

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError(_("“%(url)s” is not a web address."), params={"url": url}) from None
        return url

    def clean(self):
        data = super().clean()
        given = [bool(data.get("file")), bool(data.get("url")), data.get("document_version") is not None]
        if sum(given) != 1:
            raise forms.ValidationError(_("Give one piece of evidence: a file, a link or a document version."))
        return data


class SnapshotForm(forms.Form):
    label = forms.CharField(
        label=_("Label"), max_length=250, help_text=_("For example: before the surveillance audit.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Freeze the matrix"))


# --- Audits -------------------------------------------------------------------------------------------------------


class AuditForm(forms.ModelForm):
    team = forms.ModelMultipleChoiceField(label=_("Audit team"), queryset=User.objects.none(), required=False)
    audited_units = forms.ModelMultipleChoiceField(
        label=_("Audited units"), queryset=OrgUnit.objects.none(), required=False
    )
    audited_processes = forms.ModelMultipleChoiceField(
        label=_("Audited processes"), queryset=Process.objects.none(), required=False
    )
    plan_file = DocumentField(label=_("Audit plan"), required=False)
    report_file = DocumentField(label=_("Audit report"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for overriding the impartiality rule"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when a member of the team would audit their own work; the quality manager only."),
    )

    class Meta:
        model = Audit
        fields = ["title", "audit_type", "start_date", "end_date", "lead_auditor", "lead_auditor_name", "summary"]
        labels = {
            "title": _("Title"),
            "audit_type": _("Type"),
            "start_date": _("First day"),
            "end_date": _("Last day"),
            "lead_auditor": _("Lead auditor"),
            "lead_auditor_name": _("Lead auditor (as written)"),
            "summary": _("Conclusion"),
        }
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, picked_for: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_auditor"].queryset = _people()
        self.fields["team"].queryset = _people()
        for name in ("lead_auditor", "team"):
            set_user_picker(self.fields[name], scope=PEOPLE_SCOPE, argument=picked_for, user=user)
        self.fields["audited_units"].queryset = _units()
        self.fields["audited_processes"].queryset = Process.objects.filter(is_active=True).order_by("code")
        if self.instance.pk:
            self.fields["team"].initial = list(self.instance.team.all())
            self.fields["audited_units"].initial = list(self.instance.audited_units.all())
            self.fields["audited_processes"].initial = list(self.instance.audited_processes.all())
        else:
            del self.fields["report_file"]
        self.helper = _helper(_("Save"), multipart=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("An audit cannot end before it starts."))
        return data


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = InternalAuditProgramme
        fields = ["year", "title", "framework", "owner", "objectives"]
        labels = {
            "year": _("Year"),
            "title": _("Title"),
            "framework": _("Framework"),
            "owner": _("Owner"),
            "objectives": _("Objectives and criteria"),
        }
        widgets = {"objectives": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        picked_for = f"programme:{self.instance.pk}" if self.instance.pk else "programme:new"
        set_user_picker(self.fields["owner"], scope=PEOPLE_SCOPE, argument=picked_for, user=user)
        self.helper = _helper(_("Save"))


class FindingForm(forms.Form):
    grade = forms.ModelChoiceField(label=_("Grade"), queryset=Grade.objects.none())
    requirement = forms.ModelChoiceField(label=_("Requirement"), queryset=Requirement.objects.none(), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_seen = forms.CharField(label=_("Evidence seen"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    root_cause = forms.CharField(
        label=_("Root-cause analysis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_plan_due = forms.DateField(label=_("Action plan due"), required=False, widget=DateInput())
    implementation_due = forms.DateField(label=_("Implementation due"), required=False, widget=DateInput())
    verification_due = forms.DateField(label=_("Verification due"), required=False, widget=DateInput())

    def __init__(self, *args, audit: Audit, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = audit.framework.grades.all()
        self.fields["requirement"].queryset = audit.framework.requirements.filter(is_leaf=True).order_by("position")
        if creating:
            for name in ("action_plan_due", "implementation_due", "verification_due"):
                self.fields[name].help_text = _("Left empty: from the framework's rules.")
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        implementation, verification = data.get("implementation_due"), data.get("verification_due")
        if implementation and verification and verification < implementation:
            self.add_error("verification_due", _("The verification cannot come before the implementation."))
        return data


class CertificationSettingsForm(forms.ModelForm):
    """The certifications' section of the settings page: evidence, archive and auditors' access, then the lead
    times of the reminders."""

    SETTINGS_FIELDS = ["evidence_max_age_months", "zip_max_megabytes", "auditor_grant_days"]
    REMINDER_FIELDS = ["expiry_reminder_days", "audit_reminder_days", "finding_reminder_days"]

    class Meta:
        model = CertificationSettings
        fields = [
            "evidence_max_age_months",
            "zip_max_megabytes",
            "auditor_grant_days",
            "expiry_reminder_days",
            "audit_reminder_days",
            "finding_reminder_days",
        ]
        labels = {
            "evidence_max_age_months": _("Age that flags evidence (months)"),
            "zip_max_megabytes": _("Largest evidence archive (MB)"),
            "auditor_grant_days": _("Auditors' access after the audit (days)"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The settings page wraps each section's form in its own <form> with its save button.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(
                Div(*(Div(name, css_class="col-md-4") for name in names), css_class="row")
                for names in (self.SETTINGS_FIELDS, self.REMINDER_FIELDS)
            )
        )


AUDIT_TYPES_BY_KIND = {
    True: [AuditType.INTERNAL],
    False: [AuditType.INITIAL, AuditType.SURVEILLANCE, AuditType.RENEWAL, AuditType.FOLLOW_UP],
}
