from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from processes.choices import REVIEW_STATUS_BADGES, ReviewStatus
from processes.models.process import Process


class ProcessReview(models.Model):
    """The owner's periodic look at one process: what its indicators, risks and actions said, and what was decided.

    ``summary`` is compiled when the review is drafted (indicators against their targets, risks, open actions), so
    that the record keeps what the participants saw even when the figures move later.
    """

    process = models.ForeignKey(Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    participants = models.TextField(_("participants"), blank=True)
    summary = models.JSONField(_("compiled summary"), default=dict, blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    held_at = models.DateTimeField(_("recorded as held at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("process review")
        verbose_name_plural = _("process reviews")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["process", "-held_on"])]

    def __str__(self) -> str:
        return _("Review of %(process)s on %(date)s") % {
            "process": self.process.code,
            "date": formats.date_format(self.held_on, "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self) -> str:
        return reverse("processes:review-detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return REVIEW_STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_held(self) -> bool:
        return self.status == ReviewStatus.HELD


class ReviewDecision(models.Model):
    """A decision of a process review; each may become an action whose source it is. Archived, never deleted."""

    review = models.ForeignKey(
        ProcessReview, verbose_name=_("review"), on_delete=models.PROTECT, related_name="decisions"
    )
    position = models.PositiveIntegerField(_("number"), default=1)
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["review_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "position"], name="one_decision_per_number")]

    def __str__(self) -> str:
        return f"{self.reference} — {Truncator(' '.join(self.text.split())).chars(80)}"

    def get_absolute_url(self) -> str:
        return reverse("processes:review-detail", args=[self.review_id]) + f"#decision-{self.pk}"

    @property
    def reference(self) -> str:
        """ "M1 2025-03-12 D2": the process, the review's date and the decision's number."""
        review = self.review
        return f"{review.process.code} {review.held_on:%Y-%m-%d} D{self.position}"
