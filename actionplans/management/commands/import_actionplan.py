"""Import a plan from a CSV or XLSX file: ``manage.py import_actionplan FILE --plan "Title" [--dry-run]``.

The plan named by ``--plan`` is created when no plan has that title. The file is read and checked as the web
import does; any error means nothing is written. ``--dry-run`` shows what would change and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from actionplans import imports, services
from actionplans.choices import PlanKind
from actionplans.models import ActionPlan
from qms.core.models import OrgUnit, User
from qms.core.spreadsheets import SpreadsheetError


class _DryRunDone(Exception):
    pass


class Command(BaseCommand):
    help = "Import an action plan from a CSV or XLSX file (the plan is created if it does not exist)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--plan", required=True, help="The title of the plan to import into.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change, write nothing.")
        parser.add_argument(
            "--kind", default=PlanKind.INSTITUTIONAL_EVALUATION, choices=PlanKind.values, help="Kind of a new plan."
        )
        parser.add_argument("--unit", default="", help="Code of the org unit of a new plan (default: institution).")
        parser.add_argument("--by", default="", help="Username recorded as the author of the import.")
        parser.add_argument("--language", default="fr", choices=["fr", "en"], help="Language of the messages.")

    def handle(self, *args, **options):
        translation.activate(options["language"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        by = self._user(options["by"])
        unit = self._unit(options["unit"])
        try:
            payload = imports.read_import_file(path, filename=path.name)
        except SpreadsheetError as error:
            raise CommandError(error.message) from None
        try:
            with transaction.atomic():
                plan, created = self._plan(options["plan"], options["kind"], unit, by)
                preview = imports.analyse(plan, payload)
                self._report(plan, created, preview, payload)
                if preview.has_errors:
                    raise CommandError(f"{len(preview.errors)} error(s): nothing was imported.")
                if options["dry_run"]:
                    raise _DryRunDone
                result = services.plan_import_apply(plan=plan, payload=payload, by=by)
        except _DryRunDone:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        except services.ActionPlanError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into “{plan.title}” (#{plan.pk}): {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.missing} not in the file (kept); "
                f"{result.axes} axes and {result.objectives} objectives added."
            )
        )

    def _user(self, username: str) -> User | None:
        if not username:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user “{username}”.") from None

    def _unit(self, code: str) -> OrgUnit | None:
        if not code:
            return None
        try:
            return OrgUnit.objects.get(code=code)
        except OrgUnit.DoesNotExist:
            raise CommandError(f"No org unit with code “{code}”.") from None

    def _plan(self, title: str, kind: str, unit: OrgUnit | None, by: User | None) -> tuple[ActionPlan, bool]:
        plans = list(ActionPlan.objects.filter(title__iexact=title.strip())[:2])
        if len(plans) > 1:
            raise CommandError(f"Several plans are titled “{title}”: rename one first.")
        if plans:
            return plans[0], False
        return services.plan_create(title=title, kind=kind, org_unit=unit, by=by), True

    def _report(self, plan: ActionPlan, created: bool, preview: imports.ImportPreview, payload: dict) -> None:
        write = self.stdout.write
        if created:
            write(f"New plan “{plan.title}”.")
        source = payload.get("format", "").upper()
        if payload.get("sheet"):
            source += f", sheet “{payload['sheet']}”"
        if payload.get("encoding"):
            source += f", {payload['encoding']}, delimiter {payload['delimiter']!r}"
        write(f"Read {len(payload.get('rows', []))} rows ({source}), header on line {payload.get('header_line')}.")
        write(f"Columns: {', '.join(preview.column_labels)}")
        if preview.ignored_headers:
            write(f"Ignored columns: {', '.join(preview.ignored_headers)}")
        write(
            f"To create: {len(preview.creates)} · to update: {len(preview.updates)} · unchanged: "
            f"{len(preview.unchanged)} · in the plan but not in the file (kept): {len(preview.missing)}"
        )
        for axis in preview.new_axes:
            write(f"  new axis: {axis}")
        for axis, objective in preview.new_objectives:
            write(f"  new objective: {axis + ' › ' if axis else ''}{objective}")
        for row in preview.updates:
            changes = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in row.changes)
            write(f"  line {row.line}, {row.action.reference}: {changes}")
        for action in preview.missing:
            write(f"  not in the file: {action.reference} — {action.title}")
        for warning in preview.warnings:
            write(self.style.WARNING(f"  {warning.message}"))
        for error in preview.errors:
            self.stderr.write(self.style.ERROR(f"  {error.message}"))
