"""Translations: the committed catalogues compile, and every string of the interface has its French translation.

The second test runs ``make messages`` (the command that refreshes the catalogues) on a temporary copy of the
project, so that what is checked is exactly what ``makemessages`` extracts from the code and the templates
today, merged with the committed translations: a string added to a template or a module without its French
translation fails here, with its file and line.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from conftest import require_service

BASE_DIR = Path(settings.BASE_DIR)
LANGUAGES = ("fr", "en")
DOMAIN_APPS = ("processes", "actionplans", "complaints", "surveys", "certifications")
# What the copy needs to extract messages: sources, templates, catalogues and the Makefile; nothing heavy.
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "node_modules", "staticfiles", "media", "__pycache__", "*.pyc", "*.mo", "*.sqlite3",
    "*.sqlite3-journal", ".pytest_cache", ".ruff_cache", "test-artifacts", "*.pdf", "*.png", "*.jpg", "*.woff*",
    "*.xlsx", "*.csv",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _gettext():
    """GNU gettext (msgfmt, xgettext, msgmerge) is a system package: CI installs it; a laptop may lack it."""
    if shutil.which("msgfmt") is None or shutil.which("msgmerge") is None:
        require_service("GNU gettext (apt-get install gettext)")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str = ""
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False
    references: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and not self.fuzzy


def _unquote(text: str) -> str:
    """A quoted .po string: C escapes (\\n, \\", \\\\), which a Python string literal reads the same way."""
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (a small reader for what makemessages writes: no need for a library)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None

    def flush():
        nonlocal current
        if current.msgid or current.msgstr or current.msgctxt:
            entries.append(current)
        current = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            target = None
        elif line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.fuzzy = "fuzzy" in line
        elif line.startswith("#:"):
            current.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            current.msgctxt, target = _unquote(line[8:]), ("msgctxt", None)
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", None)
        elif line.startswith("msgid "):
            if current.msgstr:
                flush()
            current.msgid, target = _unquote(line[6:]), ("msgid", None)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            current.msgstr.append(_unquote(line[line.index("]") + 1 :]))
            target = ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr.append(_unquote(line[7:]))
            target = ("msgstr", 0)
        elif line.startswith('"') and target:
            name, index = target
            if name == "msgstr":
                current.msgstr[-1] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
    flush()
    return entries


def catalogues(root: Path, language: str) -> list[Path]:
    found = sorted(root.glob(f"locale/{language}/LC_MESSAGES/*.po"))
    for app in DOMAIN_APPS:
        found.extend(sorted(root.glob(f"{app}/locale/{language}/LC_MESSAGES/*.po")))
    return found


def untranslated(path: Path) -> list[str]:
    return [
        f"{entry.msgid!r} ({', '.join(entry.references[:2]) or path.name})" + (" [fuzzy]" if entry.fuzzy else "")
        for entry in parse_po(path)
        if entry.msgid and not entry.obsolete and not entry.translated
    ]


# --- (a) The committed catalogues compile ---------------------------------------------------------------------


def test_the_project_has_french_and_english_catalogues():
    for language in LANGUAGES:
        assert (BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po").exists(), (
            f"run `make messages` to create the {language} catalogue"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_compile(language, tmp_path):
    paths = catalogues(BASE_DIR, language)
    assert paths
    for path in paths:
        result = subprocess.run(
            ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{path.relative_to(BASE_DIR)}: {result.stderr}"


def test_compilemessages_succeeds(tmp_path):
    """The command `make run` and `make test` use, on a copy so that no .mo file lands in the tree."""
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=COPY_IGNORE)
    result = subprocess.run(
        [sys.executable, "manage.py", "compilemessages", "-l", "fr", "-l", "en", "-v", "0"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (copy / "locale" / "fr" / "LC_MESSAGES" / "django.mo").exists()


# --- (b) Every string of the interface is translated into French ---------------------------------------------


def test_every_string_of_the_interface_has_a_french_translation(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=COPY_IGNORE)
    # `make messages`, with this interpreter and without reinstalling anything.
    python = Path(sys.executable)
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", "install", "messages", f"PY={python}", f"MANAGE={python} manage.py"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    missing: list[str] = []
    for path in catalogues(copy, "fr"):
        missing.extend(f"{path.relative_to(copy)}: {item}" for item in untranslated(path))
    shown = "\n".join(missing[:40]) + (f"\n… and {len(missing) - 40} more" if len(missing) > 40 else "")
    assert not missing, (
        f"{len(missing)} strings have no French translation (run `make messages`, then translate):\n{shown}"
    )


# The names under which makemessages (xgettext's Python keywords, as Django calls it) finds translatable strings.
EXTRACTED_NAMES = {
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy",
}  # fmt: skip
SOURCE_DIRS = ("qms", *DOMAIN_APPS)


def test_no_module_imports_a_translation_function_under_a_name_makemessages_ignores():
    """``gettext_lazy as _lazy`` translates nothing: makemessages does not see the strings, so no catalogue holds
    them and the French interface shows them in English (the request page's buttons and messages did)."""
    hidden = []
    for directory in SOURCE_DIRS:
        for path in sorted((BASE_DIR / directory).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    hidden.extend(
                        f"{path.relative_to(BASE_DIR)}:{node.lineno}: {alias.name} as {alias.asname}"
                        for alias in node.names
                        if alias.asname and alias.asname not in EXTRACTED_NAMES and "gettext" in alias.name
                    )
    assert hidden == []


# --- The reader of .po files used above ------------------------------------------------------------------------


def test_the_po_reader_tells_translated_untranslated_and_fuzzy_entries(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        "\n".join(
            [
                "#, fuzzy",
                'msgid ""',
                'msgstr ""',
                '"Language: fr\\n"',
                "",
                "#: templates/base.html:3",
                'msgid "Sign in"',
                'msgstr "Se connecter"',
                "",
                "#: qms/core/models.py:10",
                'msgid ""',
                '"A long "',
                '"message"',
                'msgstr ""',
                "",
                "#: qms/core/views.py:7",
                "#, fuzzy, python-format",
                'msgid "%(count)s action"',
                'msgid_plural "%(count)s actions"',
                'msgstr[0] "%(count)s action"',
                'msgstr[1] "%(count)s actions"',
                "",
                'msgctxt "month"',
                'msgid "May"',
                'msgstr "Mai"',
                "",
                "#: qms/core/views.py:9",
                'msgid "One file"',
                'msgid_plural "%(n)s files"',
                'msgstr[0] "Un fichier"',
                'msgstr[1] ""',
                "",
                '#~ msgid "Old"',
                '#~ msgstr ""',
                "",
                'msgid "Accentué « ok »"',
                'msgstr "Accentué « d\'accord »"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    entries = {entry.msgid: entry for entry in parse_po(path)}
    assert entries["Sign in"].translated
    assert entries["May"].translated and entries["May"].msgctxt == "month"
    assert not entries["A long message"].translated
    assert entries["%(count)s action"].fuzzy and not entries["%(count)s action"].translated
    assert not entries["One file"].translated
    assert entries["Accentué « ok »"].msgstr == ["Accentué « d'accord »"]
    assert sorted(untranslated(path)) == sorted(
        [
            "'%(count)s action' (qms/core/views.py:7) [fuzzy]",
            "'A long message' (qms/core/models.py:10)",
            "'One file' (qms/core/views.py:9)",
        ]
    )
