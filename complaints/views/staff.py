"""The staff views of the helpdesk: the internal report form, the inbox and the sensitive inbox, the request page
with its processing forms, and the attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from complaints import forms as complaint_forms
from complaints import services
from complaints.choices import EXCLUDED_FROM_FIGURES, ComplaintStatus, MessageKind
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint
from complaints.selectors import (
    can_handle,
    can_report_dysfunction,
    complaint_visible_to,
    inbox_complaints,
    is_sensitive_handler,
    linked_actions,
    status_counts,
    timeline,
)
from complaints.services import ComplaintError
from complaints.views.public import file_response, too_large
from complaints.workflow import WORKFLOW
from qms.core.choices import Actor
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
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("complaints:public-confirmation", token=submission.token)
        return render(request, self.template_name, {"form": form, "files_lost": bool(request.FILES)}, status=400)


# --- Staff: the inboxes ------------------------------------------------------------------------------------
def can_open_inbox(user) -> bool:
    if user.has_perm("complaints.view_complaint") or is_sensitive_handler(user):
        return True
    return Complaint.objects.filter(assignee=user).exists() if user.is_authenticated else False


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
        filterset = ComplaintFilterSet(request.GET or None, queryset=scope, request=request)
        queryset = filterset.qs if filterset.is_bound else scope
        # The counts follow every filter but the status one, so that each count says what a click would show.
        without_status = request.GET.copy()
        without_status.pop("status", None)
        count_filter = ComplaintFilterSet(without_status or None, queryset=scope, request=request)
        counts = status_counts(count_filter.qs if count_filter.is_bound else scope)
        page = Paginator(queryset, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
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
                "can_report": can_report_dysfunction(request.user),
            },
        )


class SensitiveInboxView(InboxView):
    """The sensitive requests, for the group that the institution names for them, and for it alone."""

    sensitive = True


# --- Staff: the request page ------------------------------------------------------------------------------
def staff_moves(complaint: Complaint) -> set[str]:
    """The statuses staff may move ``complaint`` to from its current one (guards aside: forms supply them)."""
    return {move.target for move in WORKFLOW.moves if move.starts_from(complaint.status) and Actor.USER in move.actors}


# action → (its form, the status it moves to, which staff must be able to reach now; None: no move)
ACTIONS = {
    "take-charge": (complaint_forms.TakeChargeForm, ComplaintStatus.IN_PROGRESS),
    "ask": (complaint_forms.QuestionForm, ComplaintStatus.WAITING),
    "answer": (complaint_forms.AnswerForm, ComplaintStatus.ANSWERED),
    "close": (complaint_forms.CloseForm, ComplaintStatus.CLOSED),
    "redirect": (complaint_forms.RedirectForm, ComplaintStatus.REDIRECTED),
    "reject": (complaint_forms.RejectForm, ComplaintStatus.REJECTED),
    "spam": (complaint_forms.SpamForm, ComplaintStatus.SPAM),
    "duplicate": (complaint_forms.DuplicateForm, ComplaintStatus.DUPLICATE),
    "assign": (complaint_forms.AssignForm, None),
    "qualify": (complaint_forms.QualifyForm, None),
    "note": (complaint_forms.NoteForm, None),
    "reply": (complaint_forms.ReplyForm, None),
    "action-create": (complaint_forms.CreateActionForm, None),
    "action-link": (complaint_forms.LinkActionsForm, None),
}


def _build_form(action: str, complaint: Complaint, user, data=None):
    form_class = ACTIONS[action][0]
    kwargs = {"prefix": action}
    if form_class in (complaint_forms.AssignForm, complaint_forms.QualifyForm):
        kwargs["complaint"] = complaint
    if form_class in (complaint_forms.DuplicateForm, complaint_forms.CreateActionForm, complaint_forms.LinkActionsForm):
        kwargs.update(user=user, complaint=complaint)
    return form_class(data, **kwargs)


def available_actions(complaint: Complaint, user) -> list[str]:
    if not can_handle(user, complaint):
        return []
    moves = staff_moves(complaint)
    found = []
    for action, (_form, target) in ACTIONS.items():
        if target is not None and target not in moves:
            continue
        if action in ("assign", "qualify") and complaint.is_finished:
            continue
        if action == "reply" and not complaint.is_open:
            continue
        if action.startswith("action-") and complaint.status in EXCLUDED_FROM_FIGURES:
            continue
        found.append(action)
    return found


def _perform(action: str, complaint: Complaint, user, data: dict) -> str:
    """Call the service of ``action``; return the success message."""
    if action == "take-charge":
        services.complaint_take_charge(complaint=complaint, by=user)
        return _("The request is taken in charge.")
    if action == "ask":
        services.complaint_ask_requester(complaint=complaint, by=user, question=data["question"])
        return _("The question was sent; the request waits for the requester.")
    if action == "answer":
        services.complaint_answer(complaint=complaint, by=user, answer=data["answer"])
        return _("The answer was sent.")
    if action == "close":
        services.complaint_close(complaint=complaint, by=user, resolution_summary=data["resolution_summary"])
        return _("The request is closed.")
    if action == "redirect":
        services.complaint_redirect(complaint=complaint, by=user, body=data["body"], explanation=data["explanation"])
        return _("The request was redirected.")
    if action == "reject":
        services.complaint_reject(complaint=complaint, by=user, reason=data["reason"])
        return _("The request was rejected.")
    if action == "spam":
        services.complaint_mark_spam(complaint=complaint, by=user, note=data.get("note", ""))
        return _("The request was marked as spam.")
    if action == "duplicate":
        services.complaint_mark_duplicate(complaint=complaint, by=user, original=data["original"])
        return _("The request was marked as a duplicate.")
    if action == "assign":
        services.complaint_assign(
            complaint=complaint, by=user, org_unit=data["org_unit"], process=data["process"], assignee=data["assignee"]
        )
        return _("The assignment was saved.")
    if action == "qualify":
        services.complaint_qualify(
            complaint=complaint,
            by=user,
            is_admissible=data["is_admissible"],
            is_founded=data["is_founded"],
            severity=data["severity"],
            root_cause=data["root_cause"],
        )
        return _("The qualification was saved.")
    if action == "note":
        services.complaint_add_note(complaint=complaint, by=user, body=data["body"])
        return _("The internal note was added.")
    if action == "reply":
        services.complaint_reply(complaint=complaint, by=user, body=data["body"])
        return _("The reply was sent.")
    if action == "action-create":
        created = services.complaint_create_action(
            complaint=complaint,
            by=user,
            title=data["title"],
            description=data["description"],
            plan=data["plan"],
            kind=data["kind"],
            owner=data["owner"],
            deadline=data["deadline"],
        )
        return _("The action %(reference)s was created in “%(plan)s”.") % {
            "reference": created.reference,
            "plan": created.plan,
        }
    if action == "action-link":
        count = services.complaint_link_actions(complaint=complaint, by=user, actions=data["actions"])
        return ngettext("%(count)d action linked.", "%(count)d actions linked.", count) % {"count": count}
    raise Http404


def _detail_context(request: HttpRequest, complaint: Complaint, bound: dict | None = None) -> dict:
    actions = available_actions(complaint, request.user)
    forms = {action: _build_form(action, complaint, request.user) for action in actions}
    forms.update(bound or {})
    return {
        "complaint": complaint,
        "timeline": timeline(complaint),
        "attachments": complaint.attachments.all(),
        "can_handle": bool(actions),
        "forms": forms,
        "actions": actions,
        "status_choices": ComplaintStatus,
        "message_kinds": MessageKind,
        "show_ip": request.user.has_perm("complaints.view_complaint_ip"),
        "linked_actions": linked_actions(complaint),
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
            try:
                message = _perform(action, complaint, request.user, form.cleaned_data)
            except ComplaintError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, message)
                return redirect(complaint)
        complaint.refresh_from_db()
        context = _detail_context(request, complaint, {action: form})
        context["open_action"] = action
        return render(request, ComplaintDetailView.template_name, context, status=400)


class AttachmentView(View):
    """An attachment, for staff who may see its request."""

    def get(self, request: HttpRequest, reference: str, attachment_id: int) -> HttpResponse:
        complaint = complaint_visible_to(request.user, reference)
        if complaint is None:
            raise Http404
        attachment = complaint.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return file_response(attachment)
