"""What every list page shares: the same context names (``filterset``, ``page_obj``, ``query_string``) for the
includes of ``templates/includes/`` (filter form, pagination, status badge, and ``{% data_table %}``)."""

from __future__ import annotations

from django.http import HttpRequest


def query_string(request: HttpRequest, *, without: tuple[str, ...] = ("page",)) -> str:
    """The request's query string without the page number (or the other parameters named), to build the links of
    the pagination (``?{{ query_string }}&page=2``) and of exports that keep the filters."""
    query = request.GET.copy()
    for name in without:
        query.pop(name, None)
    return query.urlencode()
