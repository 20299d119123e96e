"""How long the clicked and engagement-threshold scans take at 100,000 contacts on PostgreSQL.

Run from the repository root:

    .venv/bin/python benchmarks/engagement_scans_benchmark.py [--rebuild]

PostgreSQL only (on 127.0.0.1), in a database of its own, ``bench_engagement_scans``, kept
between runs (``--rebuild`` builds it again). With a fixed random seed, written straight into
the tables with INSERT ... SELECT from generate_series:

  contacts   100,000, consenting.
  messages   1,000,000 emails of the News journey's one step, sent over the last 30 days.
  events     one per message: 60% opened, 15% clicked, 25% delivered (ESP); 12% of the opens
             and clicks a machine's; each up to 3 days after its send (those that would come
             after ``now`` left out). ``now`` is the last event's time.

Each scan runs as on time (its journey's previous scan one interval before: 5 minutes for
clicked, 15 for the engagement threshold), then again (enrolls nobody), then as a new
journey's first scan. Printed: milliseconds, statements, contacts enrolled.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ["LIFECYCLE_TEST_DB_NAME"] = "bench_engagement_scans"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    QueryCounter, benchmark_database, create_default_locale, execute, insert_rows, print_report,
)
from oscar_lifecycle.engine.scan import run_scan  # noqa: E402
from oscar_lifecycle.models import Contact, Enrollment, Journey, JourneyScan, Message, MessageEvent  # noqa: E402
from oscar_lifecycle.triggers import registered_triggers  # noqa: E402
from tests.shop import create_journey  # noqa: E402

CONTACTS, MESSAGES = 100_000, 1_000_000


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    return parser.parse_args()


def build(now):
    execute(f"TRUNCATE {Contact._meta.db_table}, {Journey._meta.db_table} RESTART IDENTITY CASCADE")
    execute("SELECT setseed(0.42)")
    if not Locale.objects.exists():
        create_default_locale()
    news = create_journey("News", steps=[{"delay_hours": 0}])
    step = news.steps.get()
    insert_rows(Contact, "generate_series(1, %s) AS n", (CONTACTS,),
                email="'c' || n || '@example.com'", consent="'granted'", created_at="now() - interval '1 year'")
    messages = f"(SELECT n, 1 + floor({CONTACTS} * random())::int AS contact FROM generate_series(1, %s) AS n) AS m"
    insert_rows(Message, messages, (MESSAGES,),
                contact="contact", journey=str(news.pk), step=str(step.pk), category="'marketing'",
                status="'sent'", to_email="'c' || contact || '@example.com'", subject="'News'",
                sent_at=("%s::timestamptz - interval '30 days' * random()", [now]), created_at="now()")
    events = (f"(SELECT id, contact_id, sent_at + interval '3 days' * random() AS at, random() AS r "
              f"FROM {Message._meta.db_table}) AS e WHERE at <= %s")
    insert_rows(MessageEvent, events, (now,),
                message="id", contact="contact_id",
                kind="CASE WHEN r < 0.6 THEN 'opened' WHEN r < 0.75 THEN 'clicked' ELSE 'delivered' END",
                source="CASE WHEN r < 0.6 THEN 'pixel' WHEN r < 0.75 THEN 'redirect' ELSE 'esp' END",
                url="CASE WHEN r >= 0.6 AND r < 0.75 THEN 'https://shop.test/catalogue/' ELSE '' END",
                is_machine="r < 0.072",
                created_at="at")
    execute("VACUUM ANALYZE")
    return news


def timed_scan(trigger, now):
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        enrolled = run_scan(trigger, now)
    return f"{(time.perf_counter() - started) * 1000:8.1f} ms  {counter.count:3} statements  {enrolled:>6,} enrolled"


def main():
    arguments = parsed_arguments()
    now = timezone.now().replace(microsecond=0)
    with benchmark_database(debug=False, reuse=True):
        news = Journey.objects.filter(name="News").first()
        if arguments.rebuild or news is None or Message.objects.count() != MESSAGES:
            started = time.perf_counter()
            news = build(now)
            print(f"Built {connection.settings_dict['NAME']} in {time.perf_counter() - started:.0f} s.")
        now = MessageEvent.objects.order_by("-created_at").values_list("created_at", flat=True).first()
        rows = []
        for name, settings in [("clicked", {"emails_of": [str(news.pk)]}),
                               ("engagement_threshold", {"count": 3, "days": 7})]:
            trigger = registered_triggers()[name]
            Journey.objects.filter(trigger=name).delete()
            journey = create_journey(name, trigger=name, reentry="always", trigger_settings=settings,
                                     steps=[{"delay_days": 1}])
            JourneyScan.objects.create(journey=journey, scanned_at=now - trigger.interval)
            rows += [(f"{name} ({trigger.interval} apart)", None),
                     ("on time", timed_scan(trigger, now)),
                     ("again", timed_scan(trigger, now))]
            Enrollment.objects.filter(journey=journey).delete()
            JourneyScan.objects.filter(journey=journey).delete()
            rows.append(("a new journey's first scan", timed_scan(trigger, now)))
            Journey.objects.filter(trigger=name).delete()
        print_report(rows)


if __name__ == "__main__":
    main()
