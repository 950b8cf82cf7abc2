"""Writes of the improvement councils: keyword-only, atomic, logged against the council."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qms.core.files import UploadPolicy, safe_filename
from qms.core.services import log_activity
from qms.core.workflow import TransitionError, record_status
from surveys.councils_choices import CouncilStatus
from surveys.models import Council, CouncilDecision, CouncilInput, CouncilMember
from surveys.services.base import SurveyError
from surveys.workflows import COUNCIL_WORKFLOW

MINUTES_POLICY = UploadPolicy(max_files=1, max_bytes=10 * 1024 * 1024)


def _check_minutes(upload) -> str:
    try:
        return MINUTES_POLICY.check(upload)
    except ValidationError as error:
        raise SurveyError(" ".join(error.messages), field="minutes_file") from error


@transaction.atomic
def council_save(*, council: Council | None = None, by, data: dict, programmes, minutes=None) -> Council:
    """Create or update a council from ``data`` (academic_year, planned_date, held_date, agenda,
    composition_reason) with its ``programmes``; ``minutes`` replaces the minutes file."""
    programmes = list(programmes)
    if not programmes:
        raise SurveyError(_("A council covers at least one programme."), field="programmes")
    content_type = _check_minutes(minutes) if minutes is not None else None
    creating = council is None
    council = council or Council(created_by=by if getattr(by, "is_authenticated", False) else None)
    for name in ("academic_year", "planned_date", "held_date", "agenda", "composition_reason"):
        if name in data:
            value = data[name]
            setattr(council, name, value if name.endswith("date") or name == "academic_year" else (value or ""))
    if not creating and council.status != CouncilStatus.PLANNED and not council.held_date:
        raise SurveyError(_("A council that was held keeps its held date."), field="held_date")
    council.save()
    if not creating:
        used = set(council.decisions.values_list("programme_id", flat=True))
        if used - {p.pk for p in programmes}:
            raise SurveyError(
                _("A programme that has decisions cannot be removed from the council."), field="programmes"
            )
    council.programmes.set(programmes)
    if minutes is not None:
        name = safe_filename(minutes.name)
        council.minutes.save(name, minutes, save=False)
        council.minutes_name = name
        council.minutes_content_type = content_type
        council.save(update_fields=["minutes", "minutes_name", "minutes_content_type"])
    if creating:
        record_status(council, "", council.status, by=by)
    log_activity(obj=council, verb="created" if creating else "updated", by=by)
    return council


@transaction.atomic
def council_transition(*, council: Council, to: str, by, note: str = "") -> Council:
    try:
        COUNCIL_WORKFLOW.apply(council, to, by=by, note=note)
    except TransitionError as error:
        raise SurveyError(error.message) from error
    log_activity(obj=council, verb=f"status:{to}", by=by)
    return council


@transaction.atomic
def member_save(*, council: Council, by, member: CouncilMember | None = None, data: dict) -> CouncilMember:
    """Add or change a member from ``data`` (``user``: an account, or ``name`` for someone without one; ``role``,
    ``attended``). A linked member keeps its account's name, which stays if the account goes."""
    user = data.get("user")
    name = (data.get("name") or "").strip()
    if not name and user is None:
        raise SurveyError(_("Give the member's name or choose their account."), field="name")
    member = member or CouncilMember(council=council)
    if member.council_id != council.pk:
        raise SurveyError(_("This member sits on another council."))
    if user is not None and council.members.filter(user=user).exclude(pk=member.pk).exists():
        raise SurveyError(_("%(name)s already sits on this council.") % {"name": user}, field="user")
    member.user = user
    member.name = str(user)[:200] if user is not None else name
    member.role = data["role"]
    member.attended = bool(data.get("attended"))
    member.save()
    log_activity(obj=council, verb="member saved", by=by, details={"member": member.pk})
    return member


@transaction.atomic
def member_remove(*, council: Council, member: CouncilMember, by) -> None:
    if council.status != CouncilStatus.PLANNED:
        raise SurveyError(_("The composition of a council that was held is kept: mark the member absent instead."))
    log_activity(obj=council, verb="member removed", by=by, details={"member": member.display_name})
    member.delete()


@transaction.atomic
def input_add(*, council: Council, by, title: str, url: str = "", note: str = "") -> CouncilInput:
    if url and not url.startswith("/"):
        raise SurveyError(_("Give an address in the application, starting with “/”."), field="url")
    item = CouncilInput.objects.create(council=council, title=title, url=url, note=note)
    log_activity(obj=council, verb="input added", by=by, details={"input": item.pk})
    return item


@transaction.atomic
def decision_add(*, council: Council, by, programme, text: str) -> CouncilDecision:
    if not council.programmes.filter(pk=programme.pk).exists():
        raise SurveyError(_("The decision must concern one of the council's programmes."), field="programme")
    if not text.strip():
        raise SurveyError(_("Write the decision."), field="text")
    Council.objects.select_for_update().filter(pk=council.pk).first()
    last = council.decisions.filter(programme=programme).aggregate(n=Max("number"))["n"] or 0
    decision = CouncilDecision.objects.create(council=council, programme=programme, number=last + 1, text=text.strip())
    log_activity(obj=council, verb="decision added", by=by, details={"decision": decision.pk})
    return decision


@transaction.atomic
def decision_archive(*, decision: CouncilDecision, by, archived: bool = True) -> CouncilDecision:
    decision.archived = archived
    decision.save(update_fields=["archived"])
    log_activity(obj=decision.council, verb="decision archived" if archived else "decision restored", by=by)
    return decision
