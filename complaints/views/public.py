"""The public views of the helpdesk (no account): the form, the confirmation and receipt, the tracking page
behind its secret link, the tracking-code lookup and "Lost your link?"."""

from __future__ import annotations

from functools import partial, wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

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
from complaints.validators import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from qms.core import config_cache
from qms.core.net import client_ip
from qms.core.tokens import hash_token

# Rate limits (django-ratelimit; the address is read through RATELIMIT_IP_META_KEY, behind trusted proxies only).
# The public form's own is the setting PUBLIC_FORM_SUBMIT_RATE.
TRACK_RATE_BY_ADDRESS = "60/10m"
TRACK_RATE_BY_TOKEN = "120/h"
LOOKUP_RATE = "20/h"
LOST_LINK_RATE_BY_ADDRESS = "5/h"
LOST_LINK_RATE_BY_EMAIL = "3/h"
# Above this, a request is refused before its body is read: three files at the limit and the text fit well below.
MAX_REQUEST_BYTES = 2 * MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024


def _limited(request: HttpRequest, group: str, rate: str, *, key="ip", method=("POST",)) -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, method=list(method), increment=True)


def too_large(request: HttpRequest) -> bool:
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
        if too_large(request):
            # Refused before the body is read: nothing of it can be shown again.
            return self.render(
                request,
                self.form_class(),
                status=413,
                page_error=_(
                    "The files sent are too large. Each file may weigh up to %(size)d MB, and at most %(max)d files."
                )
                % {"size": MAX_ATTACHMENT_BYTES // (1024 * 1024), "max": MAX_ATTACHMENTS},
            )
        form = self.form_class(request.POST, request.FILES)
        if _limited(request, "complaints:public-create", settings.PUBLIC_FORM_SUBMIT_RATE):
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
            {
                "form": form,
                "files_lost": files_lost,
                "page_error": page_error,
                # The empty form's fields are cached for each version of the configuration (units, settings …).
                "config_version": config_cache.version(),
            },
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
            if too_large(request):
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
    return file_response(attachment)


def file_response(attachment: ComplaintAttachment) -> HttpResponse:
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
