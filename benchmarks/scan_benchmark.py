"""How long each scan trigger takes at volume on PostgreSQL, and whether it grows faster than the data.

Run from the repository root:

    .venv/bin/python benchmarks/scan_benchmark.py [--contacts N] [--baskets N] [--views N] [--orders N]

PostgreSQL only (on 127.0.0.1, as LIFECYCLE_TEST_DB=postgresql, which this script
sets), in a database of its own, ``benchmark_oscar_lifecycle_scan``, dropped at
the end. The shop is written straight into the tables with INSERT ... SELECT
from generate_series (no views, no ORM objects), relative to one fixed ``now``,
as a shop looks between two scans (the scans ran every few minutes before):

  members      --contacts users, each with a Contact
  baskets      --baskets open baskets with 1 or 2 lines; 40% members', 60% guests'.
               By the time their lines were last touched: 10% in the last idle
               hour (not due yet), 10% due (idle past it, within the 7 days
               looked at), 55% idle within the 7 days and already enrolled by an
               earlier scan (guests without a contact cannot be), 25% older
               than the 7 days. 20% had a checkout started (a processed
               ``checkout_started`` activity; a guest's names a Contact of its own).
  views        --views processed ``product_viewed`` activities from members, over
               the browse trigger's window (2 hours + 2 days of lookback); half
               the members were sent a browse email in the last 72 hours.
  orders       --orders placed orders of one line each (30% guests') over 30 days,
               each with its submitted basket; 10% of the 200 products out of stock.
               The default, 2,000, is small for such a shop: the browse scan's time
               grows with views x order lines, and 20,000 takes minutes per scan.

For each scan trigger (abandoned basket, browse abandonment) it times one
``run_scan(trigger, now)`` (finds and enrolls), then a second one (must enroll
nobody), counting the statements each issues. The data are built in two steps:
first 10% of every size, where both scans are timed (then their enrollments are
removed), then the remaining 90%, where they are timed again. The baseline is
the scan at 10% of the volume, in the same process and database: a ratio near
10 means the scan grows with the data, well above 10 that it grows faster.
For reference it also shows a ``SELECT count(*)`` of the rows each scan has to
consider (open baskets; product views in the window), the least any scan could
cost. Last, ``EXPLAIN (ANALYZE, BUFFERS)`` of each scan's slowest statement at
full volume, on the data as the first scan found them (its enrollments deleted
inside a transaction rolled back afterwards).

Data setup time is printed apart and is not part of any ratio. Scans run under a
statement timeout (``--timeout``, 300 s). ``--keep-database`` leaves the database
for psql. It prints numbers and checks none of them.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_scan")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from oscar_lifecycle.engine.scan import run_scan  # noqa: E402
from oscar_lifecycle.models import Activity, Contact, Enrollment  # noqa: E402
from oscar_lifecycle.triggers import get_trigger  # noqa: E402
from oscar_lifecycle.triggers.browsing import BrowseAbandonmentTrigger  # noqa: E402
from benchmarks.harness import benchmark_database, create_default_locale  # noqa: E402
from tests.shop import basket_reminder_step, create_catalogue, create_journey  # noqa: E402

Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")
User = get_user_model()

PRODUCTS = 200
BASELINE_SHARE = 0.1  # the first build step, and the baseline of the ratios
MEMBER_BASKET_SHARE = 0.4
CHECKOUT_SHARE = 0.2
GUEST_ORDER_SHARE = 0.3
# Buckets of open baskets by when they were last touched (shares add up to 1).
RECENT, DUE, ENROLLED = 0.10, 0.10, 0.55  # the rest: older than give_up_after_days
IDLE = timedelta(minutes=60)  # AbandonedBasketTrigger's defaults, the journeys keep them
GIVE_UP = timedelta(days=7)
BROWSE_WINDOW = timedelta(hours=2) + BrowseAbandonmentTrigger.lookback
BROWSE_ENROLLED_SHARE = 0.5
EXPLAIN_ANALYZE_LIMIT = 60  # seconds: a slower statement gets a plain EXPLAIN
warnings.filterwarnings("ignore", "update is not implemented in this backend")


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


def sequence(model):
    return f"pg_get_serial_sequence('{model._meta.db_table}', 'id')"


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def insert_rows(model, source, params=(), **columns):
    """INSERT INTO ``model``'s table SELECT ``columns`` FROM ``source`` (with ``params``); a column is
    a field name and an SQL expression, or (expression, its params). The other fields take their
    default (the primary key its sequence). Returns the rows written."""
    names, expressions, select_params = [], [], []
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if name not in columns and (model_field.primary_key or not (model_field.has_default() or not model_field.null)):
            continue
        names.append(connection.ops.quote_name(model_field.column))
        if name in columns:
            expression = columns.pop(name)
            expression, expression_params = (expression, []) if isinstance(expression, str) else expression
            expressions.append(expression)
            select_params += expression_params
        else:
            expressions.append("%s")
            select_params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    if columns:
        raise ValueError(f"{model.__name__} has no fields {sorted(columns)}")
    return execute(
        f"INSERT INTO {table(model)} ({', '.join(names)}) SELECT {', '.join(expressions)} FROM {source}",
        [*select_params, *params],
    )


def id_range(total, low, high):
    """The 1-based numbers of a ``total`` that the share (low, high] covers."""
    return int(total * low) + 1, int(total * high)


@dataclass
class Sizes:
    contacts: int
    baskets: int
    views: int
    orders: int

    @property
    def member_baskets(self):
        return min(self.contacts, round(self.baskets * MEMBER_BASKET_SHARE))


class Shop:
    """The benchmark's shop, grown share by share of ``sizes`` with raw SQL."""

    def __init__(self, sizes, now, basket_journey, browse_journey):
        self.sizes = sizes
        self.now = now
        self.basket_journey = basket_journey
        self.browse_journey = browse_journey
        execute("SELECT setseed(0.42)")
        execute("CREATE TEMP TABLE bench_member (n integer PRIMARY KEY, user_id bigint, contact_id bigint)")
        execute(
            "CREATE TEMP TABLE bench_basket (n integer PRIMARY KEY, basket_id bigint, owner_id bigint,"
            " contact_id bigint, bucket text, touched_at timestamptz, lines integer, product_k integer,"
            " checkout boolean)"
        )
        execute("CREATE TEMP TABLE bench_product (k integer PRIMARY KEY, product_id bigint, stockrecord_id bigint,"
                " price numeric, title text, sku text)")
        products = create_catalogue(PRODUCTS)
        records = {record.product_id: record for record in StockRecord.objects.all()}
        for k, product in enumerate(products, start=1):
            record = records[product.pk]
            execute("INSERT INTO bench_product VALUES (%s, %s, %s, %s, %s, %s)",
                    [k, product.pk, record.pk, record.price, product.title, record.partner_sku])
        out_of_stock = [product.pk for product in products[::10]]
        StockRecord.objects.filter(product__in=out_of_stock).update(num_in_stock=0)

    def grow(self, low, high):
        """Write the rows of the share (low, high] of every size; return {what: rows}."""
        self.mark = fetch("SELECT coalesce(max(basket_id), 0) FROM bench_basket")[0][0]
        self.new_baskets = f"bench_basket WHERE basket_id > {self.mark}"
        written = {}
        written["users + contacts"] = self._members(low, high)
        written["open baskets"] = self._baskets(low, high)
        written["guest contacts"] = self._guest_contacts()
        written["basket lines"] = self._lines()
        written["checkout activities"] = self._checkouts()
        written["earlier basket enrollments"] = self._basket_enrollments()
        written["product view activities"] = self._views(low, high)
        written["earlier browse enrollments"] = self._browse_enrollments(low, high)
        written["orders (+ basket, lines)"] = self._orders(low, high)
        execute("VACUUM ANALYZE")  # what autovacuum would have done by the time of a scan
        return written

    def _members(self, low, high):
        first, last = id_range(self.sizes.contacts, low, high)
        execute(
            f"INSERT INTO bench_member SELECT n, nextval({sequence(User)}), nextval({sequence(Contact)})"
            " FROM generate_series(%s, %s) AS n", [first, last],
        )
        member = f"bench_member WHERE n BETWEEN {first} AND {last}"
        insert_rows(
            User, member, id="user_id", username="'shopper' || n", email="'shopper' || n || '@example.com'",
            password="'!'", first_name="'Shopper'", last_name="n::text",
        )
        return insert_rows(
            Contact, member, id="contact_id", email="'shopper' || n || '@example.com'", user="user_id",
            first_name="'Shopper'", last_name="n::text", locale="'en'",
        )

    def _baskets(self, low, high):
        now, sizes = self.now, self.sizes
        touched = (
            "CASE WHEN u < %(recent)s THEN %(now)s - random() * (%(idle)s - interval '1 minute')"
            " WHEN u < %(enrolled)s THEN %(now)s - %(idle)s - interval '1 minute'"
            "   - random() * (%(give_up)s - %(idle)s - interval '2 minutes')"
            " ELSE %(now)s - %(give_up)s - interval '1 minute' - random() * interval '53 days' END"
        )
        bucket = ("CASE WHEN u < %(recent)s THEN 'recent' WHEN u < %(due)s THEN 'due'"
                  " WHEN u < %(enrolled)s THEN 'enrolled' ELSE 'stale' END")
        params = {"now": now, "idle": IDLE, "give_up": GIVE_UP, "recent": RECENT, "due": RECENT + DUE,
                  "enrolled": RECENT + DUE + ENROLLED, "products": PRODUCTS, "checkout": CHECKOUT_SHARE,
                  "basket_seq": Basket._meta.db_table}
        rest = (f"{bucket}, {touched}, 1 + (random() < 0.5)::int, 1 + floor(random() * %(products)s)::int,"
                " random() < %(checkout)s")
        first, last = id_range(sizes.member_baskets, low, high)
        written = execute(
            "INSERT INTO bench_basket SELECT s.n, nextval(pg_get_serial_sequence(%(basket_seq)s, 'id')),"
            f" m.user_id, m.contact_id, {rest}"
            " FROM (SELECT n, random() AS u FROM generate_series(%(first)s, %(last)s) AS n) AS s"
            " JOIN bench_member AS m USING (n)", {**params, "first": first, "last": last},
        )
        first, last = id_range(sizes.baskets - sizes.member_baskets, low, high)
        written += execute(
            "INSERT INTO bench_basket SELECT s.n, nextval(pg_get_serial_sequence(%(basket_seq)s, 'id')),"
            f" NULL, NULL, {rest}"
            " FROM (SELECT n, random() AS u FROM generate_series(%(first)s, %(last)s) AS n) AS s",
            {**params, "first": sizes.member_baskets + first, "last": sizes.member_baskets + last},
        )
        insert_rows(
            Basket, self.new_baskets,
            id="basket_id", owner="owner_id", status=f"'{Basket.OPEN}'",
            date_created="touched_at - interval '1 hour'",
        )
        return written

    def _guest_contacts(self):
        execute(
            f"UPDATE bench_basket SET contact_id = nextval({sequence(Contact)})"
            f" WHERE basket_id > {self.mark} AND owner_id IS NULL AND checkout"
        )
        return insert_rows(
            Contact, f"{self.new_baskets} AND owner_id IS NULL AND checkout",
            id="contact_id", email="'guest' || n || '@example.com'", locale="'en'",
            created_at="touched_at",
        )

    def _lines(self):
        return insert_rows(
            BasketLine,
            "bench_basket AS b CROSS JOIN LATERAL generate_series(1, b.lines) AS k"
            f" JOIN bench_product AS p ON p.k = 1 + mod(b.product_k + k.k - 2, {PRODUCTS})"
            f" CROSS JOIN LATERAL (SELECT CASE WHEN k.k = 1 THEN b.touched_at"
            "   ELSE b.touched_at - random() * interval '30 minutes' END AS updated) AS t"
            f" WHERE b.basket_id > {self.mark}",
            basket="b.basket_id", line_reference="p.product_id || '_' || p.stockrecord_id",
            product="p.product_id", stockrecord="p.stockrecord_id", quantity="1",
            price_currency="'EUR'", price_excl_tax="p.price", price_incl_tax="p.price",
            date_created="t.updated - random() * interval '2 hours'", date_updated="t.updated",
        )

    def _checkouts(self):
        return insert_rows(
            Activity,
            f"{self.new_baskets} AND checkout AND contact_id IS NOT NULL",
            kind=f"'{Activity.Kind.CHECKOUT_STARTED}'", user="owner_id", basket="basket_id",
            email="CASE WHEN owner_id IS NULL THEN 'Guest' || n || '@Example.com' ELSE '' END",
            language="'en'", contact="contact_id", created_at="touched_at",
            processed_at="touched_at + interval '1 minute'",
        )

    def _basket_enrollments(self):
        return insert_rows(
            Enrollment,
            f"{self.new_baskets} AND bucket = 'enrolled' AND contact_id IS NOT NULL",
            contact="contact_id", journey=str(self.basket_journey.pk), basket="basket_id",
            state=f"'{Enrollment.State.COMPLETED}'",
            context="jsonb_build_object('stage', CASE WHEN checkout THEN 'checkout' ELSE 'basket' END)",
            created_at=("touched_at + %s + random() * interval '1 minute'", [IDLE]),
        )

    def _views(self, low, high):
        first, last = id_range(self.sizes.views, low, high)
        members = int(self.sizes.contacts * high)
        return insert_rows(
            Activity,
            "(SELECT j, 1 + floor(random() * %s)::int AS member_n, 1 + floor(random() * %s)::int AS k,"
            "   %s - random() * %s AS viewed_at FROM generate_series(%s, %s) AS j) AS v"
            " JOIN bench_member AS m ON m.n = v.member_n JOIN bench_product AS p ON p.k = v.k",
            [members, PRODUCTS, self.now, BROWSE_WINDOW, first, last],
            kind=f"'{Activity.Kind.PRODUCT_VIEWED}'", user="m.user_id", product="p.product_id",
            language="'en'", contact="m.contact_id", created_at="v.viewed_at",
            processed_at="v.viewed_at + interval '1 minute'",
        )

    def _browse_enrollments(self, low, high):
        first, last = id_range(self.sizes.contacts, low, high)
        return insert_rows(
            Enrollment,
            f"bench_member AS m JOIN bench_product AS p ON p.k = 1 + mod(m.n, {PRODUCTS})"
            " WHERE m.n BETWEEN %s AND %s AND random() < %s",
            [first, last, BROWSE_ENROLLED_SHARE],
            contact="m.contact_id", journey=str(self.browse_journey.pk), product="p.product_id",
            state=f"'{Enrollment.State.COMPLETED}'", created_at=("%s - random() * interval '72 hours'", [self.now]),
        )

    def _orders(self, low, high):
        first, last = id_range(self.sizes.orders, low, high)
        members = int(self.sizes.contacts * high)
        execute("DROP TABLE IF EXISTS bench_order")
        execute(
            "CREATE TEMP TABLE bench_order AS SELECT j, guest, placed_at,"
            f" nextval({sequence(Basket)}) AS basket_id, nextval({sequence(Order)}) AS order_id,"
            "  CASE WHEN guest THEN NULL ELSE (SELECT user_id FROM bench_member WHERE n = member_n) END AS user_id,"
            "  p.product_id, p.stockrecord_id, p.price, p.title, p.sku"
            " FROM (SELECT j, random() < %s AS guest, 1 + floor(random() * %s)::int AS member_n,"
            "   1 + floor(random() * %s)::int AS k, %s - random() * interval '30 days' AS placed_at"
            "   FROM generate_series(%s, %s) AS j) AS o JOIN bench_product AS p USING (k)",
            [GUEST_ORDER_SHARE, members, PRODUCTS, self.now, first, last],
        )
        insert_rows(Basket, "bench_order", id="basket_id", owner="user_id", status=f"'{Basket.SUBMITTED}'",
                    date_created="placed_at - interval '1 hour'", date_submitted="placed_at")
        insert_rows(
            BasketLine, "bench_order", basket="basket_id", line_reference="product_id || '_' || stockrecord_id",
            product="product_id", stockrecord="stockrecord_id", quantity="1", price_currency="'EUR'",
            price_excl_tax="price", price_incl_tax="price", date_created="placed_at - interval '30 minutes'",
            date_updated="placed_at - interval '10 minutes'",
        )
        written = insert_rows(
            Order, "bench_order", id="order_id", number="'BENCH-' || j", basket="basket_id", user="user_id",
            currency="'EUR'", total_incl_tax="price", total_excl_tax="price", shipping_method="'Free shipping'",
            status="'Pending'", guest_email="CASE WHEN guest THEN 'Guest' || j || '@Example.com' ELSE '' END",
            date_placed="placed_at",
        )
        insert_rows(
            OrderLine, "bench_order", order="order_id", partner_name="'Test partner'", partner_sku="sku",
            stockrecord="stockrecord_id", product="product_id", title="title", quantity="1",
            line_price_incl_tax="price", line_price_excl_tax="price", line_price_before_discounts_incl_tax="price",
            line_price_before_discounts_excl_tax="price", unit_price_incl_tax="price",
            unit_price_excl_tax="price", status="'Pending'", num_allocated="1",
        )
        return written


def create_journeys():
    create_default_locale()
    basket_journey = create_journey(
        "Abandoned basket", "abandoned_basket", goal="order_placed", reentry="always",
        steps=[basket_reminder_step("Your basket is waiting", delay_hours=0)],
    )
    browse_journey = create_journey("Browse abandonment", "browse_abandonment", reentry="always")
    return basket_journey, browse_journey


@dataclass
class ScanTiming:
    enrolled: int | None  # None: the statement timeout cancelled it
    seconds: float
    queries: list  # CaptureQueriesContext's dicts: sql, time


def timed_scan(trigger, now):
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        try:
            enrolled = run_scan(trigger, now)
        except DatabaseError as error:
            print(f"  {trigger.name}: {str(error).strip()}")
            enrolled = None
        seconds = time.perf_counter() - started
    return ScanTiming(enrolled, seconds, list(captured.captured_queries))


def count_baselines(now):
    """The least a scan could cost: counting the rows it has to consider (median of 5, in ms)."""
    counts = {
        "abandoned_basket": (f"SELECT count(*) FROM {table(Basket)} WHERE status = %s", [Basket.OPEN]),
        "browse_abandonment": (
            f"SELECT count(*) FROM {table(Activity)} WHERE kind = %s AND created_at > %s",
            [Activity.Kind.PRODUCT_VIEWED, now - BROWSE_WINDOW],
        ),
    }
    results = {}
    for name, (sql, params) in counts.items():
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            (rows,), = fetch(sql, params)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = (rows, statistics.median(timings))
    return results


def measure(now, triggers):
    results = {}
    for trigger in triggers:
        first = timed_scan(trigger, now)
        second = timed_scan(trigger, now)
        results[trigger.name] = (first, second)
    return results


def slowest_select(queries):
    return max((query for query in queries if query["sql"].lstrip().upper().startswith("SELECT")),
               key=lambda query: float(query["time"]))


def explain_at_first_scan(journey, now, sql, analyze):
    """EXPLAIN (ANALYZE when ``analyze``) ``sql`` on the data as the first scan found them,
    inside a rolled back transaction."""
    with transaction.atomic():
        Enrollment.objects.filter(journey=journey, created_at=now).delete()
        plan = [line for (line,) in fetch(f"EXPLAIN {'(ANALYZE, BUFFERS) ' if analyze else ''}{sql}")]
        transaction.set_rollback(True)
    return plan


def remove_scan_enrollments(now, journeys):
    return Enrollment.objects.filter(journey__in=journeys, created_at=now).delete()[0]


def ratio(value, baseline):
    return f"{value / baseline:.1f}" if baseline else "n/a"


def print_environment():
    database_version = ".".join(str(part) for part in connection.get_database_version())
    print(f"database         {connection.display_name} {database_version}")
    print(f"Python / Django  {platform.python_version()} / {django.get_version()}")
    print(f"machine          {os.cpu_count()} CPUs, {platform.machine()}")
    settings_rows = fetch("SELECT name, setting, unit FROM pg_settings WHERE name IN "
                          "('shared_buffers', 'work_mem', 'effective_cache_size', 'jit', 'random_page_cost')")
    print("PostgreSQL       " + ", ".join(f"{name}={value}{unit or ''}" for name, value, unit in settings_rows))


def print_setup(label, written, seconds):
    print(f"Data setup, {label}: {seconds:.1f} s (not measured below)")
    for what, rows in written.items():
        print(f"  {what:<28} {rows:>9,}")


def scan_table(phases):
    """``phases``: [(label, results, counts)]; the first is the baseline of the ratios."""
    header = ("trigger", "volume", "count(*) rows", "ms", "1st run: enrolled", "queries", "ms", "x count",
              "x base", "2nd run: enrolled", "queries", "ms", "x base")
    lines = []
    _label, base_results, _counts = phases[0]
    for name in base_results:
        for label, results, counts in phases:
            first, second = results[name]
            rows, count_ms = counts[name]
            base_first, base_second = base_results[name]
            lines.append((
                name, label, f"{rows:,}", f"{count_ms:.1f}",
                "cancelled" if first.enrolled is None else f"{first.enrolled:,}", str(len(first.queries)),
                f"{first.seconds * 1000:,.0f}", ratio(first.seconds * 1000, count_ms),
                ratio(first.seconds, base_first.seconds),
                "cancelled" if second.enrolled is None else f"{second.enrolled:,}", str(len(second.queries)),
                f"{second.seconds * 1000:,.0f}", ratio(second.seconds, base_second.seconds),
            ))
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(len(header))]

    def formatted(line):
        return "  ".join(cell.ljust(width) if column < 2 else cell.rjust(width)
                         for column, (cell, width) in enumerate(zip(line, widths)))

    return [formatted(header), "  ".join("-" * width for width in widths), *map(formatted, lines)]


def print_queries(name, run):
    print(f"  {name}, 1st run at full volume: {len(run.queries)} statements")
    for query in run.queries:
        sql = " ".join(query["sql"].split())
        print(f"    {float(query['time']) * 1000:>9.1f} ms  {sql[:150]}{'...' if len(sql) > 150 else ''}")


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000, help="members, each a user and a contact")
    parser.add_argument("--baskets", type=int, default=200_000, help="open baskets with lines")
    parser.add_argument("--views", type=int, default=200_000, help="product views in the browse window")
    parser.add_argument("--orders", type=int, default=2_000,
                        help="orders placed in the last 30 days (default 2000: the browse scan's time grows "
                             "with views x order lines, 20000 takes minutes per scan)")
    parser.add_argument("--timeout", type=int, default=300,
                        help="statement timeout in seconds for the scans (default 300)")
    parser.add_argument("--keep-database", action="store_true",
                        help="leave the benchmark database in place afterwards, to look at it with psql")
    arguments = parser.parse_args()
    if min(arguments.contacts, arguments.baskets, arguments.views, arguments.orders) < 10:
        parser.error("every size must be 10 or more (the baseline is a tenth of it)")
    return arguments


def run_benchmark(sizes, timeout):
    now = timezone.now()
    basket_journey, browse_journey = create_journeys()
    journeys = [basket_journey, browse_journey]
    triggers = [get_trigger("abandoned_basket"), get_trigger("browse_abandonment")]
    shop = Shop(sizes, now, basket_journey, browse_journey)
    print_environment()
    print(f"now = {now.isoformat()}")
    print()
    phases = []
    for low, high in ((0, BASELINE_SHARE), (BASELINE_SHARE, 1)):
        started = time.perf_counter()
        written = shop.grow(low, high)
        print_setup(f"up to {high:.0%} of the sizes", written, time.perf_counter() - started)
        execute(f"SET statement_timeout = '{timeout}s'")
        counts = count_baselines(now)
        results = measure(now, triggers)
        execute("SET statement_timeout = 0")
        phases.append((f"{high:.0%}", results, counts))
        if high < 1:
            removed = remove_scan_enrollments(now, journeys)
            print(f"  ({removed:,} enrollments made by the scans at {high:.0%} removed before growing)")
    print()
    print("Baseline: each scan at 10% of the volume (x base ~10: grows with the data; much more: faster);")
    print("x count: the scan's time over a SELECT count(*) of the rows it has to consider.")
    print()
    for line in scan_table(phases):
        print(line)
    _label, full, _counts = phases[-1]
    print()
    print("Statements of each scan (time as CaptureQueriesContext measured it):")
    for name, (first, _second) in full.items():
        print_queries(name, first)
    for trigger, journey in zip(triggers, journeys):
        first, _second = full[trigger.name]
        query = slowest_select(first.queries)
        seconds = float(query["time"])
        analyze = seconds < EXPLAIN_ANALYZE_LIMIT
        print()
        print(f"EXPLAIN {'(ANALYZE, BUFFERS) ' if analyze else '(no ANALYZE: it would take as long again) '}"
              f"of {trigger.name}'s slowest SELECT ({seconds * 1000:,.0f} ms in the 1st run), "
              "data as the 1st run found them:")
        print(f"  {' '.join(query['sql'].split())}")
        execute(f"SET statement_timeout = '{timeout}s'")
        try:
            plan = explain_at_first_scan(journey, now, query["sql"], analyze)
        except DatabaseError as error:
            plan = [f"(cancelled: {str(error).strip()})"]
        execute("SET statement_timeout = 0")
        for line in plan:
            print(f"  {line}")


def main():
    arguments = parsed_arguments()
    sizes = Sizes(arguments.contacts, arguments.baskets, arguments.views, arguments.orders)
    with benchmark_database(debug=False, keep=arguments.keep_database):
        run_benchmark(sizes, arguments.timeout)


if __name__ == "__main__":
    main()
