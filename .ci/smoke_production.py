"""CI: the production install works, as an operator would run it.

``make test`` runs with the development requirements, which bring in packages that the production install may
lack (issue 10: ``packaging``, imported by Celery's Redis transport, came only through pytest). This step proves
the install that the README tells operators to make:

1. a fresh virtual environment, in a temporary directory, from ``requirements.txt`` alone;
2. a fresh PostgreSQL database, migrated by that environment;
3. gunicorn, a Celery worker (the three queues) and Celery beat, all from that environment, with the real broker
   (``REDIS_URL``, on Redis databases of their own) and emails written to files (``EMAIL_URL=filemail://``);
4. ``/healthz`` answers 200 (database, migrations, cache and broker);
5. a request filed through the public form over HTTP, as a browser does: the form fetched, its CSRF cookie and
   token and its fill-time stamp sent back after the minimum fill time (lowered through its setting);
6. its acknowledgement leaves the outbox: the row's state is ``sent`` and the email is in the mail directory,
   written by the worker;
7. beat hands its first due job (the outbox sweep, every minute) to the broker and a worker runs it.

Any failure exits non-zero with the logs of the three processes. The processes, the database, the Redis
databases and the temporary directory are removed whatever happens. Runs with the standard library alone (the
system's python3), from the project directory: ``python3 .ci/smoke_production.py``.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("SMOKE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
# Redis databases of its own: the tests use 0 and 1, the load test 14 and 15.
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/12")
REDIS_CACHE_URL = os.environ.get("SMOKE_REDIS_CACHE_URL", "redis://127.0.0.1:6379/13")
MIN_FILL_SECONDS = 1
EMAIL_TIMEOUT = 60  # seconds for the acknowledgement to be sent once the request is filed
BEAT_TIMEOUT = 90  # seconds for beat's first outbox sweep to run (it is due a minute after beat starts)
REQUESTER = "smoke-test@example.org"
SHOW_FORM_PATH = "from django.urls import reverse; print(reverse('complaints:public-create'))"


class SmokeFailure(Exception):
    """A step of the production install did not do what it should."""


def log(message: str) -> None:
    print(f"--- smoke: {message}", flush=True)


def run(*command: str | Path, env: dict | None = None, timeout: float = 600) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SmokeFailure(
            f"{' '.join(str(part) for part in command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql: str) -> None:
    run("psql", f"{PG_URL}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql)


def redis_flush(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    run("redis-cli", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 6379), "-n", parts.path.strip("/"),
        "flushdb")  # fmt: skip


class Smoke:
    """The temporary install and the processes it starts; ``close()`` removes them all."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="qms-smoke-"))
        self.venv = self.tmp / "venv"
        self.mail_dir = self.tmp / "mail"
        self.database = f"qms_smoke_{os.getpid()}"
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.database_created = False
        self.env = {
            # The machine's environment less anything that would point the app elsewhere (CI's own DATABASE_URL).
            **{key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "VIRTUAL_ENV"}},
            "PATH": f"{self.venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{PG_URL}/{self.database}",
            "REDIS_URL": REDIS_URL,
            "REDIS_CACHE_URL": REDIS_CACHE_URL,
            "CELERY_BROKER_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "",
            "EMAIL_URL": f"filemail://{self.mail_dir}",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "PUBLIC_FORM_MIN_FILL_SECONDS": str(MIN_FILL_SECONDS),
            "LOG_FORMAT": "text",
            "MEDIA_ROOT": str(self.tmp / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.tmp / "private"),
            # Served as in production: the static files collected, from their manifest (a template naming a
            # file that is not there fails here, not in the development server).
            "STATIC_MANIFEST": "true",
            "WHITENOISE_USE_FINDERS": "false",
        }
        self.form_path = ""
        # collectstatic writes to the project's staticfiles/ (STATIC_ROOT): removed afterwards unless it was there.
        self.static_root = ROOT / "staticfiles"
        self.static_root_existed = self.static_root.exists()

    # --- The install ---------------------------------------------------------------------------------------
    def install(self) -> None:
        log(f"a fresh virtual environment from requirements.txt alone, in {self.venv}")
        started = time.monotonic()
        run(sys.executable, "-m", "venv", self.venv)
        # --no-compile: the processes compile what they import, a fraction of what is installed.
        run(self.venv / "bin" / "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check", "-r",
            ROOT / "requirements.txt")  # fmt: skip
        dev_only = ["pytest", "pytest-django", "playwright", "ruff", "pypdf", "time-machine"]
        installed = run(self.venv / "bin" / "pip", "list", "--format=json", "--disable-pip-version-check")
        names = {entry["name"].lower() for entry in json.loads(installed)}
        if leaked := sorted(name for name in dev_only if name in names):
            raise SmokeFailure(f"requirements.txt brings in development packages: {', '.join(leaked)}")
        log(f"installed in {time.monotonic() - started:.0f} s")

    def prepare(self) -> None:
        """The README's "Install and prepare" steps against a fresh database, then the worker and beat.

        What does not depend on the migrations runs beside them, and the worker and beat start as soon as the
        schema is there, so that beat's first job (a minute after it starts) comes while the rest is checked."""
        log(f"a fresh PostgreSQL database, {self.database}: compilemessages, collectstatic, migrate, reference data")
        started = time.monotonic()
        psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{self.database}"')
        self.database_created = True
        for url in (REDIS_URL, REDIS_CACHE_URL):
            redis_flush(url)
        self.manage_together(
            ["migrate", "--no-input", "-v", "0"],
            ["compilemessages", "--ignore=.venv", "-v", "0"],
            ["collectstatic", "--no-input", "-v", "0"],
        )
        self.start_worker_and_beat()
        # The deployment checks pass with the README's HTTPS settings (the processes here serve plain HTTP).
        https = {"SECURE_SSL_REDIRECT": "true", "SESSION_COOKIE_SECURE": "true", "CSRF_COOKIE_SECURE": "true",
                 "SECURE_HSTS_PRELOAD": "true", "ALLOWED_HOSTS": "qms.example.edu",
                 "SITE_URL": "https://qms.example.edu"}  # fmt: skip
        outputs = self.manage_together(
            ["load_reference_data"],
            ["check", "--deploy", "--fail-level", "WARNING", https],
            # Named, not written out: the form's address is the URLconf's business.
            ["shell", "-c", SHOW_FORM_PATH],
        )
        self.form_path = outputs[-1].strip().splitlines()[-1]
        log(f"prepared in {time.monotonic() - started:.0f} s")

    def manage(self, *arguments: str, extra_env: dict | None = None) -> str:
        return run(self.venv / "bin" / "python", "manage.py", *arguments, env={**self.env, **(extra_env or {})})

    def manage_together(self, *commands: list) -> list[str]:
        """Runs the ``manage.py`` commands at once (a dict in a command is extra environment); their outputs."""
        running = []
        for command in commands:
            arguments = [part for part in command if not isinstance(part, dict)]
            extra = next((part for part in command if isinstance(part, dict)), {})
            running.append(
                (
                    arguments,
                    subprocess.Popen(  # noqa: S603 - our own commands
                        [str(self.venv / "bin" / "python"), "manage.py", *arguments],
                        cwd=ROOT,
                        env={**self.env, **extra},
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        text=True,
                    ),
                )
            )
        outputs, failures = [], []
        for arguments, process in running:
            output, _ = process.communicate(timeout=600)
            outputs.append(output)
            if process.returncode != 0:
                failures.append(f"manage.py {' '.join(arguments)} exited {process.returncode}\n{output}")
        if failures:
            raise SmokeFailure("\n".join(failures))
        return outputs

    # --- The processes -------------------------------------------------------------------------------------
    def start(self, name: str, *command: str | Path) -> None:
        path = self.tmp / f"{name}.log"
        self.logs[name] = path
        with path.open("w") as output:
            self.processes[name] = subprocess.Popen(  # noqa: S603 - our own commands
                [str(part) for part in command],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so that close() ends its children too
            )

    def start_worker_and_beat(self) -> None:
        bin_dir = self.venv / "bin"
        log(f"a Celery worker and beat, broker {REDIS_URL}")
        self.start("worker", bin_dir / "celery", "-A", "qms", "worker", "-Q", "urgent,default,bulk", "--concurrency",
                   "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle")  # fmt: skip
        self.start("beat", bin_dir / "celery", "-A", "qms", "beat", "--loglevel", "INFO", "--schedule",
                   self.tmp / "celerybeat-schedule")  # fmt: skip

    def start_web(self) -> None:
        log(f"gunicorn on 127.0.0.1:{self.port}")
        # The README's gunicorn.conf.py, on a port of its own.
        config = self.tmp / "gunicorn.conf.py"
        config.write_text(
            "from qms.core.logging import gunicorn_logconfig\n\n"
            f"bind = '127.0.0.1:{self.port}'\nworkers = 2\ntimeout = 60\naccesslog = '-'\n"
            "logconfig_dict = gunicorn_logconfig()\ncontrol_socket_disable = True\n"
        )
        self.start("gunicorn", self.venv / "bin" / "gunicorn", "qms.wsgi:application", "-c", config)

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise SmokeFailure(f"{name} exited with {process.returncode}")

    def wait_for(self, what: str, check, timeout: float, interval: float = 0.5):
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            if result := check():
                return result
            if time.monotonic() > deadline:
                raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(interval)

    def log_text(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace") if name in self.logs else ""

    # --- The checks ----------------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def healthy(self) -> None:
        def probe():
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=20) as response:  # noqa: S310
                    return json.load(response)
            except urllib.error.HTTPError as error:
                if error.code == 503:  # up, but something is wrong: say what
                    body = json.load(error)
                    raise SmokeFailure(f"/healthz answered 503: {json.dumps(body['checks'])}") from error
                raise
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return None  # not listening yet, or still loading

        body = self.wait_for("gunicorn to answer /healthz", probe, timeout=60)
        if "broker" not in body["checks"]:
            raise SmokeFailure(f"/healthz does not check the broker: {body}")
        log(f"/healthz: {json.dumps(body['checks'])}")
        self.wait_for("the worker to be ready", lambda: "ready." in self.log_text("worker"), timeout=60)

    def file_a_request(self) -> str:
        """Files a request through the public form as a browser does; returns the confirmation page's URL."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form_url = self.url(self.form_path)
        with opener.open(form_url, timeout=30) as response:
            form_url = response.geturl()
            page = response.read().decode()
        fields = {}
        for name in ("csrfmiddlewaretoken", "started"):
            match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
                rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
            )
            if not match:
                raise SmokeFailure(f"the public form has no {name} field")
            fields[name] = match.group(1)
        if not any(cookie.name == "csrftoken" for cookie in jar):
            raise SmokeFailure("the public form set no CSRF cookie")
        fields.update(
            {
                "kind": "complaint",
                "requester_category": "student",
                "sensitive_nature": "",
                "name": "Smoke Test",
                "email": REQUESTER,
                "concerned": "",
                "subject": "Production install smoke test",
                "description": "Filed by .ci/smoke_production.py through the public form.",
                "website": "",
            }
        )
        time.sleep(MIN_FILL_SECONDS + 0.5)  # a person takes at least the minimum fill time
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(form_url, data=body, headers={"Referer": form_url})
        try:
            with opener.open(request, timeout=30) as response:
                final_url, status, page = response.geturl(), response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            raise SmokeFailure(f"the public form answered {error.code}:\n{error.read().decode()[:2000]}") from error
        if "/confirmation/" not in final_url:
            errors = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>(.*?)<', page, re.S)
            raise SmokeFailure(f"the form was not accepted (HTTP {status}, {final_url}): {errors or page[:2000]}")
        log(f"request filed: {final_url}")
        return final_url

    def outbox_state(self) -> dict:
        script = (
            "import json; from qms.notifications.models import OutboxEmail; "
            "from complaints.models import Complaint; "
            f"rows = list(OutboxEmail.objects.filter(recipient_email={REQUESTER!r}).values('kind', 'state', "
            "'attempts', 'last_error')); "
            "print(json.dumps({'complaints': Complaint.objects.count(), 'emails': rows}))"
        )
        return json.loads(self.manage("shell", "-c", script).strip().splitlines()[-1])

    def acknowledgement_sent(self) -> None:
        def mail_written():
            files = sorted(self.mail_dir.glob("*.log")) if self.mail_dir.exists() else []
            return [path for path in files if REQUESTER in path.read_text(errors="replace")]

        files = self.wait_for("the acknowledgement to be written by the worker", mail_written, EMAIL_TIMEOUT)
        state = self.outbox_state()
        emails = state["emails"]
        if state["complaints"] != 1 or len(emails) != 1 or emails[0]["state"] != "sent":
            raise SmokeFailure(f"expected one request and its acknowledgement sent, found {state}")
        if "send_email" not in self.log_text("worker"):
            raise SmokeFailure("the email was sent, but not by the worker")
        log(f"acknowledgement sent ({emails[0]['kind']}), written to {files[0].name}")

    def beat_runs(self) -> None:
        def swept():
            return "Sending due task notifications-sweep-outbox" in self.log_text("beat") and re.search(
                r"Task qms\.notifications\.tasks\.sweep_outbox\[[^\]]+\] succeeded", self.log_text("worker")
            )

        self.wait_for("beat's first outbox sweep to run on the worker", swept, BEAT_TIMEOUT, interval=1)
        log("beat sent the outbox sweep and the worker ran it")

    def quiet_logs(self) -> None:
        for name in self.logs:
            if "Traceback" in self.log_text(name):
                raise SmokeFailure(f"{name} logged a traceback")

    # --- Clean-up ------------------------------------------------------------------------------------------
    def close(self, *, show_logs: bool) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if show_logs:
            for name in self.logs:
                print(f"\n--- smoke: {name}'s log (last 80 lines)")
                print("\n".join(self.log_text(name).splitlines()[-80:]))
        if self.database_created:
            try:
                psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            except SmokeFailure as error:
                print(f"--- smoke: could not drop {self.database}: {error}")
            for url in (REDIS_URL, REDIS_CACHE_URL):
                with contextlib.suppress(SmokeFailure):
                    redis_flush(url)
        shutil.rmtree(self.tmp, ignore_errors=True)
        if not self.static_root_existed:
            shutil.rmtree(self.static_root, ignore_errors=True)


def interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    started = time.monotonic()
    smoke = Smoke()
    # SIGTERM (CI's time-out) and Ctrl-C clean up like a failure does.
    signal.signal(signal.SIGTERM, interrupt)
    failed = True
    try:
        smoke.install()
        smoke.prepare()
        smoke.start_web()
        smoke.healthy()
        smoke.file_a_request()
        smoke.acknowledgement_sent()
        smoke.beat_runs()
        smoke.check_alive()
        smoke.quiet_logs()
        failed = False
    except SmokeFailure as error:
        print(f"--- smoke: FAILED: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("--- smoke: interrupted", file=sys.stderr)
    except Exception:  # noqa: BLE001 - anything else fails the step too, after the clean-up and with the logs
        traceback.print_exc()
    finally:
        smoke.close(show_logs=failed)
    if failed:
        return 1
    log(f"the production install works ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
