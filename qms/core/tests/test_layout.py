"""The base layout: skip link, landmarks, navigation, language switcher, user menu, breadcrumbs, messages, footer;
the landing and home pages built on it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.urls import reverse

from qms.core import navigation
from qms.core.choices import AccessibilityCompliance
from qms.core.factories import UserFactory
from qms.core.models import SiteSettings
from qms.core.navigation import NavEntry, nav_items, signed_in, with_perm
from qms.core.templatetags.qms_layout import alert_class, message_role, minutes
from qms.core.tests.html import parse, same_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_entries(monkeypatch):
    """Navigation entries pointing at pages that exist today, in place of the modules of other apps."""
    entries = [
        NavEntry("legal", "Legal", "core:legal", signed_in),
        NavEntry("privacy", "Privacy", "core:privacy", with_perm("core.view_activitylog")),
        NavEntry("home", "Start", "core:home", signed_in),
        NavEntry("missing", "Not built yet", "nowhere:page-list", signed_in),
    ]
    monkeypatch.setattr(navigation, "declared_entries", lambda: entries)
    return entries


# --- Accessibility of every page --------------------------------------------------------------------------------


def test_the_first_focusable_element_is_a_skip_link_to_main(client):
    page = parse(client.get(reverse("core:landing")))

    first_link = page.all("body a, body button, body input, body select")[0]
    assert first_link.get("href") == "#main"
    assert "visually-hidden-focusable" in first_link.get("class")
    assert page.one("main").get("id") == "main"


def test_the_page_has_header_navigation_main_and_footer_landmarks(client):
    page = parse(client.get(reverse("core:landing")))

    assert len(page.all("header")) == 1
    assert len(page.all("main")) == 1
    assert len(page.all("footer")) == 1
    for nav in page.all("nav"):
        assert nav.get("aria-label"), "every navigation landmark is named"
    labels = [nav.get("aria-label") for nav in page.all("nav")]
    assert len(labels) == len(set(labels)), "navigation landmarks have distinct names"


def test_the_page_declares_its_language_and_loads_the_vendored_bootstrap(client):
    response = client.get(reverse("core:landing"))
    page = parse(response)

    assert page.one("html").get("lang") == "fr"
    stylesheets = [link.get("href") for link in page.all("link[rel=stylesheet]")]
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in stylesheets
    assert "/static/css/qms.css" in stylesheets
    scripts = [script.get("src") for script in page.all("script[src]")]
    assert scripts[0] == "/static/vendor/bootstrap/js/bootstrap.bundle.min.js"
    assert all(src.startswith("/static/") for src in stylesheets + scripts), "no CDN"


def test_the_vendored_files_are_served(client):
    for path in (
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/css/qms.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content)


def test_the_favicon_is_served_at_the_root_and_linked_by_every_page(client):
    """Browsers ask for /favicon.ico whatever the page says: it must not be a 404 (nor a sign-in redirect)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    icons = {
        link.get("href"): link.get("type") for link in parse(client.get(reverse("core:landing"))).all("link[rel=icon]")
    }
    assert icons == {"/favicon.ico": None, "/static/favicon.svg": "image/svg+xml"}
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)


def test_every_form_control_of_the_layout_has_an_accessible_name(client, staff_member):
    client.force_login(staff_member)
    page = parse(client.get(reverse("core:home")))

    for control in page.all("header button, header select, header input:not([type=hidden])"):
        named = control.text or control.get("aria-label") or control.get("aria-labelledby")
        assert named, f"unnamed control {control!r}"
    assert page.one("button.navbar-toggler").get("aria-controls") == "main-menu"


# --- Navigation --------------------------------------------------------------------------------------------------


def test_navigation_skips_entries_whose_page_does_not_exist_yet(test_entries, staff_member):
    keys = [item.key for item in nav_items(staff_member, "/")]

    assert "missing" not in keys
    assert keys == ["legal", "home"]


def test_navigation_shows_an_entry_only_to_those_its_check_lets_in(test_entries, staff_member):
    assert "privacy" not in [item.key for item in nav_items(staff_member)]

    staff_member.user_permissions.add(Permission.objects.get(codename="view_activitylog"))
    staff_member = type(staff_member).objects.get(pk=staff_member.pk)  # fresh permission cache

    assert "privacy" in [item.key for item in nav_items(staff_member)]


def test_navigation_is_empty_for_anonymous_visitors(test_entries, client):
    from django.contrib.auth.models import AnonymousUser

    assert nav_items(AnonymousUser(), "/") == []
    page = parse(client.get(reverse("core:landing")))
    assert page.all("#main-menu a.nav-link[data-nav]") == []


def test_the_current_section_is_marked_with_aria_current(test_entries, client, staff_member):
    client.force_login(staff_member)
    page = parse(client.get(reverse("core:legal")))

    links = {link.get("data-nav"): link for link in page.all("#main-menu a.nav-link[data-nav]")}
    assert set(links) == {"legal", "home"}
    assert links["legal"].get("aria-current") == "page"
    assert links["home"].get("aria-current") is None


def test_the_longest_matching_address_wins_the_current_section(staff_member):
    entries = [
        NavEntry("root", "Root", "core:landing", signed_in),
        NavEntry("legal", "Legal", "core:legal", signed_in),
    ]

    items = {item.key: item for item in nav_items(staff_member, reverse("core:legal"), entries)}

    assert items["legal"].active
    assert not items["root"].active


def test_the_declared_modules_appear_when_their_page_exists_and_the_user_may_open_them(quality_manager):
    """Whatever the other apps have built so far: an entry shows exactly when its URL resolves and its check passes."""
    shown = {item.key for item in nav_items(quality_manager)}

    for entry in navigation.declared_entries():
        expected = entry.url() is not None and entry.check(quality_manager)
        assert (entry.key in shown) == expected, entry.key


def test_the_module_urls_are_the_ones_the_apps_will_define():
    names = {entry.url_name for entry in navigation.declared_entries()}
    assert {
        "actionplans:plan-list",
        "actionplans:my-actions",
        "complaints:inbox",
        "processes:process-list",
    } <= names


# --- Language switcher ---------------------------------------------------------------------------------------------


def test_the_language_switcher_posts_to_set_language_and_works_signed_out(client):
    page = parse(client.get(reverse("core:legal")))

    form = page.one("form.qms-language-form")
    assert form.get("action") == reverse("set_language")
    assert form.get("method") == "post"
    assert form.one("input[name=next]").get("value") == reverse("core:legal")
    assert form.one("input[name=csrfmiddlewaretoken]")
    buttons = {button.get("value"): button for button in form.all("button[name=language]")}
    assert set(buttons) == {"fr", "en"}
    assert buttons["fr"].get("aria-pressed") == "true"
    assert buttons["en"].get("lang") == "en"
    assert buttons["en"].text == "English"

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:legal")})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:legal")
    page = parse(client.get(reverse("core:legal")))
    assert page.one("html").get("lang") == "en"
    assert page.one("a.skip-link").text == "Skip to main content"


def test_french_is_the_default_and_the_cookie_switches_to_english(client):
    french = parse(client.get(reverse("core:landing")))
    assert french.one("a.skip-link").text == "Passer au contenu principal"
    assert french.one("header a[data-action=login]").text == "Connexion"

    client.cookies["django_language"] = "en"
    english = parse(client.get(reverse("core:landing")))
    assert english.one("html").get("lang") == "en"
    assert english.one("header a[data-action=login]").text == "Log in"


# --- User menu ---------------------------------------------------------------------------------------------------


def test_a_visitor_sees_a_login_link_and_no_user_menu(client):
    page = parse(client.get(reverse("core:landing")))

    assert page.one("header a[data-action=login]").get("href") == reverse("two_factor:login")
    assert page.all("#user-menu-button") == []


def test_the_user_menu_offers_two_factor_password_and_a_logout_form(client, staff_member):
    client.force_login(staff_member)
    page = parse(client.get(reverse("core:home")))

    menu = page.one("ul[aria-labelledby=user-menu-button]")
    hrefs = [link.get("href") for link in menu.all("a")]
    assert reverse("two_factor:profile") in hrefs
    assert reverse("password_change") in hrefs
    assert reverse("admin:index") not in hrefs, "the admin link is for staff accounts only"
    logout = menu.one("form")
    assert logout.get("action") == reverse("logout")
    assert logout.get("method") == "post"
    assert logout.one("input[name=csrfmiddlewaretoken]")
    assert str(staff_member) in page.text_of("#user-menu-button")


def test_the_user_menu_links_the_admin_for_staff_accounts(client):
    admin_user = UserFactory(username="gestionnaire", is_staff=True)
    client.force_login(admin_user)
    page = parse(client.get(reverse("core:home")))

    assert reverse("admin:index") in [link.get("href") for link in page.all("ul[aria-labelledby=user-menu-button] a")]


# --- Breadcrumbs and messages ----------------------------------------------------------------------------------


def test_breadcrumbs_are_an_ordered_list_in_a_named_navigation(client):
    page = parse(client.get(reverse("core:privacy")))

    crumbs = page.one("nav.qms-breadcrumbs")
    assert crumbs.get("aria-label") == "Fil d'Ariane"
    items = crumbs.all("ol.breadcrumb > li.breadcrumb-item")
    assert items[0].one("a").get("href") == reverse("core:landing")
    assert items[-1].get("aria-current") == "page"
    assert items[-1].all("a") == []


def test_breadcrumbs_start_from_the_home_page_when_signed_in(client, staff_member):
    client.force_login(staff_member)
    page = parse(client.get(reverse("core:privacy")))

    assert page.one("nav.qms-breadcrumbs li a").get("href") == reverse("core:home")


def test_messages_are_shown_with_a_role_that_matches_their_urgency():
    assert message_role(Message(constants.ERROR, "x")) == "alert"
    assert message_role(Message(constants.WARNING, "x")) == "alert"
    assert message_role(Message(constants.SUCCESS, "x")) == "status"
    assert message_role(Message(constants.INFO, "x")) == "status"
    assert alert_class(Message(constants.ERROR, "x")) == "danger"
    assert alert_class(Message(constants.SUCCESS, "x")) == "success"


def test_messages_appear_in_the_messages_area(client, quality_manager, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS = True
    client.force_login(quality_manager)

    page = parse(client.get(reverse("core:home"), follow=True))

    alert = page.one("#messages .alert")
    assert alert.get("role") == "alert"
    assert "alert-warning" in alert.get("class")
    assert alert.one("button.btn-close").get("aria-label")


def test_a_message_is_a_live_region_that_the_page_focuses_once_loaded(client, quality_manager, settings):
    """Written again into its live region after load and given focus by static/js/messages.js (the browser test
    of the keyboard journey checks that it happens): the person hears what their action did."""
    settings.TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS = True
    client.force_login(quality_manager)

    page = parse(client.get(reverse("core:home"), follow=True))

    message = page.one("#messages [data-message]")
    assert (message.get("role"), message.get("aria-live"), message.get("tabindex")) == ("alert", "assertive", "-1")
    assert message.one("[data-message-text]").text
    assert page.one("script[src$='js/messages.js']")


def test_the_institutions_french_name_says_its_language_on_english_pages(client, settings):
    """RGAA 8.7: "Université de démonstration" in the header, the footer and the landing page's heading is French
    on an English page; on a French page it needs nothing."""
    site = SiteSettings.load()
    site.institution_name = "Université de démonstration"
    site.save()

    english = parse(client.get(reverse("core:landing"), HTTP_ACCEPT_LANGUAGE="en"))
    assert english.one("html").get("lang") == "en"
    named = [element for element in english.all("[lang=fr]") if not element.get("data-language")]
    assert [element.text for element in named] == ["Université de démonstration"] * 3
    assert {element.element.tag.split("}")[-1] for element in named} == {"span", "h1"}
    french = parse(client.get(reverse("core:landing"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert [element for element in french.all("body [lang]") if not element.get("data-language")] == []


def test_content_lang_names_the_language_only_when_it_differs_from_the_pages(settings):
    from django.utils import translation

    from qms.core.templatetags.qms_layout import content_lang

    settings.LANGUAGE_CODE = "fr"
    with translation.override("en"):
        assert content_lang() == ' lang="fr"'
        assert content_lang("en") == ""
        assert content_lang("fr-be") == ' lang="fr"'
    with translation.override("fr"):
        assert content_lang() == ""
        assert content_lang("en") == ' lang="en"'


def test_a_name_inside_a_sentence_or_a_list_says_its_language_on_english_pages(settings, org):
    """``|in_content_lang`` wraps a name where no element of its own can go (inside a translated sentence), and
    ``ContentLangSelect`` marks the options of a list of names, the empty choice left in the page's language."""
    from django import forms
    from django.template import engines
    from django.utils import translation

    from qms.core.models import OrgUnit
    from qms.core.widgets import ContentLangSelect

    settings.LANGUAGE_CODE = "fr"
    template = engines["django"].from_string('{% load qms_layout %}{{ name|in_content_lang|default:"—" }}')

    class UnitForm(forms.Form):
        unit = forms.ModelChoiceField(
            queryset=OrgUnit.objects.filter(pk__in=[org.sciences.pk, org.letters.pk]),
            required=False,
            widget=ContentLangSelect,
        )

    with translation.override("en"):
        assert template.render({"name": "UFR <Sciences>"}) == '<span lang="fr">UFR &lt;Sciences&gt;</span>'
        assert template.render({"name": None}) == template.render({"name": ""}) == "—"
        options = parse(str(UnitForm()["unit"])).all("option")
        assert [(option.get("lang"), option.text) for option in options] == [
            (None, "---------"),
            ("fr", "UFR Sciences"),
            ("fr", "UFR Lettres"),
        ]
    with translation.override("fr"):
        assert template.render({"name": "UFR <Sciences>"}) == "UFR &lt;Sciences&gt;"
        assert parse(str(UnitForm()["unit"])).all("option[lang]") == []


@pytest.mark.parametrize(
    ("language", "landing", "home"),
    [
        ("fr", "Service qualité · Université de démonstration", "Mon espace · Université de démonstration"),
        ("en", "Quality office · Université de démonstration", "My space · Université de démonstration"),
    ],
)
def test_the_landing_page_and_the_home_page_have_titles_of_their_own(client, staff_member, language, landing, home):
    """Both were "Accueil": a person with several tabs, or a screen reader's list of windows, told them apart by
    nothing (WCAG 2.4.2)."""
    site = SiteSettings.load()
    site.institution_name = "Université de démonstration"
    site.save()
    staff_member.language = language
    staff_member.save(update_fields=["language"])

    assert parse(client.get(reverse("core:landing"), HTTP_ACCEPT_LANGUAGE=language)).text_of("title") == landing
    client.force_login(staff_member)
    assert parse(client.get(reverse("core:home"))).text_of("title") == home


def test_minutes_round_a_wait_up():
    import datetime

    assert minutes(datetime.timedelta(minutes=15)) == 15
    assert minutes(datetime.timedelta(seconds=61)) == 2
    assert minutes(None) == 0


# --- Footer ------------------------------------------------------------------------------------------------------


def test_the_footer_links_the_accessibility_statement_legal_notice_and_personal_data(client):
    page = parse(client.get(reverse("core:landing")))

    links = {link.get("data-footer"): link for link in page.one("footer").all("a[data-footer]")}
    assert links["accessibility"].get("href") == reverse("core:accessibility")
    assert links["legal"].get("href") == reverse("core:legal")
    assert links["privacy"].get("href") == reverse("core:privacy")


def test_the_footer_states_the_accessibility_compliance_level(client):
    site = SiteSettings.load()
    site.accessibility_compliance = AccessibilityCompliance.PARTIAL
    site.save()
    client.cookies["django_language"] = "en"

    page = parse(client.get(reverse("core:landing")))

    assert page.one("footer a[data-footer=accessibility]").text == "Accessibility: partially compliant"


# --- Landing and home pages --------------------------------------------------------------------------------------


def test_the_landing_page_is_public_and_names_the_institution(client, settings):
    response = client.get(reverse("core:landing"))

    assert response.status_code == 200
    page = parse(response)
    assert page.text_of("h1") == SiteSettings.get().institution_name
    assert page.one("a[data-action=staff-login]").get("href") == reverse("two_factor:login")


def test_the_landing_page_hides_the_request_link_until_the_public_form_exists(client, monkeypatch):
    from qms.core import views

    monkeypatch.setattr(views, "reverse_or_none", lambda name: None)
    assert parse(client.get(reverse("core:landing"))).all("a[data-action=file-request]") == []

    monkeypatch.setattr(
        views, "reverse_or_none", lambda name: "/demande/" if name == "complaints:public-create" else None
    )
    link = parse(client.get(reverse("core:landing"))).one("a[data-action=file-request]")
    assert link.get("href") == "/demande/"


def test_the_landing_page_links_the_public_request_form_when_it_exists(client):
    from qms.core.views import reverse_or_none

    page = parse(client.get(reverse("core:landing")))
    links = page.all("a[data-action=file-request]")
    expected = reverse_or_none("complaints:public-create")
    assert [link.get("href") for link in links] == ([expected] if expected else [])


def test_the_landing_page_sends_a_signed_in_user_to_their_home(client, staff_member):
    client.force_login(staff_member)
    page = parse(client.get(reverse("core:landing")))

    assert page.all("a[data-action=staff-login]") == []
    assert reverse("core:home") in [link.get("href") for link in page.all("main a")]


def test_the_home_page_needs_a_signed_in_user(client):
    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))


def test_the_home_page_welcomes_the_user_and_lists_their_modules(test_entries, client, staff_member):
    client.force_login(staff_member)
    page = parse(client.get(reverse("core:home")))

    assert staff_member.first_name in page.text_of("h1")
    modules = [link.get("data-module") for link in page.all("main a[data-module]")]
    assert modules == ["legal", "home"]


def test_the_home_page_runs_a_fixed_number_of_queries(
    test_entries, client, staff_member, django_assert_max_num_queries
):
    client.force_login(staff_member)
    client.get(reverse("core:home"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("core:home"))
    assert response.status_code == 200


# --- The header and footer written in Python ---------------------------------------------------------------------
# The template markup that ``{% site_header %}`` and ``{% site_footer %}`` write in Python (qms_layout).
HEADER = """{% load i18n qms_layout %}{% get_current_language as LANGUAGE_CODE %}
  <header class="qms-header">
    <nav class="navbar navbar-expand-lg qms-navbar" data-bs-theme="dark" aria-label="{% translate 'Main navigation' %}">
      <div class="container-xl">
        <a class="navbar-brand" href="{% if user.is_authenticated %}{% url 'core:home' %}{% else %}{% url 'core:landing' %}{% endif %}">
          {% if site_settings and site_settings.logo_url %}
            <img src="{{ site_settings.logo_url }}" alt="" height="32" class="qms-brand-logo">
          {% else %}
            <span class="qms-brand-mark" aria-hidden="true">QMS</span>
          {% endif %}
          <span class="qms-brand-name"{% content_lang %}>{{ INSTITUTION_NAME|default:"QMS" }}</span>
        </a>
        <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-menu"
                aria-controls="main-menu" aria-expanded="false" aria-label="{% translate 'Toggle navigation' %}">
          <span class="navbar-toggler-icon"></span>
        </button>
        <div class="collapse navbar-collapse" id="main-menu">
          <ul class="navbar-nav me-auto mb-2 mb-lg-0">
            {% for item in nav_items %}
              <li class="nav-item">
                <a class="nav-link{% if item.active %} active{% endif %}" href="{{ item.url }}"{% if item.active %} aria-current="page"{% endif %} data-nav="{{ item.key }}">{{ item.label }}</a>
              </li>
            {% endfor %}
          </ul>

          <div class="d-lg-flex align-items-lg-center gap-3">
            {% if request %}
              <form class="qms-language-form" action="{% url 'set_language' %}" method="post" aria-label="{% translate 'Language' %}">
                {% csrf_token %}
                <input name="next" type="hidden" value="{{ request.get_full_path }}">
                {% get_available_languages as available_languages %}
                {% get_language_info_list for available_languages as languages %}
                <div class="btn-group btn-group-sm" role="group" aria-label="{% translate 'Language' %}">
                  {% for language in languages %}
                    <button type="submit" name="language" value="{{ language.code }}" lang="{{ language.code }}"
                            class="btn {% if language.code == LANGUAGE_CODE %}btn-light{% else %}btn-outline-light{% endif %}"
                            {% if language.code == LANGUAGE_CODE %}aria-pressed="true"{% else %}aria-pressed="false"{% endif %}
                            data-language="{{ language.code }}">{{ language.name_local|capfirst }}</button>
                  {% endfor %}
                </div>
              </form>
            {% endif %}

            {% if user.is_authenticated %}
              <ul class="navbar-nav">
                <li class="nav-item dropdown">
                  <button class="nav-link dropdown-toggle" type="button" id="user-menu-button"
                          data-bs-toggle="dropdown" aria-expanded="false">
                    <span class="visually-hidden">{% translate "User menu:" %}</span> {{ user }}
                  </button>
                  <ul class="dropdown-menu dropdown-menu-end" aria-labelledby="user-menu-button" data-bs-theme="light">
                    <li><a class="dropdown-item" href="{% url 'two_factor:profile' %}">{% translate "Two-factor authentication" %}</a></li>
                    <li><a class="dropdown-item" href="{% url 'password_change' %}">{% translate "Change password" %}</a></li>
                    {% if user.is_staff %}
                      <li><a class="dropdown-item" href="{% url 'admin:index' %}">{% translate "Administration" %}</a></li>
                    {% endif %}
                    <li><hr class="dropdown-divider"></li>
                    <li>
                      <form action="{% url 'logout' %}" method="post">
                        {% csrf_token %}
                        <button type="submit" class="dropdown-item" data-action="logout">{% translate "Log out" %}</button>
                      </form>
                    </li>
                  </ul>
                </li>
              </ul>
            {% else %}
              <a class="btn btn-light btn-sm" href="{% url 'two_factor:login' %}" data-action="login">{% translate "Log in" %}</a>
            {% endif %}
          </div>
        </div>
      </div>
    </nav>
  </header>
"""  # noqa: E501 - the layout's markup as it was
FOOTER = """{% load i18n qms_layout %}
  <footer class="qms-footer mt-auto">
    <div class="container-xl py-3">
      <nav aria-label="{% translate 'Site information' %}">
        <ul class="list-inline mb-1">
          <li class="list-inline-item"><a href="{% url 'core:accessibility' %}" data-footer="accessibility">{% if site_settings %}{% blocktranslate trimmed with level=site_settings.get_accessibility_compliance_display|lower %}Accessibility: {{ level }}{% endblocktranslate %}{% else %}{% translate "Accessibility" %}{% endif %}</a></li>
          <li class="list-inline-item"><a href="{% url 'core:legal' %}" data-footer="legal">{% translate "Legal notice" %}</a></li>
          <li class="list-inline-item"><a href="{% url 'core:privacy' %}" data-footer="privacy">{% translate "Personal data" %}</a></li>
        </ul>
      </nav>
      <p class="small mb-0"><span{% content_lang %}>{{ INSTITUTION_NAME|default:"QMS" }}</span> · {% translate "QMS, open-source quality management system" %}</p>
    </div>
  </footer>
"""  # noqa: E501 - the layout's markup as it was
WRITTEN = "{% load qms_layout %}{% site_header %}{% site_footer %}"


def _layout_request(user, path="/"):
    from django.contrib.sessions.backends.cache import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get(path, {"page": "2", "q": "a&b"})
    request.user = user
    request.session = SessionStore()
    return request


def _both(request):
    """The header and footer rendered by the template markup and by the tags, from the same context (``request``
    None: the 500 page, with no request and no context processor)."""
    from django.template import Context, RequestContext, engines

    engine = engines["django"].engine
    rendered = []
    for source in (HEADER + FOOTER, WRITTEN):
        context = Context() if request is None else RequestContext(request)
        rendered.append(same_markup(engine.from_string(source).render(context)))
    return tuple(rendered)


@pytest.fixture
def same_csrf_token(monkeypatch):
    """One CSRF token for both renderings (each reading of it is masked afresh)."""
    monkeypatch.setattr("django.template.context_processors.get_token", lambda request: "token<&>")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_header_and_footer_written_in_python_are_the_template_markup_they_replace(
    test_entries, staff_member, language, same_csrf_token
):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    admin = UserFactory(username="admin-x", first_name="Zoé", last_name="L'Hôte <admin>", is_staff=True)
    staff_member.user_permissions.add(Permission.objects.get(codename="view_activitylog"))
    site = SiteSettings.load()
    site.institution_name = "Université <de> démonstration & « co »"
    site.accessibility_compliance = AccessibilityCompliance.PARTIAL
    site.save()
    with translation.override(language):
        for user, path in ((staff_member, reverse("core:legal")), (admin, "/"), (AnonymousUser(), "/")):
            expected, written = _both(_layout_request(user, path))
            assert written == expected
            assert written.count('value="token&lt;&amp;&gt;"') == (2 if user.is_authenticated else 1)
        assert 'aria-current="page"' in _both(_layout_request(staff_member, reverse("core:legal")))[1]
        # The 500 page: no request, no user, no site settings.
        expected, written = _both(None)
        assert written == expected and "QMS" in written and "csrfmiddlewaretoken" not in written


def test_the_header_shows_the_sites_logo_as_the_template_did(staff_member, same_csrf_token):
    site = SiteSettings.load()
    site.logo.name = "logos/logo&co.svg"
    site.save()
    expected, written = _both(_layout_request(staff_member))
    assert written == expected and "qms-brand-logo" in written
