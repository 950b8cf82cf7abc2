"""Named lists: what an app can show as evidence of its work, told without importing that app.

An auditor asks for "the complaints handled this year" or "the actions that came out of the surveys". Those
lists live in other apps; a certification's requirement names them by key. Each app registers its lists in
``AppConfig.ready()``, as it registers its metrics::

    from qms.core import evidence

    @evidence.register("complaints.register", title=_("Requests received"))
    def requests_received(period: Period, unit_ids: list[int] | None) -> evidence.ListFigure | None:
        requests = Complaint.objects.filter(received_at__date__range=(period.start, period.end))
        ...
        return evidence.ListFigure(count=requests.count(), url=reverse("complaints:inbox") + "?…")

``unit_ids`` is None for the whole institution, else the ids of the units asked for and all their sub-units (as
for metrics). The link opens the app's own page, which checks its own permissions: the figure says how many,
the page says which, to whoever may read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from qms.core.metrics import Period, expand_units


@dataclass(frozen=True)
class ListFigure:
    """How many items a named list holds for a period and a scope, and where to read them."""

    count: int
    url: str = ""
    title: str = ""  # a more precise title for this period, if the list has one


ListFunction = Callable[[Period, "list[int] | None"], "ListFigure | None"]


@dataclass(frozen=True)
class NamedList:
    key: str
    title: str
    function: ListFunction
    description: str = ""

    def compute(self, period: Period, unit_ids: list[int] | None = None) -> ListFigure | None:
        return self.function(period, unit_ids)


class NamedListRegistry:
    def __init__(self) -> None:
        self._lists: dict[str, NamedList] = {}

    def register(self, key: str, *, title: str, description: str = "") -> Callable[[ListFunction], ListFunction]:
        def decorator(function: ListFunction) -> ListFunction:
            if key in self._lists and self._lists[key].function is not function:
                raise ValueError(f"Named list {key} is registered twice.")
            self._lists[key] = NamedList(key, title, function, description)
            return function

        return decorator

    def unregister(self, key: str) -> None:
        self._lists.pop(key, None)

    def get(self, key: str) -> NamedList:
        try:
            return self._lists[key]
        except KeyError:
            raise KeyError(f"No named list is registered as {key!r}.") from None

    def __contains__(self, key: str) -> bool:
        return key in self._lists

    def all(self) -> list[NamedList]:
        return sorted(self._lists.values(), key=lambda item: item.key)

    def choices(self) -> list[tuple[str, str]]:
        return [(item.key, f"{item.title} ({item.key})") for item in self.all()]

    def compute(self, key: str, period: Period, units: Iterable | None = None) -> ListFigure | None:
        """Compute ``key`` over ``period`` for ``units`` (org units or their ids, sub-units included)."""
        return self.get(key).compute(period, expand_units(units))


registry = NamedListRegistry()
register = registry.register
compute = registry.compute
