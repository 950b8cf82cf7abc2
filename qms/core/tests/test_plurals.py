"""The plural of a unit after a number that need not be whole: French puts 0 to under 2 in the singular ("1,5 jour
ouvré"), English only exactly 1 ("1.5 working days"). The helpdesk's statistics page shows it in use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from qms.core.plurals import plural_count

# gettext's plural rules of the two languages, as their catalogues declare them.
SINGULAR = {"fr": lambda n: n <= 1, "en": lambda n: n == 1}


@pytest.mark.parametrize(
    ("number", "french_singular", "english_singular"),
    [
        (0, True, False),
        (1, True, True),
        (Decimal("1.0"), True, True),
        (Decimal("0.5"), True, False),
        (1.5, True, False),
        (Decimal("1.5"), True, False),
        (Decimal("1.99"), True, False),
        (2, False, False),
        (Decimal("3.5"), False, False),
        (None, False, False),
        ("", False, False),
    ],
)
def test_a_decimal_takes_the_plural_form_its_language_gives_it(number, french_singular, english_singular):
    for language, singular in (("fr", french_singular), ("en", english_singular)):
        count = plural_count(number, language)
        assert isinstance(count, int)
        assert SINGULAR[language](count) is singular, (language, number, count)
        with translation.override(language):
            assert plural_count(number) == count


def test_a_whole_number_is_its_own_count():
    assert [plural_count(n, "fr") for n in (0, 1, 2, 7, Decimal("12.0"))] == [0, 1, 2, 7, 12]
    assert plural_count(Decimal("1.5"), "fr-be") == 1


def test_templates_read_the_count_with_a_filter():
    template = engines["django"].from_string("{% load qms_layout %}{{ number|plural_count }}")
    with translation.override("fr"):
        assert template.render({"number": Decimal("1.5")}) == "1"
    with translation.override("en"):
        assert template.render({"number": Decimal("1.5")}) == "2"
