"""Views of the helpdesk. Public ones (no account): the form, the confirmation and receipt, the tracking page,
the tracking-code lookup and "Lost your link?". Staff ones: the internal report form, the inbox, the sensitive
inbox, the request page with its processing forms, and the attachments.

Views parse the input, call one service or selector, and turn ``ComplaintError`` into messages."""

from __future__ import annotations

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from complaints import forms as complaint_forms
from complaints import services
from complaints.choices import EXCLUDED_FROM_FIGURES, ComplaintStatus, MessageKind
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint, ComplaintAttachment
from complaints.selectors import (
    can_handle,
    can_report_dysfunction,
    complaint_by_token,
    complaint_visible_to,
    final_answer,
    inbox_complaints,
    is_sensitive_handler,
    linked_actions,
    public_messages,
    requester_attachments,
    status_counts,
    timeline,
)
from complaints.services import ComplaintError
from complaints.validators import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from complaints.workflow import WORKFLOW
from qms.core.choices import Actor
from qms.core.net import client_ip
from qms.core.tokens import hash_token

# Rate limits (django-ratelimit; the address is read through RATELIMIT_IP_META_KEY, behind trusted proxies only).
SUBMIT_RATE = "10/h"
TRACK_RATE_BY_ADDRESS = "60/10m"
TRACK_RATE_BY_TOKEN = "120/h"
LOOKUP_RATE = "20/h"
LOST_LINK_RATE_BY_ADDRESS = "5/h"
LOST_LINK_RATE_BY_EMAIL = "3/h"
# Above this, a request is refused before its body is read: three files at the limit and the text fit well below.
MAX_REQUEST_BYTES = 2 * MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024
INBOX_PAGE_SIZE = 50


def _limited(request: HttpRequest, group: str, rate: str, *, key="ip", method=("POST",)) -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, method=list(method), increment=True)


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES
    except ValueError:
        return True


def _rate_limited_page(request: HttpRequest, message: str | None = None) -> HttpResponse:
    return render(
        request,
        "429.html",
        {"message": message or _("Too many attempts from your connection. Please wait a few minutes and try again.")},
        status=429,
    )


def private_page(view):
    """Tracking pages: no referrer (the link is the secret), no caching, no indexing."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store, private"
        return response

    return wrapper


def _not_found(request: HttpRequest) -> HttpResponse:
    """A 404 that says nothing of whether anything exists."""
    return render(request, "404.html", status=404)


# --- Public: the form ------------------------------------------------------------------------------------------
@method_decorator([login_not_required, never_cache], name="dispatch")
class PublicCreateView(View):
    """The public form at a stable short address. Anonymous requests are allowed."""

    template_name = "complaints/public_form.html"
    form_class = complaint_forms.PublicComplaintForm

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, self.form_class())

    def post(self, request: HttpRequest) -> HttpResponse:
        if _too_large(request):
            # Refused before the body is read: nothing of it can be shown again.
            return self.render(
                request,
                self.form_class(),
                status=413,
                page_error=_("The files sent are too large. Each file may weigh up to 5 MB, and at most 3 files."),
            )
        form = self.form_class(request.POST, request.FILES)
        if _limited(request, "complaints:public-create", SUBMIT_RATE):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many requests were sent from your connection. Please wait an hour and try again; nothing "
                    "you typed is lost."
                ),
            )
            return self.render(request, form, status=429, files_lost=bool(request.FILES))
        if not form.is_valid():
            return self.render(request, form, status=400, files_lost=bool(request.FILES))
        data = form.cleaned_data
        try:
            submission = services.complaint_submit(
                kind=data["kind"],
                requester_category=data["requester_category"],
                sensitive_nature=data.get("sensitive_nature") or "",
                name=data.get("name", ""),
                email=data.get("email", ""),
                language=translation.get_language(),
                programme=data.get("programme"),
                concerned_unit=data.get("concerned_unit"),
                subject=data["subject"],
                description=data["description"],
                ip_address=client_ip(request),
                files=data.get("attachments") or [],
            )
        except ComplaintError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render(request, form, status=400, files_lost=bool(request.FILES))
        return redirect("complaints:public-confirmation", token=submission.token)

    def render(self, request, form, *, status=200, files_lost=False, page_error="") -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"form": form, "files_lost": files_lost, "page_error": page_error},
            status=status,
        )


# --- Public: confirmation, tracking ------------------------------------------------------------------------
def _track_limited(request: HttpRequest, token: str) -> bool:
    by_address = _limited(request, "complaints:track-address", TRACK_RATE_BY_ADDRESS, method=("GET", "POST"))
    by_token = _limited(
        request,
        "complaints:track-token",
        TRACK_RATE_BY_TOKEN,
        key=lambda group, req: hash_token(token),
        method=("GET", "POST"),
    )
    return by_address or by_token


def _tracked(view):
    """Resolve the token (rate limited by address and by token); a wrong one is a bare 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs):
        if _track_limited(request, token):
            return _rate_limited_page(request)
        complaint = complaint_by_token(token)
        if complaint is None:
            return _not_found(request)
        return view(request, complaint, token, *args, **kwargs)

    # No CSRF middleware check here: a page sent with "Referrer-Policy: no-referrer" makes browsers send
    # "Origin: null" with its forms, which Django's origin check refuses. The secret token in the address does
    # the same job: a forged cross-site form cannot name a link it does not know.
    return csrf_exempt(login_not_required(never_cache(private_page(wrapper))))


@_tracked
def public_confirmation(request: HttpRequest, complaint: Complaint, token: str) -> HttpResponse:
    """The confirmation page and printable receipt: the reference, the tracking link and code."""
    track_url = request.build_absolute_uri(reverse("complaints:public-track", kwargs={"token": token}))
    return render(
        request,
        "complaints/public_confirmation.html",
        {
            "complaint": complaint,
            "token": token,
            "track_url": track_url,
            "qr_svg": _qr_svg(track_url),
        },
    )


def _qr_svg(url: str) -> str:
    """The tracking link as an inline SVG QR code, for the printed receipt."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@_tracked
def public_track(request: HttpRequest, complaint: Complaint, token: str) -> HttpResponse:
    """The tracking page: status, public messages, final answer; reply, add information or files, rate."""
    message_form = complaint_forms.RequesterMessageForm()
    rating_form = complaint_forms.RatingForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "message":
            if _too_large(request):
                messages.error(request, _("The files sent are too large."))
                return redirect(request.path)
            message_form = complaint_forms.RequesterMessageForm(request.POST, request.FILES)
            if message_form.is_valid():
                try:
                    services.complaint_requester_message(
                        complaint=complaint,
                        body=message_form.cleaned_data["body"],
                        files=message_form.cleaned_data["attachments"],
                    )
                except ComplaintError as error:
                    message_form.add_error(None, error.message)
                else:
                    messages.success(request, _("Thank you: your message has been added to your request."))
                    return redirect(request.path)
            status = 400
        elif action == "rate":
            rating_form = complaint_forms.RatingForm(request.POST)
            if rating_form.is_valid():
                try:
                    services.complaint_rate(
                        complaint=complaint,
                        rating=rating_form.cleaned_data["rating"],
                        comment=rating_form.cleaned_data["comment"],
                    )
                except ComplaintError as error:
                    rating_form.add_error(None, error.message)
                else:
                    messages.success(request, _("Thank you for rating the answer."))
                    return redirect(request.path)
            status = 400
        else:
            return redirect(request.path)
    context = {
        "complaint": complaint,
        "token": token,
        "public_messages": public_messages(complaint),
        "final_answer": final_answer(complaint),
        "attachments": requester_attachments(complaint),
        "can_write": services.requester_can_write(complaint),
        "can_rate": services.requester_can_rate(complaint),
        "will_reopen": complaint.status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED),
        "message_form": message_form,
        "rating_form": rating_form,
        "files_lost": status == 400 and bool(request.FILES),
    }
    return render(request, "complaints/public_track.html", context, status=status)


@_tracked
def public_attachment(request: HttpRequest, complaint: Complaint, token: str, attachment_id: int) -> HttpResponse:
    """One of the requester's own files, through their tracking link."""
    attachment = requester_attachments(complaint).filter(pk=attachment_id).first()
    if attachment is None:
        return _not_found(request)
    return _file_response(attachment)


def _file_response(attachment: ComplaintAttachment) -> HttpResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@method_decorator([login_not_required, never_cache], name="dispatch")
class PublicLookupView(View):
    """Follow a request with its tracking code (the secret part of the link)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "complaints/public_lookup.html", {"form": complaint_forms.TrackLookupForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = complaint_forms.TrackLookupForm(request.POST)
        if _limited(request, "complaints:lookup", LOOKUP_RATE):
            return _rate_limited_page(request)
        if form.is_valid():
            code = "".join(form.cleaned_data["code"].split())
            if complaint_by_token(code) is not None:
                return redirect("complaints:public-track", token=code)
            form.add_error("code", _("No request matches this code. Check it, or use “Lost your link?”."))
        return render(request, "complaints/public_lookup.html", {"form": form}, status=400)


def queue_tracking_links(email: str, language: str) -> None:
    """Send the links from a task (so the page answers as fast whether the address is known or not); when the
    broker is down, send them from here."""
    from complaints.tasks import send_tracking_links

    try:
        send_tracking_links.apply_async(args=[email, language])
    except Exception:  # noqa: BLE001 - the broker is down: do it now rather than lose it
        services.complaint_send_tracking_links(email=email, language=language)


@method_decorator([login_not_required, never_cache], name="dispatch")
class PublicLostLinkView(View):
    """ "Lost your link?": the links of all the requests of an address go to that address. The page answers the
    same whether the address is known or not."""

    template_name = "complaints/public_lost_link.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": complaint_forms.LostLinkForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = complaint_forms.LostLinkForm(request.POST)
        if _limited(request, "complaints:lost-link", LOST_LINK_RATE_BY_ADDRESS):
            return _rate_limited_page(request)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        email = form.cleaned_data["email"].strip()
        by_email = _limited(
            request,
            "complaints:lost-link-email",
            LOST_LINK_RATE_BY_EMAIL,
            key=lambda group, req: hash_token(email.lower()),
        )
        if not by_email:
            transaction.on_commit(partial(queue_tracking_links, email, translation.get_language()))
        return render(request, self.template_name, {"sent": True, "email": email})


# --- Staff: the internal report form -----------------------------------------------------------------------
class StaffReportView(UserPassesTestMixin, View):
    """A signed-in member of staff reports an internal dysfunction; their identity is attached."""

    template_name = "complaints/staff_form.html"

    def test_func(self) -> bool:
        return can_report_dysfunction(self.request.user)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": complaint_forms.StaffReportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        if _too_large(request):
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
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "filterset": filterset,
                "page": page,
                "complaints": page.object_list,
                "counts": [(value, label, counts[value]) for value, label in ComplaintStatus.choices],
                "total": sum(counts.values()),
                "query_string": query.urlencode(),
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
        return _file_response(attachment)
