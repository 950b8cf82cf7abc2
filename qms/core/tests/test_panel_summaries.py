"""Object panels may give a plain summary of what they hold, for records and exports (``panels.summaries_for``)."""

from __future__ import annotations

import pytest

from qms.core import panels
from qms.core.models import OrgUnit


@pytest.fixture
def summary_panel():
    calls = []

    def summary(objects):
        calls.append([obj.pk for obj in objects])
        return {obj.pk: [{"reference": f"A-{obj.pk}"}] for obj in objects if obj.code != "empty"}

    panels.register(
        panels.ObjectPanel(
            key="tests.summary",
            applies_to=lambda obj: isinstance(obj, OrgUnit),
            render=lambda r, o: "",
            summary=summary,
            label="Actions",
        )
    )
    panels.register(panels.ObjectPanel(key="tests.plain", applies_to=lambda obj: True, render=lambda r, o: ""))
    yield calls
    panels.unregister("tests.summary")
    panels.unregister("tests.plain")


@pytest.mark.django_db
def test_a_panel_summarises_many_objects_in_one_call(summary_panel):
    units = [OrgUnit.objects.create(kind="service", code=code, name=code) for code in ("a", "empty")]
    result = panels.summaries_for(units)
    assert summary_panel == [[units[0].pk, units[1].pk]]
    assert result == {
        units[0].pk: [{"key": "tests.summary", "label": "Actions", "rows": [{"reference": f"A-{units[0].pk}"}]}],
        units[1].pk: [{"key": "tests.summary", "label": "Actions", "rows": []}],
    }
    assert panels.summaries(units[0]) == result[units[0].pk]
    assert panels.summaries_for([]) == {}
