"""Widgets shared by every app: the date input, the list of names written in the institution's language, and the
one picker for long lists (people, actions), an accessible autocomplete in place of a <select> of thousands.

``Autocomplete`` (ModelChoiceField) and ``AutocompleteMultiple`` (ModelMultipleChoiceField) render only the
selected option(s) on the server, never the whole queryset. static/js/autocomplete.js turns the text box next to
them into an ARIA combobox that asks a JSON endpoint for at most 20 matches.

Without JavaScript, the text box (named ``<field>_search``) still works: on submit, the widget looks the text up
in the field's own queryset (the allowed set): an exact match (a username or an email address for people, a
reference for actions), else a single match of the search, is chosen. When several match, the form is refused
and shown again with those matches (at most 20) as the options of the list, to pick one and submit again.

The field's queryset is untouched, so the form still refuses any object outside the allowed set."""

from __future__ import annotations

import json
from collections.abc import Callable

from django import forms
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from qms.core.languages import content_language
from qms.core.search import SEARCH_LIMIT, sign_scope
from qms.core.selectors import search_users, users_matching_exactly

SEARCH_SUFFIX = "_search"
# Many references or names typed at once in the fallback box: only the first ones count.
MAX_TYPED = 20

Finder = Callable[[models.QuerySet, str], models.QuerySet]


class DateInput(forms.DateInput):
    """The browser's date picker (``<input type="date">``), which reads and writes ISO dates whatever the
    language of the page."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ContentLangSelect(forms.Select):
    """A list of names written in the institution's language (units, programmes) rather than translated: on a
    page in another language each option says so (``lang="fr"``, RGAA 8.7); the empty choice ("All", "---------")
    is the page's own."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        language = content_language()
        if language and value not in (None, ""):
            option["attrs"] = {**option["attrs"], "lang": language}
        return option


class Autocomplete(forms.Select):
    """A single choice among many, searched as you type.

    ``url``: the URL name of the JSON search; ``params``: what the page passes to it (a signed scope, ids to
    leave out …); ``find`` and ``exact``: how the fallback text box searches the field's queryset;
    ``placeholder`` and ``hint``: what the text box says."""

    template_name = "core/widgets/autocomplete.html"
    option_template_name = "django/forms/widgets/select_option.html"
    allow_multiple_selected = False

    def __init__(
        self,
        *,
        url: str,
        params: dict | None = None,
        find: Finder = search_users,
        exact: Finder = users_matching_exactly,
        placeholder: str = "",
        hint: str = "",
        attrs: dict | None = None,
    ):
        super().__init__(attrs=attrs)
        self.url = url
        self.params = dict(params or {})
        self.find = find
        self.exact = exact
        self.placeholder = placeholder
        self.hint = hint
        self.candidates: list = []
        self.typed = ""
        self.unresolved: set[str] = set()
        self._resolved: dict[str, str | None] = {}

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        copy.candidates = []
        copy.unresolved = set()
        copy._resolved = {}
        return copy

    # --- Rendering: the selected options only -------------------------------------------------------------
    def _queryset(self) -> models.QuerySet | None:
        return getattr(self.choices, "queryset", None)

    def optgroups(self, name, value, attrs=None):
        """Only the chosen option(s), the empty choice of a single select, and the matches of a refused search."""
        field = getattr(self.choices, "field", None)
        queryset = self._queryset()
        groups = []
        index = 0
        if not self.allow_multiple_selected and field is not None and field.empty_label is not None:
            groups.append((None, [self.create_option(name, "", field.empty_label, not any(value), index)], index))
            index += 1
        if queryset is None or field is None:
            return groups
        wanted = [str(v) for v in value if v not in ("", None)]
        looked_up = [v for v in wanted if v not in self.unresolved]
        chosen: list = []
        if looked_up:
            key = field.to_field_name or "pk"
            try:
                chosen = list(queryset.filter(**{f"{key}__in": looked_up}))
            except (ValueError, TypeError, forms.ValidationError):
                chosen = []
        seen = set()
        for obj in [*chosen, *self.candidates]:
            option_value = str(field.prepare_value(obj))
            if option_value in seen:
                continue
            seen.add(option_value)
            selected = option_value in wanted
            option = self.create_option(name, option_value, field.label_from_instance(obj), selected, index)
            groups.append((None, [option], index))
            index += 1
        return groups

    def search_url(self) -> str:
        url = reverse(self.url)
        params = {key: value for key, value in self.params.items() if value not in ("", None)}
        return f"{url}?{urlencode(params)}" if params else url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "search_name": name + SEARCH_SUFFIX,
                "search_id": widget_id + SEARCH_SUFFIX,
                "listbox_id": widget_id + "_listbox",
                "status_id": widget_id + "_status",
                "hint_id": widget_id + "_hint",
                "search_url": self.search_url(),
                "placeholder": self.placeholder,
                "hint": self.hint,
                "typed": self.typed,
                "candidates": len(self.candidates),
                "limit": SEARCH_LIMIT,
                "multiple": self.allow_multiple_selected,
                "describedby": widget["attrs"].pop("aria-describedby", ""),
                "labels": json.dumps(
                    {
                        "remove": str(_("Remove")),
                        "none": str(_("No match.")),
                        "more": str(_("More matches: type a few more letters.")),
                        "count": str(_("Matches:")),
                        "error": str(_("The search failed; try again.")),
                    }
                ),
            }
        )
        return context

    def use_required_attribute(self, initial):
        # A browser would refuse to submit a hidden or empty required list, before the text box is looked at.
        return False

    def id_for_label(self, id_):
        # The label names the text box, where people type: the combobox with JavaScript, the search box without.
        return f"{id_}{SEARCH_SUFFIX}" if id_ else id_

    # --- Reading the submitted form ------------------------------------------------------------------------
    def _resolve(self, text: str) -> str | None:
        """The value the typed ``text`` stands for in the field's queryset, or None (and the candidates kept).
        Remembered: a bound field reads its data more than once."""
        if text not in self._resolved:
            self._resolved[text] = self._lookup(text)
        if self._resolved[text] is None:
            self.unresolved.add(text)
        return self._resolved[text]

    def _lookup(self, text: str) -> str | None:
        queryset = self._queryset()
        field = getattr(self.choices, "field", None)
        if queryset is None or field is None:
            return None
        exact = list(self.exact(queryset, text)[:2])
        found = exact if len(exact) == 1 else list(self.find(queryset, text)[: SEARCH_LIMIT + 1])
        if len(found) == 1:
            return str(field.prepare_value(found[0]))
        self.candidates += found[:SEARCH_LIMIT]
        return None

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        self.typed = (data.get(name + SEARCH_SUFFIX) or "").strip()
        if not self.typed:
            return value
        resolved = self._resolve(self.typed)
        # An unresolved text stays the value, so that the field refuses it as an invalid choice.
        return resolved if resolved is not None else self.typed

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and name + SEARCH_SUFFIX not in data


class AutocompleteMultiple(Autocomplete, forms.SelectMultiple):
    """Several choices among many; in the fallback text box, several values are separated by commas or
    semicolons."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        value = list(forms.SelectMultiple.value_from_datadict(self, data, files, name) or [])
        self.typed = (data.get(name + SEARCH_SUFFIX) or "").strip()
        pieces = [piece.strip() for piece in self.typed.replace(";", ",").split(",") if piece.strip()]
        for piece in pieces[:MAX_TYPED]:
            resolved = self._resolve(piece)
            value.append(resolved if resolved is not None else piece)
        return value

    def value_omitted_from_data(self, data, files, name):
        return False


def user_picker(*, scope: str, user, argument: str = "", multiple: bool = False, **kwargs) -> Autocomplete:
    """The people picker, searching "core:user-search" within ``scope`` (a name given to
    ``qms.core.search.register_user_scope``) and its ``argument``: a token signed for ``user``, the person the
    form is shown to. The search answers names and units only; the field's queryset still decides what is
    accepted."""
    params = {"scope": sign_scope(scope, argument, user=user)}
    widget_class = AutocompleteMultiple if multiple else Autocomplete
    kwargs.setdefault("placeholder", _("Type a name or a username"))
    kwargs.setdefault(
        "hint", _("Type at least two letters, then choose in the list; or type a username or an email address.")
    )
    return widget_class(
        url="core:user-search", params=params, find=search_users, exact=users_matching_exactly, **kwargs
    )


def set_user_picker(field: forms.ModelChoiceField, **kwargs) -> None:
    """Give ``field`` a people picker (see ``user_picker``), keeping the field's choices and requiredness."""
    field.widget = user_picker(multiple=isinstance(field, forms.ModelMultipleChoiceField), **kwargs)
    field.widget.choices = field.choices
    field.widget.is_required = field.required
