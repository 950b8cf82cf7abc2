from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView
from django_ratelimit.decorators import ratelimit

from qms.notifications import services
from qms.notifications.filtersets import OutboxFilter
from qms.notifications.forms import OutboxPasswordResetForm, ProfileForm, ReminderWordingForm
from qms.notifications.models import ReminderWording
from qms.notifications.reminders import reminder_kind
from qms.notifications.selectors import (
    outbox_visible_to,
    reminder_preference,
    reminder_wording_rows,
    user_for_calendar_token,
)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(ratelimit(key="ip", rate="5/h", method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    """Password reset through the outbox, rate-limited by client address."""

    form_class = OutboxPasswordResetForm


@method_decorator(never_cache, name="dispatch")
class ProfileView(LoginRequiredMixin, TemplateView):
    """The signed-in person's profile: language, how reminders reach them, and their calendar link."""

    template_name = "notifications/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        preference = reminder_preference(user)
        form = kwargs.pop("form", None) or ProfileForm(initial={"language": user.language, "mode": preference.mode})
        return super().get_context_data(form=form, preference=preference, **kwargs)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "save")
        if action == "calendar":
            token = services.regenerate_calendar_token(user=request.user)
            url = request.build_absolute_uri(reverse("notifications:public-calendar", args=[token]))
            # Shown once, on this response only: it is stored hashed.
            return self.render_to_response(self.get_context_data(calendar_url=url))
        if action == "revoke":
            services.revoke_calendar_token(user=request.user)
            messages.success(request, _("Your calendar link no longer works."))
            return redirect("notifications:profile")
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        services.update_profile(
            user=request.user, language=form.cleaned_data["language"], mode=form.cleaned_data["mode"]
        )
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your preferences are saved."))
        response = redirect("notifications:profile")
        response.set_cookie("django_language", form.cleaned_data["language"])
        return response


@login_not_required
@ratelimit(key="ip", rate="120/h", block=True)
def public_calendar_feed(request, token: str) -> HttpResponse:
    """A person's deadlines as an iCalendar feed, behind their secret link; 404 for a wrong or revoked one."""
    user = user_for_calendar_token(token)
    if user is None:
        raise Http404
    response = HttpResponse(services.calendar_feed(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qms.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class OutboxListView(PermissionRequiredMixin, ListView):
    """The outbox for the quality manager, filtered by kind, recipient, object, state and date: proof that a
    reminder went out. Rows about sensitive cases only for the sensitive-cases group."""

    permission_required = "notifications.view_outboxemail"
    template_name = "notifications/outbox_list.html"
    context_object_name = "emails"
    paginate_by = 50

    def get_queryset(self):
        queryset = outbox_visible_to(self.request.user).select_related("recipient_user", "content_type")
        self.filterset = OutboxFilter(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs.only(
            "pk",
            "kind",
            "recipient_email",
            "recipient_user__username",
            "recipient_user__first_name",
            "recipient_user__last_name",
            "subject",
            "state",
            "created_at",
            "sent_at",
            "object_id",
            "content_type__app_label",
            "content_type__model",
            "is_sensitive",
            "queue",
            "attempts",
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        encoded = query.urlencode()
        return super().get_context_data(filter=self.filterset, query=f"{encoded}&" if encoded else "", **kwargs)


class ReminderWordingListView(PermissionRequiredMixin, TemplateView):
    """Every kind of reminder in each language, and whether the quality manager worded it or it uses the default."""

    permission_required = "notifications.change_reminderwording"
    raise_exception = True
    template_name = "notifications/wording_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=reminder_wording_rows(), wording_languages=settings.LANGUAGES, **kwargs)


@method_decorator(never_cache, name="dispatch")
class ReminderWordingEditView(PermissionRequiredMixin, TemplateView):
    """The wording of one kind of reminder in one language: edit, preview with a sample item, or revert."""

    permission_required = "notifications.change_reminderwording"
    raise_exception = True
    template_name = "notifications/wording_form.html"

    def _load(self) -> None:
        self.kind = reminder_kind(self.kwargs["kind"])
        self.language = self.kwargs["language"]
        if self.kind is None or self.language not in dict(settings.LANGUAGES):
            raise Http404
        self.wording = ReminderWording.objects.filter(kind=self.kind.key, language=self.language).first()

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ReminderWordingForm(kind=self.kind, instance=self.wording)
        preview = kwargs.pop("preview", None)
        if preview is None:
            preview = services.preview_reminder(
                kind=self.kind.key, language=self.language, user=self.request.user, wording=self.wording
            )
        return super().get_context_data(
            kind=self.kind,
            language=self.language,
            language_name=dict(settings.LANGUAGES)[self.language],
            wording=self.wording,
            form=form,
            preview=preview,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        self._load()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self._load()
        action = request.POST.get("action", "save")
        if action == "revert":
            if services.reminder_wording_revert(kind=self.kind.key, language=self.language, by=request.user):
                messages.success(request, _("The default wording is back."))
            return redirect("notifications:wording-edit", kind=self.kind.key, language=self.language)
        form = ReminderWordingForm(
            request.POST,
            kind=self.kind,
            instance=self.wording or ReminderWording(kind=self.kind.key, language=self.language),
        )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=200)
        if action == "preview":
            typed = ReminderWording(
                kind=self.kind.key,
                language=self.language,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
            preview = services.preview_reminder(
                kind=self.kind.key, language=self.language, user=request.user, wording=typed
            )
            return self.render_to_response(self.get_context_data(form=form, preview=preview, previewing=True))
        try:
            services.reminder_wording_save(
                kind=self.kind.key,
                language=self.language,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except services.NotificationError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("The wording is saved: reminders of this kind use it from now on."))
        return redirect("notifications:wording-edit", kind=self.kind.key, language=self.language)
