"""How fast a campaign goes out: one campaign to N contacts, sent by 1 and then 2 `lifecycle_run`
processes through an ESP answering in 100 ms, each email once.

Run from the repository root, with PostgreSQL (runner processes share its database):

    .venv/bin/python benchmarks/campaign_benchmark.py [--contacts N] [--latency 0.1]

It builds a database of its own (LIFECYCLE_TEST_DB_NAME), N subscribed contacts in one segment
and a small second segment, and prints:

  queries        SQL statements per email of one runner pass in this process (the send started,
                 its audience frozen, every email dispatched), over the small segment.
  1 / 2 runners  a new campaign to the N contacts each time, scheduled once the runner processes
                 are up: seconds from scheduling to the last email (freezing the audience
                 included), emails/s, the check that each contact got one email, and the CPU
                 the runners and their PostgreSQL server processes used per email.
  100,000        the time the same rate would take for 100,000 contacts; and an estimate for
                 the same machine with nothing else running (this one is shared): the longest
                 of what the CPU per email and the emails in flight allow.
"""

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_campaign")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Max, Min  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    QueryCounter, benchmark_database, create_site, fetch, insert_rows, print_report,
)
from benchmarks.simulated_esp import SimulatedEsp  # noqa: E402
from oscar_lifecycle.campaigns.sending import schedule_send  # noqa: E402
from oscar_lifecycle.conf import lifecycle_setting  # noqa: E402
from oscar_lifecycle.engine.runner import run_lifecycle  # noqa: E402
from oscar_lifecycle.models import Campaign, CampaignSend, Contact, Enrollment, Message, Segment  # noqa: E402
from tests.shop import create_catalogue  # noqa: E402

SIMULATED_ESP = "benchmarks.simulated_esp.SimulatedEsp"
BODY = [
    ("heading", "Hello {{ first_name|default:\"there\" }}"),
    ("text", "<p>What is new at {{ shop_name }} this month.</p>"),
    ("button", {"text": "Shop now", "url": "/catalogue/"}),
    ("product_grid", {"heading": "Best sellers", "source": "best_sellers", "products": [],
                      "category": None, "max_products": 3, "columns": "3"}),
]
QUERY_SAMPLE = 1000
RUNNER_START_SECONDS = 10


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10000, help="contacts the campaign goes to (default 10000)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the ESP takes per email (default 0.1)")
    return parser.parse_args()


def add_contacts(source, first, count):
    insert_rows(
        Contact, "generate_series(%s, %s) AS n", (first, first + count - 1),
        email=f"'{source}' || n || '@example.com'", first_name="'Reader' || n", source=f"'{source}'",
        consent="'granted'", consent_source="'imported subscriber list'", consent_changed_at="now()",
        status="'active'", created_at="now()",
    )


def segment_of(name, source):
    segment = Segment.objects.create(name=name, rules=[{"type": "source", "value": {"sources": [source]}}],
                                     live=False)
    segment.save_revision().publish()
    return Segment.objects.get(pk=segment.pk)


def campaign_to(segment, name):
    campaign = Campaign(name=name, subject=f"{name} for {{{{ first_name }}}}", body=BODY, live=False)
    campaign.save()
    campaign.segments.set([segment])
    campaign.save()
    campaign.save_revision().publish()
    return Campaign.objects.get(pk=campaign.pk)


def queries_per_email(segment):
    """Statements per email of one pass sending a campaign to ``segment``, in this process."""
    schedule_send(campaign_to(segment, "Query count"))
    SimulatedEsp.latency = 0
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        report = run_lifecycle()
    return counter.count / report.sent, report.sent


def runner_processes(count, latency):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.campaign_runner_settings",
                   "BENCHMARK_DB_NAME": connection.settings_dict["NAME"], "SIMULATED_ESP_LATENCY": str(latency),
                   "PYTHONPATH": str(REPOSITORY)}
    log = open(os.devnull, "w")
    return [subprocess.Popen([sys.executable, "-m", "django", "lifecycle_run", "--loop", "--interval", "0.2"],
                             cwd=REPOSITORY, env=environment, stdout=log, stderr=subprocess.STDOUT)
            for _ in range(count)]


def cpu_seconds(pids):
    """CPU time (user + system) the processes ``pids`` have used so far, from /proc (those gone
    count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def runner_backends():
    """The PostgreSQL server processes serving the runners: those connected to the benchmark's
    database but this process's own (the server's other work is other databases')."""
    return [pid for (pid,) in fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid()")]


@dataclass
class TimedSend:
    seconds: float
    sent: int
    sending_seconds: float
    each_once: bool
    runner_cpu: float
    database_cpu: float


def timed_send(segment, runners, latency, contacts):
    """A campaign to ``segment`` sent by ``runners`` processes: seconds from scheduling it to its
    last email, CPU the runners and PostgreSQL used meanwhile, and whether every contact got
    exactly one email."""
    processes = runner_processes(runners, latency)
    runner_pids = [process.pid for process in processes]
    try:
        time.sleep(RUNNER_START_SECONDS)  # Django, Oscar and Wagtail loaded in each
        backends = runner_backends()
        runner_cpu, database_cpu = cpu_seconds(runner_pids), cpu_seconds(backends)
        send = schedule_send(campaign_to(segment, f"{runners} runners"))
        started = time.perf_counter()
        while True:
            time.sleep(0.25)
            if all(process.poll() is not None for process in processes):
                raise SystemExit("Every runner process stopped before the campaign was sent: run one by hand "
                                 "(lifecycle_run with benchmarks.campaign_runner_settings) to see why.")
            send.refresh_from_db()
            if send.state == CampaignSend.State.FINISHED:
                break
        seconds = time.perf_counter() - started
        runner_cpu = cpu_seconds(runner_pids) - runner_cpu
        database_cpu = cpu_seconds(backends) - database_cpu
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
    messages = Message.objects.filter(enrollment__campaign_send=send)
    per_contact = messages.values("contact").annotate(count=Count("pk")).aggregate(most=Max("count"))["most"]
    sent = messages.filter(status=Message.Status.SENT).count()
    window = messages.aggregate(first=Min("handed_over_at"), last=Max("handed_over_at"))
    dispatch_seconds = (window["last"] - window["first"]).total_seconds()
    frozen = Enrollment.objects.filter(campaign_send=send).count()
    return TimedSend(seconds, sent, dispatch_seconds, per_contact == 1 and sent == frozen == contacts,
                     runner_cpu, database_cpu)


def idle_machine_minutes(timed, runners, latency, emails=100000):
    """Minutes ``emails`` would take with nothing else on the machine: the longest of what the
    runners' own CPU allows (each on one core, Python's GIL), what all the CPU (runners and
    PostgreSQL) allows on every core, and what the emails in flight allow at ``latency``."""
    cores = os.cpu_count()
    runner_bound = emails * timed.runner_cpu / timed.sent / min(runners, cores)
    machine_bound = emails * (timed.runner_cpu + timed.database_cpu) / timed.sent / cores
    in_flight_bound = emails * latency / (runners * lifecycle_setting("SEND_CONCURRENCY"))
    return max(runner_bound, machine_bound, in_flight_bound) / 60


def run(arguments):
    contacts = arguments.contacts
    create_catalogue(3)
    add_contacts("import", 1, contacts)
    add_contacts("signup", 1, QUERY_SAMPLE)
    big, small = segment_of("Everyone imported", "import"), segment_of("Signed up", "signup")
    rows = [("Environment", None),
            ("database", f"{connection.display_name} {'.'.join(map(str, connection.get_database_version()))}"),
            ("CPU cores", os.cpu_count()),
            (f"ESP latency {arguments.latency * 1000:.0f} ms, SEND_CONCURRENCY "
             f"{lifecycle_setting('SEND_CONCURRENCY')}, {contacts} contacts", None)]
    per_email, sampled = queries_per_email(small)
    rows.append((f"queries per email ({sampled} emails, one pass)", f"{per_email:.2f}"))
    for runners in (1, 2):
        timed = timed_send(big, runners, arguments.latency, contacts)
        rate = timed.sent / timed.seconds
        idle_minutes = idle_machine_minutes(timed, runners, arguments.latency)
        rows += [
            (f"{runners} runner(s): scheduled to last email", f"{timed.seconds:.1f} s, {rate:.0f} emails/s "
             f"(sending alone {timed.sent / timed.sending_seconds:.0f} emails/s)"),
            (f"{runners} runner(s): each contact once", "yes" if timed.each_once else "NO"),
            (f"{runners} runner(s): CPU per email, runners + PostgreSQL",
             f"{timed.runner_cpu / timed.sent * 1000:.2f} + {timed.database_cpu / timed.sent * 1000:.2f} ms"),
            (f"{runners} runner(s): 100,000 contacts at this rate", f"{100000 / rate / 60:.1f} min"),
            (f"{runners} runner(s): 100,000 contacts on {os.cpu_count()} idle cores (estimate)",
             f"{idle_minutes:.1f} min"),
        ]
    return rows


def main():
    arguments = parsed_arguments()
    with benchmark_database():
        create_site()
        lifecycle = {**settings.OSCAR_LIFECYCLE, "PRESSURE_CAP": None}
        with override_settings(EMAIL_BACKEND=SIMULATED_ESP, OSCAR_LIFECYCLE=lifecycle):
            rows = run(arguments)
    print_report(rows)


if __name__ == "__main__":
    main()
