"""How long each scan (every scan trigger, and the sunset) takes at volume on PostgreSQL, and whether it grows faster than the data.

Run from the repository root:

    .venv/bin/python benchmarks/scan_benchmark.py [--contacts N] [--baskets N] [--views N] [--orders N]

PostgreSQL only (on 127.0.0.1, as LIFECYCLE_TEST_DB=postgresql, which this script
sets), in a database of its own, ``benchmark_oscar_lifecycle_scan``, dropped at
the end. The shop is written straight into the tables with INSERT ... SELECT
from generate_series (no views, no ORM objects), relative to one fixed ``now``:
today at 09:05 shop time (TIME_ZONE), the first birthday and anniversary scans
after their ``local_hour`` (9), as a shop looks between two scans (each scan,
and the sunset, ran on time before):

  members      --contacts users, each with a Contact, who joined over the last 3
               years; 30% engaged since (last_engagement_at), 40% gave a birth date.
  orders       --orders placed orders of one line each (each with its submitted
               basket), 30% guests', over 3 years: a member's between joining and
               now, so that customers are the members with an order (1 - e^-(0.7 x
               orders / members): 65% at the default sizes); a guest's under one of
               orders x 0.3 / 1.5 addresses, typed in mixed case ("Buyer7@Example.com"),
               each a contact of its own (lower-cased), a customer without account.
               10% of the 200 products out of stock. A contact's last_order_at is its
               latest order (first orders for the anniversaries come from the orders).
  win-back     customers whose last order and last engagement are 90 days old
               (the journey's days_inactive): 90% were enrolled by an earlier scan
               (within the hour), their 3 emails over 14 days; 10% are due. 30% of the
               other customers whose orders span 90 days came back after an earlier
               win-back (an enrollment exited when they ordered).
  sunset       of the contacts whose win-back series ended unanswered 30 days ago
               (SUNSET_AFTER_DAYS), and of the prospects (members without orders)
               silent for 180 days (PROSPECT_SUNSET_DAYS), 90% were sunset by an
               earlier run (status ``sunset``), 10% are due.
  birthdays    each member with a birth date was enrolled on their birthday in the
               last year (if they had joined): today's were, a year ago (~1/365 due).
  anniversary  each customer (member or guest) whose first order is a year old was
               enrolled on its last anniversary: today's were, a year ago. About
               half the contacts end up sunset (the programme's rules, 3 years on):
               the scans that do not leave them out in SQL still find them.
  baskets      --baskets open baskets with 1 or 2 lines; 40% members', 60% guests'.
               By the time their lines were last touched: 10% in the last idle
               hour (not due yet), 10% due (idle past it, within the 7 days
               looked at), 55% idle within the 7 days and already enrolled by an
               earlier scan (guests without a contact cannot be; nor those that
               became due in the last 5 minutes, since that scan), 25% older
               than the 7 days. 20% had a checkout started (a processed
               ``checkout_started`` activity; a guest's names a Contact of its own).
  views        --views processed ``product_viewed`` activities from members, over
               the browse trigger's window (2 hours + 2 days of lookback); half
               the members were sent a browse email in the last 72 hours.

For each scan trigger (abandoned basket, browse abandonment, win-back, birthday,
order anniversary) it times one ``run_scan(trigger, now)`` (finds and enrolls),
then a second one (must enroll nobody), counting the statements each issues. Each
journey's previous scan ran one interval before (its JourneyScan), as in a shop
whose runner keeps time: the basket and browse scans look only at who became due
since (a basket untouched for an hour in the last 5 minutes, a browse ended in the
last 10). Those two are timed again as a new journey's first scan (no JourneyScan:
the trigger's whole window, 7 days of baskets and 2 days of views), after what the
scan on time enrolled is removed. And
the same for the sunset housekeeping, ``sunset_silent_contacts(now)`` (sunsets;
then must sunset nobody), run last, in a table of its own. The data are built in
two steps: first 10% of every size, where every scan is timed (then what the scans
did is undone: their enrollments removed, their sunsets reverted), then the
remaining 90%, where they are timed again. The baseline is the scan at 10% of the
volume, in the same process and database: a ratio near 10 means the scan grows
with the data, well above 10 that it grows faster. For reference it also shows a
``SELECT count(*)`` of the rows each scan has to consider (open baskets; product
views in the window; customers inactive for days_inactive; contacts with a birth
date; orders, which the anniversary scan groups; active contacts for the sunset),
the least any scan could cost. Last, ``EXPLAIN (ANALYZE, BUFFERS)`` of each scan's
slowest SELECT at full volume, on the data as the first scans found them (what
the scans did undone inside a transaction rolled back afterwards), with JIT off
for the triggers' as ``run_scan`` does (the sunset runs with the server's setting).

With each scan's statements it prints how many entries the scan found (handed to
``enroll_entries``) against how many it enrolled, the rest dropped in Python.
Each scan starts after a full ``gc.collect()``, so that Python's garbage collector
does not pause one scan for the garbage of another; the pauses that remain (a
full collection of this process, Django, Wagtail and Oscar loaded, takes a tenth
of a second or more) are printed with each scan's statements, whose times include them. The
machine's load average is printed before and after the scans: a test suite
running beside the benchmark lengthens every time here.

Data setup time is printed apart and is not part of any ratio. Scans run under a
statement timeout (``--timeout``, 300 s). ``--keep-database`` leaves the database
for psql. It prints numbers and checks none of them.
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_scan")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from oscar_lifecycle.conf import lifecycle_setting  # noqa: E402
from oscar_lifecycle.engine import scan as scan_engine  # noqa: E402
from oscar_lifecycle.engine.scan import run_scan  # noqa: E402
from oscar_lifecycle.engine.sunset import (  # noqa: E402
    SUNSET_PROSPECT_SOURCE,
    SUNSET_WINBACK_SOURCE,
    sunset_silent_contacts,
)
from oscar_lifecycle.models import Activity, ConsentEvent, Contact, Enrollment, JourneyScan  # noqa: E402
from oscar_lifecycle.triggers import get_trigger  # noqa: E402
from oscar_lifecycle.triggers.baskets import AbandonedBasketTrigger  # noqa: E402
from oscar_lifecycle.triggers.browsing import BrowseAbandonmentTrigger  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    benchmark_database,
    create_default_locale,
    execute,
    fetch,
    insert_rows,
    sequence,
    table,
)
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
GUEST_ORDERS_PER_ADDRESS = 1.5  # guest orders are placed under orders x 0.3 / 1.5 addresses
HISTORY = timedelta(days=3 * 365)  # members joined, and orders were placed, over the last 3 years
ENGAGED_SHARE = 0.3  # members with a last_engagement_at, some time after they joined
BIRTH_DATE_SHARE = 0.4
# Buckets of open baskets by when they were last touched (shares add up to 1).
RECENT, DUE, ENROLLED = 0.10, 0.10, 0.55  # the rest: older than give_up_after_days
IDLE = timedelta(minutes=60)  # AbandonedBasketTrigger's defaults, the journeys keep them
BASKET_SCAN_INTERVAL = AbandonedBasketTrigger.interval
GIVE_UP = timedelta(days=7)
BROWSE_WINDOW = timedelta(hours=2) + BrowseAbandonmentTrigger.lookback
BROWSE_ENROLLED_SHARE = 0.5
DAYS_INACTIVE = 90  # the win-back journey's (WinbackTrigger's default)
WINBACK_SERIES = timedelta(days=14)  # its 3 emails, at 0, 7 and 14 days
CAME_BACK_SHARE = 0.3  # of the active customers whose orders span DAYS_INACTIVE: an earlier win-back
LEFT_DUE_SHARE = 0.1  # of the win-backs and sunsets earlier runs would have made: those still due
LOCAL_HOUR = 9  # the birthday and anniversary journeys' (the triggers' default)
EXPLAIN_ANALYZE_LIMIT = 60  # seconds: a slower statement gets a plain EXPLAIN
SUNSET = "sunset"
warnings.filterwarnings("ignore", "update is not implemented in this backend")


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

    @property
    def guest_addresses(self):
        return max(10, round(self.orders * GUEST_ORDER_SHARE / GUEST_ORDERS_PER_ADDRESS))


@dataclass
class Journeys:
    basket: object
    browse: object
    winback: object
    birthday: object
    anniversary: object

    def all(self):
        return [self.basket, self.browse, self.winback, self.birthday, self.anniversary]


class Shop:
    """The benchmark's shop, grown share by share of ``sizes`` with raw SQL."""

    def __init__(self, sizes, now, journeys):
        self.sizes = sizes
        self.now = now
        self.journeys = journeys
        self.step = 0
        self.zone = settings.TIME_ZONE
        # The shop-local day before ``now``: the last birthday or anniversary already celebrated
        # is the latest one up to it (today's was a year ago).
        self.yesterday = timezone.localtime(now).date() - timedelta(days=1)
        execute("SELECT setseed(0.42)")
        execute("CREATE TEMP TABLE bench_member (n integer PRIMARY KEY, user_id bigint, contact_id bigint,"
                " created_at timestamptz, engaged_at timestamptz, birth_date date)")
        execute(
            "CREATE TEMP TABLE bench_basket (n integer PRIMARY KEY, basket_id bigint, owner_id bigint,"
            " contact_id bigint, bucket text, touched_at timestamptz, lines integer, product_k integer,"
            " checkout boolean)"
        )
        execute(
            "CREATE TEMP TABLE bench_contact (contact_id bigint PRIMARY KEY, step integer, member_n integer,"
            " address_g integer, user_id bigint, email text, created_at timestamptz, engaged_at timestamptz,"
            " first_order_at timestamptz, last_order_at timestamptz, inactive_at timestamptz,"
            " winback_at timestamptz, came_back_at timestamptz, status text)"
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
        self.step += 1
        self.mark = fetch("SELECT coalesce(max(basket_id), 0) FROM bench_basket")[0][0]
        self.new_baskets = f"bench_basket WHERE basket_id > {self.mark}"
        self.new_contacts = f"bench_contact AS c WHERE c.step = {self.step}"
        written = {}
        written["users"] = self._members(low, high)
        written["orders (+ basket, lines)"] = self._orders(low, high)
        written["member contacts"], written["guest customer contacts"] = self._contacts(low, high)
        written["  of which sunset earlier"] = fetch(
            f"SELECT count(*) FROM {self.new_contacts} AND c.status = %s", [SUNSET])[0][0]
        written["open baskets"] = self._baskets(low, high)
        written["guest contacts at checkout"] = self._guest_contacts()
        written["basket lines"] = self._lines()
        written["checkout activities"] = self._checkouts()
        written["earlier basket enrollments"] = self._basket_enrollments()
        written["product view activities"] = self._views(low, high)
        written["earlier browse enrollments"] = self._browse_enrollments(low, high)
        written["earlier win-back enrollments"] = self._winback_enrollments()
        written["earlier birthday enrollments"] = self._birthday_enrollments()
        written["earlier anniversary enrollments"] = self._anniversary_enrollments()
        execute("VACUUM ANALYZE")  # what autovacuum would have done by the time of a scan
        return written

    def _members(self, low, high):
        first, last = id_range(self.sizes.contacts, low, high)
        execute(
            f"INSERT INTO bench_member SELECT n, nextval({sequence(User)}), nextval({sequence(Contact)}), joined,"
            "  CASE WHEN random() < %s THEN joined + random() * (%s - joined) END,"
            "  CASE WHEN random() < %s THEN DATE '1950-01-01' + floor(random() * 365.25 * 55)::int END"
            " FROM (SELECT n, %s - random() * %s AS joined FROM generate_series(%s, %s) AS n) AS s",
            [ENGAGED_SHARE, self.now, BIRTH_DATE_SHARE, self.now, HISTORY, first, last],
        )
        return insert_rows(
            User, f"bench_member WHERE n BETWEEN {first} AND {last}",
            id="user_id", username="'shopper' || n", email="'shopper' || n || '@example.com'",
            password="'!'", first_name="'Shopper'", last_name="n::text", date_joined="created_at",
        )

    def _orders(self, low, high):
        """The share's orders: a member's goes to a member of the share, placed after they joined."""
        first, last = id_range(self.sizes.orders, low, high)
        first_n, last_n = id_range(self.sizes.contacts, low, high)
        first_g, last_g = id_range(self.sizes.guest_addresses, low, high)
        execute("DROP TABLE IF EXISTS bench_order")
        execute(
            "CREATE TEMP TABLE bench_order AS SELECT o.j, o.guest,"
            "  CASE WHEN o.guest THEN NULL ELSE o.member_n END AS member_n,"
            "  CASE WHEN o.guest THEN o.address_g END AS address_g,"
            "  CASE WHEN o.guest THEN %s - o.r * %s ELSE m.created_at + o.r * (%s - m.created_at) END AS placed_at,"
            f" nextval({sequence(Basket)}) AS basket_id, nextval({sequence(Order)}) AS order_id,"
            "  m.user_id, p.product_id, p.stockrecord_id, p.price, p.title, p.sku"
            " FROM (SELECT j, random() < %s AS guest, %s + floor(random() * %s)::int AS member_n,"
            "   %s + floor(random() * %s)::int AS address_g, 1 + floor(random() * %s)::int AS k, random() AS r"
            "   FROM generate_series(%s, %s) AS j) AS o JOIN bench_product AS p USING (k)"
            " LEFT JOIN bench_member AS m ON NOT o.guest AND m.n = o.member_n",
            [self.now, HISTORY, self.now, GUEST_ORDER_SHARE, first_n, last_n - first_n + 1,
             first_g, last_g - first_g + 1, PRODUCTS, first, last],
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
            status="'Pending'", guest_email="CASE WHEN guest THEN 'Buyer' || address_g || '@Example.com' ELSE '' END",
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

    def _contacts(self, low, high):
        """The share's members' contacts and its guest customers' (one per address), their orders'
        dates, and what earlier win-back scans and sunsets made of them."""
        first, last = id_range(self.sizes.contacts, low, high)
        members = execute(
            "INSERT INTO bench_contact (contact_id, step, member_n, user_id, email, created_at, engaged_at,"
            "  first_order_at, last_order_at)"
            " SELECT m.contact_id, %s, m.n, m.user_id, 'shopper' || m.n || '@example.com', m.created_at,"
            "  m.engaged_at, o.first_order_at, o.last_order_at"
            " FROM bench_member AS m LEFT JOIN (SELECT member_n, min(placed_at) AS first_order_at,"
            "   max(placed_at) AS last_order_at FROM bench_order WHERE NOT guest GROUP BY member_n) AS o"
            "  ON o.member_n = m.n WHERE m.n BETWEEN %s AND %s",
            [self.step, first, last],
        )
        guests = execute(
            "INSERT INTO bench_contact (contact_id, step, address_g, email, created_at, first_order_at,"
            "  last_order_at)"
            f" SELECT nextval({sequence(Contact)}), %s, address_g, 'buyer' || address_g || '@example.com',"
            "  first_order_at, first_order_at, last_order_at"
            " FROM (SELECT address_g, min(placed_at) AS first_order_at, max(placed_at) AS last_order_at"
            "   FROM bench_order WHERE guest GROUP BY address_g ORDER BY address_g) AS o",
            [self.step],
        )
        now, due = self.now, LEFT_DUE_SHARE
        inactive = timedelta(days=DAYS_INACTIVE)
        # Customers inactive since: 90% entered the win-back within the hour after (the scan is hourly).
        execute(
            "UPDATE bench_contact SET inactive_at = greatest(last_order_at, engaged_at) + %s"
            " WHERE step = %s AND last_order_at IS NOT NULL", [inactive, self.step],
        )
        execute(
            "UPDATE bench_contact SET"
            " winback_at = CASE WHEN inactive_at <= %s AND random() >= %s"
            "   THEN least(inactive_at + random() * interval '1 hour', %s - interval '1 minute') END,"
            " came_back_at = CASE WHEN inactive_at > %s AND last_order_at - first_order_at > %s AND random() < %s"
            "   THEN first_order_at + %s + random() * (last_order_at - first_order_at - %s) END"
            " WHERE step = %s",
            [now, due, now, now, inactive, CAME_BACK_SHARE, inactive, inactive, self.step],
        )
        # Sunset by an earlier run: 90% of those whose series ended unanswered SUNSET_AFTER_DAYS ago,
        # and of the prospects silent for PROSPECT_SUNSET_DAYS.
        execute(
            "UPDATE bench_contact SET status = CASE"
            " WHEN winback_at + %s <= %s AND random() >= %s THEN %s"
            " WHEN last_order_at IS NULL AND greatest(created_at, engaged_at) <= %s AND random() >= %s THEN %s"
            " ELSE %s END WHERE step = %s",
            [WINBACK_SERIES, now - timedelta(days=lifecycle_setting("SUNSET_AFTER_DAYS")), due, SUNSET,
             now - timedelta(days=lifecycle_setting("PROSPECT_SUNSET_DAYS")), due, SUNSET,
             Contact.Status.ACTIVE, self.step],
        )
        insert_rows(
            Contact, f"bench_contact AS c LEFT JOIN bench_member AS m ON m.n = c.member_n WHERE c.step = {self.step}",
            id="c.contact_id", email="c.email", user="c.user_id",
            first_name="CASE WHEN c.member_n IS NULL THEN '' ELSE 'Shopper' END",
            last_name="coalesce(c.member_n::text, '')", locale="'en'", birth_date="m.birth_date",
            status="c.status", created_at="c.created_at", last_order_at="c.last_order_at",
            last_engagement_at="c.engaged_at",
        )
        return members, guests

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
            # All but those that became due in the last 5 minutes (the scan interval): this scan's.
            f"{self.new_baskets} AND bucket = 'enrolled' AND contact_id IS NOT NULL"
            f" AND touched_at <= '{(self.now - IDLE - BASKET_SCAN_INTERVAL).isoformat()}'",
            contact="contact_id", journey=str(self.journeys.basket.pk), basket="basket_id",
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
            contact="m.contact_id", journey=str(self.journeys.browse.pk), product="p.product_id",
            state=f"'{Enrollment.State.COMPLETED}'", created_at=("%s - random() * interval '72 hours'", [self.now]),
        )

    def _winback_enrollments(self):
        """The series earlier scans started (ended 14 days later, or still running), and the ones
        that ended with the order that brought the customer back."""
        journey, now = self.journeys.winback.pk, self.now
        written = insert_rows(
            Enrollment, f"{self.new_contacts} AND c.winback_at IS NOT NULL",
            contact="c.contact_id", journey=str(journey),
            state=("CASE WHEN c.winback_at + %s <= %s THEN %s ELSE %s END",
                   [WINBACK_SERIES, now, Enrollment.State.COMPLETED, Enrollment.State.ACTIVE]),
            next_run_at=(("CASE WHEN c.winback_at + %s > %s THEN c.winback_at"
                          " + CASE WHEN c.winback_at + interval '7 days' > %s THEN interval '7 days'"
                          " ELSE interval '14 days' END END"), [WINBACK_SERIES, now, now]),
            created_at="c.winback_at",
            ended_at=("CASE WHEN c.winback_at + %s <= %s THEN c.winback_at + %s END",
                      [WINBACK_SERIES, now, WINBACK_SERIES]),
        )
        return written + insert_rows(
            Enrollment, f"{self.new_contacts} AND c.came_back_at IS NOT NULL",
            contact="c.contact_id", journey=str(journey), state=f"'{Enrollment.State.EXITED}'",
            reason="'goal reached: order_placed'", created_at="c.came_back_at", ended_at="c.last_order_at",
        )

    def _yearly_enrollments(self, journey, source, day, day_params, min_years, joined):
        """An enrollment of ``journey`` (completed) on the last celebration up to yesterday of ``day``
        (a date from ``source``, ``min_years`` or more after it), at LOCAL_HOUR shop time, for
        those who had ``joined`` by then."""
        return insert_rows(
            Enrollment,
            f"{source} CROSS JOIN LATERAL (SELECT {day} AS day) AS d"
            " CROSS JOIN LATERAL (SELECT extract(year FROM age(%s, d.day))::int AS years) AS y"
            " CROSS JOIN LATERAL (SELECT (d.day + y.years * interval '1 year' + %s"
            "   + random() * interval '15 minutes') AT TIME ZONE %s AS at) AS o"
            f" WHERE c.step = %s AND y.years >= %s AND o.at > {joined}",
            [*day_params, self.yesterday, timedelta(hours=LOCAL_HOUR), self.zone, self.step, min_years],
            contact="c.contact_id", journey=str(journey.pk), state=f"'{Enrollment.State.COMPLETED}'",
            created_at="o.at", ended_at="o.at",
        )

    def _birthday_enrollments(self):
        return self._yearly_enrollments(
            self.journeys.birthday, "bench_contact AS c JOIN bench_member AS m ON m.n = c.member_n",
            "m.birth_date", [], 0, "c.created_at",
        )

    def _anniversary_enrollments(self):
        return self._yearly_enrollments(
            self.journeys.anniversary, "bench_contact AS c", "(c.first_order_at AT TIME ZONE %s)::date",
            [self.zone], 1, "c.first_order_at",
        )


def create_journeys():
    create_default_locale()
    return Journeys(
        basket=create_journey(
            "Abandoned basket", "abandoned_basket", goal="order_placed", reentry="always",
            steps=[basket_reminder_step("Your basket is waiting", delay_hours=0)],
        ),
        browse=create_journey("Browse abandonment", "browse_abandonment", reentry="always"),
        # As the ready-made programme's (oscar_lifecycle/programme/journeys.py).
        winback=create_journey(
            "Win-back", "winback", goal="order_placed", reentry="always", audience="customers",
            trigger_settings={"days_inactive": DAYS_INACTIVE},
            steps=[{"delay_hours": 0, "subject": "We miss you"}, {"delay_days": 7, "subject": "How often?"},
                   {"delay_days": 7, "subject": "A last gift"}],
        ),
        birthday=create_journey(
            "Birthday", "birthday", reentry="always", trigger_settings={"local_hour": LOCAL_HOUR},
            steps=[{"delay_hours": 0, "subject": "Happy birthday"}],
        ),
        anniversary=create_journey(
            "Anniversary of the first order", "order_anniversary", reentry="always", audience="customers",
            trigger_settings={"local_hour": LOCAL_HOUR}, steps=[{"delay_hours": 0, "subject": "A year already!"}],
        ),
    )


@dataclass
class Scan:
    name: str
    run: object  # run(now): the contacts enrolled, or (the sunset) {why: contacts sunset}
    count: tuple  # (sql, params): a SELECT count(*) of the rows the scan has to consider
    is_trigger: bool = True
    prepare: object = None  # prepare(now), before the 1st run: the journey's previous scan


def scanned_on_time(journey, trigger):
    """Before the run: the journey's previous scan ran one interval ago (the shop's steady state)."""
    def prepare(now):
        JourneyScan.objects.update_or_create(journey=journey, defaults={"scanned_at": now - trigger.interval})
    return prepare


def never_scanned(journey):
    """Before the run: the journey is new (its scan looks at the trigger's whole window); what the
    run on time enrolled is undone first."""
    def prepare(now):
        Enrollment.objects.filter(journey=journey, created_at=now).delete()
        JourneyScan.objects.filter(journey=journey).delete()
    return prepare


def create_scans(now, journeys):
    inactive_since = now - timedelta(days=DAYS_INACTIVE)

    def trigger_scan(name, journey, count_sql, count_params=(), first=False):
        trigger = get_trigger(name)
        return Scan(f"{name}, first scan" if first else name, lambda now: run_scan(trigger, now),
                    (count_sql, list(count_params)),
                    prepare=never_scanned(journey) if first else scanned_on_time(journey, trigger))

    open_baskets = (f"SELECT count(*) FROM {table(Basket)} WHERE status = %s", [Basket.OPEN])
    views = (f"SELECT count(*) FROM {table(Activity)} WHERE kind = %s AND created_at > %s",
             [Activity.Kind.PRODUCT_VIEWED, now - BROWSE_WINDOW])
    return [
        trigger_scan("abandoned_basket", journeys.basket, *open_baskets),
        trigger_scan("abandoned_basket", journeys.basket, *open_baskets, first=True),
        trigger_scan("browse_abandonment", journeys.browse, *views),
        trigger_scan("browse_abandonment", journeys.browse, *views, first=True),
        trigger_scan("winback", journeys.winback,
                     f"SELECT count(*) FROM {table(Contact)} WHERE last_order_at <= %s", [inactive_since]),
        trigger_scan("birthday", journeys.birthday,
                     f"SELECT count(*) FROM {table(Contact)} WHERE birth_date IS NOT NULL"),
        trigger_scan("order_anniversary", journeys.anniversary, f"SELECT count(*) FROM {table(Order)}"),
        Scan("sunset", sunset_silent_contacts,
             (f"SELECT count(*) FROM {table(Contact)} WHERE status = %s", [Contact.Status.ACTIVE]),
             is_trigger=False),
    ]


class GcPauses:
    """Within the block, how long Python's cyclic garbage collector paused the process, and how
    many of its collections were full ones (generation 2: every object, 0.1 s or more here)."""

    def __enter__(self):
        self.seconds, self.full, self._started = 0.0, 0, None
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info):
        gc.callbacks.remove(self._callback)

    def _callback(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.seconds += time.perf_counter() - self._started
            self.full += info["generation"] == 2


class EntriesFound:
    """Within the block, how many entries the scans handed to enroll_entries (run_scan's), to
    compare with how many it enrolled: the others were dropped in Python (audience, re-entry,
    a contact not active or without consent)."""

    def __enter__(self):
        self.count, self._enroll_entries = 0, scan_engine.enroll_entries

        def counting(trigger_name, entries, **kwargs):
            entries = list(entries)
            self.count += len(entries)
            return self._enroll_entries(trigger_name, entries, **kwargs)

        scan_engine.enroll_entries = counting
        return self

    def __exit__(self, *exc_info):
        scan_engine.enroll_entries = self._enroll_entries


@dataclass
class ScanTiming:
    outcome: object  # what run() returned; None: the statement timeout cancelled it
    seconds: float
    queries: list  # CaptureQueriesContext's dicts: sql, time
    gc: GcPauses
    found: EntriesFound

    @property
    def done(self):
        """The outcome as a table cell: contacts enrolled, or sunset after win-back + silent prospects."""
        if self.outcome is None:
            return "cancelled"
        if isinstance(self.outcome, dict):
            return " + ".join(f"{count:,}" for count in self.outcome.values())
        return f"{self.outcome:,}"


def timed_scan(scan, now):
    gc.collect()  # the garbage of what ran before is not this scan's to collect
    with EntriesFound() as found, GcPauses() as pauses, CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        try:
            outcome = scan.run(now)
        except DatabaseError as error:
            print(f"  {scan.name}: {str(error).strip()}")
            outcome = None
        seconds = time.perf_counter() - started
    return ScanTiming(outcome, seconds, list(captured.captured_queries), pauses, found)


def count_baselines(scans):
    """The least a scan could cost: counting the rows it has to consider (median of 5, in ms)."""
    results = {}
    for scan in scans:
        sql, params = scan.count
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            (rows,), = fetch(sql, params)
            timings.append((time.perf_counter() - started) * 1000)
        results[scan.name] = (rows, statistics.median(timings))
    return results


def measure(now, scans):
    """Each scan twice, in order (the sunset last: it changes who the others may enroll)."""
    results = {}
    for scan in scans:
        if scan.prepare is not None:
            scan.prepare(now)
        first = timed_scan(scan, now)
        second = timed_scan(scan, now)
        results[scan.name] = (first, second)
    return results


def slowest_select(queries):
    selects = [query for query in queries if query["sql"].lstrip().upper().startswith("SELECT")]
    return max(selects, key=lambda query: float(query["time"])) if selects else None


def undo_scans(now, journeys):
    """Undo what the scans did at ``now``: remove their enrollments, make the contacts they sunset
    active again (and drop the consent events saying so). Returns (enrollments, contacts)."""
    removed = Enrollment.objects.filter(journey__in=journeys, created_at=now).delete()[0]
    events = ConsentEvent.objects.filter(created_at=now, source__in=[SUNSET_WINBACK_SOURCE, SUNSET_PROSPECT_SOURCE])
    reverted = Contact.objects.filter(pk__in=events.values("contact_id")).update(status=Contact.Status.ACTIVE)
    events.delete()
    return removed, reverted


def explain_at_first_scan(scan, now, journeys, sql, analyze):
    """EXPLAIN (ANALYZE when ``analyze``) ``sql`` on the data as the first scans found them,
    inside a rolled back transaction; JIT off for a trigger's scan, as run_scan runs it."""
    with transaction.atomic():
        undo_scans(now, journeys)
        if scan.is_trigger:
            execute("SET LOCAL jit = off")
        plan = [line for (line,) in fetch(f"EXPLAIN {'(ANALYZE, BUFFERS) ' if analyze else ''}{sql}")]
        transaction.set_rollback(True)
    return plan


def ratio(value, baseline):
    return f"{value / baseline:.1f}" if baseline else "n/a"


def print_environment():
    database_version = ".".join(str(part) for part in connection.get_database_version())
    print(f"database         {connection.display_name} {database_version}")
    print(f"Python / Django  {platform.python_version()} / {django.get_version()}")
    print(f"machine          {os.cpu_count()} CPUs, {platform.machine()}")
    settings_rows = fetch("SELECT name, setting, unit FROM pg_settings WHERE name IN "
                          "('shared_buffers', 'work_mem', 'effective_cache_size', 'jit', 'random_page_cost', 'autovacuum')")
    print("PostgreSQL       " + ", ".join(f"{name}={value}{unit or ''}" for name, value, unit in settings_rows))
    print_load("load average    ")


def print_load(label):
    """The machine's load average: another busy process makes every time here longer."""
    print(f"{label} {', '.join(f'{load:.2f}' for load in os.getloadavg())} (1, 5, 15 minutes)")


def print_setup(label, written, seconds):
    print(f"Data setup, {label}: {seconds:.1f} s (not measured below)")
    for what, rows in written.items():
        print(f"  {what:<33} {rows:>9,}")


def scan_table(phases, names, what="enrolled"):
    """``phases``: [(label, results, counts)]; the first is the baseline of the ratios."""
    header = ("trigger" if what == "enrolled" else "housekeeping", "volume", "count(*) rows", "ms",
              f"1st run: {what}", "queries", "ms", "x count", "x base",
              f"2nd run: {what}", "queries", "ms", "x base")
    lines = []
    _label, base_results, _counts = phases[0]
    for name in names:
        for label, results, counts in phases:
            first, second = results[name]
            rows, count_ms = counts[name]
            base_first, base_second = base_results[name]
            lines.append((
                name, label, f"{rows:,}", f"{count_ms:.1f}",
                first.done, str(len(first.queries)),
                f"{first.seconds * 1000:,.0f}", ratio(first.seconds * 1000, count_ms),
                ratio(first.seconds, base_first.seconds),
                second.done, str(len(second.queries)),
                f"{second.seconds * 1000:,.0f}", ratio(second.seconds, base_second.seconds),
            ))
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(len(header))]

    def formatted(line):
        return "  ".join(cell.ljust(width) if column < 2 else cell.rjust(width)
                         for column, (cell, width) in enumerate(zip(line, widths)))

    return [formatted(header), "  ".join("-" * width for width in widths), *map(formatted, lines)]


def print_queries(name, run, second):
    found = "".join(f"; found {timing.found.count:,} entries, enrolled {timing.done} ({which})"
                    for timing, which in ((run, "1st run"), (second, "2nd run")) if timing.found.count)
    print(f"  {name}, 1st run at full volume: {len(run.queries)} statements{found}; Python's garbage"
          f" collector paused it {run.gc.seconds * 1000:,.0f} ms ({run.gc.full} full collections)")
    for query in run.queries:
        sql = " ".join(query["sql"].split())
        print(f"    {float(query['time']) * 1000:>9.1f} ms  {sql[:150]}{'...' if len(sql) > 150 else ''}")


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000, help="members, each a user and a contact")
    parser.add_argument("--baskets", type=int, default=200_000, help="open baskets with lines")
    parser.add_argument("--views", type=int, default=200_000, help="product views in the browse window")
    parser.add_argument("--orders", type=int, default=150_000,
                        help="orders placed over the last 3 years, 30%% guests' (default 150000: with 100000 "
                             "members, 65%% of them customers)")
    parser.add_argument("--timeout", type=int, default=300,
                        help="statement timeout in seconds for the scans (default 300)")
    parser.add_argument("--keep-database", action="store_true",
                        help="leave the benchmark database in place afterwards, to look at it with psql")
    arguments = parser.parse_args()
    if min(arguments.contacts, arguments.baskets, arguments.views, arguments.orders) < 10:
        parser.error("every size must be 10 or more (the baseline is a tenth of it)")
    return arguments


def run_benchmark(sizes, timeout):
    # Today at 09:05 shop time: the first birthday and anniversary scans since LOCAL_HOUR.
    now = timezone.make_aware(datetime.combine(timezone.localdate(), clock(LOCAL_HOUR, 5)))
    journeys = create_journeys()
    scans = create_scans(now, journeys)
    shop = Shop(sizes, now, journeys)
    print_environment()
    print(f"now = {timezone.localtime(now).isoformat()} shop time ({settings.TIME_ZONE}),"
          f" {now.astimezone(UTC).isoformat()} UTC")
    print()
    phases = []
    for low, high in ((0, BASELINE_SHARE), (BASELINE_SHARE, 1)):
        started = time.perf_counter()
        written = shop.grow(low, high)
        print_setup(f"up to {high:.0%} of the sizes", written, time.perf_counter() - started)
        execute(f"SET statement_timeout = '{timeout}s'")
        counts = count_baselines(scans)
        results = measure(now, scans)
        execute("SET statement_timeout = 0")
        phases.append((f"{high:.0%}", results, counts))
        if high < 1:
            removed, reverted = undo_scans(now, journeys.all())
            print(f"  ({removed:,} enrollments made and {reverted:,} contacts sunset by the scans at {high:.0%}"
                  " undone before growing)")
    print()
    print("Baseline: each scan at 10% of the volume (x base ~10: grows with the data; much more: faster);")
    print("x count: the scan's time over a SELECT count(*) of the rows it has to consider: open baskets;")
    print("product views in the window; customers inactive for days_inactive; contacts with a birth date;")
    print("orders (the anniversary scan groups them all); active contacts (the sunset).")
    print()
    for line in scan_table(phases, [scan.name for scan in scans if scan.is_trigger]):
        print(line)
    print()
    print("The sunset (sunset_silent_contacts, run after the scans; sunset: after win-back + silent prospects):")
    print()
    for line in scan_table(phases, [scan.name for scan in scans if not scan.is_trigger], what="sunset"):
        print(line)
    print()
    print_load("Load average after the scans:")
    _label, full, _counts = phases[-1]
    print()
    print("Statements of each scan (time as CaptureQueriesContext measured it, Python's garbage collections"
          " included; each scan starts after a full collection):")
    for name, (first, second) in full.items():
        print_queries(name, first, second)
    for scan in scans:
        first, _second = full[scan.name]
        query = slowest_select(first.queries)
        if query is None:
            continue
        seconds = float(query["time"])
        analyze = seconds < EXPLAIN_ANALYZE_LIMIT
        print()
        print(f"EXPLAIN {'(ANALYZE, BUFFERS) ' if analyze else '(no ANALYZE: it would take as long again) '}"
              f"of {scan.name}'s slowest SELECT ({seconds * 1000:,.0f} ms in the 1st run), "
              "data as the 1st run found them:")
        print(f"  {' '.join(query['sql'].split())[:2000]}")
        execute(f"SET statement_timeout = '{timeout}s'")
        try:
            plan = explain_at_first_scan(scan, now, journeys.all(), query["sql"], analyze)
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
