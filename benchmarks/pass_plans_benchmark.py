"""The plan of every statement of a runner's pass among a million enrollments, and what a batch costs.

Run from the repository root:

    .venv/bin/python benchmarks/pass_plans_benchmark.py [--enrollments N] [--contacts N] [--orders N]
                                                        [--due N] [--activities N] [--repeat N]

PostgreSQL only (on 127.0.0.1; this script sets LIFECYCLE_TEST_DB=postgresql), in a database of
its own, ``benchmark_oscar_lifecycle_pass_plans`` (or LIFECYCLE_TEST_DB_NAME), dropped at the end.
Tables are filled with INSERT ... SELECT from generate_series, relative to one ``now``:

  shop       --contacts contacts, the first half members (each with a user account); --orders
             orders of one line (with their submitted basket and shipping address) over the last 3
             years, each of a random contact: under a member's account, else as a guest typing
             their address in mixed case;
             2% of the contacts on the suppression list; 20 products; five journeys (welcome,
             abandoned basket, browse abandonment, after the order, win-back: the basket and win-back
             journeys end on an order).
  live work  --due enrollments due now and 10 x --due due later, spread over the five journeys
             (a basket's with an open basket holding a product, a browse's with the product viewed),
             half on their second step with the Message of their first. Each pass also finds
             --activities new activities: half registrations, half orders of members.
  history    --enrollments enrollments that ended over 3 years before the last month (85% completed,
             15% exited), each with the Messages of the 1 to 3 steps it got (90% sent, the rest
             skipped), an open or click on a fifth of those sent, and a processed activity each.

A pass is what ``run_lifecycle()`` does while no scan is due (scan_benchmark.py measures scans):
``process_activities()``, the scans' and the sunset's "is it time?" checks, ``dispatch_due()``,
with CLAIM_LEASE set to --lease seconds so that the dispatcher renews its claims within a batch,
as it does every 20 s of a long batch with the default minute. Each pass is run --repeat times
on the same due rows and as many new activities (what a pass did is undone after it), in three
settings, in this process (before and after alternately, the indexes dropped and made again):

  baseline   the shop and its live work, no history;
  before     with the history, without the indexes a pass needs among years of rows: the live claim
             tokens of enrollments (lifecycle_enrollment_claim), Oscar's orders by the guest's
             address lower-cased (lifecycle_order_guest_address, models/oscar_indexes.py);
  after      with the history and those indexes.

It prints, for the dispatcher and for the activities, the median ms per batch (BATCH_SIZE due
enrollments; ACTIVITY_BATCH_SIZE activities) and the ms of its statements on the enrollment table
and on Oscar's order table, each against the baseline; then each statement of a pass (literals
taken out), how many times it ran, its ms before and after, and the plan PostgreSQL chose
(EXPLAIN, without ANALYZE, right after the first pass): the top node and how each table is read. A
sequential scan of a table of more than BIG_TABLE rows is marked, and listed at the end. Times
include capturing the statements; the machine's load average is printed before and after.
"""

import argparse
import math
import os
import re
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_pass_plans")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    StatementLog,
    benchmark_database,
    create_site,
    execute,
    fetch,
    insert_rows,
    sequence,
    table,
)
from oscar_lifecycle.conf import lifecycle_setting  # noqa: E402
from oscar_lifecycle.engine.activities import process_activities  # noqa: E402
from oscar_lifecycle.engine.dispatch import dispatch_due  # noqa: E402
from oscar_lifecycle.engine.scan import run_due_scans, run_sunset_if_due  # noqa: E402
from oscar_lifecycle.models import (  # noqa: E402
    Activity,
    Contact,
    Conversion,
    Enrollment,
    Message,
    MessageEvent,
    ScanRun,
    Suppression,
)
from oscar_lifecycle.models.oscar_indexes import OSCAR_INDEXES  # noqa: E402
from oscar_lifecycle.triggers import scan_triggers  # noqa: E402
from tests.shop import basket_reminder_step, create_catalogue, create_journey  # noqa: E402

Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")
User = get_user_model()

CLAIM_INDEX = "lifecycle_enrollment_claim"
BIG_TABLE = 10_000  # rows: a sequential scan of a bigger table is marked
PRODUCTS = 20
HISTORY = timedelta(days=3 * 365)
QUIET_MONTH = timedelta(days=31)  # the history ends before it: pressure and frequency see the live work only
LIVE_PER_DUE = 11  # live enrollments per due one (the rest due later)
SUPPRESSED_SHARE = 0.02
warnings.filterwarnings("ignore", "update is not implemented in this backend")  # haystack, on each product saved


def journeys():
    """The five journeys: each live enrollment and ended one is in one of them."""
    two_steps = [{"delay_hours": 1}, {"delay_days": 3}]
    basket_steps = [basket_reminder_step("Your basket", delay_hours=1), basket_reminder_step("Still", delay_hours=24)]
    return [
        create_journey("Welcome", "registration", steps=two_steps),
        create_journey("Abandoned basket", "abandoned_basket", goal="order_placed", reentry="always",
                       steps=basket_steps),
        create_journey("Browse abandonment", "browse_abandonment", reentry="always", steps=two_steps),
        create_journey("After the order", "order_placed", reentry="always",
                       steps=[{"delay_days": 3}, {"delay_days": 14}]),
        create_journey("Win-back", "winback", goal="order_placed", reentry="always", audience="customers",
                       steps=[{"delay_hours": 0}, {"delay_days": 7}, {"delay_days": 7}]),
    ]


class Shop:
    """The benchmark's shop, written with raw SQL; temporary tables bench_* keep what it made."""

    def __init__(self, arguments, now):
        self.sizes = arguments
        self.now = now
        self.members = arguments.contacts // 2
        execute("SELECT setseed(0.42)")
        create_site()
        execute("CREATE TEMP TABLE bench_step (k int, position int, journey_id bigint, step_id bigint, trigger text)")
        for k, journey in enumerate(journeys()):
            for position, step in enumerate(journey.ordered_steps(), start=1):
                execute("INSERT INTO bench_step VALUES (%s, %s, %s, %s, %s)",
                        [k, position, journey.pk, step.pk, journey.trigger])
        for trigger in scan_triggers():  # scanned just now: a pass finds no scan due
            ScanRun.objects.create(trigger=trigger.name, last_run_at=now)
        ScanRun.objects.create(trigger="sunset", last_run_at=now)

    def build_shop(self):
        create_catalogue(PRODUCTS)
        execute(
            "CREATE TEMP TABLE bench_product AS SELECT row_number() OVER (ORDER BY s.id) AS k, s.product_id,"
            f" s.id AS stockrecord_id, s.price, p.title, s.partner_sku AS sku FROM {table(StockRecord)} AS s"
            f" JOIN {table(get_model('catalogue', 'Product'))} AS p ON p.id = s.product_id"
        )
        execute(
            f"CREATE TEMP TABLE bench_contact AS SELECT n, nextval({sequence(Contact)}) AS contact_id,"
            f" CASE WHEN n <= %s THEN nextval({sequence(User)}) END AS user_id,"
            " 'shopper' || n || '@example.com' AS email, %s - random() * %s AS joined_at"
            " FROM generate_series(1, %s) AS n",
            [self.members, self.now, HISTORY, self.sizes.contacts],
        )
        execute("CREATE UNIQUE INDEX ON bench_contact (n)")
        insert_rows(User, "bench_contact WHERE user_id IS NOT NULL", id="user_id", username="'shopper' || n",
                    email="email", date_joined="joined_at")
        insert_rows(Contact, "bench_contact", id="contact_id", email="email", user="user_id", locale="'en'",
                    first_name="'Shopper'", last_name="n::text", created_at="joined_at")
        self._orders("bench_order", self.sizes.orders, "1", str(self.sizes.contacts), "BENCH",
                     ("%s - random() * %s", [self.now, HISTORY]))
        execute(
            f"UPDATE {table(Contact)} AS c SET last_order_at = o.last FROM (SELECT contact_id, max(placed_at) AS last"
            " FROM bench_order GROUP BY contact_id) AS o WHERE c.id = o.contact_id"
        )
        insert_rows(Suppression, "bench_contact WHERE random() < %s", [SUPPRESSED_SHARE],
                    address_hash="encode(sha256(convert_to(email, 'UTF8')), 'hex')",
                    status=f"'{Contact.Status.UNSUBSCRIBED}'", source="'benchmark'")

    def _orders(self, name, count, first_n, last_n, prefix, placed_at):
        """``count`` orders of one line, with their submitted basket and shipping address (kept in
        temp table ``name``), of random contacts numbered ``first_n`` to ``last_n``, placed at
        ``placed_at`` (SQL, params)."""
        placed_sql, placed_params = placed_at
        execute(f"DROP TABLE IF EXISTS {name}")
        execute(
            f"CREATE TEMP TABLE {name} AS SELECT o.j, c.contact_id, c.user_id, p.*, {placed_sql} AS placed_at,"
            f" nextval({sequence(Order)}) AS order_id, nextval({sequence(Basket)}) AS basket_id,"
            f" nextval({sequence(ShippingAddress)}) AS address_id,"
            " CASE WHEN c.user_id IS NULL THEN 'Shopper' || c.n || '@Example.com' ELSE '' END AS guest_email"
            f" FROM (SELECT j, {first_n} + floor(random() * ({last_n} - {first_n} + 1))::int AS n,"
            "   1 + floor(random() * %s)::int AS k FROM generate_series(1, %s) AS j) AS o"
            " JOIN bench_contact AS c USING (n) JOIN bench_product AS p USING (k)",
            [*placed_params, PRODUCTS, count],
        )
        insert_rows(Basket, name, id="basket_id", owner="user_id", status=f"'{Basket.SUBMITTED}'",
                    date_created="placed_at - interval '1 hour'", date_submitted="placed_at")
        insert_rows(BasketLine, name, basket="basket_id", line_reference="product_id || '_' || stockrecord_id",
                    product="product_id", stockrecord="stockrecord_id", quantity="1", price_currency="'EUR'",
                    price_excl_tax="price", price_incl_tax="price", date_created="placed_at - interval '1 hour'",
                    date_updated="placed_at - interval '1 hour'")
        insert_rows(ShippingAddress, name, id="address_id", first_name="'Shopper'", last_name="contact_id::text",
                    line1="'1 rue de la Paix'", line4="'Paris'", postcode="'75002'", country="'FR'")
        insert_rows(Order, name, id="order_id", basket="basket_id", number=f"'{prefix}-' || j", user="user_id",
                    shipping_address="address_id", currency="'EUR'",
                    total_incl_tax="price", total_excl_tax="price", shipping_method="'Free shipping'",
                    status="'Pending'", guest_email="guest_email", date_placed="placed_at")
        insert_rows(OrderLine, name, order="order_id", partner_name="'Test partner'", partner_sku="sku",
                    stockrecord="stockrecord_id", product="product_id", title="title", quantity="1",
                    line_price_incl_tax="price", line_price_excl_tax="price",
                    line_price_before_discounts_incl_tax="price", line_price_before_discounts_excl_tax="price",
                    unit_price_incl_tax="price", unit_price_excl_tax="price", status="'Pending'", num_allocated="1")

    def build_live_work(self):
        """Due and later enrollments of the first members; what a pass changes of them is undone
        from bench_live."""
        execute(
            f"CREATE TEMP TABLE bench_live AS SELECT n, nextval({sequence(Enrollment)}) AS enrollment_id,"
            " mod(n, 5) AS k, 1 + mod(n, 2) AS position, 1 + floor(random() * %s)::int AS product_k,"
            " CASE WHEN n <= %s THEN %s - random() * interval '30 minutes'"
            "   ELSE %s + interval '1 hour' + random() * interval '14 days' END AS run_at,"
            f" CASE WHEN mod(n, 5) = 1 THEN nextval({sequence(Basket)}) END AS basket_id"
            " FROM generate_series(1, %s) AS n",
            [PRODUCTS, self.sizes.due, self.now, self.now, self.sizes.due * LIVE_PER_DUE],
        )
        live = ("bench_live AS l JOIN bench_contact AS c USING (n) JOIN bench_product AS p ON p.k = l.product_k"
                " JOIN bench_step AS s ON s.k = l.k AND s.position = l.position")
        insert_rows(Basket, "bench_live AS l JOIN bench_contact AS c USING (n) WHERE l.basket_id IS NOT NULL",
                    id="l.basket_id", owner="c.user_id", status=f"'{Basket.OPEN}'",
                    date_created="l.run_at - interval '1 day'")
        insert_rows(BasketLine, f"{live} WHERE l.basket_id IS NOT NULL", basket="l.basket_id",
                    line_reference="p.product_id || '_' || p.stockrecord_id", product="p.product_id",
                    stockrecord="p.stockrecord_id", quantity="1", price_currency="'EUR'",
                    price_excl_tax="p.price", price_incl_tax="p.price",
                    date_created="l.run_at - interval '1 day'", date_updated="l.run_at - interval '1 day'")
        insert_rows(Enrollment, live, id="l.enrollment_id", contact="c.contact_id", journey="s.journey_id",
                    basket="l.basket_id", product="CASE WHEN s.trigger = 'browse_abandonment' THEN p.product_id END",
                    next_step="s.step_id", next_run_at="l.run_at", created_at="l.run_at - interval '4 days'",
                    context="CASE WHEN l.basket_id IS NULL THEN '{}' ELSE '{\"stage\": \"basket\"}' END::jsonb")
        insert_rows(Message, f"{live} JOIN bench_step AS first ON first.k = l.k AND first.position = 1"
                    " WHERE l.position = 2", enrollment="l.enrollment_id", step="first.step_id",
                    journey="s.journey_id", contact="c.contact_id", category="'marketing'",
                    status=f"'{Message.Status.SENT}'", to_email="c.email", subject="'First step'",
                    created_at="l.run_at - interval '3 days'", sent_at="l.run_at - interval '3 days'")

    def build_history(self):
        execute(
            f"CREATE TEMP TABLE bench_history AS SELECT h, nextval({sequence(Enrollment)}) AS enrollment_id,"
            " 1 + floor(random() * %s)::int AS n, mod(h, 5) AS k, %s - %s - random() * %s AS started_at,"
            " random() < 0.15 AS exited, random() AS u FROM generate_series(1, %s) AS h",
            [self.sizes.contacts, self.now, QUIET_MONTH, HISTORY, self.sizes.enrollments],
        )
        execute("CREATE TEMP TABLE bench_steps_got AS SELECT h.enrollment_id, 1 + floor(h.u * count(*))::int AS got"
                " FROM bench_history AS h JOIN bench_step AS s USING (k) GROUP BY h.enrollment_id, h.u")
        history = ("bench_history AS h JOIN bench_contact AS c USING (n)"
                   " JOIN bench_steps_got AS g USING (enrollment_id)"
                   " JOIN bench_step AS first ON first.k = h.k AND first.position = 1")
        ended = f"CASE WHEN h.exited THEN '{Enrollment.State.EXITED}' ELSE '{Enrollment.State.COMPLETED}' END"
        insert_rows(Enrollment, history, id="h.enrollment_id", contact="c.contact_id", journey="first.journey_id",
                    state=ended,
                    reason="CASE WHEN h.exited THEN 'goal reached: order_placed' ELSE '' END",
                    created_at="h.started_at", ended_at="h.started_at + g.got * interval '3 days'")
        message_mark = self.last_id(Message)
        insert_rows(
            Message,
            f"{history} JOIN bench_step AS s ON s.k = h.k AND s.position <= g.got"
            " CROSS JOIN LATERAL (SELECT random() < 0.9 AS sent) AS r",
            enrollment="h.enrollment_id", step="s.step_id", journey="s.journey_id", contact="c.contact_id",
            category="'marketing'", to_email="c.email", subject="'Step ' || s.position",
            status=f"CASE WHEN r.sent THEN '{Message.Status.SENT}' ELSE '{Message.Status.SKIPPED}' END",
            created_at="h.started_at + (s.position - 1) * interval '3 days'",
            sent_at="CASE WHEN r.sent THEN h.started_at + (s.position - 1) * interval '3 days' END",
        )
        insert_rows(MessageEvent, f"{table(Message)} AS m WHERE m.id > %s AND m.sent_at IS NOT NULL AND random() < 0.2",
                    [message_mark], message="m.id", contact="m.contact_id", source="'pixel'",
                    kind="CASE WHEN random() < 0.7 THEN 'opened' ELSE 'clicked' END",
                    created_at="m.sent_at + interval '3 hours'")
        insert_rows(Activity, "bench_history AS h JOIN bench_contact AS c USING (n) JOIN bench_product AS p"
                    f" ON p.k = 1 + mod(h.h, {PRODUCTS})", kind=f"'{Activity.Kind.PRODUCT_VIEWED}'", user="c.user_id",
                    product="p.product_id", language="'en'", contact="c.contact_id",
                    created_at="h.started_at", processed_at="h.started_at + interval '1 minute'")

    def record_activities(self, label):
        """--activities new activities for a pass: half registrations, half orders of members
        who have no live work (an order would end it)."""
        registrations = self.sizes.activities // 2
        execute("DROP TABLE IF EXISTS bench_newcomer")
        execute(f"CREATE TEMP TABLE bench_newcomer AS SELECT i, nextval({sequence(User)}) AS user_id,"
                f" 'newcomer-{label}-' || i AS username FROM generate_series(1, %s) AS i", [registrations])
        insert_rows(User, "bench_newcomer", id="user_id", username="username", email="username || '@example.com'")
        insert_rows(Activity, "bench_newcomer", kind=f"'{Activity.Kind.REGISTERED}'", user="user_id",
                    language="'en'", created_at=("%s - interval '5 minutes'", [self.now]))
        first_free_member = self.sizes.due * LIVE_PER_DUE + 1
        self._orders("bench_new_order", self.sizes.activities - registrations, str(first_free_member),
                     str(self.members), f"PASS-{label}", ("%s - interval '5 minutes'", [self.now]))
        insert_rows(Activity, "bench_new_order", kind=f"'{Activity.Kind.ORDER_PLACED}'", user="user_id",
                    order="order_id", language="'en'", created_at=("%s - interval '4 minutes'", [self.now]))

    def marks(self):
        return {model: self.last_id(model) for model in (Enrollment, Message, Conversion)}

    def undo(self, marks):
        """Remove what a pass made since ``marks`` and put the live work back as it was."""
        for model in (Conversion, Message, Enrollment):
            execute(f"DELETE FROM {table(model)} WHERE id > %s", [marks[model]])
        execute(
            f"UPDATE {table(Enrollment)} AS e SET state = %s, next_step_id = s.step_id, next_run_at = l.run_at,"
            " reason = '', claim_token = NULL, claimed_at = NULL, ended_at = NULL"
            " FROM bench_live AS l JOIN bench_step AS s ON s.k = l.k AND s.position = l.position"
            " WHERE e.id = l.enrollment_id",
            [Enrollment.State.ACTIVE],
        )

    @staticmethod
    def last_id(model):
        [(last,)] = fetch(f"SELECT coalesce(max(id), 0) FROM {table(model)}")
        return last


def vacuum_analyze():
    execute("VACUUM ANALYZE")


@dataclass
class Part:
    """One part of a pass: what runs, and its batches of work."""

    name: str
    run: object
    batches: int


@dataclass
class Timing:
    seconds: float
    statements: list  # StatementLog's (sql, seconds)


@dataclass
class Setting:
    """The passes of one setting (baseline, before, after): {part name: [Timing of each pass]}."""

    label: str
    timings: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)  # statement shape: plan description, from the first pass
    loads: list = field(default_factory=list)  # the machine's load average (1 minute) after each pass


def seconds_on(model, statements):
    """The time of the ``statements`` that name ``model``'s table."""
    return sum(seconds for sql, seconds in statements if table(model) in sql)


LITERAL = re.compile(r"'(?:[^']|'')*'(?:::\w+)?|\b\d+(?:\.\d+)?\b")
IN_LIST = re.compile(r"\bIN \((?!SELECT)[^()]*\)")
SAVEPOINT_NAME = re.compile(r'"s\d+_x\d+"')


def shape(sql):
    """``sql`` without its values: the same statement in each batch, pass and setting."""
    sql = SAVEPOINT_NAME.sub('"s?"', " ".join(sql.split()))
    return LITERAL.sub("?", IN_LIST.sub("IN (...)", sql))


def row_counts():
    return dict(fetch("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'"))


def reads(plan):
    """How ``plan`` (EXPLAIN's JSON) reads each table: [(node type, index or None, table)]."""
    found = []
    if "Relation Name" in plan and plan["Node Type"] != "ModifyTable":
        index = plan.get("Index Name")
        if plan["Node Type"] == "Bitmap Heap Scan":
            index = ", ".join(child.get("Index Name", child["Node Type"]) for child in plan["Plans"])
        found.append((plan["Node Type"], index, plan["Relation Name"]))
    for child in plan.get("Plans", []):
        found += reads(child)
    return found


def explained(sql, rows):
    """(description of the plan of ``sql``, the big tables it reads whole); ("", []) for statements without one."""
    if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "DELETE")):
        return "", []
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")  # no parameters: a % in ``sql`` stays as it is
        [([plan],)] = cursor.fetchall()
    plan = plan["Plan"]
    top = f"{plan['Operation']} on {plan['Relation Name']}" if plan["Node Type"] == "ModifyTable" else plan["Node Type"]
    described, whole = [], []
    for node_type, index, relation in reads(plan):
        big = node_type == "Seq Scan" and rows.get(relation, 0) > BIG_TABLE
        if big:
            whole.append(relation)
        described.append(f"{'!! ' if big else ''}{node_type}{f' using {index}' if index else ''} on {relation}")
    return f"{top}: {'; '.join(described)}" if described else top, whole


def run_pass(shop, parts, setting, explain=False):
    """One pass, timed part by part into ``setting`` (and, when ``explain``, each statement's plan);
    then undone."""
    shop.record_activities(f"{setting.label}-{len(setting.timings.get(parts[0].name, []))}")
    marks = shop.marks()
    for part in parts:
        log = StatementLog()
        with connection.execute_wrapper(log):
            started = time.perf_counter()
            part.run(shop.now)
            seconds = time.perf_counter() - started
        setting.timings.setdefault(part.name, []).append(Timing(seconds, log.statements))
    setting.loads.append(os.getloadavg()[0])
    if explain:
        rows = row_counts()
        for part in parts:
            for sql, _seconds in setting.timings[part.name][-1].statements:
                setting.plans.setdefault(shape(sql), explained(sql, rows))
    shop.undo(marks)


def set_pass_indexes(present):
    """Create or drop the indexes a pass needs among years of rows."""
    with connection.schema_editor() as editor:
        for model, index in pass_indexes():
            (editor.add_index if present else editor.remove_index)(model, index)
    execute(f"ANALYZE {', '.join(table(model) for model, _index in pass_indexes())}")


def whole_batch(timing):
    return timing.seconds


def on_enrollments(timing):
    return seconds_on(Enrollment, timing.statements)


def on_orders(timing):
    return seconds_on(Order, timing.statements)


def median_ms(timings, measure, batches):
    return statistics.median(measure(timing) for timing in timings) * 1000 / batches


def ratio(value, base):
    return f"{value / base:.2f}" if base else "n/a"


def print_batches(parts, baseline, before, after):
    print(f"{'ms per batch (median of the passes)':<48}{'baseline':>10}{'before':>10}{'x base':>8}"
          f"{'after':>10}{'x base':>8}{'x before':>10}")
    for part in parts:
        if not part.batches:
            continue
        for label, measure in ((f"{part.name}: {part.batches} batches, whole batch", whole_batch),
                               ("  of it, statements on the enrollment table", on_enrollments),
                               ("  of it, statements on Oscar's order table", on_orders)):
            base, earlier, now = (median_ms(setting.timings[part.name], measure, part.batches)
                                  for setting in (baseline, before, after))
            print(f"{label:<48}{base:>10.1f}{earlier:>10.1f}{ratio(earlier, base):>8}"
                  f"{now:>10.1f}{ratio(now, base):>8}{ratio(now, earlier):>10}")
    loads = [statistics.median(setting.loads) for setting in (baseline, before, after)]
    print(f"{'load average (1 min) after the passes, median':<48}{loads[0]:>10.2f}{loads[1]:>10.2f}{loads[2]:>18.2f}")


def print_statements(parts, before, after):
    """Each statement of a pass (runs and ms: a mean of the passes) with its plans."""
    print(f"{'runs':>5} {'before ms':>10} {'after ms':>9}  plan after (before, where it differs)")
    for part in parts:
        print(f"{part.name}:")
        times, passes = {}, {}
        for setting in (before, after):
            passes[setting.label] = len(setting.timings[part.name])
            for timing in setting.timings[part.name]:
                for sql, seconds in timing.statements:
                    times.setdefault(shape(sql), {}).setdefault(setting.label, []).append(seconds)
        for statement, by_setting in times.items():
            plan_after, _whole = after.plans.get(statement, ("(not run after)", []))
            plan_before, _whole = before.plans.get(statement, ("(not run before)", []))
            label = after.label if after.label in by_setting else before.label
            runs = round(len(by_setting[label]) / passes[label])
            ms = [f"{sum(by_setting[label]) * 1000 / passes[label]:.2f}" if label in by_setting else "-"
                  for label in (before.label, after.label)]
            differs = f"  (before: {plan_before})" if plan_before != plan_after else ""
            print(f"{runs:>5} {ms[0]:>10} {ms[1]:>9}  {plan_after or '-'}{differs}")
            print(f"{'':>28}{statement[:150]}{'...' if len(statement) > 150 else ''}")


def print_whole_reads(settings_):
    for setting in settings_:
        whole = sorted({relation for _plan, relations in setting.plans.values() for relation in relations})
        print(f"  {setting.label:<9} {', '.join(whole) or 'none'}")


def pass_indexes():
    """The indexes a pass needs among years of rows, as (model, index)."""
    [claim] = [index for index in Enrollment._meta.indexes if index.name == CLAIM_INDEX]
    oscar = [(apps.get_model(*model), index) for model, indexes in OSCAR_INDEXES.items() for index in indexes]
    return [(Enrollment, claim), *oscar]


def run_benchmark(arguments):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "CLAIM_LEASE": timedelta(seconds=arguments.lease)}
    settings.EMAIL_BACKEND = "benchmarks.simulated_esp.SimulatedEsp"
    now = timezone.now()
    shop = Shop(arguments, now)
    activity_batches = math.ceil(arguments.activities / lifecycle_setting("ACTIVITY_BATCH_SIZE"))
    parts = [
        Part("activities", process_activities, activity_batches),
        Part("scans and sunset (none due)", lambda now: (run_due_scans(now), run_sunset_if_due(now)), 0),
        Part("dispatch", dispatch_due, math.ceil(arguments.due / lifecycle_setting("BATCH_SIZE"))),
    ]
    print(f"PostgreSQL {'.'.join(map(str, connection.get_database_version()))}, {os.cpu_count()} CPUs,"
          f" load average {', '.join(f'{load:.2f}' for load in os.getloadavg())}")
    started = time.perf_counter()
    shop.build_shop()
    shop.build_live_work()
    vacuum_analyze()
    print(f"Shop and live work: {time.perf_counter() - started:.0f} s (not measured)")
    baseline, before, after = Setting("baseline"), Setting("before"), Setting("after")
    run_pass(shop, parts, Setting("warm-up"))  # templates compiled, caches filled: not the baseline's to pay
    for number in range(arguments.repeat):
        run_pass(shop, parts, baseline, explain=number == 0)

    started = time.perf_counter()
    shop.build_history()
    vacuum_analyze()
    counts = row_counts()
    print(f"History: {time.perf_counter() - started:.0f} s (not measured). Rows: " + ", ".join(
        f"{model.__name__} {counts[model._meta.db_table]:,}" for model in (
            Enrollment, Message, MessageEvent, Activity, Contact, Order, OrderLine, Suppression)))
    for number in range(arguments.repeat):  # alternately: a busy machine slows both alike
        set_pass_indexes(present=False)
        run_pass(shop, parts, before, explain=number == 0)
        set_pass_indexes(present=True)
        run_pass(shop, parts, after, explain=number == 0)

    print(f"Load average after the passes: {', '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print()
    print_batches(parts, baseline, before, after)
    print()
    print_statements(parts, before, after)
    print()
    print(f"Tables of more than {BIG_TABLE:,} rows read whole by a statement of the pass:")
    print_whole_reads([before, after])


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=1_000_000, help="ended enrollments (the history)")
    parser.add_argument("--contacts", type=int, default=200_000, help="contacts, half of them members")
    parser.add_argument("--orders", type=int, default=300_000, help="orders over 3 years")
    parser.add_argument("--due", type=int, default=400, help="enrollments due at the pass (default: 2 batches)")
    parser.add_argument("--activities", type=int, default=200, help="new activities at each pass")
    parser.add_argument("--repeat", type=int, default=3, help="passes in each setting")
    parser.add_argument("--lease", type=float, default=1.5, help="CLAIM_LEASE in seconds (renewed every third)")
    arguments = parser.parse_args()
    if arguments.due * LIVE_PER_DUE + arguments.activities > arguments.contacts // 2:
        parser.error(f"--contacts must hold {LIVE_PER_DUE} x --due members with live work, and --activities more")
    return arguments


def main():
    arguments = parsed_arguments()
    with benchmark_database(debug=False):
        run_benchmark(arguments)


if __name__ == "__main__":
    main()
