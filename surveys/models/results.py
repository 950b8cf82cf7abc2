"""What results keep: the histogram frozen at close, and the teachers' replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models.campaigns import Campaign, CampaignTarget
from surveys.models.questionnaires import Question


class ResultCounter(models.Model):
    """One bar of the histogram frozen at close: how many answers to a question, for a target, had a value (or
    were "not applicable", or were free text). Results read these once the campaign is closed."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="result_counters"
    )
    target = models.ForeignKey(
        CampaignTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="result_counters"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="result_counters"
    )
    value = models.IntegerField(_("value"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("result counter")
        verbose_name_plural = _("result counters")
        ordering = ["campaign", "target", "question", "value"]
        indexes = [models.Index(fields=["campaign", "target", "question"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.question_id} {self.value}: {self.count}"


class TeacherReply(models.Model):
    """What a teacher tells the students after reading their course's results: what will change."""

    target = models.ForeignKey(
        CampaignTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="teacher_replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("teacher"), on_delete=models.CASCADE, related_name="survey_replies"
    )
    text = models.TextField(_("reply to the students"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("teacher reply")
        verbose_name_plural = _("teacher replies")
        ordering = ["target", "created_at"]
        constraints = [models.UniqueConstraint(fields=["target", "author"], name="surveys_one_reply_per_teacher")]

    def __str__(self) -> str:
        return f"{self.author} — {self.target}"
