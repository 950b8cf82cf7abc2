"""Back-office forms of the action plans, laid out with crispy-forms (Bootstrap 5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from actionplans.choices import OPEN_STATUSES, ActionKind, ActionPriority, ActionStatus, EffectivenessResult
from actionplans.models import Action, ActionPlan, ActionPlanSettings, Axis, Objective
from actionplans.selectors import (
    PEOPLE_SCOPE,
    action_picker_label,
    actions_for_source,
    actions_matching_reference,
    actions_user_can_edit,
    can_add_to_default_plan,
    people,
    plans_user_can_add_actions_to,
    search_actions,
)
from actionplans.workflows import ACTION_WORKFLOW
from qms.core import sources
from qms.core.files import MultipleFileField, UploadPolicy, size_label
from qms.core.models import OrgUnit, User
from qms.core.spreadsheets import DEFAULT_MAX_BYTES
from qms.core.widgets import Autocomplete, AutocompleteMultiple, DateInput, set_user_picker

# Evidence: documents, images and plain text, checked on their content (qms.core.files).
EVIDENCE_POLICY = UploadPolicy(
    max_files=5,
    max_bytes=10 * 1024 * 1024,
    types_label=_(
        "PDF, images (JPEG, PNG, GIF, WebP, HEIC), office documents (Word, Excel, PowerPoint, OpenDocument) and "
        "plain text (.txt, .csv, .md)"
    ),
    short_label=_("PDF, images, office documents or plain text"),
    text_extensions=frozenset({".txt", ".csv", ".md"}),
)


def _helper(submit_label, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", submit_label))
    return helper


class PlanForm(forms.ModelForm):
    """A plan's own fields. Who may choose which unit is decided by the view (``unit_choices``)."""

    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "kind",
            "status",
            "org_unit",
            "programme",
            "owner",
            "period_start",
            "period_end",
            "source",
            "description",
        ]
        labels = {
            "title": _("Title"),
            "kind": _("Kind"),
            "status": _("Status"),
            "org_unit": _("Scope"),
            "programme": _("Programme"),
            "owner": _("Plan owner"),
            "period_start": _("Period start"),
            "period_end": _("Period end"),
            "source": _("Source"),
            "description": _("Description"),
        }
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, unit_choices=None, unit_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()
        picked_for = f"plan:{self.instance.pk}" if self.instance.pk else "plan:new"
        set_user_picker(self.fields["owner"], scope=PEOPLE_SCOPE, argument=picked_for, user=user)
        self.fields["org_unit"].queryset = (
            unit_choices if unit_choices is not None else OrgUnit.objects.filter(is_active=True)
        )
        self.fields["org_unit"].required = unit_required
        self.fields["programme"].queryset = self.fields["programme"].queryset.select_related("org_unit")
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            "title",
            Div(Div("kind", css_class="col-md-6"), Div("status", css_class="col-md-6"), css_class="row"),
            Div(Div("org_unit", css_class="col-md-6"), Div("programme", css_class="col-md-6"), css_class="row"),
            "owner",
            Div(Div("period_start", css_class="col-md-6"), Div("period_end", css_class="col-md-6"), css_class="row"),
            "source",
            "description",
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class AxisForm(forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["code", "title", "order"]
        labels = {"code": _("Code"), "title": _("Title"), "order": _("Order")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.helper = _helper(_("Save"))


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["axis", "title", "order"]
        labels = {"axis": _("Axis"), "title": _("Title"), "order": _("Order")}

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = plan.axes.all()
        self.fields["order"].required = False
        self.helper = _helper(_("Save"))


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Objective) -> str:
        return f"{obj.axis.title} — {obj.title}" if obj.axis_id else obj.title


class ActionForm(forms.ModelForm):
    """An action's fields; its status moves through the transition form, never here."""

    objective = ObjectiveChoiceField(queryset=Objective.objects.none(), required=False, label=_("Strategic objective"))

    class Meta:
        model = Action
        fields = [
            "objective",
            "reference",
            "title",
            "description",
            "kind",
            "priority",
            "owner",
            "owner_label",
            "org_unit",
            "process",
            "start_date",
            "deadline",
            "expected_result",
            "indicator",
            "effectiveness_due",
        ]
        labels = {
            "reference": _("Reference"),
            "title": _("Title"),
            "description": _("Description"),
            "kind": _("Kind"),
            "priority": _("Priority"),
            "owner": _("Owner"),
            "owner_label": _("Owner (as written)"),
            "org_unit": _("Organisational unit"),
            "process": _("Process"),
            "start_date": _("Start date"),
            "deadline": _("Deadline"),
            "expected_result": _("Expected result"),
            "indicator": _("Follow-up indicator"),
            "effectiveness_due": _("Effectiveness check due"),
        }
        widgets = {
            "start_date": DateInput(),
            "deadline": DateInput(),
            "effectiveness_due": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan: ActionPlan, user, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["objective"].queryset = plan.objectives.select_related("axis").order_by(
            "axis__order", "order", "pk"
        )
        self.fields["reference"].required = False
        self.fields["owner"].queryset = people()
        picked_for = f"action:{self.instance.pk}" if self.instance.pk else f"plan-actions:{plan.pk}"
        set_user_picker(self.fields["owner"], scope=PEOPLE_SCOPE, argument=picked_for, user=user)
        self.fields["org_unit"].queryset = (
            unit_choices if unit_choices is not None else OrgUnit.objects.filter(is_active=True)
        )
        self.fields["process"].queryset = self.fields["process"].queryset.filter(is_active=True)
        self.helper = _helper(_("Save"))
        self.helper.layout = Layout(
            Div(Div("objective", css_class="col-md-9"), Div("reference", css_class="col-md-3"), css_class="row"),
            "title",
            "description",
            Div(Div("kind", css_class="col-md-6"), Div("priority", css_class="col-md-6"), css_class="row"),
            Div(Div("owner", css_class="col-md-6"), Div("owner_label", css_class="col-md-6"), css_class="row"),
            Div(Div("org_unit", css_class="col-md-6"), Div("process", css_class="col-md-6"), css_class="row"),
            Div(
                Div("start_date", css_class="col-md-4"),
                Div("deadline", css_class="col-md-4"),
                Div("effectiveness_due", css_class="col-md-4"),
                css_class="row",
            ),
            "expected_result",
            "indicator",
        )

    def clean(self):
        data = super().clean()
        start, deadline = data.get("start_date"), data.get("deadline")
        # Checked when one of the dates is typed: an action that started late stays editable.
        typed = self.instance.pk is None or {"start_date", "deadline"} & set(self.changed_data)
        if typed and start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline cannot come before the start date."))
        return data


class TransitionForm(forms.Form):
    """Move an action's status: only the moves the workflow allows now are offered."""

    to = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to cancel or reopen an action."),
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DateInput(),
        help_text=_("When the action is done; today if left empty."),
    )

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        # The note is typed afterwards: offer the moves that a note would allow.
        targets = ACTION_WORKFLOW.allowed_targets(action, note="-")
        self.fields["to"].choices = [(status, ActionStatus(status).label) for status in targets]
        self.helper = _helper(_("Change the status"))


class ActionUpdateForm(forms.Form):
    """A progress note, with evidence: files and links."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    files = MultipleFileField(label=_("Evidence files"), policy=EVIDENCE_POLICY)
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One address per line, optionally followed by a space and a label."),
    )

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if not action.is_open:
            del self.fields["progress"]
        self.helper = _helper(_("Add the update"))
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_links(self):
        validate = URLValidator(schemes=["http", "https"])
        links = []
        for line in (self.cleaned_data.get("links") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            url, _sep, label = line.partition(" ")
            try:
                validate(url)
            except forms.ValidationError:
                raise forms.ValidationError(_("“%(url)s” is not a web address."), params={"url": url}) from None
            links.append((url, label.strip()))
        return links

    def clean(self):
        data = super().clean()
        if (
            not (data.get("comment") or "").strip()
            and data.get("progress") is None
            and not data.get("files")
            and not data.get("links")
        ):
            raise forms.ValidationError(_("Write a comment, give the progress, or attach some evidence."))
        return data


class EffectivenessForm(forms.Form):
    """Closing the PDCA loop: was the action effective? If not, a follow-up action may start at once."""

    result = forms.ChoiceField(label=_("Result"), choices=EffectivenessResult.choices, widget=forms.RadioSelect)
    checked_on = forms.DateField(label=_("Checked on"), required=False, widget=DateInput())
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    start_follow_up = forms.BooleanField(label=_("Start a follow-up action"), required=False)
    follow_up_title = forms.CharField(label=_("Title of the follow-up action"), required=False, max_length=500)
    follow_up_owner = forms.ModelChoiceField(
        label=_("Owner of the follow-up action"), queryset=User.objects.none(), required=False
    )
    follow_up_deadline = forms.DateField(
        label=_("Deadline of the follow-up action"), required=False, widget=DateInput()
    )

    def __init__(self, *args, action: Action, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["follow_up_owner"].queryset = people()
        set_user_picker(self.fields["follow_up_owner"], scope=PEOPLE_SCOPE, argument=f"action:{action.pk}", user=user)
        self.helper = _helper(_("Record the check"))
        self.helper.layout = Layout(
            Field("result"),
            "checked_on",
            "comment",
            Div(
                "start_follow_up",
                "follow_up_title",
                "follow_up_owner",
                "follow_up_deadline",
                css_class="border rounded p-3 mb-3",
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("start_follow_up") and data.get("result") != EffectivenessResult.NOT_EFFECTIVE:
            self.add_error("start_follow_up", _("Only a not-effective check starts a follow-up action."))
        return data

    def clean_checked_on(self):
        checked_on = self.cleaned_data.get("checked_on")
        completed_on = self.action.completed_on
        if checked_on and completed_on and checked_on < completed_on:
            raise forms.ValidationError(_("The effectiveness cannot be checked before the action was done."))
        return checked_on


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file, with the columns axis, strategic objective, specific "
            "objective and deadline, and optionally reference, owner, status, description, expected result "
            "and indicator."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Preview the import"))
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > DEFAULT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: the limit is %(limit)s."), params={"limit": size_label(DEFAULT_MAX_BYTES)}
            )
        return upload


def action_picker(
    *, multiple: bool = False, exclude=(), open_only: bool = False, editable_only: bool = False, **kwargs
) -> Autocomplete:
    """The action picker, searching "actionplans:action-search" (the actions the user sees, by reference or
    title); ``exclude`` (ids), ``open_only`` and ``editable_only`` (those the user may edit) narrow what the
    search offers. Without JavaScript, references typed in the text box (comma-separated) are looked up in the
    field's queryset."""
    params = {
        "exclude": ",".join(str(pk) for pk in exclude),
        "open": "1" if open_only else "",
        "editable": "1" if editable_only else "",
    }
    widget_class = AutocompleteMultiple if multiple else Autocomplete
    kwargs.setdefault("placeholder", _("Type a reference or words of the title"))
    kwargs.setdefault(
        "hint", _("Type at least two letters, then choose in the list; or type references separated by commas.")
    )
    return widget_class(
        url="actionplans:action-search",
        params=params,
        find=search_actions,
        exact=actions_matching_reference,
        **kwargs,
    )


# --- Actions answering a source (any app's object: a request, a risk, a finding …) --------------------------------


class SourceActionForm(forms.Form):
    """A new action answering a source, in a plan the person may add to; by default the plan of the source's
    programme, or else the continuous-improvement plan of its unit, made when first needed (offered only to those
    who may add actions to it)."""

    title = forms.CharField(label=_("Title of the action"), max_length=500)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=ActionPlan.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind of action"), choices=ActionKind.choices, initial=ActionKind.CORRECTIVE)
    priority = forms.ChoiceField(label=_("Priority"), choices=ActionPriority.choices, initial=ActionPriority.NORMAL)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, source, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        unit = sources.default_unit(source)
        programme = sources.default_programme(source)
        self.default_allowed = can_add_to_default_plan(user, unit, programme)
        field = self.fields["plan"]
        field.queryset = plans_user_can_add_actions_to(user).order_by("title")
        if self.default_allowed:
            if programme is not None:
                field.empty_label = _("The plan of the programme %(programme)s (made if needed)") % {
                    "programme": programme.name
                }
            elif unit is not None:
                field.empty_label = _("The continuous-improvement plan of %(unit)s (made if needed)") % {
                    "unit": unit.name
                }
            else:
                field.empty_label = _("The institution's continuous-improvement plan (made if needed)")
        else:
            field.required = True
            field.empty_label = None
        self.fields["owner"].queryset = people()
        set_user_picker(
            self.fields["owner"],
            scope=PEOPLE_SCOPE,
            argument=f"source:{sources.key(source)}:{source.pk}",
            user=user,
        )
        self.helper = _helper(_("Create the action"), form_tag=False)
        self.helper.inputs = []


class SourceLinkForm(forms.Form):
    """Existing actions that also answer a source: open ones the person may edit, not linked yet."""

    actions = forms.ModelMultipleChoiceField(
        label=_("Actions"), queryset=Action.objects.none(), help_text=_("Open actions you may edit.")
    )

    def __init__(self, *args, source, user, **kwargs):
        super().__init__(*args, **kwargs)
        linked = list(actions_for_source(source).values_list("pk", flat=True))
        field = self.fields["actions"]
        field.queryset = (
            actions_user_can_edit(user)
            .filter(status__in=OPEN_STATUSES)
            .exclude(pk__in=linked)
            .order_by("plan__title", "reference")
        )
        field.label_from_instance = action_picker_label
        field.widget = action_picker(multiple=True, exclude=linked, open_only=True, editable_only=True)
        field.widget.choices = field.choices
        field.widget.is_required = field.required
        self.helper = _helper(_("Link"), form_tag=False)
        self.helper.inputs = []


class ActionPlanSettingsForm(forms.ModelForm):
    """The action plans' section of the settings page: when actions and effectiveness checks are reminded, and when
    a late action is escalated."""

    class Meta:
        model = ActionPlanSettings
        fields = ["action_reminder_days", "escalate_after_days", "effectiveness_reminder_days"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The settings page wraps each section's form in its own <form> with its save button.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(*(Div(name, css_class="col-md-4") for name in self.Meta.fields), css_class="row")
        )
