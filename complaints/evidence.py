"""The helpdesk's named lists (qms.core.evidence): the register of requests, as evidence of complaint handling
(Qualiopi indicator 31, ISO 9001 10.2)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints import statistics
from qms.core import evidence
from qms.core.metrics import Period


@evidence.register(
    "complaints.register",
    title=_("Requests received"),
    description=_("The requests received in the period (spam and duplicates left out), in the register."),
)
def requests_received(period: Period, unit_ids: list[int] | None) -> evidence.ListFigure:
    count = statistics.received_in(period, unit_ids).count()
    query = urlencode({"received_after": period.start.isoformat(), "received_before": period.end.isoformat()})
    return evidence.ListFigure(count=count, url=f"{reverse('complaints:inbox')}?{query}")
