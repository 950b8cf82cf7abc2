"""Structured logs: JSON lines on stdout, and no secret token in any of them."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from qms.core.logging import REDACTED, RedactTokensFilter, redact
from qms.core.tokens import make_token
from qms.env import DECLARED

TOKEN = "Zq3v9K1mX0bT7yH2cW5nR8pL4aD6fG1jE3sU9oI2kQw"  # 43 characters, as made by make_token()


def run_logging(code: str, **env: str) -> list[dict]:
    """Run ``code`` after django.setup() in a fresh process and return the JSON lines it wrote on stdout."""
    clean = {name: value for name, value in os.environ.items() if name not in DECLARED}
    clean.update(DJANGO_SETTINGS_MODULE="qms.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", "import django, logging; django.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line must be JSON


@pytest.fixture
def stdout_handler():
    """The handler that settings.LOGGING installs on the root logger, writing to a buffer for the test."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactTokensFilter) for f in handler.filters)
    ]
    assert len(handlers) == 1, "settings.LOGGING should install one stdout handler with the token filter"
    handler = handlers[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_a_log_record_goes_out_as_one_json_line_on_stdout():
    records = run_logging("logging.getLogger('qms.demo').warning('Plan %s imported', 'AEQES', extra={'rows': 90})")
    assert len(records) == 1
    record = records[0]
    assert record["message"] == "Plan AEQES imported"
    assert record["level"] == "WARNING"
    assert record["logger"] == "qms.demo"
    assert record["rows"] == 90
    assert "time" in record


def test_django_messages_go_out_as_json_too():
    records = run_logging("logging.getLogger('django.security.csrf').warning('Forbidden (%s): %s', 'CSRF', '/x')")
    assert [r["logger"] for r in records] == ["django.security.csrf"]


def test_log_format_text_is_for_terminals():
    result = subprocess.run(
        [sys.executable, "-c", "import django, logging; django.setup(); logging.getLogger('qms').warning('hello')"],
        cwd=settings.BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if k not in DECLARED}, "LOG_FORMAT": "text"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().endswith("WARNING qms hello")


def test_the_development_server_access_log_is_json_without_the_token():
    # What django.core.servers.basehttp.WSGIRequestHandler.log_message does for every request.
    code = (
        "import socket\n"
        "sock = socket.socket()\n"
        "logging.getLogger('django.server').info('\"%s\" %s %s', "
        f"'GET /suivi/{TOKEN}/ HTTP/1.1', '200', '5120', "
        "extra={'request': sock, 'server_time': '24/Nov/2026 10:00:00', 'status_code': 200})\n"
        "sock.close()\n"
    )
    records = run_logging(code)
    assert len(records) == 1
    assert records[0]["message"] == f'"GET /suivi/{REDACTED}/ HTTP/1.1" 200 5120'
    assert records[0]["logger"] == "django.server"
    assert records[0]["status_code"] == 200
    assert TOKEN not in json.dumps(records)


@pytest.mark.django_db
def test_a_404_on_a_tracking_link_is_logged_without_the_token(client, stdout_handler):
    """django.request logs 'Not Found: <path>' with the request itself in ``extra``: neither may leak it."""
    client.get(f"/suivi-inconnu/{TOKEN}/")
    output = stdout_handler.getvalue()
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found, output
    assert not_found[0]["message"] == f"Not Found: /suivi-inconnu/{REDACTED}/"
    assert TOKEN not in output


def test_the_filter_redacts_the_message_its_arguments_and_extra_attributes():
    class Request:
        def __str__(self) -> str:
            return f"<WSGIRequest: GET '/suivi/{TOKEN}/'>"

    request = Request()
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, f"Seen {TOKEN} at %s (%d)", (f"/t/{TOKEN}/", 404), None
    )
    record.request = request
    record.path = f"/suivi/{TOKEN}/"
    record.user_id = 7
    assert RedactTokensFilter().filter(record) is True
    assert record.getMessage() == f"Seen {REDACTED} at /t/{REDACTED}/ (404)"
    assert record.path == f"/suivi/{REDACTED}/"
    assert record.request == f"<WSGIRequest: GET '/suivi/{REDACTED}/'>"
    assert record.user_id == 7


def test_the_filter_keeps_objects_without_tokens():
    marker = object()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %(who)s", ({"who": "world"},), None)
    record.request = marker
    RedactTokensFilter().filter(record)
    assert record.request is marker
    assert record.getMessage() == "hello world"


def test_real_tokens_are_redacted_and_ordinary_text_is_not():
    token, token_hash = make_token()
    assert redact(f"/enquete/{token}/repondre") == f"/enquete/{REDACTED}/repondre"
    assert redact(f"hash={token_hash}") == f"hash={REDACTED}"
    for text in (
        "REC-2026-00042",
        "/plans/12/actions/?status=in_progress",
        "complaints.answered_on_time_rate",
        "Université de démonstration",
        "2026-11-24T10:00:00+01:00",
        "Task qms.notifications.tasks.send_email_task[0b7c6a1e-3f5d-4c2a-9e8b-1d2f3a4b5c6d] succeeded",
    ):
        assert redact(text) == text


def test_gunicorn_logs_json_lines_with_tokens_redacted(tmp_path):
    """The logconfig_dict that README.md gives for gunicorn, on a real gunicorn."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(
        "from qms.core.logging import gunicorn_logconfig\n"
        f"bind = '127.0.0.1:{port}'\nworkers = 1\naccesslog = '-'\n"
        "logconfig_dict = gunicorn_logconfig()\n"
        f"control_socket = '{tmp_path / 'gunicorn.ctl'}'\n"
    )
    env = {name: value for name, value in os.environ.items() if name not in DECLARED}
    env.update(DJANGO_SETTINGS_MODULE="qms.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(config), "qms.wsgi:application"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/suivi/{TOKEN}/", timeout=5)
            except urllib.error.HTTPError:
                break  # an answer, whatever its status
            except OSError:
                time.sleep(0.1)
            else:
                break
        time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert TOKEN not in output
    access = [json.loads(line) for line in output.splitlines() if '"gunicorn.access"' in line]
    assert access, output
    assert f"GET /suivi/{REDACTED}/ HTTP/1.1" in access[0]["message"]
