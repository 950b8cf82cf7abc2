"""Actions answering a source: one page, for every app's objects, to create an action or link existing ones."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from actionplans import services
from actionplans.forms import SourceActionForm, SourceLinkForm
from actionplans.selectors import actions_of_object, can_add_to_default_plan, can_create_for_source, can_link_to_source
from qms.core import sources
from qms.core.domain import errors_on


class SourceActionsView(UserPassesTestMixin, TemplateView):
    """Create an action answering any registered source (a request, a risk, a finding …), or link existing ones
    to it. Any app opens it with its object: ``reverse("actionplans:source-actions", args=[sources.key(obj),
    obj.pk])``, as the "Actions" panel does. The source must be one the user may open (404 otherwise); the
    source says whether they may work on it, and the action plans whether they may add to a plan (the default
    plan included) or edit the actions they link (403 otherwise)."""

    raise_exception = True
    template_name = "actionplans/source_actions.html"

    @cached_property
    def source(self):
        source_type = sources.get_by_key(self.kwargs["source_key"])
        if source_type is None:
            raise Http404
        obj = source_type.model._default_manager.filter(pk=self.kwargs["object_id"]).first()
        if obj is None or not source_type.can_open(self.request.user, obj):
            raise Http404
        return obj

    @cached_property
    def may_create(self) -> bool:
        return can_create_for_source(self.request.user, self.source)

    @cached_property
    def may_link(self) -> bool:
        return can_link_to_source(self.request.user, self.source)

    def test_func(self) -> bool:
        return self.may_create or self.may_link

    def forms(self, data=None, posted: str = ""):
        user, source = self.request.user, self.source
        create = link = None
        if self.may_create:
            create = SourceActionForm(data if posted == "create" else None, source=source, user=user, prefix="create")
        if self.may_link:
            link = SourceLinkForm(data if posted == "link" else None, source=source, user=user, prefix="link")
        return create, link

    def back_url(self) -> str:
        get_url = getattr(self.source, "get_absolute_url", None)
        return get_url() if get_url else reverse("actionplans:action-list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        create, link = kwargs.pop("create_form", None), kwargs.pop("link_form", None)
        if create is None and link is None:
            create, link = self.forms()
        source_type = sources.get(self.source)
        context.update(
            source=self.source,
            described=sources.describe(self.source, self.request.user),
            refusal=source_type.refusal(self.source),
            actions=actions_of_object(self.request.user, self.source),
            create_form=create,
            link_form=link,
            back_url=self.back_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        which = request.POST.get("form")
        if which not in ("create", "link") or (which == "create" and not self.may_create):
            raise PermissionDenied
        if which == "link" and not self.may_link:
            raise PermissionDenied
        create, link = self.forms(request.POST, posted=which)
        form = create if which == "create" else link
        if form.is_valid():
            with errors_on(form):
                message = self.perform(which, form.cleaned_data)
                messages.success(request, message)
                return HttpResponseRedirect(self.back_url())
        context = self.get_context_data(create_form=create, link_form=link, open_form=which)
        return self.render_to_response(context, status=400)

    def perform(self, which: str, data: dict[str, Any]) -> str:
        user = self.request.user
        if which == "create":
            plan = data["plan"]
            # The default plan is chosen with the same right as any other: never made for someone who may not add.
            if plan is None and not can_add_to_default_plan(
                user, sources.default_unit(self.source), sources.default_programme(self.source)
            ):
                raise PermissionDenied
            action = services.action_create_for_source(
                source=self.source,
                by=user,
                title=data["title"],
                plan=plan,
                description=data["description"],
                kind=data["kind"],
                priority=data["priority"],
                owner=data["owner"],
                deadline=data["deadline"],
            )
            return _("The action %(reference)s was created in “%(plan)s”.") % {
                "reference": action.reference,
                "plan": action.plan,
            }
        count = services.action_link_to_source(source=self.source, actions=data["actions"], by=user)
        return ngettext("%(count)d action linked.", "%(count)d actions linked.", count) % {"count": count}
