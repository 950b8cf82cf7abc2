"""French typography in what the project writes: "1er janvier", numbers grouped with a narrow no-break space
("10 000 caractères"), sizes as "5 Mo" everywhere, « » with no-break spaces and a no-break space before : ; ! ?
in the catalogues, and the institution named with its article ("de l'Université …")."""

from __future__ import annotations

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import engines
from django.utils import translation

from qms.core.spreadsheets import SpreadsheetError, read_table
from qms.core.templatetags.french_dates import date_format
from qms.core.templatetags.qms_layout import of_institution
from qms.core.tests.test_translations import parse_po
from qms.core.text import SafeTextMixin

BASE_DIR = Path(settings.BASE_DIR)


def render(template: str, language: str, **context) -> str:
    with translation.override(language):
        return engines["django"].from_string(template).render(context)


# --- Dates ---------------------------------------------------------------------------------------------------


def test_the_first_of_a_month_is_an_ordinal_in_french():
    first = datetime.date(2027, 1, 1)
    assert render('{{ day|date:"DATE_FORMAT" }}', "fr", day=first) == "1er janvier 2027"
    assert render("{{ day|date }}", "fr", day=first) == "1er janvier 2027"
    assert render('{{ day|date:"j F" }}', "fr", day=first) == "1er janvier"
    assert date_format(first) == date_format(first, "DATE_FORMAT")
    with translation.override("fr"):
        assert date_format(first) == "1er janvier 2027"


def test_a_date_and_time_on_the_first_is_an_ordinal_too_in_local_time():
    # 31 December at 23:30 in UTC is the first of January in Paris.
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', "fr", moment=moment) == "1er janvier 2027 00:30"


def test_other_days_numeric_dates_and_english_are_left_as_django_writes_them():
    assert render('{{ day|date:"DATE_FORMAT" }}', "fr", day=datetime.date(2027, 1, 11)) == "11 janvier 2027"
    assert render('{{ day|date:"SHORT_DATE_FORMAT" }}', "fr", day=datetime.date(2027, 1, 1)) == "01/01/2027"
    assert render('{{ day|date:"j/n/Y" }}', "fr", day=datetime.date(2027, 1, 1)) == "1/1/2027"
    assert render('{{ day|date:"DATE_FORMAT" }}', "en", day=datetime.date(2027, 1, 1)) == "Jan. 1, 2027"
    assert render('{{ day|date:"DATE_FORMAT" }}', "fr", day=None) == ""


# --- Numbers and sizes -----------------------------------------------------------------------------------------


class NoteForm(SafeTextMixin, forms.Form):
    text = forms.CharField(max_length=10_000, widget=forms.Textarea)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Ce texte doit compter au plus 10\u202f000\u00a0caractères (il en compte 10\u202f240)."),
        ("en", "Ensure this value has at most 10,000 characters (it has 10,240)."),
    ],
)
def test_a_text_too_long_is_told_its_limit_with_the_thousands_grouped(language, message):
    with translation.override(language):
        form = NoteForm({"text": "x" * 10_240})
        assert not form.is_valid()
        assert form.errors["text"] == [message]
        assert NoteForm({"text": "x" * 10_000}).is_valid()


def test_a_spreadsheet_too_large_says_5_mo_as_the_help_texts_do():
    with translation.override("fr"), pytest.raises(SpreadsheetError) as refused:
        read_table(io.BytesIO(b"x" * (5 * 1024 * 1024 + 1)), columns=[])
    assert "la limite est de 5\u00a0Mo." in str(refused.value)


# --- The institution's name ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "french", "english"),
    [
        ("Université de démonstration", "de l'Université de démonstration", "from Université de démonstration"),
        ("École nationale des chartes", "de l'École nationale des chartes", "from École nationale des chartes"),
        ("INSA Lyon", "de l'INSA Lyon", "from INSA Lyon"),
        ("Sciences Po", "de l'établissement Sciences Po", "from Sciences Po"),
    ],
)
def test_the_institution_is_named_with_its_article_in_french(name, french, english):
    with translation.override("fr"):
        assert of_institution(name) == french
    with translation.override("en"):
        assert of_institution(name) == english


# --- The catalogues ----------------------------------------------------------------------------------------------

# Not searched for catalogues: installed packages, which bring their own, and what is not the project's source.
NOT_THE_PROJECTS = {".venv", "venv", "node_modules", "staticfiles", "media", ".git", "__pycache__"}


def french_catalogues() -> list[Path]:
    """Every French catalogue of the project (django.po and djangojs.po), the project's own and each app's, found on
    disk so that a new app's catalogue is checked as soon as it exists."""
    found = []
    for directory, subdirectories, files in os.walk(BASE_DIR):
        subdirectories[:] = [name for name in subdirectories if name not in NOT_THE_PROJECTS]
        here = Path(directory)
        if here.parts[-3:] == ("locale", "fr", "LC_MESSAGES"):
            found.extend(here / name for name in ("django.po", "djangojs.po") if name in files)
    return sorted(found)


CATALOGUES = french_catalogues()
# A guillemet without its no-break space inside, or a regular space before : ; ! ? or ».
BAD_SPACING = re.compile(r"«[^\u00a0\u202f]|[^\u00a0\u202f]»| [:;!?](?=\s|$|<|\))")


def test_every_app_with_a_french_catalogue_has_its_typography_checked():
    checked = {str(path.relative_to(BASE_DIR)) for path in CATALOGUES}
    assert checked >= {
        f"{prefix}locale/fr/LC_MESSAGES/django.po"
        for prefix in ("", "processes/", "actionplans/", "complaints/", "surveys/", "certifications/")
    }


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_french_translations_keep_no_break_spaces_in_guillemets_and_before_double_punctuation(path):
    wrong = [
        f"{entry.msgid[:60]!r} → {text[:80]!r}"
        for entry in parse_po(path)
        if not entry.obsolete
        for text in entry.msgstr
        if BAD_SPACING.search(text)
    ]
    assert wrong == []
