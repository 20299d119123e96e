"""How fast oscar_lifecycle dispatches and renders, measured on a fresh test database.

Run from the repository root:

    .venv/bin/python benchmarks/lifecycle_benchmark.py [--emails N] [--renders N]

It uses the test settings: SQLite in memory by default, PostgreSQL on
127.0.0.1 with LIFECYCLE_TEST_DB=postgresql (in a database of its own,
``benchmark_oscar_lifecycle``, so a test run beside it is left alone).
It prints numbers and checks none of them.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from oscar_lifecycle.contacts import contact_for  # noqa: E402
from oscar_lifecycle.content.render import render_step  # noqa: E402
from oscar_lifecycle.engine.dispatch import dispatch_due  # noqa: E402
from oscar_lifecycle.engine.enroll import enroll  # noqa: E402
from benchmarks.harness import QueryCounter, benchmark_database, create_default_locale, print_report  # noqa: E402
from tests.shop import create_journey  # noqa: E402

TEST_EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@dataclass
class DispatchResult:
    outcomes: str
    emails_sent: int
    seconds: float
    queries: int


@dataclass
class RenderResult:
    milliseconds: list
    queries: int


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000, help="contacts due an email (default 1000)")
    parser.add_argument("--renders", type=int, default=1000, help="render_step() calls timed (default 1000)")
    arguments = parser.parse_args()
    if arguments.renders < 2:
        parser.error("--renders must be 2 or more (the p95 needs two timings)")
    return arguments


def enroll_contacts(count):
    for number in range(count):
        enroll("registration", contact_for(f"contact{number}@example.com"))


def measure_dispatch():
    """One dispatch_due() pass over everything due."""
    mail.outbox = []
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        report = dispatch_due()
        seconds = time.perf_counter() - started
    return DispatchResult(str(report), report.sent, seconds, queries.count)


def measure_render(journey, renders):
    """Render the journey's first step ``renders`` times for a newly enrolled contact."""
    (enrollment,) = enroll("registration", contact_for("render@example.com"))
    step = journey.ordered_steps()[0]
    milliseconds = []
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        for _ in range(renders):
            started = time.perf_counter()
            render_step(step, enrollment.contact, enrollment=enrollment)
            milliseconds.append((time.perf_counter() - started) * 1000)
    return RenderResult(milliseconds, queries.count)


def run_benchmarks(emails, renders):
    create_default_locale()
    journey = create_journey("Welcome", steps=[{"delay_hours": 0}, {"delay_days": 1}])
    enroll_contacts(emails)
    return measure_dispatch(), measure_render(journey, renders)


def per(total, count):
    return f"{total / count:.2f}" if count else "n/a"


def report_rows(dispatch, render):
    timings = render.milliseconds
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
    database_version = ".".join(str(part) for part in connection.get_database_version())
    return [
        ("Environment", None),
        ("database", f"{connection.display_name} {database_version}"),
        ("Python / Django", f"{platform.python_version()} / {django.get_version()}"),
        ("Dispatch: one dispatch_due() pass, 2-step journey, no pressure cap", None),
        ("outcomes", dispatch.outcomes),
        ("emails sent", dispatch.emails_sent),
        ("wall time", f"{dispatch.seconds:.3f} s"),
        ("emails/second", f"{dispatch.emails_sent / dispatch.seconds:.1f}"),
        ("SQL queries", dispatch.queries),
        ("queries/email", per(dispatch.queries, dispatch.emails_sent)),
        ("Render: render_step() of a heading + text + button step", None),
        ("renders", len(timings)),
        ("median", f"{statistics.median(timings):.3f} ms"),
        ("p95", f"{p95:.3f} ms"),
        ("mean", f"{statistics.fmean(timings):.3f} ms"),
        ("queries/render", per(render.queries, len(timings))),
    ]


def main():
    arguments = parsed_arguments()
    with benchmark_database():
        lifecycle = {**settings.OSCAR_LIFECYCLE, "PRESSURE_CAP": None}
        with override_settings(EMAIL_BACKEND=TEST_EMAIL_BACKEND, OSCAR_LIFECYCLE=lifecycle):
            dispatch, render = run_benchmarks(arguments.emails, arguments.renders)
        print_report(report_rows(dispatch, render))


if __name__ == "__main__":
    main()
