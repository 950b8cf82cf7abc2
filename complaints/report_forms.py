"""Forms of the helpdesk's figures and reply templates (the statistics filter, the reply-template editor)."""

from __future__ import annotations

import datetime

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import ReplyTemplate
from complaints.statistics import default_period
from qms.core.metrics import Period
from qms.core.models import OrgUnit
from qms.core.text import SafeTextMixin
from qms.core.widgets import ContentLangSelect, DateInput

# A longer period would make a chart of more than five years of months: ask for it in several steps.
MAX_PERIOD_DAYS = 5 * 366


class StatisticsFilterForm(forms.Form):
    """The period and the unit of the statistics page; by default the last twelve months."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    unit = forms.ModelChoiceField(
        label=_("Unit (sub-units included)"), queryset=OrgUnit.objects.none(), required=False, widget=ContentLangSelect
    )

    def __init__(self, *args, units: models.QuerySet[OrgUnit], whole_institution: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("Whole institution") if whole_institution else _("All my units")
        default = default_period()
        self.fields["start"].widget.attrs["placeholder"] = default.start.isoformat()
        self.fields["end"].widget.attrs["placeholder"] = default.end.isoformat()

    def clean(self):
        cleaned = super().clean()
        default = default_period()
        start = cleaned.get("start") or default.start
        end = cleaned.get("end") or default.end
        if end < start:
            self.add_error("end", _("The end of the period cannot come before its start."))
        elif (end - start) > datetime.timedelta(days=MAX_PERIOD_DAYS):
            self.add_error("start", _("Choose a period of five years at most."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    @property
    def period(self) -> Period:
        """The period asked for (the default one when the form is not valid)."""
        if self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return default_period()

    @property
    def chosen_unit(self) -> OrgUnit | None:
        return self.cleaned_data.get("unit") if self.is_valid() else None


class ReplyTemplateForm(SafeTextMixin, forms.ModelForm):
    """A canned answer, in French and in English."""

    class Meta:
        model = ReplyTemplate
        fields = ["title", "kind", "body_fr", "body_en", "order", "is_active"]
        widgets = {
            "body_fr": forms.Textarea(attrs={"rows": 8}),
            "body_en": forms.Textarea(attrs={"rows": 8}),
        }
