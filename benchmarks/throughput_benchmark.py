"""How fast one runner sends through an ESP, what each email costs, and whether it stays flat.

Run from the repository root:

    .venv/bin/python benchmarks/throughput_benchmark.py [--emails N] [--memory-emails N]

It uses the test settings (SQLite in memory; PostgreSQL with LIFECYCLE_TEST_DB=postgresql,
in a database of its own) and an ESP simulated by anymail's test backend
(``simulated_esp.py``). Every email is a marketing step with a heading, a text and a
button with merge tags, and a grid of the shop's best sellers. It prints, in one run:

  ESP at 100 ms   emails/s of one dispatch_due() pass, with SEND_CONCURRENCY 1 (one email
                  after the other, as before the send pool) and with the default.
  CPU             process CPU time per email (every thread) with an ESP answering at once,
                  against a bare Django render and send of the same HTML: the HTML of one of
                  the emails as a template, rendered with the contact's name and sent through
                  the same backend. The ratio is bare / ours (1.0: as cheap as bare).
  queries         SQL statements per email, with 1 journey and 10 products, and with 10
                  journeys and 200 products (flat: the same).
  memory          peak resident memory after each quarter of --memory-emails sends (flat:
                  it stops growing once the first batches are warm).
"""

import argparse
import os
import platform
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.setdefault("LIFECYCLE_TEST_DB_NAME", "benchmark_oscar_lifecycle_throughput")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.mail import EmailMultiAlternatives  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from benchmarks.harness import QueryCounter, benchmark_database, create_site, print_report  # noqa: E402
from benchmarks.simulated_esp import SimulatedEsp  # noqa: E402
from oscar_lifecycle.conf import lifecycle_setting  # noqa: E402
from oscar_lifecycle.content.render import render_step  # noqa: E402
from oscar_lifecycle.engine.dispatch import dispatch_due  # noqa: E402
from oscar_lifecycle.engine.enroll import enroll_entries  # noqa: E402
from oscar_lifecycle.models import Contact, Message  # noqa: E402
from oscar_lifecycle.triggers.base import Entry  # noqa: E402
from tests.shop import Product, StockRecord, create_catalogue, create_journey  # noqa: E402

SIMULATED_ESP = "benchmarks.simulated_esp.SimulatedEsp"
BODY = [
    ("heading", "Hello {{ first_name|default:\"there\" }}"),
    ("text", "<p>Welcome to {{ shop_name }}. Here is what other customers love this week.</p>"),
    ("button", {"text": "Shop now", "url": "/catalogue/"}),
    ("product_grid", {"heading": "Best sellers", "source": "best_sellers", "products": [],
                      "category": None, "max_products": 3, "columns": "3"}),
]


@dataclass
class Pass:
    emails: int
    seconds: float
    cpu_seconds: float
    queries: int


def parsed_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000, help="emails per measured pass (default 1000)")
    parser.add_argument("--memory-emails", type=int, default=20000,
                        help="emails sent while memory is watched (default 20000)")
    arguments = parser.parse_args()
    if arguments.emails < 20 or arguments.memory_emails < 4:
        parser.error("--emails must be 20 or more, --memory-emails 4 or more")
    return arguments


class Shop:
    """Journeys, products and contacts made in bulk: each pass gets contacts of its own."""

    def __init__(self):
        self.journeys = []
        self.contacts_made = 0
        self.products = create_catalogue(1)

    def add_products(self, count):
        """``count`` more products like the first (its class, partner and price), in stock."""
        first = self.products[0]
        stockrecord = first.stockrecords.get()
        for number in range(len(self.products) + 1, len(self.products) + count + 1):
            product = Product.objects.create(title=f"Product {number}", upc=f"BENCH-{number}",
                                             product_class=first.product_class)
            StockRecord.objects.create(product=product, partner=stockrecord.partner, partner_sku=f"BENCH-{number}",
                                       price=stockrecord.price, price_currency="EUR", num_in_stock=100)
            self.products.append(product)

    def add_journeys(self, count):
        for _ in range(count):
            number = len(self.journeys) + 1
            self.journeys.append(create_journey(
                f"Journey {number}", steps=[{"delay_hours": 0, "subject": f"News {number} for {{{{ first_name }}}}",
                                            "body": BODY}],
            ))

    def due(self, count):
        """``count`` new contacts, due a step of the journeys in turn."""
        start = self.contacts_made
        self.contacts_made += count
        contacts = Contact.objects.bulk_create(
            Contact(email=f"customer{number}@example.com", first_name=f"Customer{number}")
            for number in range(start, start + count)
        )
        for index, journey in enumerate(self.journeys):
            entries = [Entry(contact) for contact in contacts[index::len(self.journeys)]]
            enroll_entries("registration", entries, journeys=[journey])


def dispatch_pass(concurrency, latency):
    """One dispatch_due() pass over what is due."""
    SimulatedEsp.latency = latency
    lifecycle = {**settings.OSCAR_LIFECYCLE, "SEND_CONCURRENCY": concurrency}
    queries = QueryCounter()
    with override_settings(OSCAR_LIFECYCLE=lifecycle), connection.execute_wrapper(queries):
        started, cpu_started = time.perf_counter(), time.process_time()
        report = dispatch_due()
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return Pass(report.sent, seconds, cpu_seconds, queries.count)


def bare_cpu_per_email(count):
    """CPU seconds per email of a bare render and send of one of our emails' HTML (rendered
    again: nothing keeps sent bodies), its contact's name made a template variable."""
    message = Message.objects.filter(status=Message.Status.SENT).select_related("contact").last()
    html = render_step(message.step, message.contact, enrollment=message.enrollment).html
    template = Template(html.replace(message.contact.first_name, "{{ first_name }}"))
    SimulatedEsp.latency = 0
    started = time.process_time()
    for number in range(count):
        rendered = template.render(Context({"first_name": f"Customer{number}"}))
        email = EmailMultiAlternatives(subject=message.subject, body=rendered, to=[f"customer{number}@example.com"])
        email.attach_alternative(rendered, "text/html")
        email.send()
    return (time.process_time() - started) / count


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(arguments):
    emails = arguments.emails
    shop = Shop()
    shop.add_products(9)
    shop.add_journeys(1)
    rows = [("Environment", None),
            ("database", f"{connection.display_name} {'.'.join(map(str, connection.get_database_version()))}"),
            ("Python / Django", f"{platform.python_version()} / {django.get_version()}")]

    shop.due(20)
    dispatch_pass(concurrency=16, latency=0)  # warm: templates compiled, URLs resolved

    rows.append(("ESP answering in 100 ms: one dispatch_due() pass", None))
    serial_emails = max(20, emails // 10)
    shop.due(serial_emails)
    serial = dispatch_pass(concurrency=1, latency=0.1)
    shop.due(emails)
    pooled = dispatch_pass(concurrency=settings_concurrency(), latency=0.1)
    rows += [
        ("SEND_CONCURRENCY 1", f"{serial.emails / serial.seconds:.1f} emails/s ({serial.emails} emails)"),
        (f"SEND_CONCURRENCY {settings_concurrency()}",
         f"{pooled.emails / pooled.seconds:.1f} emails/s ({pooled.emails} emails)"),
        ("ratio", f"{(pooled.emails / pooled.seconds) / (serial.emails / serial.seconds):.1f}x"),
    ]

    rows.append(("CPU per email, ESP answering at once", None))
    shop.due(emails)
    instant = dispatch_pass(concurrency=settings_concurrency(), latency=0)
    ours = instant.cpu_seconds / instant.emails
    bare = bare_cpu_per_email(emails)
    rows += [
        ("oscar_lifecycle", f"{ours * 1000:.2f} ms ({instant.emails / instant.seconds:.0f} emails/s)"),
        ("bare render + send", f"{bare * 1000:.2f} ms"),
        ("ratio bare / ours", f"{bare / ours:.2f}x"),
    ]

    rows.append(("Queries per email (ESP answering at once)", None))
    rows.append(("1 journey, 10 products", f"{instant.queries / instant.emails:.2f}"))
    shop.add_products(190)
    shop.add_journeys(9)
    shop.due(emails)
    wide = dispatch_pass(concurrency=settings_concurrency(), latency=0)
    rows.append(("10 journeys, 200 products", f"{wide.queries / wide.emails:.2f}"))

    rows.append((f"Peak memory over {arguments.memory_emails} sends (ESP answering at once)", None))
    quarter = arguments.memory_emails // 4
    for number in range(1, 5):
        shop.due(quarter)
        dispatched = dispatch_pass(concurrency=settings_concurrency(), latency=0)
        rows.append((f"after {number * quarter} emails",
                     f"{peak_memory_mb():.0f} MB ({dispatched.emails / dispatched.seconds:.0f} emails/s)"))
    return rows


def settings_concurrency():
    return lifecycle_setting("SEND_CONCURRENCY")


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
