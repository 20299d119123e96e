"""Replay a month of simulated shoppers on a copy of the sandbox's database, with a moving
clock, and print which email each contact received and when.

The shoppers go through Oscar's real views (registration, product pages, basket, checkout
gateway, checkout) and the shop's staff moves orders to "Delivered"; each simulated hour
the lifecycle runner does what it does in production. The sandbox's own database is left
as it was: SQLite is copied to a temporary file, other databases run in a rolled-back
transaction.
"""

import shutil
import tempfile
from collections import defaultdict
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment, Message
from oscar_lifecycle.optin import CONSENT_FIELD
from oscar_lifecycle.tracking.tokens import confirm_url

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
PASSWORD = "simulated-Shopper-1"
ADDRESS = {"first_name": "", "last_name": "", "line1": "1 rue de la Paix", "line4": "Paris",
           "postcode": "75002", "country": "FR", "phone_number": ""}


class Shopper:
    """One simulated person with a browser (a test client) of their own."""

    def __init__(self, email, first_name, last_name, language="en"):
        self.email, self.first_name, self.last_name = email, first_name, last_name
        self.browser = Client()
        self.browser.cookies["django_language"] = language

    def register(self, *, consent=False):
        """Register through Oscar's form, ticking the marketing consent box or not."""
        form = {"email": self.email, "password1": PASSWORD, "password2": PASSWORD}
        if consent:
            form[CONSENT_FIELD] = "yes"
        self.browser.post(reverse("customer:register"), form)
        get_user_model().objects.filter(email=self.email).update(
            first_name=self.first_name, last_name=self.last_name
        )

    def confirm_subscription(self):
        """Open the link of the confirmation email the runner sent, and press "Yes, I confirm"."""
        self.browser.post(urlsplit(confirm_url(Contact.objects.get(email=self.email))).path)

    def log_in(self):
        self.browser.force_login(get_user_model().objects.get(email=self.email))

    def view(self, product):
        self.browser.get(product.get_absolute_url())

    def add_to_basket(self, product):
        self.browser.post(reverse("basket:add", args=[product.pk]), {"quantity": 1})

    def type_email_at_checkout(self, *, consent=False):
        """Type the address at Oscar's checkout gateway as a guest, ticking the consent box or not."""
        form = {"username": self.email, "options": "anonymous"}
        if consent:
            form[CONSENT_FIELD] = "yes"
        self.browser.post(reverse("checkout:index"), form)

    def check_out(self, product=None):
        if product is not None:
            self.add_to_basket(product)
        self.browser.get(reverse("checkout:index"))
        self.browser.post(reverse("checkout:shipping-address"),
                          {**ADDRESS, "first_name": self.first_name, "last_name": self.last_name})
        self.browser.get(reverse("checkout:shipping-method"))
        self.browser.get(reverse("checkout:payment-method"))
        self.browser.post(reverse("checkout:preview"), {"action": "place_order"})


def deliver_last_order_of(email):
    order = Order.objects.filter(user__email=email).order_by("-date_placed").first()
    for status in ("Being processed", "Shipped", "Delivered"):
        order.set_status(status)


class Command(BaseCommand):
    help = ("Replay a month of simulated shoppers on a copy of the sandbox's database and print "
            "which email each contact received, and when.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="How many days to simulate (default 30).")

    def handle(self, *args, days, **options):
        with tempfile.TemporaryDirectory() as scratch:
            if connection.vendor == "sqlite" and not connection.is_in_memory_db():
                self.use_a_copy_of_the_database(Path(scratch))
                self.simulate(days)
            else:
                with transaction.atomic():
                    self.simulate(days)
                    transaction.set_rollback(True)

    def use_a_copy_of_the_database(self, scratch):
        original = connection.settings_dict["NAME"]
        connection.close()
        copy = scratch / "simulation.sqlite3"
        shutil.copyfile(original, copy)
        connection.settings_dict["NAME"] = str(copy)

    def simulate(self, days):
        start = timezone.make_aware(datetime.combine(timezone.localdate(), time(9)))
        products = list(Product.objects.filter(is_public=True, parent__isnull=True).order_by("pk"))
        if len(products) < 4:
            self.stderr.write("Load the demo data first: manage.py lifecycle_demo_data")
            return
        script = self.script(products)
        received = defaultdict(list)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            for hour in range(days * 24 + 1):
                moment = start + timedelta(hours=hour)
                with time_machine.travel(moment, tick=False):
                    for action in script.get(hour, ()):
                        action()
                    run_lifecycle(moment)
                for email in mail.outbox:
                    received[email.to[0]].append((moment, email))
                mail.outbox = []
        self.report(received, start)

    def script(self, products):
        """{hour since the start: [what shoppers do]}: the month's story."""
        coffee, tea, kettle, mug = products[0], products[6], products[14], products[18]
        tom = Shopper("tom@simulated.example", "Tom", "Smith")
        jeanne = Shopper("jeanne@simulated.example", "Jeanne", "Moreau", "fr")
        camille = Shopper("camille@simulated.example", "Camille", "Roux", "fr")
        paul = Shopper("paul@simulated.example", "Paul", "Girard", "fr")
        claire = Shopper("claire@example.com", "Claire", "Martin")
        lea = Contact.objects.filter(email="lea@example.com")
        birthday = timezone.localdate() + timedelta(days=10)
        day = 24
        return {
            1: [tom.register],
            2: [lambda: jeanne.register(consent=True)],
            3: [jeanne.confirm_subscription],
            day + 5: [jeanne.log_in, lambda: jeanne.view(tea)],
            2 * day + 11: [jeanne.log_in, lambda: jeanne.add_to_basket(kettle)],
            3 * day + 6: [lambda: camille.add_to_basket(mug), lambda: camille.type_email_at_checkout(consent=True)],
            3 * day + 7: [camille.confirm_subscription],
            3 * day + 8: [lambda: paul.add_to_basket(mug), paul.type_email_at_checkout],
            4 * day: [jeanne.log_in, jeanne.check_out],
            4 * day + 1: [lambda: lea.update(birth_date=birthday.replace(year=1990))],
            5 * day + 3: [claire.log_in, lambda: claire.check_out(coffee)],
            6 * day + 2: [lambda: deliver_last_order_of(jeanne.email)],
            12 * day + 4: [claire.log_in, lambda: claire.check_out(tea)],
        }

    def report(self, received, start):
        stories = {
            "tom@simulated.example": "registers on day 0 without ticking the consent box, never orders: "
                                     "account mail only",
            "jeanne@simulated.example": "registers (in French) ticking the consent box and confirms an hour "
                                        "later, views a tea on day 1, leaves a kettle in her basket on "
                                        "day 2, orders it on day 4, delivered on day 6",
            "camille@simulated.example": "a guest: leaves a mug at checkout on day 3 (types her address at "
                                         "the gateway, ticks the consent box, confirms an hour later, never "
                                         "orders)",
            "paul@simulated.example": "a guest: leaves a mug at checkout on day 3 without ticking the box: "
                                      "no reminder",
            "claire@example.com": "a customer: orders on day 5 and day 12 (her 2nd and 3rd orders)",
            "hugo@example.com": "a customer whose last order is 95 days old, silent",
            "lea@example.com": "a customer silent for 200 days; her birthday is on day 10",
        }
        messages = {str(message.pk): message for message in Message.objects.select_related("journey")}
        for email, story in stories.items():
            self.stdout.write(self.style.MIGRATE_HEADING(f"{email}: {story}"))
            for moment, sent in received.get(email, []):
                message = messages.get(getattr(sent, "metadata", {}).get("lifecycle_message"))
                journey = (message.journey.name if message.journey else message.get_kind_display()) if message \
                    else "Oscar's own email"
                elapsed = timezone.localtime(moment) - timezone.localtime(start)
                self.stdout.write(
                    f"  day {elapsed.days:2d} {timezone.localtime(moment):%H:%M}  {sent.subject}  [{journey}]"
                )
            if not received.get(email):
                self.stdout.write("  (no email)")
            for message in Message.objects.filter(contact__email=email).exclude(status=Message.Status.SENT):
                self.stdout.write(f"  not sent: {message.subject} ({message.get_status_display()}: {message.reason})")
            for enrollment in Enrollment.objects.filter(contact__email=email, ended_at__isnull=False).exclude(
                state=Enrollment.State.COMPLETED
            ).select_related("journey"):
                elapsed = timezone.localtime(enrollment.ended_at) - timezone.localtime(start)
                self.stdout.write(f"  day {elapsed.days:2d}: left “{enrollment.journey.name}”: {enrollment.reason}")
            for enrollment in Enrollment.objects.filter(contact__email=email, state=Enrollment.State.ACTIVE,
                                                        reason__startswith="deferred").select_related("journey"):
                self.stdout.write(f"  waiting in “{enrollment.journey.name}”: {enrollment.reason}")
