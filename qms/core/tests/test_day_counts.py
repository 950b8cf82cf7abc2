"""The shared "lead times in days" fields (qms.core.day_counts): typed as "180, 90, 30", stored as a sorted list."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from qms.core.day_counts import MAX_COUNT, MAX_DAYS, DayCountsField, DayCountsFormField, validate_day_counts


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("180, 90, 30", [180, 90, 30]),
        ("30,90 ,180", [180, 90, 30]),
        ("7; 1", [7, 1]),
        ("7 7 1", [7, 1]),
        (" 14 ", [14]),
        ("1,", [1]),
    ],
)
def test_typed_days_are_cleaned_distinct_and_from_the_longest(typed, cleaned):
    assert DayCountsFormField().clean(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter at least one lead time."),
        (" , ", "Enter at least one lead time."),
        ("30, soon", "Enter whole numbers of days separated by commas, such as “30, 7”."),
        ("7.5", "Enter whole numbers of days separated by commas, such as “30, 7”."),
        ("0", "Each lead time is at least one day."),
        ("7, -1", "Each lead time is at least one day."),
        (f"7, {MAX_DAYS + 1}", f"Each lead time is at most {MAX_DAYS} days."),
        (", ".join(str(day) for day in range(1, MAX_COUNT + 2)), f"Enter at most {MAX_COUNT} lead times."),
    ],
)
def test_bad_input_is_refused_with_its_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        DayCountsFormField().clean(typed)
    assert refused.value.messages == [message]


def test_the_message_is_translated():
    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            DayCountsFormField().clean("30, bientôt")
        expected = "Saisissez des nombres entiers de jours séparés par des virgules, par exemple «\u00a030, 7\u00a0»."
        assert refused.value.messages == [expected]


def test_a_stored_list_is_shown_as_typed_and_unchanged_when_typed_again():
    class Form(forms.Form):
        days = DayCountsFormField()

    form = Form(initial={"days": [30, 7]})
    assert 'value="30, 7"' in str(form["days"])
    assert not Form({"days": "7, 30"}, initial={"days": [30, 7]}).has_changed()
    assert Form({"days": "30, 8"}, initial={"days": [30, 7]}).has_changed()


def test_the_model_field_keeps_its_tuple_default_as_a_list_and_validates():
    field = DayCountsField(default=(30, 7))
    field.set_attributes_from_name("days")
    assert field.get_default() == [30, 7]
    assert field.check() == []
    assert isinstance(field.formfield(), DayCountsFormField)
    helped = DayCountsField(default=(7,), help_text="To the owner.").formfield().help_text
    assert str(helped) == "To the owner. Days before the deadline, separated by commas (such as “30, 7”)."
    field.clean([30, 7], None)
    for bad in ([], [0], ["7"], [True], "7"):
        with pytest.raises(ValidationError):
            field.clean(bad, None)
    with pytest.raises(ValidationError):
        validate_day_counts([MAX_DAYS + 1])
    _name, _path, _args, kwargs = DayCountsField(default=(7,), max_days=60).deconstruct()
    assert kwargs["max_days"] == 60 and kwargs["default"] == (7,)
