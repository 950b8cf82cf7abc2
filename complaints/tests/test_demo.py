"""The demo helpdesk: about 300 requests over two years, in every status, with a consistent history, some overdue,
redirected or sensitive, ratings, corrective actions, its configuration, no email; and a second run adds nothing."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from complaints import demo
from complaints.choices import ComplaintStatus, MessageKind
from complaints.models import Complaint, ComplaintMessage, RedirectBody, ReplyTemplate, RootCauseCategory
from complaints.services import refresh_deadlines
from complaints.statistics import complaint_statistics
from complaints.workflows import WORKFLOW
from qms.core.calendar import WorkingCalendar
from qms.core.choices import Actor, MembershipRole, OrgUnitKind, Role
from qms.core.factories import MembershipFactory, OrgUnitFactory, ProgrammeFactory, UserFactory
from qms.core.metrics import Period
from qms.core.models import ActivityLog, StatusChange
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

S = ComplaintStatus
TODAY = datetime.date(2026, 3, 16)


@pytest.fixture
def university(time_machine):
    """The part of the demo university that the helpdesk demo looks up (qms.core.demo builds it in full)."""
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 3, 16, 10, 0)), tick=False)
    root = OrgUnitFactory(code="udemo", name="Université de démonstration", kind=OrgUnitKind.INSTITUTION)
    units = {"udemo": root}
    for code, name, parent in [
        ("ufr-sciences", "UFR Sciences et techniques", "udemo"),
        ("dept-informatique", "Département d'informatique", "ufr-sciences"),
        ("ufr-lettres", "UFR Lettres", "udemo"),
        ("ufr-droit", "UFR Droit", "udemo"),
        ("iae", "IAE", "udemo"),
        ("svc-scolarite", "Scolarité", "udemo"),
        ("bu", "Bibliothèque universitaire", "udemo"),
        ("svc-vie-etudiante", "Vie étudiante", "udemo"),
        ("svc-handicap", "Mission handicap", "svc-vie-etudiante"),
        ("svc-ri", "Relations internationales", "udemo"),
        ("dsi", "DSI", "udemo"),
    ]:
        units[code] = OrgUnitFactory(code=code, name=name, parent=units[parent])
    ProgrammeFactory(code="L-INFO", name="Licence Informatique", org_unit=units["dept-informatique"])
    UserFactory(username="qualite", roles=[Role.QUALITY_MANAGER])
    UserFactory(username="cellule.ecoute", roles=[Role.SENSITIVE_CASES])
    UserFactory(username="agent", roles=[Role.STAFF])
    for username, code in [("referent.sciences", "ufr-sciences"), ("referent.lettres", "ufr-lettres")]:
        user = UserFactory(username=username, roles=[Role.QUALITY_REFERENT])
        MembershipFactory(user=user, org_unit=units[code], role=MembershipRole.QUALITY_REFERENT)
    return units


def counts() -> dict[str, int]:
    from actionplans.models import Action, ActionSource

    return {
        "requests": Complaint.objects.count(),
        "changes": StatusChange.objects.count(),
        "messages": ComplaintMessage.objects.count(),
        "actions": Action.objects.count(),
        "sources": ActionSource.objects.count(),
        "templates": ReplyTemplate.objects.count(),
        "bodies": RedirectBody.objects.count(),
        "causes": RootCauseCategory.objects.count(),
    }


def test_the_demo_is_believable_consistent_and_added_once(university):
    out = StringIO()
    demo.seed(stdout=out)
    assert out.getvalue().startswith("Helpdesk: 300 requests")

    complaints = list(Complaint.objects.select_related("redirect_body", "duplicate_of"))
    assert len(complaints) == demo.SIZE
    statuses = Counter(c.status for c in complaints)
    # Every status a request rests in (the submission acknowledges it at once), most of them closed.
    assert set(statuses) == set(S.values) - {S.NEW}
    assert statuses[S.CLOSED] > 150
    # Over the last two years, never in the future.
    now = timezone.now()
    assert min(c.received_at for c in complaints) >= now - datetime.timedelta(days=731)
    assert max(c.received_at for c in complaints) < now
    assert min(c.received_at for c in complaints) < now - datetime.timedelta(days=600)
    # Some overdue, some redirected (with their body), a few sensitive, ratings on answered ones only.
    assert Complaint.objects.overdue(TODAY).count() >= 3
    redirected = [c for c in complaints if c.status == S.REDIRECTED]
    assert redirected and all(c.redirect_body is not None for c in redirected)
    assert 1 <= sum(c.is_sensitive for c in complaints) <= 10
    rated = [c for c in complaints if c.rating]
    assert len(rated) > 50
    assert all(c.answered_at and c.rated_at and c.answered_at <= c.rated_at for c in rated)
    assert all(c.duplicate_of.received_at < c.received_at for c in complaints if c.status == S.DUPLICATE)
    # Realistic French subjects of each kind.
    subjects = {c.subject for c in complaints}
    assert {"Wi-Fi inutilisable à la BU", "Bourse CROUS non versée"} & subjects
    assert any("Emploi du temps" in subject for subject in subjects)
    # Anonymous requests and requests with an address.
    assert any(c.is_anonymous for c in complaints) and any(c.email for c in complaints)


def test_each_request_has_the_history_and_deadlines_the_services_would_have_given_it(university):
    demo.seed()
    content_type = ContentType.objects.get_for_model(Complaint)
    history: dict[int, list[StatusChange]] = {}
    for change in StatusChange.objects.filter(content_type=content_type).order_by("at", "pk"):
        history.setdefault(change.object_id, []).append(change)
    finals = set(ComplaintMessage.objects.filter(kind=MessageKind.FINAL_ANSWER).values_list("complaint_id", flat=True))
    calendar = WorkingCalendar()
    references = set()
    for complaint in Complaint.objects.order_by("received_at"):
        changes = history[complaint.pk]
        assert (changes[0].from_status, changes[0].to_status) == ("", S.NEW)
        assert changes[-1].to_status == complaint.status, complaint.reference
        assert all(a.to_status == b.from_status for a, b in zip(changes, changes[1:], strict=False))
        assert all(a.at <= b.at for a, b in zip(changes, changes[1:], strict=False))
        assert complaint.reference.startswith(f"REC-{timezone.localtime(complaint.received_at).year}-")
        references.add(complaint.reference)
        assert complaint.take_charge_due == calendar.add_working_days(
            complaint.clock_started_on, complaint.take_charge_days
        )
        if complaint.status in (S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING, S.ANSWERED, S.CLOSED):
            assert complaint.answer_due == calendar.add_working_days(
                complaint.clock_started_on, complaint.answer_days + complaint.paused_days
            )
        if complaint.taken_in_charge_at:
            assert complaint.taken_in_charge_at >= complaint.received_at
        if complaint.status in (S.ANSWERED, S.CLOSED):
            assert complaint.answered_at and complaint.pk in finals
        if complaint.status == S.CLOSED:
            assert complaint.closed_at >= complaint.answered_at
        if complaint.status == S.WAITING:
            assert complaint.paused_since is not None
    assert len(references) == demo.SIZE


def test_every_request_moved_through_the_services_to_its_status_with_the_deadlines_they_compute(university):
    demo.seed()
    content_type = ContentType.objects.get_for_model(Complaint)
    allowed = {
        (source, target, actor)
        for sources, target, actors in WORKFLOW.table()
        for source in sources
        for actor in actors
    }
    history: dict[int, list[StatusChange]] = {}
    for change in StatusChange.objects.filter(content_type=content_type).order_by("at", "pk"):
        history.setdefault(change.object_id, []).append(change)
    # complaint_transition logs each move it makes, at the moment of the move (the purge keeps the line, not what
    # it says).
    logged_moves = Counter(
        (log.object_id, log.at) for log in ActivityLog.objects.filter(content_type=content_type, verb="moved")
    )
    moves: Counter = Counter()
    for complaint in Complaint.objects.all():
        changes = history[complaint.pk]
        # Filed (new) and acknowledged at once by the submission, then one allowed move after the other, each made
        # by whom the workflow lets make it, up to the status the request is in.
        assert [(c.from_status, c.to_status, c.at) for c in changes[:2]] == [
            ("", S.NEW, complaint.received_at),
            (S.NEW, S.ACKNOWLEDGED, complaint.received_at),
        ]
        assert changes[1].actor == Actor.SYSTEM and complaint.acknowledged_at == complaint.received_at
        for previous, change in zip(changes[1:], changes[2:], strict=False):
            assert change.from_status == previous.to_status, complaint.reference
            assert (change.from_status, change.to_status, change.actor) in allowed, complaint.reference
            moves[(complaint.pk, change.at)] += 1
        assert changes[-1].to_status == complaint.status, complaint.reference
        # The due dates stored are those the service computes from the request as it stands.
        assert refresh_deadlines(complaint) == [], complaint.reference
    assert moves == logged_moves and moves.total() > demo.SIZE
    # What a move says to the requester is dated with it.
    answered = {(c.object_id, c.at) for cs in history.values() for c in cs if c.to_status == S.ANSWERED}
    answers = ComplaintMessage.objects.filter(kind=MessageKind.FINAL_ANSWER)
    assert answers and all((message.complaint_id, message.created_at) in answered for message in answers)


def test_the_figures_look_real(university):
    demo.seed()
    stats = complaint_statistics(period=Period(TODAY - datetime.timedelta(days=365), TODAY))
    assert stats.received > 100
    assert 85 <= stats.handled_rate.value <= 100
    assert 60 <= stats.answered_on_time_rate.value < 100
    assert 50 <= stats.satisfaction_rate.value < 95
    assert stats.median_take_charge_days.value <= 2
    assert 2 <= stats.median_answer_days.value <= 15


def test_the_configuration_actions_and_no_email(university):
    from actionplans.models import ActionSource

    demo.seed()
    assert RedirectBody.objects.filter(name="CROUS de l'académie").exists()
    assert RootCauseCategory.objects.count() == len(demo.ROOT_CAUSES)
    templates = ReplyTemplate.objects.all()
    assert len(templates) == len(demo.REPLY_TEMPLATES)
    assert all(t.body_fr and t.body_en for t in templates)
    links = ActionSource.objects.filter(content_type=ContentType.objects.get_for_model(Complaint))
    assert links.count() >= 5
    assert links.values("action").distinct().count() < links.count()  # one action answers several requests
    assert not OutboxEmail.objects.exists()


def test_a_second_run_adds_nothing(university):
    demo.seed()
    first = counts()
    out = StringIO()
    demo.seed(stdout=out)
    assert counts() == first
    assert "already there" in out.getvalue()
