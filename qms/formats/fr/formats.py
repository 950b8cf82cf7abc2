"""French formats: Django's, with the thousands grouped by a narrow no-break space, as French typography writes
them ("10 000 caractères", U+202F), never broken across lines. Numbers are grouped only where asked
(``number_format(…, force_grouping=True)``): USE_THOUSAND_SEPARATOR stays off, so that years and references
are never grouped."""

from django.conf.locale.fr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"
