"""The plural of a unit after a number that need not be whole: "1,5 jour ouvré" but "1.5 working days".

gettext picks a plural form from an integer only (French: ``n > 1``, English: ``n != 1``), and a median or a mean
of days may be 1.5. The languages do not agree on decimals: French, following CLDR, puts every number from 0 to
under 2 in the singular ("0,5 jour", "1,5 jour"), English only exactly 1 ("1.5 days"). ``plural_count`` gives the
integer to hand to ``ngettext`` (or to ``{% blocktranslate count %}``) so that the catalogue's rule picks the form
the language uses for the number shown::

    {% blocktranslate trimmed count counter=median|plural_count %}
      working day{% plural %}working days
    {% endblocktranslate %}

Show the number without a trailing ".0" (``floatformat:"-1"``): CLDR reads "1.0" as a decimal, which English puts
in the plural.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation

# For each language whose CLDR "one" category holds decimals, which decimals (a non-negative number). English and
# the languages not listed put every decimal in "other".
_ONE_FOR_DECIMALS = {
    "fr": lambda number: number < 2,  # CLDR: i = 0,1 (the integer part is 0 or 1).
}
# An integer that the gettext rules of the project's languages (fr, en) put in the plural.
_OTHER = 2


def plural_count(number: float | int | Decimal | str | None, language: str | None = None) -> int:
    """The integer to give ``ngettext`` for ``number`` (a whole number or not) in ``language`` (the active one by
    default). Anything that is not a number (a missing median) counts as plural, the form a unit takes on its own."""
    try:
        value = abs(Decimal(str(number)))
    except (InvalidOperation, ValueError, TypeError):
        return _OTHER
    if not value.is_finite():
        return _OTHER
    if value == value.to_integral_value():
        return int(value)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    one = _ONE_FOR_DECIMALS.get(language)
    return 1 if one is not None and one(value) else _OTHER
