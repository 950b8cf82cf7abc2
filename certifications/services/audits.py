"""Audits: planning them, their team and its impartiality, the auditors' access, and their status."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications.choices import AuditStatus, AuditType
from certifications.models import Audit, Certification, CertificationSettings, InternalAuditProgramme
from certifications.services.base import CertificationError, set_fields, signed_in_user
from certifications.uploads import check_upload
from certifications.workflows import AUDIT_WORKFLOW
from processes.models import Process
from qms.core.choices import Actor
from qms.core.models import AccessGrant, Membership, OrgUnit, User
from qms.core.selectors import is_quality_manager
from qms.core.services import log_activity
from qms.core.workflow import TransitionError, record_status

AUDIT_FIELDS = (
    "title",
    "audit_type",
    "start_date",
    "end_date",
    "lead_auditor",
    "lead_auditor_name",
    "summary",
)


# --- Impartiality (ISO 9001 9.2.2 c) ------------------------------------------------------------------------------


def impartiality_conflicts(
    *, auditors: Iterable[User], units: Iterable[OrgUnit], processes: Iterable[Process]
) -> list[str]:
    """Why these auditors may not audit these units and processes: an internal auditor may not audit their own
    work. A member conflicts when they own an audited process, or belong to an audited unit (a membership of
    that unit or of one of its sub-units). Empty when the team is impartial."""
    auditors = [user for user in auditors if user is not None]
    if not auditors:
        return []
    conflicts = []
    for process in processes:
        if process.owner_id in {user.pk for user in auditors}:
            owner = next(user for user in auditors if user.pk == process.owner_id)
            conflicts.append(
                _("%(person)s owns the audited process “%(process)s”.") % {"person": owner, "process": process}
            )
    units = list(units)
    if units:
        query = Q()
        for unit in units:
            query |= Q(org_unit__path__startswith=unit.path)
        memberships = (
            Membership.objects.filter(query, user__in=[user.pk for user in auditors])
            .select_related("user", "org_unit")
            .order_by("user__last_name", "org_unit__path")
        )
        reported = set()
        for membership in memberships:
            audited = next(unit for unit in units if membership.org_unit.path.startswith(unit.path))
            key = (membership.user_id, audited.pk)
            if key in reported:
                continue
            reported.add(key)
            conflicts.append(
                _("%(person)s belongs to the audited unit “%(unit)s”.") % {"person": membership.user, "unit": audited}
            )
    return conflicts


def _audit_conflicts(audit: Audit) -> list[str]:
    if not audit.is_internal:
        return []
    auditors = [*audit.team.all(), *([audit.lead_auditor] if audit.lead_auditor_id else [])]
    return impartiality_conflicts(
        auditors=auditors, units=audit.audited_units.all(), processes=audit.audited_processes.all()
    )


def _guard_impartiality(audit: Audit, *, by: User | None, override_reason: str) -> None:
    """Refuse a partial team, unless the quality manager overrides the rule with a reason, which is recorded."""
    conflicts = _audit_conflicts(audit)
    if not conflicts:
        return
    reason = (override_reason or "").strip()
    if not reason or not is_quality_manager(by):
        message = " ".join(conflicts)
        if reason:
            message += " " + _("Only the quality manager may override the impartiality rule.")
        else:
            message += " " + _("An internal auditor may not audit their own work.")
        raise CertificationError(message, field="team")
    audit.impartiality_override_reason = reason
    audit.impartiality_overridden_by = signed_in_user(by)
    audit.impartiality_overridden_at = timezone.now()
    audit.save(
        update_fields=["impartiality_override_reason", "impartiality_overridden_by", "impartiality_overridden_at"]
    )
    log_activity(obj=audit, verb="impartiality_overridden", by=by, details={"reason": reason, "conflicts": conflicts})


# --- Auditors' access ---------------------------------------------------------------------------------------------


def grant_end(audit: Audit) -> datetime.datetime:
    """When the auditors' access ends: the end of the day, the settings' number of days after the audit's last
    day."""
    days = CertificationSettings.get().auditor_grant_days
    last_day = audit.end_date + datetime.timedelta(days=days + 1)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.min))


def audit_sync_grants(*, audit: Audit, by: User | None) -> list[AccessGrant]:
    """Give the lead auditor and the team an access grant to the audit (and through it to its certification's
    matrix, its findings and their actions) that ends after the audit; end the grants of those no longer on it."""
    content_type = ContentType.objects.get_for_model(Audit)
    wanted = {user.pk: user for user in audit.team.all()}
    if audit.lead_auditor_id:
        wanted[audit.lead_auditor_id] = audit.lead_auditor
    until = grant_end(audit)
    now = timezone.now()
    grants = AccessGrant.objects.filter(content_type=content_type, object_id=audit.pk)
    # Those taken off the audit lose their access now.
    grants.exclude(user__in=list(wanted)).active(now).update(valid_until=now)
    kept = []
    for user in wanted.values():
        grant = grants.filter(user=user).order_by("-valid_from", "-pk").first()
        if grant is None:
            grant = AccessGrant.objects.create(
                user=user,
                content_type=content_type,
                object_id=audit.pk,
                valid_from=min(now, until),
                valid_until=until,
                reason=_("Audit %(reference)s") % {"reference": audit.reference},
                granted_by=signed_in_user(by),
            )
        elif grant.valid_until != until:
            grant.valid_until = until
            grant.valid_from = min(grant.valid_from, until)
            grant.save(update_fields=["valid_until", "valid_from"])
        kept.append(grant)
    return kept


# --- Audits -------------------------------------------------------------------------------------------------------


def _check_audit(audit: Audit) -> None:
    if not audit.title.strip():
        raise CertificationError(_("An audit needs a title."), field="title")
    if audit.end_date < audit.start_date:
        raise CertificationError(_("An audit cannot end before it starts."), field="end_date")
    if audit.audit_type not in AuditType.values:
        raise CertificationError(
            _("“%(type)s” is not a type of audit.") % {"type": audit.audit_type}, field="audit_type"
        )
    if audit.certification_id is None and audit.programme_id is None:
        raise CertificationError(_("An audit belongs to a certification or to an internal audit programme."))


def _set_relations(
    audit: Audit,
    team: Iterable[User] | None,
    audited_units: Iterable[OrgUnit] | None,
    audited_processes: Iterable[Process] | None,
) -> dict[str, list]:
    changed = {}
    for name, values in (("team", team), ("audited_units", audited_units), ("audited_processes", audited_processes)):
        if values is None:
            continue
        values = list(values)
        manager = getattr(audit, name)
        before = sorted(manager.values_list("pk", flat=True))
        manager.set(values)
        after = sorted(value.pk for value in values)
        if before != after:
            changed[name] = [[str(v) for v in values]]
    return changed


@transaction.atomic
def audit_create(
    *,
    title: str,
    audit_type: str,
    start_date: datetime.date,
    end_date: datetime.date,
    by: User | None,
    certification: Certification | None = None,
    programme: InternalAuditProgramme | None = None,
    is_internal: bool | None = None,
    team: Iterable[User] = (),
    audited_units: Iterable[OrgUnit] = (),
    audited_processes: Iterable[Process] = (),
    override_reason: str = "",
    plan_file: UploadedFile | None = None,
    **fields: Any,
) -> Audit:
    """Plan an audit of a certification or in an internal audit programme. An internal audit's team is refused
    when a member would audit their own work, unless the quality manager overrides with a reason. The lead
    auditor and the team receive an access grant that ends after the audit."""
    framework = certification.framework if certification is not None else getattr(programme, "framework", None)
    if is_internal is None:
        is_internal = programme is not None or audit_type == AuditType.INTERNAL
    audit = Audit(
        title=title.strip(),
        audit_type=audit_type,
        start_date=start_date,
        end_date=end_date,
        certification=certification,
        programme=programme,
        framework=framework,
        is_internal=is_internal,
        created_by=signed_in_user(by),
    )
    set_fields(audit, fields, AUDIT_FIELDS)
    _check_audit(audit)
    audit.save()
    if plan_file is not None:
        check_upload(plan_file, field="plan_file")
        audit.plan_file.save(plan_file.name, plan_file, save=False)
        Audit.objects.filter(pk=audit.pk).update(plan_file=audit.plan_file.name)
    _set_relations(audit, team, audited_units, audited_processes)
    _guard_impartiality(audit, by=by, override_reason=override_reason)
    record_status(audit, "", audit.status, by=by)
    audit_sync_grants(audit=audit, by=by)
    log_activity(obj=audit, verb="created", by=by, details={"certification": str(certification or "")})
    return audit


@transaction.atomic
def audit_update(
    *,
    audit: Audit,
    by: User | None,
    team: Iterable[User] | None = None,
    audited_units: Iterable[OrgUnit] | None = None,
    audited_processes: Iterable[Process] | None = None,
    override_reason: str = "",
    plan_file: UploadedFile | None = None,
    report_file: UploadedFile | None = None,
    **changes: Any,
) -> Audit:
    """Change an audit's fields, team and scope (its status moves through ``audit_transition``); the
    impartiality rule is checked again and the auditors' grants follow the team and the dates."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    changed = set_fields(audit, changes, AUDIT_FIELDS)
    _check_audit(audit)
    if changed:
        audit.save()
    for name, upload in (("plan_file", plan_file), ("report_file", report_file)):
        if upload is not None:
            check_upload(upload, field=name)
            getattr(audit, name).save(upload.name, upload, save=False)
            Audit.objects.filter(pk=audit.pk).update(**{name: getattr(audit, name).name})
            changed[name] = [None, upload.name]
    changed.update(_set_relations(audit, team, audited_units, audited_processes))
    if {"team", "audited_units", "audited_processes", "lead_auditor"} & set(changed) or override_reason:
        _guard_impartiality(audit, by=by, override_reason=override_reason)
    audit_sync_grants(audit=audit, by=by)
    if changed:
        log_activity(obj=audit, verb="updated", by=by, details={"changes": changed})
    return audit


@transaction.atomic
def audit_transition(
    *,
    audit: Audit,
    to: str,
    by: User | None,
    note: str = "",
    actor: str = Actor.USER,
    at: datetime.datetime | None = None,
) -> Audit:
    """Move an audit through planned → in progress → report received → closed. Starting it freezes its
    certification's matrix in a snapshot; closing it regrades the earlier findings still open where the
    framework says so (Qualiopi: a minor non-conformity becomes major). ``at`` dates the move (a history
    recorded afterwards)."""
    from certifications.services.compliance import snapshot_take
    from certifications.services.findings import regrade_open_findings

    audit = Audit.objects.select_for_update(of=("self",)).select_related("certification").get(pk=audit.pk)
    previous = audit.status
    try:
        AUDIT_WORKFLOW.apply(audit, to, by=by, actor=actor, note=note, at=at, update_fields=["updated_at"])
    except TransitionError as error:
        raise CertificationError(error.message) from None
    log_activity(obj=audit, verb="status_changed", by=by, actor=actor, details={"from": previous, "to": to})
    if to == AuditStatus.IN_PROGRESS and audit.certification_id:
        snapshot_take(
            certification=audit.certification,
            by=by,
            label=_("Start of the audit “%(title)s”") % {"title": audit.title},
            audit=audit,
            at=at,
        )
    if to == AuditStatus.CLOSED:
        regrade_open_findings(audit=audit, by=by, at=at)
    return audit


# --- Internal audit programmes ------------------------------------------------------------------------------------


@transaction.atomic
def programme_save(
    *, by: User | None, programme: InternalAuditProgramme | None = None, **fields: Any
) -> InternalAuditProgramme:
    created = programme is None
    programme = programme or InternalAuditProgramme()
    changed = set_fields(programme, fields, ("year", "title", "framework", "owner", "objectives"))
    if not programme.title.strip():
        raise CertificationError(_("A programme needs a title."), field="title")
    if (
        InternalAuditProgramme.objects.filter(year=programme.year, title=programme.title)
        .exclude(pk=programme.pk)
        .exists()
    ):
        raise CertificationError(_("This year already has a programme of that title."), field="title")
    if created or changed:
        programme.save()
        log_activity(obj=programme, verb="created" if created else "updated", by=by, details={"changes": changed})
    return programme
