"""The answer page behind a student's personal link (no account).

It is mobile-friendly and accessible, shows its progress, checks the required questions with clear messages,
and shows the personal-data notice from the surveys' settings. A used, expired or unknown link gets a clear page.

What it never does: write a session or a messages row (a session row carries a time), log the token, or write an
activity log; the submission itself is ``services.response_submit`` (claim, then insert, in one transaction).
Rate limits count by token as well as by address, since a lecture hall shares one address.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from qms.core.tokens import hash_token
from surveys import services
from surveys.answer_form import AnswerForm
from surveys.models import SurveySettings, SurveyToken
from surveys.views.questionnaires import questions_of

# A lecture hall shares one address: the limit by address is generous, the one by token is not.
RATE_BY_ADDRESS = "300/10m"
RATE_BY_TOKEN = "30/h"
# Refused before the body is read: the longest questionnaire's answers fit well below.
MAX_REQUEST_BYTES = 512 * 1024


def _limited(request: HttpRequest, token: str) -> bool:
    by_address = is_ratelimited(
        request, group="surveys:answer-address", key="ip", rate=RATE_BY_ADDRESS, method=["GET", "POST"], increment=True
    )
    by_token = is_ratelimited(
        request,
        group="surveys:answer-token",
        key=lambda group, req: hash_token(token),
        rate=RATE_BY_TOKEN,
        method=["GET", "POST"],
        increment=True,
    )
    return by_address or by_token


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES
    except ValueError:
        return True


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


def private_page(view):
    """A page behind a secret link: no referrer (the link is the secret), no caching, no indexing; no CSRF check
    (with "no-referrer", browsers post with "Origin: null", which the origin check refuses; the secret in the
    address does that job: a forged cross-site form cannot name a link it does not know)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store, private"
        return response

    return csrf_exempt(login_not_required(never_cache(wrapper)))


def _page(request, template: str, context: dict, *, status: int = 200, language: str) -> HttpResponse:
    notice = SurveySettings.get()
    with translation.override(language):
        return render(
            request,
            template,
            {**context, "page_language": language, "privacy_notice": notice.privacy_notice},
            status=status,
        )


@private_page
def public_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a questionnaire through a personal link."""
    if _limited(request, token):
        return _page(request, "surveys/public/rate_limited.html", {}, status=429, language=_language(request))
    found = services.token_for_secret(token)
    language = _language(request, found)
    if found is None:
        return _page(request, "surveys/public/unknown.html", {}, status=404, language=language)
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
            if _too_large(request):
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


@private_page
def public_thanks(request: HttpRequest) -> HttpResponse:
    """After a submission: thanks, and nothing about what was answered."""
    return _page(request, "surveys/public/thanks.html", {}, language=_language(request))
