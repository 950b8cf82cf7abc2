"""Risks and review decisions are action sources, told without this app knowing action plans; their pages render the
object panels that other apps register."""

from __future__ import annotations

import pytest

from processes.tests.factories import DecisionFactory, ProcessFactory, ReviewFactory, RiskFactory
from qms.core import panels, sources

pytestmark = pytest.mark.django_db


def test_risks_and_decisions_are_registered_sources(process):
    risk = RiskFactory(process=process, reference="R2-R01", description="Perte de dossiers")
    decision = DecisionFactory(review=ReviewFactory(process=process), position=2, text="Former les agents")
    assert sources.is_source(risk) and sources.is_source(decision)
    assert sources.default_unit(risk) == process.org_unit
    assert sources.default_unit(decision) == process.org_unit
    assert decision.reference == "R2 2025-03-12 D2"


def test_a_source_is_labelled_in_full_only_for_those_who_may_open_it(process, process_owner, referent_letters):
    risk = RiskFactory(process=process, reference="R2-R01", description="Perte de dossiers")
    mine = sources.describe(risk, process_owner)
    assert (mine.text, mine.url) == ("R2-R01 — Perte de dossiers", risk.get_absolute_url())
    theirs = sources.describe(risk, referent_letters)
    assert (theirs.text, theirs.url) == ("R2-R01", None)


@pytest.fixture
def panel():
    seen = []

    def render(request, obj):
        seen.append(obj)
        return f'<section class="test-panel" data-for="{obj._meta.model_name}-{obj.pk}">Actions</section>'

    panels.register(panels.ObjectPanel(key="tests.panel", applies_to=sources.is_source, render=render))
    panels.register(
        panels.ObjectPanel(
            key="tests.process-panel",
            applies_to=lambda obj: obj._meta.label_lower == "processes.process",
            render=lambda request, obj: (
                f'<section class="test-panel" data-for="process-{obj.pk}">Open actions</section>'
            ),
        )
    )
    yield seen
    panels.unregister("tests.panel")
    panels.unregister("tests.process-panel")


def test_the_sheet_the_risk_and_the_review_render_their_panels(client, quality_manager, process, panel):
    risk = RiskFactory(process=process)
    review = ReviewFactory(process=process)
    decision = DecisionFactory(review=review)
    client.force_login(quality_manager)
    assert f'data-for="process-{process.pk}"' in client.get(process.get_absolute_url()).content.decode()
    assert f'data-for="risk-{risk.pk}"' in client.get(risk.get_absolute_url()).content.decode()
    assert f'data-for="reviewdecision-{decision.pk}"' in client.get(review.get_absolute_url()).content.decode()


def test_the_next_review_shows_the_previous_decisions_with_their_panels(client, quality_manager, process, panel):
    earlier = ReviewFactory(process=process, held_on="2024-03-01", status="held")
    decision = DecisionFactory(review=earlier, text="Réécrire la procédure")
    later = ReviewFactory(process=process, held_on="2025-03-01")
    ProcessFactory(code="Z1")
    client.force_login(quality_manager)
    html = client.get(later.get_absolute_url()).content.decode()
    assert 'id="previous-decisions"' in html
    previous = html[html.index('id="previous-decisions"') :]
    assert "Réécrire la procédure" in previous and f'data-for="reviewdecision-{decision.pk}"' in previous
