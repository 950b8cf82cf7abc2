"""Configuration: every variable is documented in .env.example, a malformed value stops the start-up naming
the variable, the embedded default needs no environment, and production values pass ``check --deploy``.

The settings are read once per process, so most tests evaluate ``qms/settings.py`` afresh in this process under
a given environment (``load_settings``): the module does nothing but read variables and record them in
``qms.env.DECLARED``. A few tests start a whole process, where only a real start-up proves the point: the system
checks of ``check --deploy``, and a malformed value stopping ``manage.py``."""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import shlex
import subprocess
import sys
from types import ModuleType
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from qms.env import DECLARED

BASE_DIR = settings.BASE_DIR
ENV_EXAMPLE = BASE_DIR / ".env.example"
SETTINGS_FILE = BASE_DIR / "qms" / "settings.py"

# What an operator sets in production, as README.md says.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "qms.example.edu",
    "SITE_URL": "https://qms.example.edu",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "STATIC_MANIFEST": "true",
    "WHITENOISE_USE_FINDERS": "false",
    "DATABASE_URL": "postgres://qms:secret@db.example.edu:5432/qms",
    "REDIS_URL": "redis://redis.example.edu:6379/0",
    "EMAIL_URL": "smtp+tls://qms:secret@smtp.example.edu:587",
}


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without any of the settings' variables, plus ``env``."""
    clean = {name: value for name, value in os.environ.items() if name not in DECLARED}
    clean.update(env)
    return clean


def load_settings(**env: str) -> ModuleType:
    """``qms/settings.py`` evaluated afresh, in this process, with none of its variables set but ``env``.

    Returns the module; its ``declared`` attribute is what that evaluation recorded in ``DECLARED``, which is
    given back as it was afterwards. A malformed value raises ``ImproperlyConfigured`` as at start-up."""
    saved = dict(DECLARED)
    environment = clean_environment(**env)
    spec = importlib.util.spec_from_file_location("qms_settings_under_test", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    DECLARED.clear()
    try:
        with mock.patch.dict(os.environ, environment, clear=True):
            spec.loader.exec_module(module)
        module.declared = dict(DECLARED)
    finally:
        DECLARED.clear()
        DECLARED.update(saved)
    return module


SNAPSHOT = (
    "DATABASES",
    "SESSION_ENGINE",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_BROKER_URL",
    "CACHES",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "EMAIL_HOST_USER",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "DEBUG",
    "MEDIA_ROOT",
    "TRUSTED_PROXY_COUNT",
    "SECURE_PROXY_SSL_HEADER",
    "SITE_URL",
    "PORT",
)


def dump_settings(**env: str) -> dict:
    module = load_settings(**env)
    return {name: getattr(module, name, None) for name in SNAPSHOT}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter whose environment holds none of the settings' variables but ``env``."""
    environment = clean_environment(DJANGO_SETTINGS_MODULE="qms.settings", PYTHONDONTWRITEBYTECODE="1", **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def parse_env_example() -> tuple[dict[str, str], list[str]]:
    """The variables of .env.example with their values, and the names of those with no comment above them."""
    values: dict[str, str] = {}
    undocumented: list[str] = []
    previous = ""
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", stripped)
        if match:
            name, raw = match.groups()
            assert name not in values, f".env.example line {number}: {name} is listed twice"
            parts = shlex.split(raw, posix=True) if raw else [""]
            assert len(parts) == 1, f".env.example line {number}: quote the value of {name}"
            values[name] = parts[0]
            if not (previous.startswith("#") and previous.strip("# ")):
                undocumented.append(name)
        else:
            assert not stripped or stripped.startswith("#"), (
                f".env.example line {number} is neither a comment nor NAME=value"
            )
        previous = stripped
    return values, undocumented


# --- .env.example ---------------------------------------------------------------------------------------


def test_every_variable_read_by_the_settings_is_in_env_example_with_its_default():
    listed, _undocumented = parse_env_example()
    missing = sorted(set(DECLARED) - set(listed))
    assert not missing, f"add these variables to .env.example: {missing}"
    wrong = {name: (listed[name], default) for name, default in DECLARED.items() if listed[name] != default}
    assert not wrong, f".env.example gives another default than the settings (listed, actual): {wrong}"


def test_env_example_lists_no_variable_the_settings_do_not_read():
    listed, _undocumented = parse_env_example()
    assert sorted(set(listed) - set(DECLARED)) == []


def test_every_variable_in_env_example_has_a_comment():
    _listed, undocumented = parse_env_example()
    assert undocumented == []


def test_the_declared_variables_do_not_depend_on_the_environment():
    """A variable read only under some condition would escape the .env.example check."""
    assert load_settings(**PRODUCTION).declared == DECLARED
    assert load_settings().declared == DECLARED


def test_env_example_as_it_stands_changes_nothing():
    listed, _undocumented = parse_env_example()
    assert dump_settings(**listed) == dump_settings()


def test_loading_the_settings_here_reads_the_given_environment_only(monkeypatch):
    """The in-process loader is not vacuous: it reads what it is given, and nothing of this process's own."""
    monkeypatch.setenv("LANGUAGE_CODE", "en")
    assert load_settings().LANGUAGE_CODE == "fr"
    assert load_settings(LANGUAGE_CODE="en").LANGUAGE_CODE == "en"
    assert DECLARED["LANGUAGE_CODE"] == "fr"


# --- The embedded default and real components ------------------------------------------------------------


def test_with_no_environment_it_runs_on_sqlite_with_eager_tasks_and_console_email():
    values = dump_settings()
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["CELERY_BROKER_URL"] == ""
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    # A cache private to each process never holds sessions: a signed-out session would live on in the others.
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["LANGUAGE_CODE"] == "fr"
    assert values["TIME_ZONE"] == "Europe/Paris"
    assert values["DEBUG"] is False
    assert values["MEDIA_ROOT"] == BASE_DIR / "media"
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert (values["PORT"], values["SITE_URL"]) == (8000, "http://127.0.0.1:8000")


def test_port_sets_the_default_site_url_and_an_explicit_site_url_wins():
    assert dump_settings(PORT="8080")["SITE_URL"] == "http://127.0.0.1:8080"
    assert dump_settings(PORT="8080", SITE_URL="https://qms.example.edu")["SITE_URL"] == "https://qms.example.edu"


def test_make_run_serves_on_port():
    result = subprocess.run(
        ["make", "--dry-run", "run", "PORT=8123"], cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    serve = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert serve and "PORT=8123" in serve[-1] and serve[-1].endswith("runserver 127.0.0.1:8123")


def test_database_url_selects_postgresql_and_redis_url_the_broker_and_the_cache():
    values = dump_settings(
        DATABASE_URL="postgres://qms:secret@db.example.edu:5432/qms", REDIS_URL="redis://redis.example.edu:6379/0"
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"], database["USER"]) == (
        "qms",
        "db.example.edu",
        5432,
        "qms",
    )
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] == 60
    assert values["CELERY_BROKER_URL"] == "redis://redis.example.edu:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CACHES"]["default"]["BACKEND"] == "qms.core.redis_cache.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://redis.example.edu:6379/0"
    # Sessions read from the shared cache, written through to the database.
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_the_planners_page_cost_is_set_on_postgresql_connections_when_asked():
    url = "postgres://qms:secret@db.example.edu:5432/qms"
    assert "options" not in dump_settings(DATABASE_URL=url)["DATABASES"]["default"].get("OPTIONS", {})
    database = dump_settings(DATABASE_URL=url, DATABASE_RANDOM_PAGE_COST="1.1")["DATABASES"]["default"]
    assert database["OPTIONS"]["options"] == "-c random_page_cost=1.1"


def test_a_relative_sqlite_path_is_relative_to_the_project_and_an_absolute_one_is_kept():
    assert dump_settings(DATABASE_URL="sqlite:///var/qms.sqlite3")["DATABASES"]["default"]["NAME"] == str(
        BASE_DIR / "var" / "qms.sqlite3"
    )
    assert (
        dump_settings(DATABASE_URL="sqlite:////tmp/qms.sqlite3")["DATABASES"]["default"]["NAME"] == "/tmp/qms.sqlite3"
    )


def test_email_url_selects_smtp():
    values = dump_settings(EMAIL_URL="smtp+tls://qms:secret@smtp.example.edu:587")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == ("smtp.example.edu", 587, True)
    assert values["EMAIL_HOST_USER"] == "qms"


def test_a_file_email_url_keeps_an_absolute_path_and_reads_a_relative_one_from_the_project():
    absolute = load_settings(EMAIL_URL="filemail:///var/spool/qms-mail")
    assert absolute.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert absolute.EMAIL_FILE_PATH == "/var/spool/qms-mail"
    relative_path = load_settings(EMAIL_URL="filemail://mails").EMAIL_FILE_PATH
    assert relative_path == str(BASE_DIR / "mails")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        load_settings(EMAIL_URL="filemail://")


def test_email_host_selects_smtp_without_a_url():
    values = dump_settings(EMAIL_HOST="smtp.example.edu", EMAIL_HOST_USER="qms")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == ("smtp.example.edu", 587, True)


def test_eager_tasks_can_be_forced_with_a_broker():
    values = dump_settings(REDIS_URL="redis://127.0.0.1:6379/0", CELERY_TASK_ALWAYS_EAGER="true")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


def test_trusted_proxies_bring_the_https_header():
    assert dump_settings(TRUSTED_PROXY_COUNT="1")["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_limits_of_the_public_forms_are_read_from_the_environment():
    module = load_settings(
        COMPLAINTS_SUBMIT_RATE="200/h",
        COMPLAINTS_TRACK_RATE_BY_ADDRESS=" 600/10m ",
        PUBLIC_FORM_MIN_FILL_SECONDS="0",
        PUBLIC_FORM_REPEAT_MINUTES="30",
    )
    assert [
        module.COMPLAINTS_SUBMIT_RATE,
        module.COMPLAINTS_TRACK_RATE_BY_ADDRESS,
        module.PUBLIC_FORM_MIN_FILL_SECONDS,
        module.PUBLIC_FORM_REPEAT_MINUTES,
    ] == ["200/h", "600/10m", 0, 30]


@pytest.mark.parametrize("value", ["10/h", "60/10m", "5/30s", "100/d"])
def test_a_rate_is_a_count_per_period(monkeypatch, value):
    from qms.env import env_rate

    monkeypatch.setenv("COMPLAINTS_SUBMIT_RATE", value)
    assert env_rate("COMPLAINTS_SUBMIT_RATE", "10/h") == value


@pytest.mark.parametrize("value", ["10", "0/h", "10/x", "h/10", "10/h;", "-1/h", "10/0m"])
def test_a_malformed_rate_names_its_variable(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from qms.env import env_rate

    monkeypatch.setenv("COMPLAINTS_SUBMIT_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="COMPLAINTS_SUBMIT_RATE"):
        env_rate("COMPLAINTS_SUBMIT_RATE", "10/h")


# --- A malformed value stops the start-up, naming the variable ----------------------------------------------

MALFORMED = [
    ("DEBUG", "maybe"),
    ("TRUSTED_PROXY_COUNT", "-1"),
    ("TRUSTED_PROXY_COUNT", "two"),
    ("PORT", "http"),
    ("PORT", "70000"),
    ("DATABASE_URL", "nonsense"),
    ("DATABASE_URL", "mysql://qms@db/qms"),
    ("DATABASE_URL", "postgres://db.example.edu"),
    ("DATABASE_CONN_MAX_AGE", "forever"),
    ("LANGUAGE_CODE", "de"),
    ("TIME_ZONE", "Mars/Olympus_Mons"),
    ("REDIS_URL", "http://x"),
    ("REDIS_CACHE_URL", "localhost:6379"),
    ("CELERY_BROKER_URL", "ftp://x"),
    ("CELERY_TASK_ALWAYS_EAGER", "sometimes"),
    ("EMAIL_URL", "bad"),
    ("EMAIL_URL", "smtp://"),
    ("EMAIL_PORT", "smtp"),
    ("EMAIL_USE_TLS", "si"),
    ("EMAIL_TIMEOUT", "0"),
    ("DEFAULT_FROM_EMAIL", "not an address"),
    ("DPO_EMAIL", "dpo"),
    ("SITE_URL", "qms.example.edu"),
    ("CSRF_TRUSTED_ORIGINS", "qms.example.edu"),
    ("SESSION_COOKIE_AGE", "10"),
    ("SECURE_HSTS_SECONDS", "one year"),
    ("AXES_FAILURE_LIMIT", "0"),
    ("HOLIDAYS_COUNTRY", "DE"),
    ("HOLIDAYS_SUBDIVISION", "Bavaria"),
    ("LOG_LEVEL", "LOUD"),
    ("LOG_FORMAT", "xml"),
    ("DATA_UPLOAD_MAX_MEMORY_SIZE", "1k"),
    ("COMPLAINTS_SUBMIT_RATE", "ten an hour"),
    ("DATABASE_RANDOM_PAGE_COST", "0"),
    ("DATABASE_RANDOM_PAGE_COST", "fast"),
    ("PUBLIC_FORM_MIN_FILL_SECONDS", "-1"),
]


@pytest.mark.parametrize(("name", "value"), MALFORMED, ids=[f"{n}={v}" for n, v in MALFORMED])
def test_a_malformed_value_is_refused_naming_the_variable(name, value):
    assert name in DECLARED, f"{name} is not read by the settings any more: update this test"
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(**{name: value})
    assert name in str(refused.value)
    assert "expected" in str(refused.value)


def test_a_malformed_value_stops_a_real_start_up():
    """What the in-process checks above stand for: the process does not start, and says why."""
    result = run_python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check'])",
        DEBUG="maybe",
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert lines[-1].startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert "DEBUG" in lines[-1]


def test_email_url_and_email_host_together_are_refused_naming_both():
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(EMAIL_URL="smtp+tls://smtp.example.edu:587", EMAIL_HOST="smtp.example.edu")
    assert "EMAIL_URL" in str(refused.value)
    assert "EMAIL_HOST" in str(refused.value)


def test_tls_and_ssl_together_are_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_SSL"):
        load_settings(EMAIL_HOST="smtp.example.edu", EMAIL_USE_SSL="true")


@pytest.mark.parametrize(
    ("name", "value"),
    [("DEBUG", "TRUE"), ("DEBUG", "0"), ("DEBUG", " yes "), ("LOG_LEVEL", "debug"), ("TIME_ZONE", "Europe/Brussels")],
)
def test_well_formed_variants_are_accepted(name, value):
    load_settings(**{name: value})


# --- Production: the system checks of a whole start-up --------------------------------------------------------


def test_check_deploy_is_clean_with_production_values():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_production_values_are_missing():
    """The previous test is not vacuous: the defaults are for development."""
    result = run_python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        ALLOWED_HOSTS="qms.example.edu",
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W008", "security.W009", "security.W012", "security.W016"):
        assert warning in output


# --- The client address behind reverse proxies (qms.core.net) ---------------------------------------------


def ip_of(rf, remote: str = "203.0.113.9", forwarded: str | None = None) -> str:
    from qms.core.net import client_ip

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.get("/", **extra))


def test_with_no_trusted_proxy_x_forwarded_for_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ip_of(rf, "203.0.113.9") == "203.0.113.9"
    assert ip_of(rf, "203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_one_proxy_the_client_is_the_last_forwarded_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx appends the address it saw; REMOTE_ADDR is nginx itself.
    assert ip_of(rf, "10.0.0.2", "198.51.100.7") == "198.51.100.7"


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # A CDN, then nginx: the CDN wrote the client, nginx wrote the CDN.
    assert ip_of(rf, "10.0.0.2", "198.51.100.7, 192.0.2.50") == "198.51.100.7"


def test_a_spoofed_header_does_not_change_the_client(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4" itself; the proxy appended the real address.
    assert ip_of(rf, "10.0.0.2", "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert ip_of(rf, "10.0.0.2", "1.2.3.4, 5.6.7.8, 198.51.100.7, 192.0.2.50") == "198.51.100.7"


def test_a_request_that_bypassed_the_proxies_falls_back_to_the_peer(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ip_of(rf, "10.0.0.2") == "10.0.0.2"
    assert ip_of(rf, "10.0.0.2", "") == "10.0.0.2"


def test_garbage_in_the_header_never_becomes_the_client_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ip_of(rf, "10.0.0.2", "<script>") == "10.0.0.2"
    assert ip_of(rf, "10.0.0.2", "1.2.3.4, unknown") == "10.0.0.2"


def test_ports_are_dropped_and_ipv6_is_understood(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ip_of(rf, "10.0.0.2", "198.51.100.7:51234") == "198.51.100.7"
    assert ip_of(rf, "10.0.0.2", "[2001:db8::1]:443") == "2001:db8::1"
    assert ip_of(rf, "10.0.0.2", "2001:DB8::1") == "2001:db8::1"


def test_an_empty_peer_address_still_gives_a_valid_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ip_of(rf, "") == "0.0.0.0"


def test_the_login_lockout_and_the_rate_limits_read_the_same_address(rf, settings):
    from axes.helpers import get_client_ip_address
    from django_ratelimit.core import _get_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert get_client_ip_address(request) == "198.51.100.7"
    assert _get_ip(request) == "198.51.100.7"


def test_the_redis_cache_reuses_one_client_per_connection_pool():
    from qms.core.redis_cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/15", {})
    client = cache._cache
    assert client.get_client(write=True) is client.get_client(write=True)


def test_the_redis_caches_incr_is_one_atomic_step_that_keeps_the_expiry_and_never_creates_a_key():
    """Django's ``incr`` asks whether the key exists and then increments it: a key that expires in between comes
    back as a counter without an expiry. Ours does both in one script, in one round trip."""
    import uuid

    from django.core.cache import caches

    from conftest import require_service
    from qms.core.redis_cache import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        require_service("Redis is needed as the cache (set REDIS_CACHE_URL=redis://127.0.0.1:6379/1)")
    key = f"test-incr-{uuid.uuid4().hex}"
    with pytest.raises(ValueError):
        cache.incr(key)
    assert cache.get(key) is None
    cache.set(key, 1, 60)
    client = cache._cache.get_client(write=True)
    commands = []
    original = client.execute_command

    def counted(*args, **kwargs):
        commands.append(args[0])
        return original(*args, **kwargs)

    client.execute_command = counted
    try:
        assert cache.incr(key, 4) == 5
    finally:
        del client.execute_command
    assert commands == ["EVALSHA"]
    assert cache.get(key) == 5
    assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 60
    cache.delete(key)
