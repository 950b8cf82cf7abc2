"""``make loadtest``: the app measured as it runs, many people at once.

Builds everything it measures from nothing: a fresh PostgreSQL database (migrated, the demo university seeded),
two Redis databases emptied (broker and cache), and gunicorn with 2 sync workers, DEBUG off, under
``benchmarks.settings`` (the production settings plus a ceiling view, see ``benchmarks/views.py``). Then, with wrk
(Debian's package) and the Lua scripts of ``benchmarks/wrk``:

1. The public complaint form against the ceiling, alternating (ceiling, form, ceiling, form …) so that a noisy
   machine affects both alike. Each simulated person GETs the form and POSTs it with its fresh CSRF token and
   fill-time stamp. The form's rate limit is raised and its minimum fill time set to zero through their
   settings (environment variables), for the run only.
2. The staff pages at 8 connections, signed in as the quality manager: at the demo's size, then after
   ``manage.py generate_bulk`` (10,000 requests, 2,000 actions, a plan of 1,600 by default).
3. The gunicorn workers' memory, and the time one process takes to send the outbox the run filled.

It checks what was written against what was answered (rows created per success, references unique and without
gaps, one acknowledgement per submission with an address) and writes the figures, with the date and the
machine, into docs/benchmarks.md between the load-test markers (``make bench`` keeps them). Not part of CI: it
is a benchmark, not a test. It empties and reuses the database and the two Redis databases it is given.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = ROOT / "benchmarks" / "wrk"
OUTPUT = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
START_MARKER = "<!-- loadtest:start -->"
END_MARKER = "<!-- loadtest:end -->"

# Targets of issue 11, checked in the report.
FORM_RATIO_TARGET = 0.5
FORM_P95_TARGET_MS = 100.0
PAGE_P95_TARGET_MS = 150.0
PLAN_HTML_TARGET_BYTES = 200 * 1024


# --- Results -----------------------------------------------------------------------------------------------
@dataclass
class Run:
    """One wrk run: what the Lua scripts logged, one line per response."""

    name: str
    size: str
    connections: int
    seconds: float
    lines: list[tuple[str, int, int, str]] = field(default_factory=list)  # (method, µs, status, extra)
    socket_errors: int = 0
    success_status: int = 200
    rows_created: int | None = None
    cpu_seconds: float | None = None  # the gunicorn workers' CPU during the run
    notes: list[str] = field(default_factory=list)

    @property
    def measured(self) -> list[tuple[str, int, int, str]]:
        """The responses the figures are about: the POSTs of a submission run, every GET of a page run."""
        posts = [line for line in self.lines if line[0] == "P"]
        return posts if posts else self.lines

    @property
    def successes(self) -> int:
        return sum(1 for line in self.measured if line[2] == self.success_status)

    @property
    def errors(self) -> int:
        bad_gets = sum(1 for line in self.lines if line[0] == "G" and line[2] != 200)
        bad_posts = sum(1 for line in self.lines if line[0] == "P" and line[2] != self.success_status)
        return bad_gets + bad_posts + self.socket_errors

    @property
    def per_second(self) -> float:
        return self.successes / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Latency in ms of the measured responses at ``share`` (nearest rank)."""
        values = sorted(line[1] for line in self.measured)
        if not values:
            return float("nan")
        rank = max(0, min(len(values) - 1, int(round(share * len(values) + 0.5)) - 1))
        return values[rank] / 1000

    @property
    def cpu_ms_per_success(self) -> float | None:
        """Worker CPU per measured response (a submission: its GET and its POST together)."""
        if self.cpu_seconds is None or not self.successes:
            return None
        return self.cpu_seconds * 1000 / self.successes

    @property
    def with_email(self) -> int:
        return sum(1 for line in self.measured if line[2] == self.success_status and line[3] == "e")

    @property
    def mean_bytes(self) -> float:
        sizes = [int(line[3]) for line in self.measured if line[3].isdigit()]
        return statistics.fmean(sizes) if sizes else 0.0


# --- The pieces: database, Redis, gunicorn, wrk --------------------------------------------------------------
def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing a database name that is not a plain identifier: {name!r}")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def manage(env: dict, *arguments: str, quiet: bool = True) -> None:
    started = time.monotonic()
    print(f"  manage.py {' '.join(arguments)}", flush=True)
    result = subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    if result.returncode:
        print(result.stdout or "")
        raise SystemExit(f"manage.py {' '.join(arguments)} failed ({result.returncode}).")
    print(f"    done in {time.monotonic() - started:.1f} s", flush=True)


class Gunicorn:
    """gunicorn with ``workers`` sync workers on ``port``, its log in ``log_path``."""

    def __init__(self, env: dict, port: int, workers: int, log_path: Path):
        self.env, self.port, self.workers, self.log_path = env, port, workers, log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        gunicorn = Path(PYTHON).with_name("gunicorn")
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [str(gunicorn), "qms.wsgi:application", "--workers", str(self.workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start-up; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz within a minute; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                # The parent's pid is the 4th field, after the command name in parentheses.
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def worker_cpu_seconds(self) -> float:
        """User and system CPU time the workers have used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / ticks

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


def wrk(base_url: str, script: str, arguments: list[str], *, connections: int, seconds: int, log_dir: Path,
        name: str) -> tuple[float, int, list[tuple[str, int, int, str]]]:  # fmt: skip
    """Run wrk with ``connections`` threads of one connection each; returns (seconds, socket errors, lines)."""
    prefix = log_dir / name.replace(" ", "-").replace("/", "-")
    for old in log_dir.glob(f"{prefix.name}-*.log"):
        old.unlink()
    env = {**os.environ, "LUA_PATH": f"{WRK_SCRIPTS}/?.lua;;"}
    command = [
        shutil.which("wrk") or "/usr/bin/wrk",
        "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "20s",
        "-s", str(WRK_SCRIPTS / script), base_url, "--", *arguments, str(prefix),
    ]  # fmt: skip
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    elapsed, socket_errors = float(seconds), 0
    for line in output.splitlines():
        line = line.strip()
        if " requests in " in line:
            elapsed = _duration(line.split(" requests in ")[1].split(",")[0])
        if line.startswith("Socket errors:"):
            socket_errors = sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    lines = []
    for path in sorted(log_dir.glob(f"{prefix.name}-*.log")):
        for row in path.read_text().splitlines():
            method, micros, status, extra = row.split(" ")
            lines.append((method, int(micros), int(status), extra))
    return elapsed, socket_errors, lines


def _duration(text: str) -> float:
    text = text.strip()
    for unit, factor in (("ms", 0.001), ("us", 0.000001), ("m", 60.0), ("s", 1.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


# --- The scenarios -------------------------------------------------------------------------------------------
class Bench:
    def __init__(self, args, env: dict, log_dir: Path, server: Gunicorn):
        self.args, self.env, self.log_dir, self.server = args, env, log_dir, server
        self.base_url = f"http://127.0.0.1:{args.port}"
        self.runs: list[Run] = []
        self.checks: list[str] = []

    # -- the public form against the ceiling --
    def submissions(self) -> None:
        from benchmarks.models import CeilingRow
        from complaints.models import Complaint
        from qms.notifications.models import OutboxEmail

        form = ("public complaint POST", "submit.lua", ["/signaler/", "public-complaint", "complaint"], 302)
        ceiling = ("ceiling: one insert behind CSRF", "submit.lua", ["/benchmark/ceiling/", "ceiling", "ceiling"], 303)
        conns, seconds = self.args.form_connections, self.args.seconds
        for _name, script, arguments, _status in (ceiling, form):  # warm both up (templates, caches, connections)
            wrk(self.base_url, script, arguments, connections=conns, seconds=3, log_dir=self.log_dir, name="warm-up")
        for round_number in range(1, self.args.rounds + 1):
            for name, script, arguments, status in (ceiling, form):
                counted = CeilingRow if arguments[2] == "ceiling" else Complaint
                before = counted.objects.count()
                acks_before = OutboxEmail.objects.filter(kind="complaint-acknowledgement").count()
                label = f"{name} (round {round_number})"
                print(f"  {label}: {conns} connections, {seconds} s", flush=True)
                cpu_before = self.server.worker_cpu_seconds()
                elapsed, socket_errors, lines = wrk(
                    self.base_url, script, arguments, connections=conns, seconds=seconds, log_dir=self.log_dir,
                    name=f"{arguments[2]}-{round_number}",
                )  # fmt: skip
                run = Run(label, "demo", conns, elapsed, lines, socket_errors, status)
                run.cpu_seconds = self.server.worker_cpu_seconds() - cpu_before
                run.rows_created = counted.objects.count() - before
                if counted is Complaint:
                    acks = OutboxEmail.objects.filter(kind="complaint-acknowledgement").count() - acks_before
                    run.notes.append(f"{acks} acknowledgements for {run.with_email} submissions with an address")
                self.runs.append(run)
                self._print(run)
        self.checks += self._reference_checks()

    def _reference_checks(self) -> list[str]:
        from django.db import connection, transaction

        # One snapshot for the counters and the references: a submission still committing when wrk stops must be
        # seen in both or in neither (two statements in READ COMMITTED could each see a different side of it).
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return self._reference_checks_in_snapshot()

    def _reference_checks_in_snapshot(self) -> list[str]:
        from complaints.models import Complaint, ReferenceCounter

        problems = []
        for counter in ReferenceCounter.objects.order_by("year"):
            numbers = sorted(
                int(reference.rsplit("-", 1)[1])
                for reference in Complaint.objects.filter(reference__startswith=f"REC-{counter.year}-").values_list(
                    "reference", flat=True
                )
            )
            if numbers != list(range(1, counter.last + 1)):
                problems.append(f"{counter.year}: {len(numbers)} references for a counter at {counter.last}")
        total = Complaint.objects.count()
        unique = Complaint.objects.values("reference").distinct().count()
        if unique != total:
            problems.append(f"{total - unique} references given twice")
        return problems or [f"references: {total} requests, each reference unique, every year without a gap"]

    # -- the staff pages --
    def pages(self, size: str) -> None:
        from django.db.models import Count
        from django.test import Client
        from django.urls import reverse

        from actionplans.models import ActionPlan
        from complaints.choices import ComplaintStatus
        from complaints.models import Complaint
        from qms.core.models import User

        client = Client()
        client.force_login(User.objects.get(username="qualite"))
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        request = (
            Complaint.objects.filter(is_sensitive=False, status=ComplaintStatus.ANSWERED)
            .exclude(messages=None)
            .order_by("-received_at")
            .first()
        )
        plan = ActionPlan.objects.annotate(n=Count("actions")).order_by("-n").first()
        inbox = reverse("complaints:inbox")
        searches = "|".join(f"{inbox}?q={term}" for term in ("chauffage", "inscription", "wifi", "salle"))
        scenarios = [
            ("home", reverse("core:home")),
            ("inbox", inbox),
            ("inbox search", searches),
            ("request page", reverse("complaints:detail", args=[request.reference])),
            ("action list", reverse("actionplans:action-list")),
            (f"plan page ({plan.actions.count()} actions)", reverse("actionplans:plan-detail", args=[plan.pk])),
        ]
        conns, seconds = self.args.page_connections, self.args.page_seconds
        for name, paths in scenarios:
            wrk(self.base_url, "pages.lua", [paths, cookie], connections=conns, seconds=2, log_dir=self.log_dir,
                name="warm-up")  # fmt: skip
            print(f"  {name} ({size}): {conns} connections, {seconds} s", flush=True)
            cpu_before = self.server.worker_cpu_seconds()
            elapsed, socket_errors, lines = wrk(
                self.base_url, "pages.lua", [paths, cookie], connections=conns, seconds=seconds,
                log_dir=self.log_dir, name=f"page-{size}-{name.split(' (')[0]}",
            )  # fmt: skip
            run = Run(name, size, conns, elapsed, lines, socket_errors, 200)
            run.cpu_seconds = self.server.worker_cpu_seconds() - cpu_before
            self.runs.append(run)
            self._print(run)

    def _print(self, run: Run) -> None:
        print(
            f"    {run.per_second:7.1f}/s  p50 {run.percentile(0.5):7.1f} ms  p95 {run.percentile(0.95):7.1f} ms  "
            f"p99 {run.percentile(0.99):7.1f} ms  errors {run.errors}  CPU {run.cpu_ms_per_success or 0:5.1f} ms"
            + (f"  rows {run.rows_created}/{run.successes}" if run.rows_created is not None else "")
            + (f"  {run.mean_bytes / 1024:.0f} KiB" if run.mean_bytes else ""),
            flush=True,
        )


# --- The report ----------------------------------------------------------------------------------------------
def ratios(runs: list[Run]) -> list[tuple[Run, Run, float]]:
    ceilings = [run for run in runs if run.name.startswith("ceiling")]
    forms = [run for run in runs if run.name.startswith("public complaint")]
    return [(c, f, f.per_second / c.per_second if c.per_second else 0.0) for c, f in zip(ceilings, forms, strict=False)]


def report(bench: Bench, memory: list[float], drain: str, args) -> list[str]:
    runs = bench.runs
    pairs = ratios(runs)
    lines = [
        START_MARKER,
        "## Load test (`make loadtest`)",
        "",
        "Written by `make loadtest` (benchmarks/load.py): gunicorn with 2 sync workers, DEBUG off, PostgreSQL and",
        "Redis (broker and cache) on the same machine, wrk on loopback with the Lua scripts of benchmarks/wrk, one",
        "connection per wrk thread. A submission is a GET of the form then its POST with the fresh CSRF token and",
        "fill-time stamp; its figures (per second, latencies) are the POST's. The ceiling is a bare view behind the",
        "same middleware that inserts one row and answers 303 (benchmarks/views.py, served only under",
        "benchmarks.settings), measured the same way and alternately (ceiling, form, ceiling, form). Staff pages are",
        "read signed in as the quality manager. No Celery worker runs during the measures: the emails wait in the",
        "outbox and the broker's queue, and are sent afterwards (last line). Worker CPU is the gunicorn workers' CPU",
        "time during the run divided by the successes (for a submission: its GET and its POST).",
        "",
        f"- Date: {datetime.datetime.now():%Y-%m-%d %H:%M}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores ({_cpu_model()}), Python {platform.python_version()},"
        f" {_postgres_version()}, Redis {_redis_version(args.redis_url)}, {_wrk_version()}",
        f"- Runs: {args.seconds} s per submission run, {args.page_seconds} s per page run, after a warm-up;"
        f" the machine's load average was {os.getloadavg()[0]:.1f} at the end",
        "",
        "| scenario | size | conn. | per second | p50 (ms) | p95 (ms) | p99 (ms) | errors | ratio | worker CPU (ms) "
        "| rows / successes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    ratio_of = {id(form): ratio for _ceiling, form, ratio in pairs}
    for run in runs:
        ratio = f"{ratio_of[id(run)]:.2f}×" if id(run) in ratio_of else ""
        rows = f"{run.rows_created} / {run.successes}" if run.rows_created is not None else "—"
        if run.notes:
            rows += "; " + "; ".join(run.notes)
        size_note = f" ({run.mean_bytes / 1024:.0f} KiB)" if run.mean_bytes else ""
        lines.append(
            f"| {run.name}{size_note} | {run.size} | {run.connections} | {run.per_second:.1f} | "
            f"{run.percentile(0.5):.1f} | {run.percentile(0.95):.1f} | {run.percentile(0.99):.1f} | {run.errors} | "
            f"{ratio} | {run.cpu_ms_per_success or 0:.1f} | {rows} |"
        )
    lines.append("")
    if pairs:
        overall = sum(f.per_second for _c, f, _r in pairs) / sum(c.per_second for c, _f, _r in pairs)
        lines.append(
            f"- Public POST / ceiling, over the {len(pairs)} rounds: **{overall:.2f}×**"
            f" (target ≥ {FORM_RATIO_TARGET}×)."
        )
    lines += [f"- {check}" for check in bench.checks]
    if memory:
        lines.append(f"- Gunicorn workers' memory (RSS) after the runs: {', '.join(f'{m:.0f} MB' for m in memory)}.")
    if drain:
        lines.append(f"- {drain}")
    lines += ["", *targets(runs, pairs), END_MARKER]
    return lines


def targets(runs: list[Run], pairs) -> list[str]:
    """Each target of issue 11, met or missed."""
    out = ["Targets:", ""]
    if pairs:
        overall = sum(f.per_second for _c, f, _r in pairs) / sum(c.per_second for c, _f, _r in pairs)
        worst_p95 = max(f.percentile(0.95) for _c, f, _r in pairs)
        out.append(
            f"- public POST ≥ {FORM_RATIO_TARGET}× the ceiling: {'met' if overall >= FORM_RATIO_TARGET else 'MISSED'}"
            f" ({overall:.2f}×); p95 < {FORM_P95_TARGET_MS:.0f} ms: "
            f"{'met' if worst_p95 < FORM_P95_TARGET_MS else 'MISSED'} (worst round {worst_p95:.0f} ms)"
            + _limit(pairs[0][1], against=pairs[0][0])
        )
    for run in runs:
        if run.name.startswith(("ceiling", "public complaint")):
            continue
        p95 = run.percentile(0.95)
        verdict = "met" if p95 < PAGE_P95_TARGET_MS else "MISSED"
        extra = ""
        if run.name.startswith("plan page"):
            html_ok = run.mean_bytes < PLAN_HTML_TARGET_BYTES
            extra = f"; HTML under 200 KB: {'met' if html_ok else 'MISSED'} ({run.mean_bytes / 1024:.0f} KiB)"
        limit = _limit(run) if verdict == "MISSED" else ""
        out.append(
            f"- {run.name}, {run.size}: p95 < {PAGE_P95_TARGET_MS:.0f} ms {verdict} ({p95:.0f} ms){extra}{limit}"
        )
    return out


def _limit(run: Run, *, against: Run | None = None) -> str:
    """What bounds a run: its workers' CPU per success, and how much of the machine's cores they kept busy."""
    cpu = run.cpu_ms_per_success
    if cpu is None:
        return ""
    busy = run.per_second * cpu / 1000
    cores = os.cpu_count() or 1
    text = f"; the workers' CPU: {cpu:.0f} ms each"
    if against is not None and against.cpu_ms_per_success:
        text += f" against {against.cpu_ms_per_success:.1f} ms for the ceiling"
    text += f", {busy:.1f} of {cores} cores busy in the workers"
    if busy >= 0.75 * cores:
        return text + " (CPU-bound in Python)"
    return text + " (the rest of the machine went to PostgreSQL, Redis, wrk and other processes)"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def _redis_version(url: str) -> str:
    import redis

    return redis.Redis.from_url(url).info("server").get("redis_version", "?")


def _wrk_version() -> str:
    result = subprocess.run([shutil.which("wrk") or "/usr/bin/wrk", "--version"], capture_output=True, text=True)
    first = (result.stdout or result.stderr).splitlines()[0] if (result.stdout or result.stderr) else "wrk"
    return " ".join(first.split()[:2])


def write(lines: list[str]) -> None:
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else "# Benchmarks\n"
    section = "\n".join(lines)
    if START_MARKER in text and END_MARKER in text:
        before, rest = text.split(START_MARKER, 1)
        after = rest.split(END_MARKER, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    OUTPUT.write_text(text, encoding="utf-8")


# --- Main ----------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qms_loadtest"),
        help="PostgreSQL database to drop and create (its name: a plain identifier)")  # fmt: skip
    parser.add_argument("--redis-url", default=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14"),
                        help="Redis database for the broker, emptied first")  # fmt: skip
    parser.add_argument("--cache-url", default=os.environ.get("LOADTEST_CACHE_URL", "redis://127.0.0.1:6379/15"),
                        help="Redis database for the cache, emptied first")  # fmt: skip
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOADTEST_PORT", "8077")))
    parser.add_argument("--seconds", type=int, default=20, help="length of each submission run")
    parser.add_argument("--page-seconds", type=int, default=15, help="length of each page run")
    parser.add_argument("--rounds", type=int, default=2, help="ceiling/form pairs")
    parser.add_argument("--form-connections", type=int, default=16)
    parser.add_argument("--page-connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--max-plan", type=int, default=1_600)
    parser.add_argument("--skip-pages", action="store_true", help="only the public form against the ceiling")
    parser.add_argument("--skip-submissions", action="store_true", help="only the staff pages")
    parser.add_argument("--no-write", action="store_true", help="print only, do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    if not shutil.which("wrk") and not Path("/usr/bin/wrk").exists():
        raise SystemExit("wrk is missing: apt-get install wrk")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "REDIS_CACHE_URL": args.cache_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "EMAIL_URL": "dummymail://",
        # SSD storage, as .env.example advises (the planner then reads the inbox search's trigram index).
        "DATABASE_RANDOM_PAGE_COST": "1.1",
        "TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS": "false",
        # The public form's abuse guards, through their settings, for this run only: every simulated person
        # comes from 127.0.0.1 and sends the form at once.
        "COMPLAINTS_SUBMIT_RATE": "1000000/h",
        "PUBLIC_FORM_MIN_FILL_SECONDS": "0",
    }
    log_dir = Path(tempfile.mkdtemp(prefix="qms-loadtest-"))
    print(f"Logs in {log_dir}")
    print("Fresh database and Redis databases", flush=True)
    recreate_database(args.database_url)
    flush_redis(args.redis_url)
    flush_redis(args.cache_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_reference_data")
    manage(env, "seed_demo", "--no-accounts")

    os.environ.update(env)
    import django

    django.setup()

    memory: list[float] = []
    with Gunicorn(env, args.port, 2, log_dir / "gunicorn.log") as server:
        bench = Bench(args, env, log_dir, server)
        if not args.skip_submissions:
            print("Public form against the ceiling", flush=True)
            bench.submissions()
        if not args.skip_pages:
            print("Staff pages, demo size", flush=True)
            bench.pages("demo")
            print("Bulk data", flush=True)
            manage(env, "generate_bulk", "--requests", str(args.requests), "--years", str(args.years),
                   "--actions", str(args.actions), "--max-plan", str(args.max_plan))  # fmt: skip
            bench.pages(f"{args.requests:,} requests / {args.actions:,} actions".replace(",", " "))
        memory = server.worker_rss_mb()
    drain = drain_outbox(env)
    lines = report(bench, memory, drain, args)
    print("\n".join(lines))
    if not args.no_write:
        write(lines)
        print(f"\nWritten to {OUTPUT.relative_to(ROOT)}")
    return 0


def drain_outbox(env: dict) -> str:
    """Send what the run queued, from one process (the sweep, as a worker would), and time it."""
    from django.db import connections

    from qms.notifications.choices import OutboxState
    from qms.notifications.models import OutboxEmail

    connections.close_all()
    queued = OutboxEmail.objects.filter(state=OutboxState.QUEUED).count()
    if not queued:
        return ""
    started = time.monotonic()
    manage(env, "send_outbox", "--include-fresh", "--batch-size", "200")
    elapsed = time.monotonic() - started
    sent = OutboxEmail.objects.filter(state=OutboxState.SENT).count()
    return (
        f"Outbox afterwards: {sent} of {queued} queued emails sent by one `send_outbox` process in {elapsed:.1f} s "
        f"({sent / elapsed:.0f} emails/s, start-up included; dummy mail backend)."
    )


if __name__ == "__main__":
    sys.exit(main())
