"""The answer page behind a student's personal link (no account), built on the token-page kit of
``qms.core.public``: private headers (no referrer, no cache, no indexing), rate limits by address and by token
from settings (``SURVEYS_ANSWER_RATE_BY_ADDRESS``: a lecture hall shares one address; ``…_BY_TOKEN``), the token
looked up by its hash, the 429 page, and no CSRF check (the kit's docstring says why the secret link does its job).

It is mobile-friendly and accessible, shows its progress, checks the required questions with clear messages,
and shows the personal-data notice from the surveys' settings. A used, expired or unknown link gets a clear page
(the kit's bare 404 says nothing; here the link's holder is told what to do).

What it never does: write a session or a messages row (a session row carries a time), log the token, or write an
activity log. Its templates (``surveys/public/base.html``) read neither the session, nor the messages, nor the
signed-in user, which is why they do not extend the kit's ``public/private_base.html``; the language switch is a
link (``?lang=``), not a form. The kit's single-use stamp is not used either: the token's claim already makes a
submission single, and a spent stamp would be one more row, dated, written in the response's transaction. The
submission itself is ``services.response_submit`` (claim, then insert, in one transaction).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from qms.core.public import body_too_large, private_page, token_page
from surveys import services
from surveys.answer_form import AnswerForm
from surveys.models import SurveySettings, SurveyToken
from surveys.views.questionnaires import questions_of

# Refused before the body is read: the longest questionnaire's answers fit well below.
MAX_REQUEST_BYTES = 512 * 1024


class UnknownLink:
    """What the lookup gives for a link that opens nothing, so that the page can say so clearly."""


UNKNOWN = UnknownLink()


def _lookup(token: str) -> SurveyToken | UnknownLink:
    return services.token_for_secret(token) or UNKNOWN


def _language(request: HttpRequest, token: SurveyToken | None = None) -> str:
    """The page's language: ``?lang=`` when given (a link, not a form: no cookie, no session), else the roster's,
    else the browser's."""
    known = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("lang", "")
    if asked in known:
        return asked
    if token is not None and token.language in known:
        return token.language
    return translation.get_language() or settings.LANGUAGE_CODE


def _page(request, template: str, context: dict, *, status: int = 200, language: str) -> HttpResponse:
    notice = SurveySettings.get()
    with translation.override(language):
        return render(
            request,
            template,
            {**context, "page_language": language, "privacy_notice": notice.privacy_notice},
            status=status,
        )


@token_page(
    lookup=_lookup,
    rate_by_address="SURVEYS_ANSWER_RATE_BY_ADDRESS",
    rate_by_token="SURVEYS_ANSWER_RATE_BY_TOKEN",
    group="surveys:answer",
)
def public_answer(request: HttpRequest, found: SurveyToken | UnknownLink, token: str) -> HttpResponse:
    """Answer a questionnaire through a personal link."""
    if isinstance(found, UnknownLink):
        return _page(request, "surveys/public/unknown.html", {}, status=404, language=_language(request))
    language = _language(request, found)
    campaign = found.campaign
    context = {"campaign": campaign, "target": found.target, "template": campaign.template}
    if found.used:
        return _page(request, "surveys/public/used.html", context, status=410, language=language)
    today = timezone.localdate()
    if not campaign.accepts_answers(today):
        early = campaign.status == "draft" or (campaign.status == "open" and today < campaign.opens_on)
        return _page(
            request, "surveys/public/expired.html", {**context, "not_yet": early}, status=410, language=language
        )
    with translation.override(language):
        questions = questions_of(campaign.template)
        if request.method == "POST":
            if body_too_large(request, MAX_REQUEST_BYTES):
                form = AnswerForm(questions=questions)
                return _answer_page(request, form, context, language, status=413, error=_("Your answers are too long."))
            form = AnswerForm(request.POST, questions=questions)
            if form.is_valid():
                if services.response_submit(token=found, answers=form.answers()):
                    return HttpResponseRedirect(reverse("surveys:public-thanks") + f"?lang={language}")
                return _page(request, "surveys/public/used.html", context, status=410, language=language)
            return _answer_page(request, form, context, language, status=400)
        return _answer_page(request, AnswerForm(questions=questions), context, language)


def _answer_page(request, form: AnswerForm, context: dict, language: str, *, status: int = 200, error: str = ""):
    sections = form.sections()
    questions = len(form.questions)
    required = sum(1 for question in form.questions if question.required)
    return _page(
        request,
        "surveys/public/answer.html",
        {
            **context,
            "form": form,
            "sections": sections,
            "question_count": questions,
            "required_count": required,
            "page_error": error,
            "other_language": "en" if language == "fr" else "fr",
        },
        status=status,
        language=language,
    )


@login_not_required
@never_cache
@private_page
def public_thanks(request: HttpRequest) -> HttpResponse:
    """After a submission: thanks, and nothing about what was answered."""
    return _page(request, "surveys/public/thanks.html", {}, language=_language(request))
