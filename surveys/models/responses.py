"""Tokens, responses and answers: anonymity held by the schema.

A token row holds the campaign, the target, the email, the language, the hashes of its secrets and a ``used``
flag, and no timestamp. A response holds its target and its answers, and nothing else: no link to a token, a
roster line or a user, no date or time, and random UUID keys (a serial key would give the order of answering).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models.campaigns import Campaign, CampaignTarget
from surveys.models.questionnaires import Question


class SurveyToken(models.Model):
    """One student's personal link for one target of a campaign: a line of the roster."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="tokens")
    target = models.ForeignKey(
        CampaignTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="tokens"
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    used = models.BooleanField(_("used"), default=False)
    # A line taken off the roster after its link was used: the row stays for the counts, out of the roster.
    # (An unused link taken off is deleted.) Telling the two apart would say who answered, so nothing shows it.
    removed = models.BooleanField(_("removed from the roster"), default=False)

    class Meta:
        verbose_name = _("survey token")
        verbose_name_plural = _("survey tokens")
        ordering = ["campaign", "email"]
        constraints = [models.UniqueConstraint(fields=["target", "email"], name="surveys_one_token_per_pair")]
        indexes = [models.Index(fields=["campaign", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.target_id}"


class TokenSecret(models.Model):
    """The hash of one secret of a token. Each mailing carries a fresh secret (only hashes are stored), and every
    secret of a token opens it until the token is used."""

    hash = models.CharField(_("hash"), max_length=64, primary_key=True)
    token = models.ForeignKey(SurveyToken, verbose_name=_("token"), on_delete=models.CASCADE, related_name="secrets")

    class Meta:
        verbose_name = _("token secret")
        verbose_name_plural = _("token secrets")

    def __str__(self) -> str:
        return f"{self.hash[:8]}…"


class Response(models.Model):
    """One anonymous response: its target and its answers, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target = models.ForeignKey(
        CampaignTarget, verbose_name=_("target"), on_delete=models.CASCADE, related_name="responses"
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    """One answer to one question. Scales, ratings and single choices store the value; a multiple choice stores the
    bit mask of its options (bit ``value - 1``); free text stores its text. "Not applicable" stores no value."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    value = models.IntegerField(_("value"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    text = models.TextField(_("text"), blank=True)
    hidden = models.BooleanField(_("hidden by moderation"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveys_one_answer_per_question")]

    def __str__(self) -> str:
        return str(self.id)
