"""The staff views of the helpdesk: the internal report form, the inbox and the sensitive inbox, the request page
with its processing forms, and the attachments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from complaints import forms as complaint_forms
from complaints import services
from complaints.choices import ComplaintStatus, MessageKind
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint
from complaints.selectors import (
    can_handle,
    can_manage_reply_templates,
    can_open_inbox,
    can_report_dysfunction,
    can_see_attachments,
    can_see_ip,
    can_see_requester,
    complaint_visible_to,
    for_inbox_rows,
    has_complaint_scope,
    inbox_complaints,
    is_sensitive_handler,
    status_counts,
    timeline,
)
from complaints.services import ComplaintError
from complaints.views.public import file_response, too_large
from complaints.workflows import WORKFLOW
from qms.core.choices import Actor
from qms.core.domain import errors_on, show_on_form
from qms.core.lists import query_string
from qms.core.net import client_ip

INBOX_PAGE_SIZE = 50


# --- Staff: the internal report form -----------------------------------------------------------------------
class StaffReportView(UserPassesTestMixin, View):
    """A signed-in member of staff reports an internal dysfunction; their identity is attached."""

    template_name = "complaints/staff_form.html"

    def test_func(self) -> bool:
        return can_report_dysfunction(self.request.user)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": complaint_forms.StaffReportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        if too_large(request):
            return render(
                request,
                self.template_name,
                {"form": complaint_forms.StaffReportForm(), "page_error": _("The files sent are too large.")},
                status=413,
            )
        form = complaint_forms.StaffReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            user = request.user
            try:
                submission = services.complaint_submit(
                    kind=data["kind"],
                    requester_category="staff",
                    sensitive_nature=data.get("sensitive_nature") or "",
                    name=user.get_full_name() or user.username,
                    email=user.email,
                    language=user.language or translation.get_language(),
                    programme=data.get("programme"),
                    concerned_unit=data.get("concerned_unit"),
                    subject=data["subject"],
                    description=data["description"],
                    ip_address=client_ip(request),
                    files=data.get("attachments") or [],
                    submitted_by=user,
                    channel="staff_form",
                )
            except ComplaintError as error:
                show_on_form(form, error)
            else:
                return redirect("complaints:public-confirmation", token=submission.token)
        return render(request, self.template_name, {"form": form, "files_lost": bool(request.FILES)}, status=400)


# --- Staff: the inboxes ------------------------------------------------------------------------------------
class InboxView(UserPassesTestMixin, View):
    """The inbox: filters, a search ignoring case and accents, counts per status, overdue requests flagged.
    Sensitive requests never appear here."""

    template_name = "complaints/inbox.html"
    sensitive = False

    def test_func(self) -> bool:
        user = self.request.user
        return is_sensitive_handler(user) if self.sensitive else can_open_inbox(user)

    def get(self, request: HttpRequest) -> HttpResponse:
        scope = inbox_complaints(request.user, sensitive=self.sensitive)
        filterset = ComplaintFilterSet(request.GET or None, queryset=scope, request=request, scope=scope)
        queryset = filterset.qs if filterset.is_bound else scope
        # The counts follow every filter but the status one, so that each count says what a click would show.
        without_status = request.GET.copy()
        without_status.pop("status", None)
        count_filter = ComplaintFilterSet(without_status or None, queryset=scope, request=request, scope=scope)
        counts = status_counts(count_filter.qs if count_filter.is_bound else scope)
        paginator = Paginator(for_inbox_rows(queryset), INBOX_PAGE_SIZE)
        if not filterset.is_bound or (filterset.is_valid() and count_filter.is_valid()):
            # The list is the counted requests of the chosen statuses (of all, when none is chosen): no COUNT query.
            chosen = filterset.form.cleaned_data.get("status") if filterset.is_bound else None
            paginator.count = sum(counts[status] for status in chosen) if chosen else sum(counts.values())
        page = paginator.get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "filterset": filterset,
                "page_obj": page,
                "complaints": page.object_list,
                "counts": [(value, label, counts[value]) for value, label in ComplaintStatus.choices],
                "total": sum(counts.values()),
                "query_string": query_string(request),
                "sensitive": self.sensitive,
                "show_sensitive_link": not self.sensitive and is_sensitive_handler(request.user),
                # An auditor with no grant yet is told so, rather than "no request matches these filters".
                "nothing_granted": not page.object_list
                and not has_complaint_scope(request.user, sensitive=self.sensitive),
                "can_report": can_report_dysfunction(request.user),
                "can_manage_templates": can_manage_reply_templates(request.user),
            },
        )


class SensitiveInboxView(InboxView):
    """The sensitive requests, for the group that the institution names for them, and for it alone."""

    sensitive = True


# --- Staff: the request page ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StaffAction:
    """One thing staff do on a request: its form, the service it calls with the form's fields, what it says when
    done, and either the status it moves to (checked by the workflow) or the rule of the services it obeys."""

    form: type[forms.Form]
    service: Callable[..., Any]
    message: str
    label: str
    fields: tuple[str, ...] = ()
    target: str | None = None
    rule: str | None = None
    # A step of the workflow, offered as a button; the rest goes under "More".
    step: bool = False
    danger: bool = False


S = ComplaintStatus
# action name → its form and service. The request page offers the actions the request's status allows now; the
# services refuse the others with the same messages, whoever calls them.
ACTIONS: dict[str, StaffAction] = {
    "take-charge": StaffAction(
        complaint_forms.TakeChargeForm,
        services.complaint_take_charge,
        gettext_lazy("The request is taken in charge."),
        gettext_lazy("Take in charge"),
        target=S.IN_PROGRESS,
        step=True,
    ),
    "ask": StaffAction(
        complaint_forms.QuestionForm,
        services.complaint_ask_requester,
        gettext_lazy("The question was sent; the request waits for the requester."),
        gettext_lazy("Ask the requester"),
        fields=("question",),
        target=S.WAITING,
        step=True,
    ),
    "answer": StaffAction(
        complaint_forms.AnswerForm,
        services.complaint_answer,
        gettext_lazy("The answer was sent."),
        gettext_lazy("Give the final answer"),
        fields=("answer",),
        target=S.ANSWERED,
        step=True,
    ),
    "close": StaffAction(
        complaint_forms.CloseForm,
        services.complaint_close,
        gettext_lazy("The request is closed."),
        pgettext_lazy("request action", "Close"),
        fields=("resolution_summary",),
        target=S.CLOSED,
        step=True,
    ),
    "redirect": StaffAction(
        complaint_forms.RedirectForm,
        services.complaint_redirect,
        gettext_lazy("The request was redirected."),
        gettext_lazy("Redirect"),
        fields=("body", "explanation"),
        target=S.REDIRECTED,
        step=True,
    ),
    "reject": StaffAction(
        complaint_forms.RejectForm,
        services.complaint_reject,
        gettext_lazy("The request was rejected."),
        gettext_lazy("Reject as inadmissible"),
        fields=("reason",),
        target=S.REJECTED,
        step=True,
        danger=True,
    ),
    "assign": StaffAction(
        complaint_forms.AssignForm,
        services.complaint_assign,
        gettext_lazy("The assignment was saved."),
        gettext_lazy("Assign"),
        fields=("org_unit", "process", "assignee"),
        rule="assign",
    ),
    "qualify": StaffAction(
        complaint_forms.QualifyForm,
        services.complaint_qualify,
        gettext_lazy("The qualification was saved."),
        gettext_lazy("Qualify"),
        fields=("is_admissible", "is_founded", "severity", "root_cause"),
        rule="qualify",
    ),
    "note": StaffAction(
        complaint_forms.NoteForm,
        services.complaint_add_note,
        gettext_lazy("The internal note was added."),
        gettext_lazy("Add an internal note"),
        fields=("body",),
    ),
    "reply": StaffAction(
        complaint_forms.ReplyForm,
        services.complaint_reply,
        gettext_lazy("The reply was sent."),
        gettext_lazy("Send a public reply"),
        fields=("body",),
        rule="reply",
    ),
    "spam": StaffAction(
        complaint_forms.SpamForm,
        services.complaint_mark_spam,
        gettext_lazy("The request was marked as spam."),
        gettext_lazy("Mark as spam"),
        fields=("note",),
        target=S.SPAM,
        danger=True,
    ),
    "duplicate": StaffAction(
        complaint_forms.DuplicateForm,
        services.complaint_mark_duplicate,
        gettext_lazy("The request was marked as a duplicate."),
        gettext_lazy("Mark as duplicate"),
        fields=("original",),
        target=S.DUPLICATE,
    ),
}


def staff_moves(complaint: Complaint) -> set[str]:
    """The statuses staff may move ``complaint`` to from its current one (guards aside: forms supply them)."""
    return {move.target for move in WORKFLOW.moves if move.starts_from(complaint.status) and Actor.USER in move.actors}


def available_actions(complaint: Complaint, user) -> list[str]:
    """The actions ``user`` may take on ``complaint`` now: none unless they handle it; the moves the workflow
    allows from its status, and the other actions whose rule (``services.refusal``) allows them."""
    if not can_handle(user, complaint):
        return []
    moves = staff_moves(complaint)
    found = []
    for name, action in ACTIONS.items():
        if action.target is not None and action.target not in moves:
            continue
        if action.rule is not None and services.refusal(complaint, action.rule):
            continue
        found.append(name)
    return found


def _build_form(name: str, complaint: Complaint, user, data=None):
    form_class = ACTIONS[name].form
    kwargs: dict[str, Any] = {"prefix": name}
    if form_class in (complaint_forms.AssignForm, complaint_forms.DuplicateForm):
        kwargs.update(user=user, complaint=complaint)
    elif form_class is complaint_forms.QualifyForm:
        kwargs["complaint"] = complaint
    return form_class(data, **kwargs)


def _perform(name: str, complaint: Complaint, user, data: dict) -> str:
    """Call the service of action ``name`` with the form's fields; return the success message."""
    action = ACTIONS[name]
    action.service(complaint=complaint, by=user, **{field: data[field] for field in action.fields})
    return str(action.message)


def _detail_context(request: HttpRequest, complaint: Complaint, bound: dict | None = None) -> dict:
    user = request.user
    names = available_actions(complaint, user)
    forms_by_name = {name: _build_form(name, complaint, user) for name in names}
    forms_by_name.update(bound or {})
    handling = [(name, ACTIONS[name], forms_by_name[name]) for name in names]
    return {
        "complaint": complaint,
        "timeline": timeline(complaint, user),
        "attachments": complaint.attachments.all() if can_see_attachments(user, complaint) else [],
        "can_handle": bool(names),
        "forms": forms_by_name,
        "actions": names,
        "handling": handling,
        "steps": [item for item in handling if item[1].step],
        "more": [item for item in handling if not item[1].step],
        "status_choices": ComplaintStatus,
        "message_kinds": MessageKind,
        "show_requester": can_see_requester(user, complaint),
        "show_ip": can_see_ip(user, complaint),
        "open_action": request.GET.get("do") if request.GET.get("do") in names else None,
    }


class ComplaintDetailView(View):
    """The request page: details, timeline, processing forms. 404 outside the user's scope."""

    template_name = "complaints/detail.html"

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        complaint = complaint_visible_to(request.user, reference)
        if complaint is None:
            raise Http404
        return render(request, self.template_name, _detail_context(request, complaint))


class ComplaintActionView(View):
    """One processing form of the request page, posted: assign, qualify, note, move …"""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, reference: str, action: str) -> HttpResponse:
        complaint = complaint_visible_to(request.user, reference)
        if complaint is None or action not in ACTIONS:
            raise Http404
        if action not in available_actions(complaint, request.user):
            if not can_handle(request.user, complaint):
                return render(request, "403.html", status=403)
            messages.error(request, _("This cannot be done on the request in its current status."))
            return redirect(complaint)
        form = _build_form(action, complaint, request.user, request.POST)
        if form.is_valid():
            with errors_on(form):
                messages.success(request, _perform(action, complaint, request.user, form.cleaned_data))
                return redirect(complaint)
        complaint.refresh_from_db()
        context = _detail_context(request, complaint, {action: form})
        context["open_action"] = action
        return render(request, ComplaintDetailView.template_name, context, status=400)


class AttachmentView(View):
    """An attachment, for staff who may see its request and its files."""

    def get(self, request: HttpRequest, reference: str, attachment_id: int) -> HttpResponse:
        complaint = complaint_visible_to(request.user, reference)
        if complaint is None or not can_see_attachments(request.user, complaint):
            raise Http404
        attachment = complaint.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return file_response(attachment)
