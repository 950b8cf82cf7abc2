"""``make bench``: time, query count and peak Python memory of the main pages and jobs, on a throwaway database
(SQLite in memory by default, or a ``test_…`` copy of DATABASE_URL), written to docs/benchmarks.md.

Tests pin query counts; this file measures what tests must not: wall-clock time and memory. Each figure is the
median of several runs after one warm-up run."""

from __future__ import annotations

import argparse
import datetime
import io
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise, before collectstatic

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import reverse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "benchmarks.md"


@dataclass
class Result:
    name: str
    median_ms: float
    p90_ms: float
    queries: int
    peak_kib: float
    note: str = ""


def measure(name: str, func: Callable[[], object], *, runs: int = 7, note: str = "") -> Result:
    func()  # warm-up: template loading, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        func()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    times.sort()
    result = Result(
        name,
        statistics.median(times),
        times[min(len(times) - 1, int(len(times) * 0.9))],
        len(queries.captured_queries),
        peak / 1024,
        note,
    )
    print(f"  {name:<58} {result.median_ms:8.1f} ms  {result.queries:4d} queries  {result.peak_kib:9.0f} KiB")
    return result


def get(client: Client, url: str, expected: int = 200) -> Callable[[], object]:
    def run():
        response = client.get(url)
        if response.status_code != expected:
            raise RuntimeError(f"GET {url} answered {response.status_code}, expected {expected}")
        # A streamed download is only done when its last byte is out.
        return b"".join(response.streaming_content) if response.streaming else response.content

    return run


def build_plan(actions: int, people):
    """A plan of ``actions`` actions over 5 axes × 4 objectives, a fifth of them late, a fifth done."""
    from actionplans.choices import ActionStatus
    from actionplans.tests.factories import ActionFactory, ActionPlanFactory, AxisFactory, ObjectiveFactory

    today = datetime.date.today()
    plan = ActionPlanFactory(title=f"Plan de {actions} actions", owner=people.quality_manager)
    objectives = []
    for a in range(5):
        axis = AxisFactory(plan=plan, code=str(a + 1), title=f"Axe {a + 1}")
        objectives += [ObjectiveFactory(axis=axis, plan=plan, title=f"Objectif {a + 1}.{o + 1}") for o in range(4)]
    statuses = [
        ActionStatus.PLANNED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        ActionStatus.IN_PROGRESS,
        ActionStatus.PLANNED,
    ]
    for i in range(actions):
        ActionFactory(
            plan=plan,
            objective=objectives[i % len(objectives)],
            reference=f"B{actions}-{i:04d}",
            title=f"Action de référence {i}",
            status=statuses[i % 5],
            owner=people.process_owner if i % 3 else people.referent_sciences,
            org_unit=people.org.sciences if i % 2 else people.org.letters,
            deadline=today + datetime.timedelta(days=(i % 60) - 20),
            completed_on=today if statuses[i % 5] == ActionStatus.DONE else None,
        )
    return plan


def build_requests(count: int, people) -> list:
    from complaints.services import complaint_submit

    kinds = ["complaint", "suggestion", "dysfunction", "compliment"]
    units = [people.org.sciences, people.org.physics, people.org.letters, None]
    submissions = []
    for i in range(count):
        submissions.append(
            complaint_submit(
                kind=kinds[i % 4],
                requester_category="student",
                subject=f"Demande {i} : salle sans chauffage",
                description="La salle B204 n'est pas chauffée depuis lundi. " * 5,
                name="Camille Martin",
                email=f"etudiant{i}@example.org",
                language="fr",
                concerned_unit=units[i % 4],
            )
        )
    return submissions


def aeqes_csv(rows: int) -> bytes:
    lines = ["Plan de suivi AEQES", "", "Axe;Objectif stratégique;Objectif spécifique;Échéance;Responsable"]
    for i in range(rows):
        lines.append(
            f"Axe {i % 5 + 1};Objectif {i % 17};Action importée {i};{(i % 28) + 1:02d}/06/2027;Service qualité"
        )
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


def run(runs: int) -> list[Result]:
    from actionplans.imports import read_and_analyse
    from actionplans.reports import build_plan_pdf
    from actionplans.tests.factories import ActionPlanFactory
    from complaints.selectors import inbox_complaints
    from qms.core.tests.personas import build_personas

    results: list[Result] = []
    people = build_personas()
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(people.quality_manager)
    owner = Client(HTTP_ACCEPT_LANGUAGE="fr")
    owner.force_login(people.process_owner)
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="fr")

    print("Action plans")
    small, large = build_plan(10, people), build_plan(500, people)
    results.append(
        measure("plan page, 10 actions", get(client, reverse("actionplans:plan-detail", args=[small.pk])), runs=runs)
    )
    results.append(
        measure("plan page, 500 actions", get(client, reverse("actionplans:plan-detail", args=[large.pk])), runs=runs)
    )
    results.append(
        measure("action list, 510 actions (first page)", get(client, reverse("actionplans:action-list")), runs=runs)
    )
    results.append(
        measure("my actions, process owner (~340 actions)", get(owner, reverse("actionplans:my-actions")), runs=runs)
    )
    results.append(
        measure(
            "plan timeline SVG, 500 actions",
            get(client, reverse("actionplans:plan-timeline", args=[large.pk])),
            runs=runs,
        )
    )
    results.append(
        measure(
            "plan export XLSX, 500 actions",
            get(client, reverse("actionplans:plan-export", args=[large.pk, "xlsx"])),
            runs=runs,
        )
    )
    results.append(
        measure(
            "plan PDF built by a worker, 500 actions",
            lambda: build_plan_pdf(large),
            runs=max(2, runs // 3),
            note="in the background since the shared frame; the page only queues it",
        )
    )
    target = ActionPlanFactory(title="Import", owner=people.quality_manager)
    payload = aeqes_csv(100)
    results.append(
        measure(
            "import preview, 100-row CSV",
            lambda: read_and_analyse(target, io.BytesIO(payload), filename="plan.csv"),
            runs=runs,
        )
    )

    print("Helpdesk")
    count = 1000
    start = time.perf_counter()
    submissions = build_requests(count, people)
    elapsed = time.perf_counter() - start
    per_request = elapsed / count * 1000
    print(f"  {'submission service (with outbox and status rows)':<58} {per_request:8.1f} ms per request")
    results.append(Result("submission service, per request (1000 in a row)", per_request, per_request, 0, 0))
    results.append(measure("public form page", get(anonymous, reverse("complaints:public-create")), runs=runs))
    token = submissions[0].token
    results.append(
        measure("tracking page", get(anonymous, reverse("complaints:public-track", args=[token])), runs=runs)
    )
    results.append(
        measure(f"inbox, {count} requests (first page)", get(client, reverse("complaints:inbox")), runs=runs)
    )
    results.append(
        measure(
            f"inbox, {count} requests, accent-insensitive search",
            get(client, reverse("complaints:inbox") + "?q=chauffee"),
            runs=runs,
        )
    )
    reference = submissions[0].complaint.reference
    results.append(measure("request page", get(client, reverse("complaints:detail", args=[reference])), runs=runs))
    results.append(measure(f"statistics page, {count} requests", get(client, reverse("complaints:stats")), runs=runs))
    results.append(
        measure(f"register export CSV, {count} requests", get(client, reverse("complaints:export-csv")), runs=runs)
    )
    assert inbox_complaints(people.quality_manager).count() == count

    print("Course evaluations")
    from surveys.results import CampaignResults, freeze_histogram
    from surveys.tests.factories import bulk_campaign

    campaign = bulk_campaign(responses=10_000, questions=20, targets=50)
    results.append(
        measure(
            "survey results, 10,000 responses × 20 questions (from the answers)",
            lambda: CampaignResults(campaign).institution_figures(),
            runs=runs,
        )
    )
    freeze_histogram(campaign)
    campaign.results_frozen = True
    campaign.save(update_fields=["results_frozen"])
    results.append(
        measure(
            "survey results, 10,000 responses × 20 questions (frozen counters)",
            lambda: CampaignResults(campaign).institution_figures(),
            runs=runs,
        )
    )
    return results


def run_at_size(runs: int, *, requests: int, actions: int, max_plan: int) -> list[Result]:
    """The staff pages on the demo university grown by ``manage.py generate_bulk`` (the load test's data, one
    request at a time here), signed in as the demo's quality manager."""
    from django.core.management import call_command
    from django.db.models import Count

    from actionplans.models import ActionPlan
    from complaints.choices import ComplaintStatus
    from complaints.models import Complaint
    from qms.core.models import User

    print(f"Demo university grown to {requests} requests and {actions} actions (generate_bulk)")
    quiet = io.StringIO()
    call_command("flush", interactive=False, verbosity=0)  # the demo, not the personas of the measures above
    call_command("load_reference_data", stdout=quiet)
    call_command("seed_demo", "--no-accounts", stdout=quiet)
    call_command("generate_bulk", requests=requests, years=5, actions=actions, max_plan=max_plan, stdout=quiet)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(User.objects.get(username="qualite"))
    size = f"{Complaint.objects.count()} requests, {actions} actions"
    request = (
        Complaint.objects.filter(is_sensitive=False, status=ComplaintStatus.ANSWERED)
        .exclude(messages=None)
        .order_by("-received_at")
        .first()
    )
    plan = ActionPlan.objects.annotate(n=Count("actions")).order_by("-n").first()
    inbox = reverse("complaints:inbox")
    pages = [
        (f"home ({size})", reverse("core:home")),
        (f"inbox ({size})", inbox),
        (f"inbox search ({size})", inbox + "?q=chauffage"),
        (f"request page ({size})", reverse("complaints:detail", args=[request.reference])),
        (f"action list ({size})", reverse("actionplans:action-list")),
        (f"plan page, {plan.actions.count()} actions", reverse("actionplans:plan-detail", args=[plan.pk])),
    ]
    return [measure(name, get(client, url), runs=runs) for name, url in pages]


def write(results: list[Result]) -> None:
    engine = connection.vendor
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/__main__.py). Each time is the median (and 90th percentile) of several",
        "runs after a warm-up, through Django's test client (no network, no static files), signed in as the quality",
        "manager unless said otherwise. Memory is the peak of Python allocations during one run (tracemalloc).",
        "",
        f"- Date: {datetime.datetime.now():%Y-%m-%d %H:%M}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- Database: {engine}{' (in memory)' if engine == 'sqlite' else ''}",
        f"- Django {django.get_version()}",
        "",
        "| measure | median (ms) | p90 (ms) | queries | peak memory (KiB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        # A throughput figure (a whole loop timed once) has no query count or memory of its own.
        queries, memory = (str(r.queries), f"{r.peak_kib:.0f}") if r.queries or r.peak_kib else ("—", "—")
        lines.append(f"| {r.name} | {r.median_ms:.1f} | {r.p90_ms:.1f} | {queries} | {memory} |")
    lines += [
        "",
        "Query counts do not grow with the number of rows: the plan page runs the same number of queries at 10 and",
        "500 actions, and the tests pin them (`django_assert_max_num_queries`).",
        "",
    ]
    # The load test's section (``make loadtest``, benchmarks/load.py) is kept as it is.
    from benchmarks.load import END_MARKER, START_MARKER

    previous = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if START_MARKER in previous and END_MARKER in previous:
        section = START_MARKER + previous.split(START_MARKER, 1)[1].split(END_MARKER, 1)[0] + END_MARKER
        lines += [section, ""]
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"\nWritten to {OUTPUT.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only, do not rewrite docs/benchmarks.md")
    parser.add_argument("--requests", type=int, default=10_000, help="requests of the grown demo (0: skip it)")
    parser.add_argument("--actions", type=int, default=2_000, help="actions of the grown demo")
    parser.add_argument("--max-plan", type=int, default=1_600, help="actions of its largest plan")
    args = parser.parse_args()
    settings.DEBUG = False
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        reset_queries()
        results = run(args.runs)
        if args.requests:
            results += run_at_size(args.runs, requests=args.requests, actions=args.actions, max_plan=args.max_plan)
    finally:
        teardown_databases(old_config, verbosity=0)
    if not args.no_write:
        write(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
