import datetime

import pytest
from django.db import models
from django.utils import timezone

from qms.core.choices import Actor
from qms.core.models import OrgUnit
from qms.core.workflow import Move, TransitionError, Workflow, record_status, status_at


class Light(models.TextChoices):
    OFF = "off", "Off"
    ON = "on", "On"
    BROKEN = "broken", "Broken"


def _needs_note(obj, *, note="", **context):
    return None if note else "A note is required."


# OrgUnit has no status field; the workflow is exercised on its "kind" field, any CharField will do.
WORKFLOW = Workflow(
    field="code",
    choices=Light,
    moves=[
        Move(Light.OFF, Light.ON),
        Move(Light.ON, Light.OFF, actors=(Actor.USER, Actor.SYSTEM)),
        Move((Light.OFF, Light.ON), Light.BROKEN, guard=_needs_note),
    ],
)


@pytest.fixture
def lamp(db):
    unit = OrgUnit.objects.create(code=Light.OFF, name="Lamp", kind="service")
    record_status(unit, "", Light.OFF, actor=Actor.SYSTEM)
    return unit


def test_it_applies_an_allowed_move_and_records_it(lamp, quality_manager):
    change = WORKFLOW.apply(lamp, Light.ON, by=quality_manager, note="switched")
    lamp.refresh_from_db()
    assert lamp.code == Light.ON
    assert (change.from_status, change.to_status, change.by, change.note) == ("off", "on", quality_manager, "switched")


def test_it_refuses_a_move_that_is_not_in_the_table(lamp):
    with pytest.raises(TransitionError, match="not allowed"):
        WORKFLOW.apply(lamp, Light.OFF, actor=Actor.SYSTEM)
    lamp.refresh_from_db()
    assert lamp.code == Light.OFF


def test_it_refuses_a_move_made_by_the_wrong_actor(lamp):
    with pytest.raises(TransitionError):
        WORKFLOW.apply(lamp, Light.ON, actor=Actor.SYSTEM)


def test_a_guard_refuses_with_its_message(lamp):
    with pytest.raises(TransitionError, match="A note is required."):
        WORKFLOW.apply(lamp, Light.BROKEN)
    assert WORKFLOW.apply(lamp, Light.BROKEN, note="bulb").to_status == Light.BROKEN


def test_allowed_targets_follow_the_table_and_guards(lamp):
    assert WORKFLOW.allowed_targets(lamp) == [Light.ON]
    assert WORKFLOW.allowed_targets(lamp, note="x") == [Light.ON, Light.BROKEN]


def test_status_can_be_read_back_at_a_past_date(lamp):
    t0 = timezone.now()
    WORKFLOW.apply(lamp, Light.ON, at=t0 + datetime.timedelta(days=1))
    WORKFLOW.apply(lamp, Light.OFF, at=t0 + datetime.timedelta(days=3))
    assert status_at(lamp, t0 - datetime.timedelta(days=1)) is None
    assert status_at(lamp, t0 + datetime.timedelta(hours=1)) == Light.OFF
    assert status_at(lamp, t0 + datetime.timedelta(days=2)) == Light.ON
    assert status_at(lamp, t0 + datetime.timedelta(days=4)) == Light.OFF
