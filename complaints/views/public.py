"""The public views of the helpdesk (no account): the form, the confirmation and receipt, the tracking page
behind its secret link, the tracking-code lookup and "Lost your link?".

They are built from the public-forms kit (qms.core.public): its module docstring says why the tracking pages
are exempt from the CSRF check, and how a submission is stored once."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from complaints import forms as complaint_forms
from complaints import services
from complaints.choices import ComplaintStatus
from complaints.models import Complaint, ComplaintAttachment
from complaints.selectors import (
    complaint_by_token,
    final_answer,
    public_messages,
    requester_attachments,
)
from complaints.services import ComplaintError
from complaints.validators import ATTACHMENT_POLICY
from qms.core import config_cache
from qms.core.files import private_file_response
from qms.core.net import client_ip
from qms.core.public import (
    STAMP_FIELD,
    EmptyFormFromCache,
    RefillAfterCsrfFailure,
    body_too_large,
    by_secret,
    count_attempt,
    not_found,
    rate_exceeded,
    rate_reached,
    single_submission,
    submission_fingerprint,
    token_page,
    too_many_requests,
)

# Rate-limit groups; the rates are settings (COMPLAINTS_*_RATE, see .env.example).
SUBMIT_GROUP = "complaints:public-create"
TRACK_GROUP = "complaints:track"
LOOKUP_GROUP = "complaints:lookup"
LOST_LINK_GROUP = "complaints:lost-link"


def too_large(request: HttpRequest) -> bool:
    """Whether the body is above what three files at their limit and the text need: refused unread."""
    return body_too_large(request, ATTACHMENT_POLICY.max_request_bytes)


# --- Public: the form ------------------------------------------------------------------------------------------
@method_decorator([login_not_required, never_cache], name="dispatch")
class PublicCreateView(RefillAfterCsrfFailure, EmptyFormFromCache, View):
    """The public form at a stable short address. Anonymous requests are allowed. A submission is stored once:
    the same form sent again (a double click, a retry) or the same text sent again from the same browser within
    minutes gets the first request's confirmation, with a link of its own."""

    template_name = "complaints/public_form.html"
    form_class = complaint_forms.PublicComplaintForm

    def post(self, request: HttpRequest) -> HttpResponse:
        if too_large(request):
            # Refused before the body is read: nothing of it can be shown again.
            return self.form_page(
                request, self.form_class(), status=413, page_error=ATTACHMENT_POLICY.too_large_message()
            )
        form = self.form_class(request.POST, request.FILES)
        if rate_reached(request, "COMPLAINTS_SUBMIT_RATE", group=SUBMIT_GROUP):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many requests were sent from your connection. Please try again later: "
                    "nothing you typed is lost."
                ),
            )
            return self.form_page(request, form, status=429, files_lost=bool(request.FILES))
        if not form.is_valid():
            return self.form_page(request, form, status=400, files_lost=bool(request.FILES))
        fingerprint = submission_fingerprint(request, form.stamp_name, form.fingerprint_values())
        try:
            token = self._submit_once(request, form, fingerprint)
        except ComplaintError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_page(request, form, status=400, files_lost=bool(request.FILES))
        count_attempt(request, "COMPLAINTS_SUBMIT_RATE", group=SUBMIT_GROUP)
        if token is None:
            return self.form_page(
                request, self.form_class(), status=409, page_error=_("This request has already been sent.")
            )
        return redirect("complaints:public-confirmation", token=token)

    def _submit_once(self, request: HttpRequest, form, fingerprint: str) -> str | None:
        """File the request, or give the earlier identical one a new link; the token to confirm with."""
        data = form.cleaned_data
        with single_submission(form.stamp, fingerprint=fingerprint) as claim:
            if claim.is_repeat:
                earlier = claim.earlier
                return services.complaint_issue_link(complaint=earlier) if isinstance(earlier, Complaint) else None
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
                # Before the reference is taken: the counter's lock is then held for the last writes alone.
                on_saved=claim.record,
                # The claim's transaction is rolled back whole if the request cannot be filed.
                savepoint=False,
            )
            return submission.token

    def form_page(self, request, form, *, status=200, **context) -> HttpResponse:
        context.setdefault("files_lost", False)
        context.setdefault("page_error", "")
        # An empty form's fields are the same for everyone: cached for each version of the configuration (units,
        # settings …). Not a form sent back with errors, nor one refilled with what was typed.
        context.setdefault("cache_fields", not form.is_bound and set(form.initial) <= {STAMP_FIELD})
        context.setdefault("config_version", config_cache.version())
        return render(request, self.template_name, {"form": form, **context}, status=status)


# --- Public: confirmation, tracking ------------------------------------------------------------------------
tracked = token_page(
    lookup=complaint_by_token,
    rate_by_address="COMPLAINTS_TRACK_RATE_BY_ADDRESS",
    rate_by_token="COMPLAINTS_TRACK_RATE_BY_TOKEN",
    group=TRACK_GROUP,
)


@tracked
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


@tracked
def public_track(request: HttpRequest, complaint: Complaint, token: str) -> HttpResponse:
    """The tracking page: status, public messages, final answer; reply, add information or files, rate; revoke
    the request's other links."""
    message_form = complaint_forms.RequesterMessageForm()
    rating_form = complaint_forms.RatingForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "message":
            if too_large(request):
                messages.error(request, ATTACHMENT_POLICY.too_large_message())
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
        elif action == "revoke-others":
            try:
                revoked = services.complaint_revoke_other_links(complaint=complaint, keep_token=token)
            except ComplaintError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Your other links to this request no longer work. Keep the address of this page.")
                    if revoked
                    else _("This request had no other link: only the address of this page opens it."),
                )
            return redirect(request.path)
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


@tracked
def public_attachment(request: HttpRequest, complaint: Complaint, token: str, attachment_id: int) -> HttpResponse:
    """One of the requester's own files, through their tracking link."""
    attachment = requester_attachments(complaint).filter(pk=attachment_id).first()
    if attachment is None:
        return not_found(request)
    return file_response(attachment)


def file_response(attachment: ComplaintAttachment) -> HttpResponse:
    """An attachment as a private download (for the requester here, for staff in the staff views)."""
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@method_decorator([login_not_required, never_cache], name="dispatch")
class PublicLookupView(RefillAfterCsrfFailure, View):
    """Follow a request with its tracking code (the secret part of the link). Every well-formed code tried
    counts against the rate limit (a guess is what it slows down); a malformed one does not."""

    template_name = "complaints/public_lookup.html"
    form_class = complaint_forms.TrackLookupForm

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.form_page(request, self.form_class())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.form_page(request, form, status=400)
        if rate_exceeded(request, "COMPLAINTS_LOOKUP_RATE", group=LOOKUP_GROUP):
            return too_many_requests(request)
        code = "".join(form.cleaned_data["code"].split())
        if complaint_by_token(code) is not None:
            return redirect("complaints:public-track", token=code)
        form.add_error("code", _("No request matches this code. Check it, or use “Lost your link?”."))
        return self.form_page(request, form, status=400)


def queue_tracking_links(email: str, language: str) -> None:
    """Send the links from a task (so the page answers as fast whether the address is known or not); when the
    broker is down, send them from here."""
    from complaints.tasks import send_tracking_links

    try:
        send_tracking_links.apply_async(args=[email, language])
    except Exception:  # noqa: BLE001 - the broker is down: do it now rather than lose it
        services.complaint_send_tracking_links(email=email, language=language)


@method_decorator([login_not_required, never_cache], name="dispatch")
class PublicLostLinkView(RefillAfterCsrfFailure, View):
    """ "Lost your link?": a new link to each request of an address goes to that address; the former links keep
    working. The page answers the same whether the address is known or not."""

    template_name = "complaints/public_lost_link.html"
    form_class = complaint_forms.LostLinkForm

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.form_page(request, self.form_class())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.form_page(request, form, status=400)
        if rate_exceeded(request, "COMPLAINTS_LOST_LINK_RATE_BY_ADDRESS", group=LOST_LINK_GROUP):
            return too_many_requests(request)
        email = form.cleaned_data["email"].strip()
        by_email = rate_exceeded(
            request,
            "COMPLAINTS_LOST_LINK_RATE_BY_EMAIL",
            key=by_secret(email.lower()),
            group=f"{LOST_LINK_GROUP}-email",
        )
        if not by_email:
            transaction.on_commit(partial(queue_tracking_links, email, translation.get_language()))
        return render(request, self.template_name, {"sent": True, "email": email})
