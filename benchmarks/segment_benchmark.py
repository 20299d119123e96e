"""How long counting a segment takes at volume on PostgreSQL: each rule alone, and a segment of
five rules, against counting every contact.

Run from the repository root:

    .venv/bin/python benchmarks/segment_benchmark.py [--rebuild] [--repeat N]

PostgreSQL only (on 127.0.0.1, as LIFECYCLE_TEST_DB=postgresql, which this script sets), in a
database of its own, ``bench_segments``, built on the first run and kept for the next ones
(``--rebuild`` builds it again). It is written straight into the tables with INSERT ... SELECT
from generate_series, with a fixed random seed:

  contacts   100,000: 60,000 members (source "registered", each with a user), 30,000 guest
             buyers ("checkout"), 10,000 newsletter sign-ups who never order.
  catalogue  1,000 products in 20 categories of 50 (category 1 is "X").
  orders     1,000,000 of one line each over two years, skewed as shops are (a few contacts
             order often, most once or never): the members' on their account, the guests'
             with their address typed in capitals; 5% still "Pending".
  messages   1,000,000 sent over a year to contacts picked at random.
  events     1,000,000, one per message: 60% opens (a fifth of them by machines), 15% clicks,
             25% deliveries, minutes to days after the send.

It prints, for ``Contact.objects.count()`` (the baseline, run in the same process) and for
``Segment.count()`` of each rule alone and of the five-rule segment (ordered at least twice,
last order in the last 180 days, bought in category X in the last 365 days, opened an email in
the last 60 days, came from registration), the median of ``--repeat`` (5) runs in milliseconds,
its ratio to the baseline, and how many contacts matched; the five-rule segment again with
PostgreSQL's JIT compilation off (``SET jit = off``: compiling a plan this size costs more than
it saves). Building the data is not timed. After a change to the indexes, run it with
``--rebuild``, or create them in ``bench_segments`` by hand.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["LIFECYCLE_TEST_DB"] = "postgresql"
os.environ["LIFECYCLE_TEST_DB_NAME"] = "bench_segments"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from benchmarks.harness import benchmark_database, execute, insert_rows, print_report  # noqa: E402
from oscar_lifecycle.models import Contact, Message, MessageEvent, Segment  # noqa: E402

CONTACTS, MEMBERS, BUYERS = 100_000, 60_000, 90_000
ORDERS = MESSAGES = EVENTS = 1_000_000
PRODUCTS, CATEGORIES = 1_000, 20

Category = get_model("catalogue", "Category")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each count (the median is printed)")
    return parser.parse_args()


def build():
    """The shop described above, in emptied tables: ids are 1..N (contacts' match users')."""
    tables = [model._meta.db_table for model in (
        get_user_model(), Contact, Category, Product, ProductCategory, Order, OrderLine, Message, MessageEvent)]
    execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    execute("SELECT setseed(0.42)")
    insert_rows(get_user_model(), "generate_series(1, %s) AS n", (MEMBERS,),
                username="'member' || n", email="'c' || n || '@example.com'", password="''")
    insert_rows(Contact, "generate_series(1, %s) AS n", (CONTACTS,),
                email="'c' || n || '@example.com'", user=f"CASE WHEN n <= {MEMBERS} THEN n END",
                source=f"CASE WHEN n <= {MEMBERS} THEN 'registered' WHEN n <= {BUYERS} THEN 'checkout' "
                       "ELSE 'signup' END",
                created_at="now() - interval '3 years' * random()")
    for number in range(1, CATEGORIES + 1):
        Category.add_root(name="X" if number == 1 else f"Category {number}", slug=f"category-{number}")
    insert_rows(Product, "generate_series(1, %s) AS n", (PRODUCTS,), title="'Product ' || n",
                slug="'product-' || n", date_created="now()", date_updated="now()")
    insert_rows(ProductCategory, "generate_series(1, %s) AS n", (PRODUCTS,),
                product="n", category=f"1 + (n - 1) / {PRODUCTS // CATEGORIES}")
    # a contact among the buyers, skewed towards the first ones: random()^3
    orders = (f"(SELECT n, 1 + floor({BUYERS} * power(random(), 3))::int AS buyer, random() AS r "
              "FROM generate_series(1, %s) AS n) AS o")
    insert_rows(Order, orders, (ORDERS,),
                number="n::text", user=f"CASE WHEN buyer <= {MEMBERS} THEN buyer END",
                guest_email=f"CASE WHEN buyer > {MEMBERS} THEN 'C' || buyer || '@EXAMPLE.COM' ELSE '' END",
                total_incl_tax="round((5 + 195 * r)::numeric, 2)", total_excl_tax="round((4 + 160 * r)::numeric, 2)",
                shipping_method="'Free'", status="CASE WHEN r < 0.05 THEN 'Pending' ELSE 'Delivered' END",
                date_placed="now() - interval '730 days' * random()", currency="'EUR'")
    insert_rows(OrderLine, "generate_series(1, %s) AS n", (ORDERS,),
                order="n", product=f"1 + (n::bigint * 7919) %% {PRODUCTS}", title="'A product'", quantity="1",
                line_price_incl_tax="10", line_price_excl_tax="8", line_price_before_discounts_incl_tax="10",
                line_price_before_discounts_excl_tax="8", status="'Delivered'", num_allocated="1")
    messages = f"(SELECT n, 1 + floor({CONTACTS} * random())::int AS contact FROM generate_series(1, %s) AS n) AS m"
    insert_rows(Message, messages, (MESSAGES,),
                contact="contact", category="'marketing'", status="'sent'", to_email="'c' || contact || '@example.com'",
                subject="'News'", sent_at="now() - interval '365 days' * random()", created_at="now()")
    events = (f"(SELECT id, contact_id, sent_at, random() AS r FROM {Message._meta.db_table} "
              "ORDER BY id LIMIT %s) AS e")
    insert_rows(MessageEvent, events, (EVENTS,),
                message="id", contact="contact_id",
                kind="CASE WHEN r < 0.6 THEN 'opened' WHEN r < 0.75 THEN 'clicked' ELSE 'delivered' END",
                source="CASE WHEN r < 0.75 THEN 'pixel' ELSE 'esp' END", is_machine="r < 0.12",
                created_at="sent_at + interval '3 days' * random()")
    execute("VACUUM ANALYZE")  # as autovacuum leaves a shop's tables: index-only scans need it


def built():
    return Contact.objects.count() == CONTACTS and MessageEvent.objects.count() == EVENTS


def segment(*rules):
    return Segment.objects.create(name="Benchmark", live=True,
                                  rules=[{"type": rule, "value": value} for rule, value in rules])


def median_ms(count, repeat):
    times = []
    for _run in range(repeat):
        started = time.perf_counter()
        result = count()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main():
    arguments = parsed_arguments()
    with benchmark_database(debug=False, reuse=not arguments.rebuild):
        if arguments.rebuild or not built():
            started = time.perf_counter()
            build()
            print(f"Built {connection.settings_dict['NAME']} in {time.perf_counter() - started:.0f} s.")
        category_x = Category.objects.get(name="X").pk
        five = [
            ("order_count", {"minimum": 2}), ("last_order", {"when": "within", "days": 180}),
            ("bought_category", {"category": category_x, "days": 365}), ("opened", {"days": 60}),
            ("source", {"sources": ["registered"]}),
        ]
        singles = five + [
            ("total_spent", {"minimum": "500"}), ("average_order_value", {"maximum": "50"}),
            ("first_order", {"when": "within", "days": 90}), ("bought_product", {"product": 1}),
            ("open_order", {}), ("clicked", {"days": 30}), ("never_engaged", {"received": 5}),
        ]
        baseline, total = median_ms(Contact.objects.count, arguments.repeat)
        rows = [("Contacts counted (baseline)", None),
                ("Contact.objects.count()", f"{baseline:8.1f} ms   x1      {total:>7,} contacts")]
        rows.append(("One rule", None))
        for rule, value in singles:
            milliseconds, matched = median_ms(segment((rule, value)).count, arguments.repeat)
            rows.append((f"{rule} {value}", f"{milliseconds:8.1f} ms   x{milliseconds / baseline:<6.1f} {matched:>7,} contacts"))
        five_rules = segment(*five)
        milliseconds, matched = median_ms(five_rules.count, arguments.repeat)
        rows += [("Five rules (all of)", None),
                 ("the five first rules above", f"{milliseconds:8.1f} ms   x{milliseconds / baseline:<6.1f} {matched:>7,} contacts")]
        execute("SET jit = off")
        milliseconds, matched = median_ms(five_rules.count, arguments.repeat)
        rows.append(("the same, PostgreSQL's JIT off", f"{milliseconds:8.1f} ms   x{milliseconds / baseline:<6.1f} {matched:>7,} contacts"))
        Segment.objects.filter(name="Benchmark").delete()
        print_report(rows)


if __name__ == "__main__":
    main()
