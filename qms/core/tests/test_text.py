"""Bidirectional controls: removed from what people type, so that a subject reads as it is."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from qms.core.text import BIDI_CONTROLS, SafeTextMixin, strip_bidi_controls

SPOOFED = "Facture \u202efdp.exe"  # shows as "Facture exe.pdf"


def test_a_single_line_loses_every_bidirectional_control():
    assert strip_bidi_controls(SPOOFED) == "Facture fdp.exe"
    assert strip_bidi_controls("".join(sorted(BIDI_CONTROLS)) + "abc") == "abc"
    assert strip_bidi_controls("") == ""


def test_multi_line_text_keeps_the_direction_marks_of_right_to_left_writers():
    text = "\u05e9\u05dc\u05d5\u05dd\u200f!\nLigne \u2067cachée\u2069 \u202eexe.pdf"
    assert strip_bidi_controls(text, multiline=True) == "\u05e9\u05dc\u05d5\u05dd\u200f!\nLigne cachée exe.pdf"


class ReportForm(SafeTextMixin, forms.Form):
    subject = forms.CharField(label="Subject")
    email = forms.EmailField(label="Email", required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea)
    count = forms.IntegerField(label="Count", required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a\u202e", "A")], required=False)


def test_the_form_mixin_cleans_every_text_field_before_validation_and_redisplay():
    data = QueryDict(mutable=True)
    data.update({"subject": SPOOFED, "email": "lea\u200e@example.org", "description": "Voir \u202epiece\nLigne 2"})
    form = ReportForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["subject"] == "Facture fdp.exe"
    assert form.cleaned_data["email"] == "lea@example.org"  # valid once the invisible mark is gone
    assert form.cleaned_data["description"] == "Voir piece\nLigne 2"
    assert 'value="Facture fdp.exe"' in str(form["subject"])  # shown again as it is stored
    assert data["subject"] == SPOOFED  # the request's own data is left alone


def test_the_form_mixin_works_with_plain_dicts_prefixes_and_leaves_other_fields_alone():
    form = ReportForm({"r-subject": SPOOFED, "r-description": "x", "r-kind": "a\u202e"}, prefix="r")
    assert form.data["r-subject"] == "Facture fdp.exe"
    assert form.data["r-kind"] == "a\u202e"  # a choice is checked against its list, not cleaned
    assert ReportForm().data == {}
