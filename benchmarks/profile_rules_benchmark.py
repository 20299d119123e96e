"""How long a segment of 5 profile rules (country + city + age + language + source) takes to
count over many contacts on PostgreSQL, against ``Contact.objects.count()`` in the same process.

Run from the repository root:

    .venv/bin/python benchmarks/profile_rules_benchmark.py [--contacts N] [--repeat N]

PostgreSQL only (on 127.0.0.1, as LIFECYCLE_TEST_DB=postgresql, which this script sets), in a
database of its own, ``benchmark_oscar_lifecycle_profile``, dropped at the end. Contacts are
written with INSERT ... SELECT from generate_series: 40% in France (a quarter of them in Lyon,
its name typed in mixed case), the rest over 9 other countries and 200 cities; 70% with a birth
date between 1950 and 2008; languages en / fr / de; the four sources.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_profile")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from benchmarks.harness import benchmark_database, execute, insert_rows, print_report  # noqa: E402
from oscar_lifecycle.models import Contact, Segment  # noqa: E402
from oscar_lifecycle.rules import RuleContext  # noqa: E402

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
RULES = [
    {"type": "country", "value": {"countries": ["FR"]}},
    {"type": "city", "value": {"cities": "lyon"}},
    {"type": "age", "value": {"min_age": 25, "max_age": 35}},
    {"type": "language", "value": {"languages": ["fr"]}},
    {"type": "source", "value": {"sources": ["registered", "checkout"]}},
]


def fill(contacts):
    insert_rows(
        Contact, "generate_series(1, %s) AS n", [contacts],
        email="'contact' || n || '@example.com'",
        country="CASE WHEN n %% 10 < 4 THEN 'FR' ELSE (ARRAY['GB','DE','BE','ES','IT','NL','PT','CH','AT'])[1 + n %% 9] END",
        city="CASE WHEN n %% 10 < 4 AND n %% 4 = 0 THEN (ARRAY['Lyon','LYON','lyon'])[1 + n %% 3] "
             "ELSE 'City ' || (n %% 200) END",
        postcode="lpad((n %% 95000)::text, 5, '0')",
        birth_date="CASE WHEN n %% 10 < 7 THEN date '1950-01-01' + (n * 7919 %% 21000) END",
        locale="(ARRAY['en','fr','de'])[1 + n %% 3]",
        source="(ARRAY['registered','checkout','signup','import'])[1 + n %% 4]",
        created_at=("%s - (n %% 1000) * interval '1 day'", [NOW]),
    )
    execute(f"ANALYZE {connection.ops.quote_name(Contact._meta.db_table)}")


def timed(function, repeat):
    """The median seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    arguments = parser.parse_args()
    with benchmark_database():
        fill(arguments.contacts)
        segment = Segment(name="Young French speakers in Lyon", rules=RULES)
        context = RuleContext(now=NOW)
        baseline, everyone = timed(lambda: Contact.objects.count(), arguments.repeat)
        counted, matching = timed(lambda: segment.contacts(context).count(), arguments.repeat)
        sql, params = segment.contacts(context).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
    print_report([
        ("Segment of 5 profile rules (country + city + age + language + source), PostgreSQL", None),
        ("contacts", f"{everyone:,}"),
        ("matching", f"{matching:,}"),
        ("Contact.objects.count()", f"{baseline * 1000:.1f} ms (median of {arguments.repeat})"),
        ("segment count", f"{counted * 1000:.1f} ms (median of {arguments.repeat})"),
        ("ratio", f"{counted / baseline:.2f} x the plain count"),
    ])
    print("Plan:")
    for line in plan:
        print(f"  {line}")


if __name__ == "__main__":
    main()
