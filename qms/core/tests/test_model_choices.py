"""Drop-downs of model choices are read in one plain query, never through ``QuerySet.iterator()`` (a server-side
cursor on PostgreSQL: two more round trips and a copy of the rows, for a list the page holds anyway)."""

from __future__ import annotations

import django_filters
import pytest
from django import forms
from django.db.models.query import QuerySet

from qms.core.factories import OrgUnitFactory
from qms.core.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_cursor(monkeypatch):
    def refused(self, *args, **kwargs):
        raise AssertionError("choices read through QuerySet.iterator()")

    monkeypatch.setattr(QuerySet, "iterator", refused)


@pytest.fixture
def units():
    return [OrgUnitFactory(code="SCI", name="Sciences"), OrgUnitFactory(code="LET", name="Lettres")]


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(OrgUnit.objects.order_by("name"), required=False)
    units = forms.ModelMultipleChoiceField(OrgUnit.objects.order_by("name"), widget=forms.CheckboxSelectMultiple)


class UnitFilter(django_filters.FilterSet):
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.order_by("name"), null_label="Aucune")

    class Meta:
        model = OrgUnit
        fields = ["org_unit"]


def test_a_forms_model_choices_are_read_as_a_list(units, no_cursor, django_assert_num_queries):
    form = UnitForm()
    with django_assert_num_queries(2):
        html = form.as_div()
    assert html.index(">Lettres<") < html.index(">Sciences<")
    assert '<option value="" selected>---------</option>' in html and html.count(" Lettres</label>") == 1


def test_they_are_read_again_each_time_never_from_a_stale_list(units, no_cursor):
    form = UnitForm()
    assert [label for _value, label in form.fields["unit"].choices] == ["---------", "Lettres", "Sciences"]
    OrgUnitFactory(code="DRO", name="Droit")
    assert [label for _value, label in form.fields["unit"].choices] == ["---------", "Droit", "Lettres", "Sciences"]


def test_a_filters_model_choices_keep_the_null_choice_after_the_empty_one(units, no_cursor):
    field = UnitFilter().form.fields["org_unit"]
    assert [label for _value, label in field.choices] == ["---------", "Aucune", "Lettres", "Sciences"]
    assert UnitFilter({"org_unit": str(units[0].pk)}).form.is_valid()
