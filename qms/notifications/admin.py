from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from qms.notifications.choices import OUTBOX_STATE_BADGES
from qms.notifications.models import (
    HIDDEN_RECIPIENT,
    DailyCount,
    OutboxEmail,
    ReminderClaim,
    ReminderPreference,
    ReminderWording,
)
from qms.notifications.selectors import outbox_visible_to
from qms.notifications.services import give_up, retry_now

HIDDEN_SECRET = _("Hidden until sent: it carries a secret link, and is wiped once sent.")
RENDERED_WHEN_SENT = _("Written when the email is sent, from what it is about as it stands then.")


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows are written by ``notify`` and changed only through the actions."""

    list_display = (
        "created_at",
        "kind",
        "recipient",
        "subject",
        "queue",
        "state_badge",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state", "queue", "kind", "language", "contains_secret", "hide_recipient", "is_sensitive")
    search_fields = ("recipient_email", "subject", "=message_id", "=dedup_key")
    list_select_related = ("recipient_user",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    actions = ("retry_selected", "give_up_selected")
    fieldsets = (
        (None, {"fields": ("kind", "state", "queue", "recipient", "language", "reply_to")}),
        (_("Message"), {"fields": ("subject", "text_body", "html_body", "message_id")}),
        (_("Concerns"), {"fields": ("content_type", "object_id", "dedup_key")}),
        (
            _("Delivery"),
            {
                "fields": (
                    "attempts",
                    "next_attempt_at",
                    "lease_until",
                    "last_error",
                    "created_at",
                    "sent_at",
                    "contains_secret",
                    "hide_recipient",
                    "wiped_at",
                    "is_sensitive",
                )
            },
        ),
    )

    def get_queryset(self, request):
        # Emails about a sensitive case are for the sensitive-cases group alone, superusers included.
        return outbox_visible_to(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            # A search must not tell whether an address received a hidden-recipient email (a survey invitation).
            results = results.exclude(hide_recipient=True)
        return results, may_have_duplicates

    @admin.display(description=_("recipient"), ordering="recipient_email")
    def recipient(self, obj: OutboxEmail):
        if obj.hide_recipient:
            return HIDDEN_RECIPIENT
        if obj.recipient_user_id:
            return f"{obj.recipient_user} <{obj.recipient_email}>" if obj.recipient_email else str(obj.recipient_user)
        return obj.recipient_email or "—"

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj: OutboxEmail):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', OUTBOX_STATE_BADGES[obj.state], obj.get_state_display()
        )

    def _body(self, obj: OutboxEmail, value: str):
        # A secret link must not be read off the admin before the email is out.
        if obj.contains_secret and obj.is_pending:
            return HIDDEN_SECRET
        if obj.context is not None and not value:
            return RENDERED_WHEN_SENT
        return format_html('<pre style="white-space:pre-wrap;">{}</pre>', value) if value else "—"

    @admin.display(description=_("text body"))
    def text_body(self, obj: OutboxEmail):
        return self._body(obj, obj.body_text)

    @admin.display(description=_("HTML body (source)"))
    def html_body(self, obj: OutboxEmail):
        return self._body(obj, obj.body_html)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_selected(self, request, queryset):
        count = retry_now(emails=queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description=_("Give up"), permissions=["change"])
    def give_up_selected(self, request, queryset):
        count = give_up(emails=queryset)
        self.message_user(
            request,
            ngettext("%(count)d email given up.", "%(count)d emails given up.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(DailyCount)
class DailyCountAdmin(admin.ModelAdmin):
    """What is left of deleted mail rows: how many of each kind went out each day, about which object."""

    list_display = ("date", "kind", "content_type", "object_id", "count")
    list_filter = ("kind", "content_type")
    search_fields = ("kind", "=object_id")
    list_select_related = ("content_type",)
    date_hierarchy = "date"


@admin.register(ReminderClaim)
class ReminderClaimAdmin(admin.ModelAdmin):
    """The reminders sent, read-only: proof of what reached whom, written by the daily scan."""

    list_display = ("claimed_at", "kind", "recipient", "content_type", "object_id", "threshold", "due_date", "email")
    list_filter = ("kind", "threshold", "content_type")
    search_fields = ("kind", "recipient__username", "recipient__email")
    list_select_related = ("recipient", "content_type", "email")
    date_hierarchy = "claimed_at"

    def get_queryset(self, request):
        # A claim about a sensitive case is as visible as its email.
        queryset = super().get_queryset(request)
        hidden = OutboxEmail.objects.exclude(pk__in=outbox_visible_to(request.user).values("pk"))
        return queryset.exclude(email__in=hidden)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    """Each person's choice of how to receive reminders (edited by them on their profile page)."""

    list_display = ("user", "mode", "calendar_token_created_at")
    list_filter = ("mode",)
    search_fields = ("user__username", "user__email", "user__last_name")
    list_select_related = ("user",)
    exclude = ("calendar_token_hash",)
    readonly_fields = ("calendar_token_created_at",)


@admin.register(ReminderWording)
class ReminderWordingAdmin(admin.ModelAdmin):
    """The quality manager's wording of reminders, read-only here: it is edited (and its placeholders checked) on
    its own back-office page."""

    list_display = ("kind", "language", "subject", "updated_at", "updated_by")
    list_filter = ("language", "kind")
    search_fields = ("kind", "subject", "body")
    list_select_related = ("updated_by",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
