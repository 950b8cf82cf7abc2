"""``{% filter_field %}`` writes what crispy-forms writes, for every filter of every app.

The shared filter form (``templates/includes/filter_form.html``) renders drop-downs in Python for speed
(``qms.core.templatetags.qms_lists.filter_field``); each field of each app's filter set is rendered both ways,
unbound, with a choice made and with an invalid value, and the two must be the same markup.
"""

from __future__ import annotations

import importlib

import django_filters
import pytest
from django.apps import apps
from django.template import engines
from django.test import RequestFactory

from qms.core.choices import Role
from qms.core.factories import OrgUnitFactory, ProgrammeFactory, UserFactory
from qms.core.tests.html import same_markup

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
FAST = engines["django"].from_string("{% load qms_lists %}{% filter_field field %}")


def _filtersets() -> list[type[django_filters.FilterSet]]:
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.filtersets")
        except ModuleNotFoundError:
            continue
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, django_filters.FilterSet)
            and value.__module__ == module.__name__
            and value._meta.model is not None
        ]
    return found


def _build(filterset_class, data, user):
    request = RequestFactory().get("/", data or {})
    request.user = user
    queryset = filterset_class._meta.model._default_manager.all()
    try:
        filterset = filterset_class(data, queryset=queryset, request=request)
    except TypeError:
        filterset = filterset_class(data, queryset=queryset)
    if filterset.is_bound:
        filterset.is_valid()
    return filterset


def test_every_app_has_filters_to_check():
    names = {cls.__module__.split(".")[0] for cls in _filtersets()}
    assert {"actionplans", "complaints", "processes", "surveys", "certifications"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", _filtersets(), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_filter_fields_render_as_crispy_forms_does(filterset_class):
    unit = OrgUnitFactory(name="UFR Sciences & techniques")
    OrgUnitFactory(name="Département <d'informatique>", parent=unit)
    ProgrammeFactory(org_unit=unit)
    user = UserFactory(first_name="Zoé", last_name="L'Hôte", roles=[Role.QUALITY_MANAGER])
    checked = 0
    for data in (None, "first", "invalid"):
        fields = list(_build(filterset_class, None, user).form)
        if data == "first":
            values = {}
            for field in fields:
                choices = [value for value, _label in getattr(field.field, "choices", []) if value not in ("", None)]
                if choices:
                    values[field.html_name] = str(getattr(choices[0], "value", choices[0]))
            data = values
        elif data == "invalid":
            data = {field.html_name: "not-a-choice-§" for field in fields}
        # Two instances: crispy-forms changes a widget's attributes as it renders it.
        crispy_form = _build(filterset_class, data, user).form
        fast_form = _build(filterset_class, data, user).form
        for crispy_field, fast_field in zip(crispy_form, fast_form, strict=True):
            expected = same_markup(CRISPY.render({"field": crispy_field}))
            assert same_markup(FAST.render({"field": fast_field})) == expected, crispy_field.name
            checked += 1
    assert checked


@pytest.mark.django_db
def test_plain_fields_of_every_kind_are_written_without_crispy_forms(monkeypatch):
    """The fields above are compared with crispy-forms' markup; this checks that the fast path is the one taken
    for each plain kind (a drop-down, a search box, checkboxes, a checkbox, a date range), not crispy-forms."""
    from crispy_forms.templatetags import crispy_forms_filters

    from complaints.filtersets import ComplaintFilterSet

    user = UserFactory(roles=[Role.QUALITY_MANAGER])
    for data in (None, {"q": "a&b", "status": ["new"], "overdue": "on", "received_after": "2026-01-02"}):
        form = _build(ComplaintFilterSet, data, user).form
        kinds = {type(field.field.widget).__name__ for field in form}
        assert {"TextInput", "CheckboxSelectMultiple", "CheckboxInput", "DateRangeWidget", "Select"} <= kinds

        def refused(field):
            raise AssertionError(f"{field.name} went to crispy-forms")

        monkeypatch.setattr(crispy_forms_filters, "as_crispy_field", refused)
        html = "".join(FAST.render({"field": field}) for field in form)
        monkeypatch.undo()
        assert 'name="received_after"' in html and 'class="form-check-input" name="status"' in html
        if data:
            assert 'value="a&amp;b"' in html and 'value="2026-01-02"' in html and "checked" in html
