"""Reads of the surveys, and who may see and do what (the one place for these checks).

- Campaigns, their counts and rosters: quality officers in scope (the quality manager and directors everywhere,
  a referent where the campaign runs or where one of its targets sits). While a campaign is open nobody sees
  answers: counts only.
- Results, once published: a teacher sees their own courses (``Teaching`` for the campaign's year), a programme
  director their programme's, quality officers everything in their scope. Who besides the teacher sees a
  course's results is a setting (``SurveySettings.course_results_visibility``) that binds everyone, the quality
  manager and the director included, on every page, PDF and export; programme and institution figures stay
  visible to whoever sees the programme or any result of the campaign.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import F, Q, QuerySet

from qms.core.choices import MembershipRole, Role
from qms.core.models import Programme, Teaching
from qms.core.selectors import has_role, is_quality_manager, referent_units, sees_everything, units_in_scope
from surveys.choices import CampaignStatus, CourseResultsVisibility, TargetKind
from surveys.models import Campaign, CampaignTarget, QuestionnaireTemplate, SurveySettings


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- Campaigns (back office) ------------------------------------------------------------------------------------


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """The campaigns ``user`` follows as a quality officer: their status and counts."""
    if not _signed_in(user) or not user.has_perm("surveys.view_campaign"):
        return Campaign.objects.none()
    campaigns = Campaign.objects.select_related("template", "academic_year", "org_unit")
    if sees_everything(user):
        return campaigns
    units = units_in_scope(user)
    if not units:
        return campaigns.none()
    in_scope = Campaign.objects.filter(Q(org_unit__in=units) | Q(targets__scope_unit__in=units)).values("pk")
    return campaigns.filter(pk__in=in_scope)


def targets_in_scope(user, campaign: Campaign) -> set[int] | None:
    """The ids of the targets whose counts ``user`` sees on a campaign (None: all of them)."""
    if sees_everything(user):
        return None
    units = set(units_in_scope(user))
    if campaign.org_unit_id in units:
        return None
    return set(campaign.targets.filter(scope_unit__in=units).values_list("pk", flat=True))


def can_manage_campaign(user, campaign: Campaign | None = None) -> bool:
    """Create and change campaigns, their targets and dates, and move them: the quality manager, and a quality
    referent for a campaign run by one of their units."""
    if not _signed_in(user) or not user.has_perm("surveys.change_campaign"):
        return False
    if is_quality_manager(user):
        return True
    if campaign is None:
        return bool(referent_units(user))
    return campaign.org_unit_id in referent_units(user)


def can_manage_roster(user, campaign: Campaign) -> bool:
    """Import and correct a campaign's roster (it lists students' addresses)."""
    return user.has_perm("surveys.manage_roster") and can_manage_campaign(user, campaign)


def managed_units(user) -> QuerySet | None:
    """The units a user may run campaigns for (None: every unit)."""
    from qms.core.models import OrgUnit

    if is_quality_manager(user):
        return None
    return OrgUnit.objects.filter(pk__in=referent_units(user))


def templates_visible_to(user) -> QuerySet[QuestionnaireTemplate]:
    if not _signed_in(user) or not user.has_perm("surveys.view_questionnairetemplate"):
        return QuestionnaireTemplate.objects.none()
    return QuestionnaireTemplate.objects.all()


def can_edit_templates(user) -> bool:
    return _signed_in(user) and user.has_perm("surveys.change_questionnairetemplate")


# --- Results --------------------------------------------------------------------------------------------------


class ResultsAccess:
    """What one user may see of one published campaign's results."""

    def __init__(self, user, campaign: Campaign) -> None:
        self.user = user
        self.campaign = campaign
        self.visibility = SurveySettings.get().course_results_visibility

    @cached_property
    def signed_in(self) -> bool:
        return _signed_in(self.user)

    @cached_property
    def is_quality_officer_everywhere(self) -> bool:
        return self.signed_in and self.user.has_perm("surveys.view_results") and sees_everything(self.user)

    @cached_property
    def quality_units(self) -> set[int]:
        """Units where the user follows results as a quality referent."""
        if not self.signed_in or not self.user.has_perm("surveys.view_results"):
            return set()
        if not has_role(self.user, Role.QUALITY_REFERENT):
            return set()
        return set(units_in_scope(self.user, [MembershipRole.QUALITY_REFERENT]))

    @cached_property
    def taught_courses(self) -> set[int]:
        if not self.signed_in:
            return set()
        return set(
            Teaching.objects.filter(teacher=self.user, academic_year_id=self.campaign.academic_year_id).values_list(
                "course_id", flat=True
            )
        )

    @cached_property
    def directed_programmes(self) -> set[int]:
        if not self.signed_in:
            return set()
        return set(Programme.objects.filter(director=self.user).values_list("pk", flat=True))

    def quality_officer_for(self, unit_id: int | None) -> bool:
        return self.is_quality_officer_everywhere or (unit_id is not None and unit_id in self.quality_units)

    @property
    def published(self) -> bool:
        return self.campaign.status == CampaignStatus.PUBLISHED

    def sees_target(self, target: CampaignTarget, programme_ids: list[int] = ()) -> bool:
        """A target's own figures: a course's are per-teacher results, under the visibility setting."""
        if not self.published or not self.signed_in:
            return False
        if target.kind == TargetKind.COURSE:
            if target.course_id in self.taught_courses:
                return True
            if self.visibility == CourseResultsVisibility.TEACHER_ONLY:
                return False
            if self.directed_programmes & set(programme_ids):
                return True
            if self.visibility == CourseResultsVisibility.PROGRAMME_DIRECTOR:
                return False
            return self.quality_officer_for(target.scope_unit_id)
        if target.kind == TargetKind.PROGRAMME and target.programme_id in self.directed_programmes:
            return True
        return self.quality_officer_for(target.scope_unit_id)

    def sees_programme(self, programme: Programme) -> bool:
        """A programme's pooled figures: its director and quality officers in scope."""
        if not self.published or not self.signed_in:
            return False
        return programme.pk in self.directed_programmes or self.quality_officer_for(programme.org_unit_id)

    def sees_anything(self, targets: list[CampaignTarget], programmes_of: dict[int, list[int]]) -> bool:
        if not self.published or not self.signed_in:
            return False
        if self.is_quality_officer_everywhere or self.quality_units or self.directed_programmes:
            return True
        return any(self.sees_target(target, programmes_of.get(target.pk, [])) for target in targets)

    @property
    def sees_institution(self) -> bool:
        """The institution's pooled figures: everyone who sees any result of the campaign."""
        return self.published and self.signed_in

    def may_moderate(self, target: CampaignTarget) -> bool:
        return self.user.has_perm("surveys.moderate_comments") and self.quality_officer_for(target.scope_unit_id)

    def may_export_raw(self) -> bool:
        return (
            self.published
            and self.user.has_perm("surveys.export_raw_responses")
            and (self.is_quality_officer_everywhere or bool(self.quality_units))
        )

    def may_reply(self, target: CampaignTarget) -> bool:
        return self.published and target.kind == TargetKind.COURSE and target.course_id in self.taught_courses


def published_campaigns_for(user) -> QuerySet[Campaign]:
    """The published campaigns in which ``user`` may see something: as a teacher of an evaluated course, a
    director of a programme with an evaluated course, or a quality officer in scope."""
    published = Campaign.objects.filter(status=CampaignStatus.PUBLISHED).select_related("academic_year", "template")
    if not _signed_in(user):
        return published.none()
    if user.has_perm("surveys.view_results") and sees_everything(user):
        return published
    query = Q(
        targets__course__teachings__teacher=user,
        targets__course__teachings__academic_year=F("academic_year"),
    )
    query |= Q(targets__course__programmes__director=user) | Q(targets__programme__director=user)
    if user.has_perm("surveys.view_results") and has_role(user, Role.QUALITY_REFERENT):
        units = units_in_scope(user, [MembershipRole.QUALITY_REFERENT])
        if units:
            query |= Q(org_unit__in=units) | Q(targets__scope_unit__in=units)
    return published.filter(pk__in=Campaign.objects.filter(query).values("pk"))


def may_see_results_pages(user) -> bool:
    """Whether "My results" opens for ``user``: a holder of the results permission, a programme director or a
    teacher of record."""
    if not _signed_in(user):
        return False
    if user.has_perm("surveys.view_results"):
        return True
    return Programme.objects.filter(director=user).exists() or Teaching.objects.filter(teacher=user).exists()
