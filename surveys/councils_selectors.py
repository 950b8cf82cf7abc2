"""Who sees and edits which improvement councils, in one place.

- Quality managers (and directors, read only) see every council; quality referents see and edit the councils of
  the programmes of their units.
- A programme's director (``Programme.director``, not a role) plans and records its councils.
- A teacher of a programme (``Teaching`` of one of its courses) reads its councils once the minutes are published.
- A member linked to an account (a teacher, a student who signs in) opens the councils they sit on, and reads the
  minutes once published.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from qms.core.choices import Role
from qms.core.models import AcademicYear, Programme, User
from qms.core.selectors import has_role, is_quality_manager, referent_units, sees_everything
from surveys.councils_choices import CouncilStatus
from surveys.models import Council, CouncilDecision

HELD_STATUSES = (CouncilStatus.HELD, CouncilStatus.MINUTES_PUBLISHED)


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def editable_programmes(user) -> QuerySet[Programme]:
    """The programmes whose councils ``user`` may plan and record."""
    if not _authenticated(user):
        return Programme.objects.none()
    if is_quality_manager(user):
        return Programme.objects.all()
    query = Q(director=user)
    if has_role(user, Role.QUALITY_REFERENT):
        units = referent_units(user)
        if units:
            query |= Q(org_unit__in=units)
    return Programme.objects.filter(query)


def year_programmes(user) -> QuerySet[Programme]:
    """The programmes listed on the year page for ``user``: those they edit, or all for those who see everything."""
    if not _authenticated(user):
        return Programme.objects.none()
    if sees_everything(user):
        return Programme.objects.all()
    return editable_programmes(user)


def may_see_year_page(user) -> bool:
    """Whoever the menu offers the page to (by role, costing no query), a programme's director, and anyone who may
    open a council: the page narrows to what each may see, and says so when there is nothing yet."""
    if not _authenticated(user):
        return False
    if has_role(user, Role.QUALITY_MANAGER, Role.DIRECTOR, Role.QUALITY_REFERENT, Role.TEACHER):
        return True
    return user.directed_programmes.exists() or councils_visible_to(user).exists()


def councils_visible_to(user) -> QuerySet[Council]:
    """The councils ``user`` may open."""
    if not _authenticated(user):
        return Council.objects.none()
    if sees_everything(user):
        return Council.objects.all()
    editable = editable_programmes(user).values("pk")
    taught = Programme.objects.filter(courses__teachings__teacher=user).values("pk")
    ids = Council.objects.filter(
        Q(programmes__in=editable)
        | Q(programmes__in=taught, status=CouncilStatus.MINUTES_PUBLISHED)
        | Q(members__user=user)
    ).values("pk")
    return Council.objects.filter(pk__in=ids)


def other_councils_of_year(user, year: AcademicYear) -> tuple[list[Council], list[Council]]:
    """The councils of ``year`` that ``user`` may open outside the programmes listed for them on the year page:
    those they sit on (any status), then the others (a teacher's programmes' published minutes)."""
    listed = year_programmes(user).values("pk")
    councils = list(
        councils_visible_to(user)
        .filter(academic_year=year)
        .exclude(programmes__in=listed)
        .annotate(sits=Count("members", filter=Q(members__user=user)))
        .prefetch_related("programmes")
        .order_by("held_date", "planned_date", "pk")
    )
    return [c for c in councils if c.sits], [c for c in councils if not c.sits]


def can_edit_council(user, council: Council) -> bool:
    """Plan and record ``council``: a quality manager, a referent of one of its programmes' units, or the director
    of one of its programmes."""
    if not _authenticated(user):
        return False
    if is_quality_manager(user):
        return True
    return council.programmes.filter(pk__in=editable_programmes(user).values("pk")).exists()


def can_read_minutes(user, council: Council) -> bool:
    """The minutes: those who edit the council at any time, the others who see it once published."""
    if not council.minutes:
        return False
    if can_edit_council(user, council):
        return True
    return council.minutes_published and councils_visible_to(user).filter(pk=council.pk).exists()


def year_rows(user, year: AcademicYear, *, unit=None, level: str = "") -> list[tuple[Programme, list[Council]]]:
    """Every active programme in ``user``'s scope with its councils of ``year`` (a constant number of queries)."""
    programmes = year_programmes(user).filter(is_active=True).select_related("org_unit", "director")
    if unit is not None:
        programmes = programmes.filter(org_unit__path__startswith=unit.path)
    if level:
        programmes = programmes.filter(level=level)
    councils = Council.objects.filter(academic_year=year).order_by("planned_date", "pk")
    programmes = programmes.prefetch_related(Prefetch("councils", queryset=councils, to_attr="year_councils"))
    return [(programme, programme.year_councils) for programme in programmes.order_by("name", "pk")]


def council_state(councils: list[Council]) -> str:
    """``held`` when one of ``councils`` was held, ``planned`` when one is planned, else ``missing``."""
    if any(c.status in HELD_STATUSES for c in councils):
        return "held"
    if councils:
        return "planned"
    return "missing"


def previous_decisions(council: Council) -> list[tuple[Programme, Council, list[CouncilDecision]]]:
    """For each programme of ``council``, its previous council (an earlier year) and that council's decisions."""
    rows = []
    start = council.academic_year.start_date
    for programme in council.programmes.all():
        previous = (
            Council.objects.filter(programmes=programme, academic_year__start_date__lt=start)
            .select_related("academic_year")
            .order_by("-academic_year__start_date", "-held_date", "-pk")
            .first()
        )
        if previous is None:
            continue
        decisions = list(
            previous.decisions.filter(programme=programme).select_related("programme", "council__academic_year")
        )
        rows.append((programme, previous, decisions))
    return rows


# --- The people picker of the members' form (registered in surveys.apps) -------------------------------------------

COUNCIL_PEOPLE_SCOPE = "surveys.council-members"


def council_people() -> QuerySet[User]:
    """Who may be linked to a council seat: anyone who can sign in."""
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def council_people_for_picker(user, argument: str) -> QuerySet[User] | None:
    """The people the members' picker offers, to whoever may edit the council named by ``argument``
    ("council:<pk>"); None otherwise."""
    kind, _sep, rest = (argument or "").partition(":")
    if kind != "council" or not rest.isdigit():
        return None
    council = councils_visible_to(user).filter(pk=int(rest)).first()
    if council is None or not can_edit_council(user, council):
        return None
    return council_people()
