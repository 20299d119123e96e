"""How long a segment of 5 profile rules (country + city + age + language + source) takes to
count over many contacts on PostgreSQL, against ``Contact.objects.count()`` in the same process.

Run from the repository root:

    .venv/bin/python benchmarks/profile_rules_benchmark.py [--contacts N] [--orders N] [--repeat N]

PostgreSQL only (on 127.0.0.1, as LIFECYCLE_TEST_DB=postgresql, which this script sets), in a
database of its own, ``benchmark_oscar_lifecycle_profile``, dropped at the end. Contacts are
written with INSERT ... SELECT from generate_series: 40% in France (a quarter of them in Lyon,
its name typed in mixed case), the rest over 9 other countries and 200 cities; 70% with a birth
date between 1950 and 2008; languages en / fr / de; the four sources.

Then the cost of recomputing every contact's address at once (``refresh_contact_addresses``,
what the migration adding the columns runs): 70% of contacts have an account, 30% of those a
default shipping address in their address book, and --orders orders with a shipping address go
to random contacts (a member's under their account, the others' as guests under their address).
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    benchmark_database, execute, insert_rows, print_report, sequence, table,
)
from oscar_lifecycle.contact_address import refresh_contact_addresses  # noqa: E402
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


Country = get_model("address", "Country")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
User = get_user_model()
MEMBERS_SHARE, DEFAULT_ADDRESS_SHARE = 0.7, 0.3


def fill(contacts):
    execute(
        f"CREATE TEMP TABLE bench_contact AS SELECT n, nextval({sequence(Contact)}) AS contact_id,"
        f" CASE WHEN n <= %s THEN nextval({sequence(User)}) END AS user_id,"
        " 'contact' || n || '@example.com' AS email FROM generate_series(1, %s) AS n",
        [int(contacts * MEMBERS_SHARE), contacts],
    )
    execute("CREATE UNIQUE INDEX ON bench_contact (n)")
    insert_rows(User, "bench_contact WHERE user_id IS NOT NULL", id="user_id", username="'contact' || n",
                email="email", date_joined=("%s", [NOW]))
    insert_rows(
        Contact, "bench_contact", id="contact_id", user="user_id", email="email",
        country="CASE WHEN n %% 10 < 4 THEN 'FR' "
                "ELSE (ARRAY['GB','DE','BE','ES','IT','NL','PT','CH','AT'])[1 + n %% 9] END",
        city="CASE WHEN n %% 10 < 4 AND n %% 4 = 0 THEN (ARRAY['Lyon','LYON','lyon'])[1 + n %% 3] "
             "ELSE 'City ' || (n %% 200) END",
        postcode="lpad((n %% 95000)::text, 5, '0')",
        birth_date="CASE WHEN n %% 10 < 7 THEN date '1950-01-01' + (n * 7919 %% 21000) END",
        locale="(ARRAY['en','fr','de'])[1 + n %% 3]",
        source="(ARRAY['registered','checkout','signup','import'])[1 + n %% 4]",
        created_at=("%s - (n %% 1000) * interval '1 day'", [NOW]),
    )
    execute(f"ANALYZE {table(Contact)}")


def fill_addresses(orders):
    """Default addresses of the address book, and ``orders`` orders with a shipping address."""
    for code, name in [("FR", "France"), ("BE", "Belgium")]:
        Country.objects.create(iso_3166_1_a2=code, iso_3166_1_a3=code + "X", iso_3166_1_numeric="0",
                               printable_name=name, name=name, is_shipping_country=True)
    insert_rows(UserAddress, "bench_contact WHERE user_id IS NOT NULL AND random() < %s", [DEFAULT_ADDRESS_SHARE],
                user="user_id", first_name="'Ada'", last_name="n::text", line1="'1 quai'", line4="'Lyon'",
                postcode="'69002'", country="'FR'", is_default_for_shipping="true",
                date_created=("%s", [NOW]))
    execute(
        f"CREATE TEMP TABLE bench_order AS SELECT j, c.user_id, nextval({sequence(Order)}) AS order_id,"
        f" nextval({sequence(ShippingAddress)}) AS address_id, CASE WHEN c.user_id IS NULL THEN c.email"
        " ELSE '' END AS guest_email, %s - random() * interval '1000 days' AS placed_at"
        " FROM (SELECT j, 1 + floor(random() * %s)::int AS n FROM generate_series(1, %s) AS j) AS o"
        " JOIN bench_contact AS c USING (n)",
        [NOW, Contact.objects.count(), orders],
    )
    insert_rows(ShippingAddress, "bench_order", id="address_id", first_name="'Ada'", last_name="j::text",
                line1="'2 rue'", line4="'Bruxelles'", postcode="'1000'", country="'BE'")
    insert_rows(Order, "bench_order", id="order_id", number="'P-' || j", user="user_id",
                shipping_address="address_id", currency="'EUR'", total_incl_tax="10", total_excl_tax="10",
                shipping_method="'Free shipping'", status="'Pending'", guest_email="guest_email",
                date_placed="placed_at")
    for model in (UserAddress, ShippingAddress, Order):
        execute(f"ANALYZE {table(model)}")


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
    parser.add_argument("--orders", type=int, default=300_000)
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
        fill_addresses(arguments.orders)
        started = time.perf_counter()
        refreshed = refresh_contact_addresses(Contact.objects.all())
        refresh_seconds = time.perf_counter() - started
        living = {key: Contact.objects.filter(city=city).count() for key, city in
                  [("from the address book", "Lyon"), ("from their latest order", "Bruxelles")]}
    print_report([
        ("Segment of 5 profile rules (country + city + age + language + source), PostgreSQL", None),
        ("contacts", f"{everyone:,}"),
        ("matching", f"{matching:,}"),
        ("Contact.objects.count()", f"{baseline * 1000:.1f} ms (median of {arguments.repeat})"),
        ("segment count", f"{counted * 1000:.1f} ms (median of {arguments.repeat})"),
        ("ratio", f"{counted / baseline:.2f} x the plain count"),
        (f"Every contact's address recomputed in one UPDATE, {arguments.orders:,} orders", None),
        ("contacts updated", f"{refreshed:,}"),
        ("time", f"{refresh_seconds:.1f} s"),
        *[(f"address {key}", f"{count:,}") for key, count in living.items()],
    ])
    print("Plan:")
    for line in plan:
        print(f"  {line}")


if __name__ == "__main__":
    main()
