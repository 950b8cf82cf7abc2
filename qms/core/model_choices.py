"""Model choices (a drop-down of units, processes, plans …) read in one plain query.

Django reads a ``ModelChoiceField``'s choices through ``QuerySet.iterator()``: on PostgreSQL a server-side cursor
(DECLARE … WITH HOLD, FETCH, CLOSE), made for lists too long to hold in memory. A choice list never is: the page
holds every option anyway. The cursor costs two more round trips and a copy of the rows on the server, about a
millisecond a field, and a page shows several (the request page three, the action list's filters four).

``install()`` (``qms.core.apps``) gives Django's and django-filter's model choice fields an iterator that reads
the queryset as a list, once per iteration, as Django's did with its cursor."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django_filters import fields as filter_fields


class ListedModelChoiceIterator(ModelChoiceIterator):
    """Django's model choices, read without a server-side cursor."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A fresh query each time the choices are read, as Django's iterator() did: never a stale result cache.
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedFilterChoiceIterator(filter_fields.ModelChoiceIterator, ListedModelChoiceIterator):
    """django-filter's model choices (its "null" choice after the empty one), read as above."""


def install() -> None:
    forms.ModelChoiceField.iterator = ListedModelChoiceIterator
    filter_fields.ModelChoiceField.iterator = ListedFilterChoiceIterator
    filter_fields.ModelMultipleChoiceField.iterator = ListedFilterChoiceIterator


def cached_choices(field: forms.ModelChoiceField, name: str) -> None:
    """Show ``field``'s options from the shared cache, built once for each version of the configuration and each
    language (``qms.core.config_cache``), instead of reading its queryset on every page: the drop-downs of a page
    seen many times a day (the request page's units, processes, root causes …). What is accepted is still decided
    by the field's queryset, read when a form is sent.

    Only for a model whose saves and deletions bump the configuration's version (``config_cache.bump``), so that
    a new or renamed option shows at once. Set the field's queryset first: setting it resets the options."""
    from django.utils import translation

    from qms.core import config_cache

    def build() -> list[tuple]:
        options = [("", field.empty_label)] if field.empty_label is not None else []
        options += [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset.all()]
        return [(value, str(label)) for value, label in options]

    field.choices = config_cache.cached(f"choices:{name}:{translation.get_language()}", build)
