"""The certificate register: certifications, their certificates and their move to a new framework version."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications.choices import CertificationStatus
from certifications.models import (
    ActionCategory,
    Assessment,
    Certificate,
    Certification,
    Condition,
    Evidence,
    Framework,
    VersionChange,
)
from certifications.services.base import CertificationError, set_fields, signed_in_user
from certifications.uploads import check_upload
from certifications.workflows import CERTIFICATION_WORKFLOW
from qms.core.choices import Actor
from qms.core.models import OrgUnit, User
from qms.core.services import log_activity
from qms.core.workflow import TransitionError, record_status

CERTIFICATION_FIELDS = (
    "name",
    "holder",
    "owner",
    "scope",
    "certifying_body",
    "level",
    "is_new_entrant",
    "show_on_public_page",
    "notes",
)


def _check_certification(certification: Certification) -> None:
    if not certification.name.strip():
        raise CertificationError(_("A certification needs a name."), field="name")
    levels = dict(certification.framework.level_choices)
    if certification.level and levels and certification.level not in levels:
        raise CertificationError(_("This level is not one of the framework's."), field="level")


def _set_categories_and_conditions(
    certification: Certification,
    categories: Iterable[ActionCategory] | None,
    conditions: Iterable[Condition] | None,
) -> dict[str, list[str]]:
    changed = {}
    if categories is not None:
        categories = list(categories)
        if any(category.framework_id != certification.framework_id for category in categories):
            raise CertificationError(_("These action categories belong to another framework."), field="categories")
        before = sorted(certification.categories.values_list("code", flat=True))
        certification.categories.set(categories)
        after = sorted(category.code for category in categories)
        if before != after:
            changed["categories"] = [before, after]
    if conditions is not None:
        conditions = list(conditions)
        if any(condition.framework_id != certification.framework_id for condition in conditions):
            raise CertificationError(_("These conditions belong to another framework."), field="conditions")
        before = sorted(certification.conditions.values_list("code", flat=True))
        certification.conditions.set(conditions)
        after = sorted(condition.code for condition in conditions)
        if before != after:
            changed["conditions"] = [before, after]
    return changed


@transaction.atomic
def certification_create(
    *,
    name: str,
    framework: Framework,
    holder: OrgUnit,
    by: User | None,
    categories: Iterable[ActionCategory] = (),
    conditions: Iterable[Condition] = (),
    **fields: Any,
) -> Certification:
    """Record a certification (in preparation) against one version of a framework."""
    certification = Certification(name=name.strip(), framework=framework, holder=holder, created_by=signed_in_user(by))
    set_fields(certification, fields, CERTIFICATION_FIELDS)
    _check_certification(certification)
    certification.save()
    _set_categories_and_conditions(certification, categories, conditions)
    record_status(certification, "", certification.status, by=by)
    log_activity(obj=certification, verb="created", by=by, details={"framework": str(framework)})
    return certification


@transaction.atomic
def certification_update(
    *,
    certification: Certification,
    by: User | None,
    categories: Iterable[ActionCategory] | None = None,
    conditions: Iterable[Condition] | None = None,
    **changes: Any,
) -> Certification:
    """Change a certification's fields, categories and declared conditions (its status moves through
    ``certification_transition``, its framework version through ``certification_move_to_version``)."""
    # The stored row, not the caller's copy: its status may have moved since that copy was read.
    certification = (
        Certification.objects.select_for_update(of=("self",)).select_related("framework").get(pk=certification.pk)
    )
    changed = set_fields(certification, changes, CERTIFICATION_FIELDS)
    _check_certification(certification)
    if changed:
        certification.save(update_fields=[*changed, "updated_at"])
    changed.update(_set_categories_and_conditions(certification, categories, conditions))
    if changed:
        log_activity(obj=certification, verb="updated", by=by, details={"changes": changed})
    return certification


@transaction.atomic
def certification_transition(
    *, certification: Certification, to: str, by: User | None, note: str = "", actor: str = Actor.USER
) -> Certification:
    """Move a certification's status through the workflow table."""
    certification = Certification.objects.select_for_update(of=("self",)).get(pk=certification.pk)
    previous = certification.status
    try:
        CERTIFICATION_WORKFLOW.apply(certification, to, by=by, actor=actor, note=note, update_fields=["updated_at"])
    except TransitionError as error:
        raise CertificationError(error.message) from None
    log_activity(
        obj=certification,
        verb="status_changed",
        by=by,
        actor=actor,
        details={"from": previous, "to": to, "note": note},
    )
    return certification


# --- Certificates -------------------------------------------------------------------------------------------------


def certificate_defaults(
    certification: Certification, issued_on: datetime.date | None
) -> tuple[datetime.date | None, datetime.date | None]:
    """The validity a new certificate gets from the framework's rules: a renewal takes effect the day after the
    previous certificate expires (Qualiopi), otherwise on its date of issue; it lasts the framework's validity."""
    if issued_on is None:
        return None, None
    framework = certification.framework
    latest = certification.certificates.order_by("-valid_from", "-pk").first()
    valid_from = issued_on
    if framework.renewal_takes_effect_after_expiry and latest is not None and latest.valid_until >= issued_on:
        valid_from = latest.valid_until + datetime.timedelta(days=1)
    valid_until = None
    if framework.certificate_validity_months:
        valid_until = (
            valid_from + relativedelta(months=framework.certificate_validity_months) - datetime.timedelta(days=1)
        )
    return valid_from, valid_until


def surveillance_window(certificate: Certificate) -> tuple[datetime.date, datetime.date] | None:
    """When the surveillance audit falls: between the framework's months after the certificate's date of issue
    (Qualiopi: the 14th and the 22nd), or None when the framework gives no such rule."""
    framework = certificate.certification.framework
    if not framework.surveillance_from_month or not framework.surveillance_to_month:
        return None
    return (
        certificate.issued_on + relativedelta(months=framework.surveillance_from_month),
        certificate.issued_on + relativedelta(months=framework.surveillance_to_month),
    )


def _check_certificate(certificate: Certificate) -> None:
    if certificate.valid_from is None or certificate.valid_until is None:
        raise CertificationError(
            _("Give the validity: this framework does not say how long a certificate lasts."), field="valid_until"
        )
    if certificate.valid_until < certificate.valid_from:
        raise CertificationError(_("A certificate cannot end before it starts."), field="valid_until")
    if certificate.issued_on > timezone.localdate():
        raise CertificationError(_("The date of issue cannot be in the future."), field="issued_on")
    number = certificate.number.strip()
    if number and (
        Certificate.objects.filter(certification=certificate.certification_id, number=number)
        .exclude(pk=certificate.pk)
        .exists()
    ):
        raise CertificationError(
            _("Certificate number “%(number)s” is already recorded.") % {"number": number}, field="number"
        )


@transaction.atomic
def certificate_add(
    *,
    certification: Certification,
    issued_on: datetime.date,
    by: User | None,
    number: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    file: UploadedFile | None = None,
    notes: str = "",
) -> Certificate:
    """Record a certificate; validity defaults from the framework's rules (``certificate_defaults``). The first
    certificate of a certification in preparation makes it certified."""
    default_from, default_until = certificate_defaults(certification, issued_on)
    certificate = Certificate(
        certification=certification,
        number=number.strip(),
        issued_on=issued_on,
        valid_from=valid_from or default_from,
        valid_until=valid_until or default_until,
        notes=notes,
        created_by=signed_in_user(by),
    )
    _check_certificate(certificate)
    if file is not None:
        check_upload(file)
        certificate.file.save(file.name, file, save=False)
    certificate.save()
    log_activity(
        obj=certification,
        verb="certificate_added",
        by=by,
        details={"number": certificate.number, "valid_until": certificate.valid_until.isoformat()},
    )
    status = Certification.objects.filter(pk=certification.pk).values_list("status", flat=True).get()
    if status == CertificationStatus.IN_PREPARATION:
        certification_transition(
            certification=certification,
            to=CertificationStatus.CERTIFIED,
            by=by,
            note=_("Certificate %(number)s recorded.") % {"number": certificate.number or certificate.valid_from},
        )
    return certificate


@transaction.atomic
def certificate_update(
    *, certificate: Certificate, by: User | None, file: UploadedFile | None = None, **changes
) -> Certificate:
    changed = set_fields(certificate, changes, ("number", "issued_on", "valid_from", "valid_until", "notes"))
    _check_certificate(certificate)
    if file is not None:
        check_upload(file)
        certificate.file.save(file.name, file, save=False)
        changed["file"] = [None, file.name]
    if changed:
        certificate.save()
        log_activity(obj=certificate.certification, verb="certificate_updated", by=by, details={"changes": changed})
    return certificate


# --- A new version of the framework -------------------------------------------------------------------------------


@transaction.atomic
def certification_move_to_version(
    *, certification: Certification, framework: Framework, by: User | None
) -> VersionChange:
    """Move ``certification`` to another version of its framework. Each compliance status (with its comment,
    owner and evidence) is carried to the requirement with the same reference; the assessments made against the
    earlier version stay as they were. The change lists the leaf requirements that are new and those gone."""
    certification = Certification.objects.select_for_update().select_related("framework").get(pk=certification.pk)
    old = certification.framework
    if framework.pk == old.pk:
        raise CertificationError(_("The certification is already assessed against this version."))
    if framework.code != old.code:
        raise CertificationError(_("This is not a version of the same framework."))
    new_requirements = {r.reference: r for r in framework.requirements.filter(is_leaf=True)}
    old_leaves = set(old.requirements.filter(is_leaf=True).values_list("reference", flat=True))
    carried = 0
    assessments = (
        Assessment.objects.filter(certification=certification, requirement__framework=old)
        .select_related("requirement")
        .prefetch_related("evidence")
    )
    for assessment in assessments:
        target = new_requirements.get(assessment.requirement.reference)
        if target is None:
            continue
        copy, _created = Assessment.objects.update_or_create(
            certification=certification,
            requirement=target,
            defaults={
                "status": assessment.status,
                "justification": assessment.justification,
                "comment": assessment.comment,
                "owner": assessment.owner,
                "reviewed_at": assessment.reviewed_at,
                "reviewed_by": assessment.reviewed_by,
            },
        )
        for evidence in assessment.evidence.all():
            Evidence.objects.create(
                assessment=copy,
                kind=evidence.kind,
                label=evidence.label,
                file=evidence.file.name,
                url=evidence.url,
                document_version=evidence.document_version,
                dated=evidence.dated,
                added_by=evidence.added_by,
                added_at=evidence.added_at,
            )
        carried += 1
    # The categories and the declared conditions follow their codes.
    category_codes = set(certification.categories.values_list("code", flat=True))
    condition_codes = set(certification.conditions.values_list("code", flat=True))
    certification.framework = framework
    certification.save(update_fields=["framework", "updated_at"])
    certification.categories.set(framework.categories.filter(code__in=category_codes))
    certification.conditions.set(framework.conditions.filter(code__in=condition_codes))
    change = VersionChange.objects.create(
        certification=certification,
        from_framework=old,
        to_framework=framework,
        by=signed_in_user(by),
        carried=carried,
        new_references=sorted(set(new_requirements) - old_leaves, key=_natural),
        gone_references=sorted(old_leaves - set(new_requirements), key=_natural),
    )
    log_activity(
        obj=certification,
        verb="version_changed",
        by=by,
        details={"from": str(old), "to": str(framework), "carried": carried},
    )
    return change


def _natural(reference: str) -> list:
    """Sort "I2" before "I10"."""
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", reference)]
