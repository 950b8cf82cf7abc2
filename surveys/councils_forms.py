"""Forms of the improvement councils (crispy-forms, Bootstrap 5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from qms.core.choices import ProgrammeLevel
from qms.core.forms import DateInput
from qms.core.models import AcademicYear, OrgUnit, Programme, User
from qms.core.widgets import ContentLangSelect, set_user_picker
from surveys.councils_choices import CouncilMemberRole
from surveys.councils_selectors import COUNCIL_PEOPLE_SCOPE, council_people
from surveys.services.councils import MINUTES_POLICY


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class CouncilForm(forms.Form):
    academic_year = forms.ModelChoiceField(label=_("Academic year"), queryset=AcademicYear.objects.all())
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=Programme.objects.none(),
        help_text=_("A council may cover several programmes."),
    )
    planned_date = forms.DateField(label=_("Planned date"), required=False, widget=DateInput())
    held_date = forms.DateField(label=_("Held date"), required=False, widget=DateInput())
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    composition_reason = forms.CharField(
        label=_("Reason for an incomplete composition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when no teacher or no student attended."),
    )
    minutes_file = forms.FileField(label=_("Minutes"), required=False)

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = programmes.filter(is_active=True).order_by("name")
        self.fields["minutes_file"].widget.attrs["accept"] = MINUTES_POLICY.accept
        self.fields["minutes_file"].help_text = MINUTES_POLICY.help_text()
        self.helper = _helper(_("Save"))
        self.helper.form_enctype = "multipart/form-data"


class MemberForm(forms.Form):
    """A member: an account (a teacher, a student who signs in: they will find the council) or a name."""

    user = forms.ModelChoiceField(
        label=_("Account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A teacher or a student with an account: they will find the council among theirs."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For someone without an account: a professional from outside, an alumnus."),
    )
    role = forms.ChoiceField(label=_("Group"), choices=CouncilMemberRole.choices)
    attended = forms.BooleanField(label=_("Attended"), required=False)

    def __init__(self, *args, council, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = council_people()
        set_user_picker(self.fields["user"], scope=COUNCIL_PEOPLE_SCOPE, argument=f"council:{council.pk}", user=user)
        self.helper = _helper(_("Save the member"))

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Give the member's name or choose their account."))
        return data


class InputForm(forms.Form):
    title = forms.CharField(label=_("What was reviewed"), max_length=200)
    url = forms.CharField(
        label=_("Link"), max_length=500, required=False, help_text=_("An address in the application.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Add"))


class DecisionForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = council.programmes.all()
        self.helper = _helper(_("Add the decision"))


class YearFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.filter(is_active=True), required=False, widget=ContentLangSelect
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *ProgrammeLevel.choices], required=False)
