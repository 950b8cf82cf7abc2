"""Reading a roster (CSV or XLSX: target code, email, language) and saying what importing it would do.

The reader is ``qms.core.spreadsheets.read_table`` with the roster's own limits: a roster is larger than an
action plan. ``analyse`` writes nothing; ``services.roster_import_confirm`` runs it again inside its transaction.

- every bad line is reported with its number, and one bad line stops the whole import;
- each (student, target) pair gets one token, however many times the file lists it;
- a target with fewer than k students gets a warning: its results can never be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from qms.core.spreadsheets import Column, Table, normalise_header, read_table
from surveys.models import Campaign, CampaignTarget, SurveyToken

# A roster lists every student of every evaluated course: far more rows than an action plan.
MAX_ROWS = 200_000
MAX_BYTES = 30 * 1024 * 1024

COLUMNS = (
    Column(
        "target",
        gettext_lazy("Target code"),
        (
            "code",
            "code cible",
            "cible",
            "target",
            "target code",
            "code ue",
            "ue",
            "code cours",
            "course code",
            "code enseignement",
            "code formation",
            "programme code",
        ),
        required=True,
    ),
    Column(
        "email",
        gettext_lazy("Email"),
        ("courriel", "e-mail", "mail", "adresse", "adresse électronique", "adresse mail", "email address"),
        required=True,
    ),
    Column("language", gettext_lazy("Language"), ("langue", "lang", "langage", "language")),
)

_LANGUAGE_WORDS = {
    "fr": ("fr", "fra", "fre", "francais", "français", "french", "fr-fr"),
    "en": ("en", "eng", "anglais", "english", "en-gb", "en-us"),
}
LANGUAGES = {normalise_header(word): code for code, words in _LANGUAGE_WORDS.items() for word in words}


def read_roster(source: Any) -> Table:
    """The roster's rows with their line numbers. Raises ``SpreadsheetError`` (translated)."""
    return read_table(source, columns=COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)


def normalise_email(text: str) -> str:
    return (text or "").strip().lower()


@dataclass
class RosterMessage:
    line: int | None
    message: str


@dataclass
class RosterLine:
    """One (student, target) pair to create, from its first line in the file."""

    line: int
    target: CampaignTarget
    email: str
    language: str


@dataclass
class RosterPreview:
    """What importing a roster would do, and why it cannot when there are errors."""

    campaign: Campaign
    replace: bool  # a draft's roster is replaced by the file; an open campaign's only gets the new lines
    new: list[RosterLine] = field(default_factory=list)
    kept: int = 0  # pairs already on the roster
    duplicates: list[RosterMessage] = field(default_factory=list)
    errors: list[RosterMessage] = field(default_factory=list)
    warnings: list[RosterMessage] = field(default_factory=list)
    removed: list[SurveyToken] = field(default_factory=list)  # draft only: pairs the file no longer lists
    students: int = 0
    by_target: dict[int, int] = field(default_factory=dict)  # target id → students after the import
    rows: int = 0

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def _language(text: str) -> str | None:
    """The language code of a cell ("" when empty), or None when it is not one the site speaks."""
    if not (text or "").strip():
        return ""
    return LANGUAGES.get(normalise_header(text))


def analyse(campaign: Campaign, table: Table) -> RosterPreview:
    """Compare the file with the campaign's roster as it is now; writes nothing."""
    preview = RosterPreview(campaign=campaign, replace=campaign.is_draft, rows=len(table.rows))
    targets = list(campaign.targets.select_related("course", "programme", "unit"))
    by_code = {target.code.casefold(): target for target in targets}
    existing = {
        (target_id, email): pk
        for pk, target_id, email in SurveyToken.objects.filter(campaign=campaign, removed=False).values_list(
            "pk", "target_id", "email"
        )
    }
    seen: dict[tuple[int, str], int] = {}
    in_file: set[tuple[int, str]] = set()

    def error(line: int, message: str) -> None:
        preview.errors.append(RosterMessage(line, _("Line %(line)s: %(message)s") % {"line": line, "message": message}))

    if not table.rows:
        preview.errors.append(RosterMessage(None, _("The file has a header row but no student below it.")))
        return preview
    for row in table.rows:
        code = row.text("target")
        email = normalise_email(row.text("email"))
        language = _language(row.text("language"))
        failed = False
        target = by_code.get(code.casefold()) if code else None
        if not code:
            error(row.line, _("the target code is empty."))
            failed = True
        elif target is None:
            error(row.line, _("“%(code)s” is not a target of this campaign.") % {"code": code})
            failed = True
        if not email:
            error(row.line, _("the email address is empty."))
            failed = True
        else:
            try:
                validate_email(email)
            except ValidationError:
                error(row.line, _("“%(email)s” is not an email address.") % {"email": row.text("email")})
                failed = True
        if language is None:
            error(
                row.line,
                _("“%(language)s” is not a language of the site (fr or en).") % {"language": row.text("language")},
            )
            failed = True
        if failed:
            continue
        pair = (target.pk, email)
        if pair in seen:
            preview.duplicates.append(
                RosterMessage(
                    row.line,
                    _("Line %(line)s: the same student and target are on line %(first)s; they get one link.")
                    % {"line": row.line, "first": seen[pair]},
                )
            )
            continue
        seen[pair] = row.line
        in_file.add(pair)
        if pair in existing:
            preview.kept += 1
        else:
            preview.new.append(RosterLine(row.line, target, email, language))
    if preview.replace:
        removed_ids = [pk for pair, pk in existing.items() if pair not in in_file]
        preview.removed = list(SurveyToken.objects.filter(pk__in=removed_ids).select_related("target"))
        final = in_file
    else:
        final = set(existing) | in_file
    counts: dict[int, int] = {target.pk: 0 for target in targets}
    for target_id, _email in final:
        counts[target_id] += 1
    preview.by_target = counts
    preview.students = len({email for _target_id, email in final})
    k = campaign.threshold
    for target in targets:
        count = counts[target.pk]
        if count == 0:
            preview.warnings.append(
                RosterMessage(None, _("%(target)s: no student is listed.") % {"target": target.label})
            )
        elif count < k:
            preview.warnings.append(
                RosterMessage(
                    None,
                    ngettext(
                        "%(target)s: only %(count)s student is listed, fewer than the threshold of %(k)s: its results "
                        "can never be shown.",
                        "%(target)s: only %(count)s students are listed, fewer than the threshold of %(k)s: its "
                        "results can never be shown.",
                        count,
                    )
                    % {"target": target.label, "count": count, "k": k},
                )
            )
    return preview
