"""What oscar_lifecycle costs a shopper's request, measured through Oscar's real views.

Run from the repository root:

    .venv/bin/python benchmarks/shopper_path_benchmark.py [--repeat N] [--orders N]

Each shopper action runs ``--repeat`` times with the app ON and as many times with
it OFF, interleaved (ON, OFF, then OFF, ON, ...) in the same process and database,
through Django's test client:

  (a) product page   a logged-in shopper views a product (Oscar's ``product_viewed``)
  (b) basket add     a logged-in shopper POSTs basket:add (no receiver of ours listens)
  (c) checkout       a member's whole checkout (``--orders`` times): basket add, the
                     gateway (``start_checkout``), shipping address, shipping method,
                     payment method, place order (``order_placed``); the place-order
                     POST is also shown alone
  (d) guest gateway  a guest types an address at the checkout gateway (``start_checkout``)
  (e) registration   a visitor registers (``user_registered``)

OFF is the baseline: oscar_lifecycle's receivers are disconnected from Oscar's
signals (the ``dispatch_uid`` that ``signals/oscar.py`` connects them with), so the
shop runs as if the app were not installed; ON reconnects them with
``signals.oscar.connect()``. Live journeys exist for the registration, order placed,
abandoned basket and browse abandonment triggers. For each action it prints the
queries per action (counted on every run; the extra statements come from one
``CaptureQueriesContext`` run per side), median and p95 wall time, the difference
and the ON/OFF ratio. DEBUG is off, as in production; nothing runs the lifecycle
runner, so what is measured is only what the shopper's request pays.

It uses the test settings: SQLite in memory by default, PostgreSQL on 127.0.0.1 with
LIFECYCLE_TEST_DB=postgresql (in a database of its own,
``benchmark_oscar_lifecycle_shopper``, dropped at the end). It prints numbers and
checks none of them.
"""

import argparse
import gc
import os
import platform
import re
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_shopper")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from oscar.core.loading import get_class, get_model  # noqa: E402

from benchmarks.harness import QueryCounter, benchmark_database, create_site  # noqa: E402
from oscar_lifecycle.models import Activity  # noqa: E402
from oscar_lifecycle.signals import oscar as oscar_receivers  # noqa: E402
from tests.shop import PASSWORD, basket_reminder_step, create_catalogue, create_journey  # noqa: E402

BasketLine = get_model("basket", "Line")
StockRecord = get_model("partner", "StockRecord")
User = get_user_model()
ON, OFF = "ON", "OFF"
WARM_UP = 3  # untimed runs per side before measuring
# The test settings' Haystack backend says so on every product saved.
warnings.filterwarnings("ignore", "update is not implemented in this backend")


def switch_app(side):
    """ON: oscar_lifecycle's receivers connected as ``ready()`` does; OFF: disconnected."""
    if side == ON:
        oscar_receivers.connect()
        return
    for _kind, module, signal_name, _receiver in oscar_receivers.RECEIVERS:
        get_class(module, signal_name).disconnect(dispatch_uid=f"oscar_lifecycle.{signal_name}")


def expect(response, status):
    if response.status_code != status:
        raise AssertionError(f"{response.request['PATH_INFO']}: {response.status_code}, expected {status}")
    return response


@dataclass
class Step:
    label: str
    request: object  # a callable making one request through the test client
    status: int = 302


@dataclass
class Side:
    """Timings and counts of one action on one side (ON or OFF)."""

    milliseconds: list = field(default_factory=list)
    detail_milliseconds: list = field(default_factory=list)  # the action's detail step alone
    queries: list = field(default_factory=list)
    detail_queries: list = field(default_factory=list)
    activities: int = 0
    captured: list = field(default_factory=list)  # SQL of one CaptureQueriesContext run


class Action:
    """A shopper action: ``steps(number)`` gives the requests of its ``number``-th run,
    ``reset()`` undoes what must not accumulate between runs (never timed)."""

    key = ""
    label = ""
    detail = None  # the label of a step also reported alone

    def steps(self, number):
        raise NotImplementedError

    def reset(self):
        pass


def logged_in_client(email):
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    client = Client()
    client.force_login(user)
    return client, user


class ProductPage(Action):
    key, label = "a", "product page (logged in)"

    def __init__(self, product):
        self.client, _user = logged_in_client("viewer@example.com")
        self.url = product.get_absolute_url()

    def steps(self, number):
        return [Step("GET product", lambda: self.client.get(self.url), 200)]


class BasketAdd(Action):
    key, label = "b", "basket add (logged in)"

    def __init__(self, product):
        self.client, self.user = logged_in_client("adder@example.com")
        self.url = reverse("basket:add", args=[product.pk])

    def steps(self, number):
        return [Step("POST basket:add", lambda: self.client.post(self.url, {"quantity": 1}))]

    def reset(self):
        """Each add creates a line, as a shopper's first add of a product does."""
        BasketLine.objects.filter(basket__owner=self.user).delete()


class Checkout(Action):
    key, label = "c", "checkout (member, 6 requests)"
    detail = "POST place order"

    def __init__(self, product):
        self.client, _user = logged_in_client("buyer@example.com")
        self.add_url = reverse("basket:add", args=[product.pk])

    def steps(self, number):
        client = self.client
        address = {"first_name": "Ada", "last_name": "Lovelace", "line1": "1 rue de la Paix",
                   "line4": "Paris", "postcode": "75002", "country": "FR", "phone_number": ""}
        return [
            Step("POST basket:add", lambda: client.post(self.add_url, {"quantity": 1})),
            Step("GET gateway", lambda: client.get(reverse("checkout:index"))),
            Step("POST shipping address", lambda: client.post(reverse("checkout:shipping-address"), address)),
            Step("GET shipping method", lambda: client.get(reverse("checkout:shipping-method"))),
            Step("GET payment method", lambda: client.get(reverse("checkout:payment-method"))),
            Step(self.detail, lambda: client.post(reverse("checkout:preview"), {"action": "place_order"})),
        ]

    def reset(self):
        mail.outbox = []  # Oscar's order confirmations


class GuestGateway(Action):
    key, label = "d", "guest at checkout gateway"

    def __init__(self, product):
        self.client = Client()
        expect(self.client.post(reverse("basket:add", args=[product.pk]), {"quantity": 1}), 302)

    def steps(self, number):
        data = {"username": f"guest{number}@example.com", "options": "anonymous"}
        return [Step("POST gateway", lambda: self.client.post(reverse("checkout:index"), data))]


class Registration(Action):
    key, label = "e", "registration"

    def __init__(self, product):
        self.client = None

    def steps(self, number):
        self.client = Client()
        data = {"email": f"new{number}@example.com", "password1": PASSWORD, "password2": PASSWORD}
        return [Step("POST register", lambda: self.client.post(reverse("customer:register"), data))]


def run_once(action, number, result, capture=False):
    """One run of ``action``: its steps timed one by one, statements counted."""
    steps = action.steps(number)
    activities_before = Activity.objects.count()
    counter = QueryCounter()
    timings, counts = [], []
    with connection.execute_wrapper(counter):
        for step in steps:
            queries_before = counter.count
            if capture:
                with CaptureQueriesContext(connection) as captured:
                    expect(step.request(), step.status)
                result.captured += [query["sql"] for query in captured.captured_queries]
            else:
                started = time.perf_counter()
                expect(step.request(), step.status)
                timings.append((time.perf_counter() - started) * 1000)
            counts.append(counter.count - queries_before)
    result.activities += Activity.objects.count() - activities_before
    action.reset()
    if capture:
        return
    result.milliseconds.append(sum(timings))
    result.queries.append(sum(counts))
    for step, milliseconds, count in zip(steps, timings, counts):
        if step.label == action.detail:
            result.detail_milliseconds.append(milliseconds)
            result.detail_queries.append(count)


def measure(action, repeat):
    """``repeat`` runs per side, interleaved; warm-up runs first, one captured run per side last."""
    sides = {ON: Side(), OFF: Side()}
    number = 0
    for _ in range(WARM_UP):
        for side in (ON, OFF):
            switch_app(side)
            run_once(action, number, Side())
            number += 1
    gc.collect()
    for index in range(repeat):
        for side in (ON, OFF) if index % 2 == 0 else (OFF, ON):
            switch_app(side)
            run_once(action, number, sides[side])
            number += 1
    for side in (ON, OFF):
        switch_app(side)
        run_once(action, number, sides[side], capture=True)
        number += 1
    switch_app(ON)
    return sides


def create_shop():
    """A catalogue with stock for every order the benchmark places, and one live journey per trigger."""
    create_site()
    products = create_catalogue(3)
    StockRecord.objects.update(num_in_stock=10**7)
    create_journey("Welcome", "registration")
    create_journey("Thanks", "order_placed")
    create_journey("Abandoned basket", "abandoned_basket", goal="order_placed", reentry="always",
                   steps=[basket_reminder_step("Your basket is waiting", delay_hours=0)])
    create_journey("Browse abandonment", "browse_abandonment")
    return products


def normalized(sql):
    """A statement with its literal values blanked, to compare ON's statements with OFF's."""
    return re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", sql)


def extra_statements(sides):
    """Statements of the captured ON run that the OFF run did not make (by shape)."""
    remaining = [normalized(sql) for sql in sides[OFF].captured]
    extra = []
    for sql in sides[ON].captured:
        shape = normalized(sql)
        if shape in remaining:
            remaining.remove(shape)
        else:
            extra.append(sql)
    return extra


@dataclass
class Row:
    label: str
    on_ms: list
    off_ms: list
    on_queries: list
    off_queries: list
    activities: float | None  # Activity rows per ON run (timed and captured runs)


def p95(values):
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def spread(counts):
    low, high = min(counts), max(counts)
    return f"{low}" if low == high else f"{low}-{high}"


def table_lines(rows):
    header = ("action", "queries OFF", "ON", "+", "activities", "median OFF ms", "ON ms", "+ms", "ON/OFF",
              "p95 OFF ms", "ON ms", "ON/OFF")
    body = []
    for row in rows:
        median_on, median_off = statistics.median(row.on_ms), statistics.median(row.off_ms)
        p95_on, p95_off = p95(row.on_ms), p95(row.off_ms)
        body.append((
            row.label, spread(row.off_queries), spread(row.on_queries),
            f"{statistics.median(row.on_queries) - statistics.median(row.off_queries):+g}",
            "" if row.activities is None else f"{row.activities:.2f}",
            f"{median_off:.2f}", f"{median_on:.2f}", f"{median_on - median_off:+.2f}",
            f"{median_on / median_off:.3f}",
            f"{p95_off:.2f}", f"{p95_on:.2f}", f"{p95_on / p95_off:.3f}",
        ))
    widths = [max(len(line[column]) for line in [header, *body]) for column in range(len(header))]

    def formatted(line):
        return "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths))
        )

    return [formatted(header), "  ".join("-" * width for width in widths), *map(formatted, body)]


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200,
                        help="runs per side of each page action (default 200)")
    parser.add_argument("--orders", type=int, default=50,
                        help="checkouts per side, each placing an order (default 50)")
    arguments = parser.parse_args()
    if min(arguments.repeat, arguments.orders) < 2:
        parser.error("--repeat and --orders must be 2 or more (the p95 needs two timings)")
    return arguments


def run_benchmarks(repeat, orders):
    product, *_ = create_shop()
    actions = [
        (ProductPage(product), repeat),
        (BasketAdd(product), repeat),
        (Checkout(product), orders),
        (GuestGateway(product), repeat),
        (Registration(product), repeat),
    ]
    rows, extras = [], []
    for action, runs in actions:
        started = time.perf_counter()
        sides = measure(action, runs)
        seconds = time.perf_counter() - started
        on, off = sides[ON], sides[OFF]
        rows.append(Row(f"({action.key}) {action.label}", on.milliseconds, off.milliseconds,
                        on.queries, off.queries, on.activities / (runs + 1)))
        if action.detail:
            rows.append(Row(f"    of which {action.detail}", on.detail_milliseconds, off.detail_milliseconds,
                            on.detail_queries, off.detail_queries, None))
        extras.append((action, runs, seconds, extra_statements(sides), off.activities))
    return rows, extras


def print_report(rows, extras):
    database_version = ".".join(str(part) for part in connection.get_database_version())
    print(f"database         {connection.display_name} {database_version}")
    print(f"Python / Django  {platform.python_version()} / {django.get_version()}")
    print(f"machine          {os.cpu_count()} CPUs, {platform.machine()}")
    print("Baseline: the same action with oscar_lifecycle's receivers disconnected (OFF), "
          "runs interleaved with ON.")
    print("queries: statements per action (a range when runs differ); "
          "activities: Activity rows written per ON run.")
    print()
    for line in table_lines(rows):
        print(line)
    print()
    for action, runs, seconds, extra, activities_off in extras:
        print(f"({action.key}) {runs} runs per side in {seconds:.1f} s; "
              f"activities written while OFF: {activities_off}; statements ON adds:")
        for sql in extra or ["(none)"]:
            print(f"      {sql[:200]}")


def main():
    arguments = parsed_arguments()
    with benchmark_database(debug=False):
        try:
            rows, extras = run_benchmarks(arguments.repeat, arguments.orders)
            print_report(rows, extras)
        finally:
            switch_app(ON)


if __name__ == "__main__":
    main()
