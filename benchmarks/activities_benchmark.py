"""What the runner pays to process what shoppers did, at volume on PostgreSQL: statements and time
per 1,000 activities of each kind, a batch at once, against the same activities one by one.

Run from the repository root:

    .venv/bin/python benchmarks/activities_benchmark.py [--activities N] [--one-by-one N]

PostgreSQL only (on 127.0.0.1, as LIFECYCLE_TEST_DB=postgresql, which this script sets), in a
database of its own, ``benchmark_oscar_lifecycle_activities``, dropped at the end. Journeys wait
on every event trigger (a welcome whose goal is an order, an account email, a thank-you, a
loyalty offer at the second order, a rating request on delivery). For each kind of activity
(registered, order_placed, order_status_changed, checkout_started, product_viewed) and for all
kinds mixed, several per shopper in the order a shopper does them, it records activities as
Oscar's receivers would, for shoppers built by ``tests/recorded_activities.py`` in tenths (new
contacts and known ones, an address on the suppression list, ticked consent boxes, a sunset that
an order ends, a welcome that an order ends, an order an email earned, an order recorded days
late, a second order), and processes them three ways, each on shoppers of its own:

  one batch       --activities (10,000) activities, ACTIVITY_BATCH_SIZE as large: one batch
  batches of 1k   as many activities, ACTIVITY_BATCH_SIZE = 1,000: the baseline of the scaling
  one by one      --one-by-one (1,000) activities claimed as one batch and worked each in a
                  savepoint of its own: what a batch falls back to when working it at once
                  fails, and what the runner did for every activity before

It prints, per 1,000 activities, the statements and seconds of each, and two ratios: one by one
against batches of 1,000 (how many times fewer statements, how many times faster), and one batch
against batches of 1,000 (near 1: an activity costs the same in a batch ten times larger). The
mixed kind counts 7 activities per 5 shoppers. Building the shoppers is not timed. The machine's
load average is printed before and after. It prints numbers and checks none of them.
"""

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_activities")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.harness import QueryCounter, benchmark_database, create_site, print_report  # noqa: E402
from oscar_lifecycle.engine.activities import _claim_batch, _work_one_by_one, process_activities  # noqa: E402
from oscar_lifecycle.models import Activity  # noqa: E402
from tests.recorded_activities import SCENARIOS, create_programme  # noqa: E402
from tests.shop import create_catalogue  # noqa: E402


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=10_000, help="activities of each kind in one batch")
    parser.add_argument("--one-by-one", type=int, default=1_000, help="activities of each kind one by one")
    return parser.parse_args()


def batch_size(size):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "ACTIVITY_BATCH_SIZE": size}


def one_by_one(count):
    """The runner's fallback: one claim, then each activity in a savepoint of its own."""
    now = timezone.now()
    with transaction.atomic():
        worked, _conversions = _work_one_by_one(_claim_batch(now, count), now)
    return worked


class Measure:
    """Statements and seconds of processing what was recorded, per 1,000 activities."""

    def __init__(self, build, how):
        self.activities = len(Activity.objects.bulk_create(build()))
        counter = QueryCounter()
        gc.collect()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            self.outcomes = how(self.activities)
            self.seconds = time.perf_counter() - started
        self.statements = counter.count
        assert not Activity.objects.filter(processed_at__isnull=True).exists()

    @property
    def statements_per_1000(self):
        return self.statements * 1000 / self.activities

    @property
    def seconds_per_1000(self):
        return self.seconds * 1000 / self.activities

    def line(self):
        return (f"{self.activities:>6} activities {self.statements:>7} statements "
                f"{self.statements_per_1000:>9.1f} per 1,000 {self.seconds_per_1000:>7.2f} s per 1,000")


def measure(number, name, programme, activities, alone):
    scenario = SCENARIOS[name]
    batch_size(activities * 2)  # the mixed kind makes 7 activities per 5 shoppers
    whole = Measure(lambda: scenario(f"k{number}-whole-", activities, programme), lambda count: process_activities())
    batch_size(1000)
    thousands = Measure(lambda: scenario(f"k{number}-thousands-", activities, programme), lambda count: process_activities())
    single = Measure(lambda: scenario(f"k{number}-single-", alone, programme), one_by_one)
    return [
        (name, None),
        ("one batch", whole.line()),
        ("batches of 1,000", thousands.line()),
        ("one by one", single.line()),
        ("outcomes of one batch",
         ", ".join(f"{count} {outcome}" for outcome, count in sorted(whole.outcomes.items()))),
        ("one by one / batches of 1,000",
         f"{single.statements_per_1000 / thousands.statements_per_1000:.0f}x the statements, "
         f"{single.seconds_per_1000 / thousands.seconds_per_1000:.1f}x the time"),
        ("one batch / batches of 1,000, per activity",
         f"{whole.statements_per_1000 / thousands.statements_per_1000:.2f}x the statements, "
         f"{whole.seconds_per_1000 / thousands.seconds_per_1000:.2f}x the time"),
    ]


def load():
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    arguments = parsed_arguments()
    with benchmark_database(debug=False):
        create_site()
        programme = create_programme(create_catalogue(1)[0])
        print(f"Load average before: {load()} (1, 5, 15 minutes)")
        for number, name in enumerate(SCENARIOS):
            print_report(measure(number, name, programme, arguments.activities, arguments.one_by_one))
        print(f"Load average after: {load()}")


if __name__ == "__main__":
    main()
