"""Activities as Oscar's receivers record them, for many shoppers at once (bulk INSERTs, no views):
each scenario builds the shop a kind of activity meets (accounts, contacts, orders, earlier emails)
and returns the activities, unsaved. Cases come in tenths, so 10 and 100 shoppers meet the same."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.models import Activity, Contact, Enrollment, Message, MessageEvent
from oscar_lifecycle.suppression import suppress
from tests.shop import create_journey

User = get_user_model()
Country = get_model("address", "Country")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
CONSENT_BOX = {"wording": "Send me emails.", "ip_address": "192.0.2.1", "user_agent": "Browser"}


def create_programme(product):
    """Journeys on every event trigger."""
    return {
        "welcome": create_journey("Welcome", goal="order_placed", steps=[{"delay_hours": 0}, {"delay_days": 3}]),
        "account": create_journey("Your account", category="relational"),
        "thanks": create_journey("Thanks", trigger="order_placed", category="relational", reentry="always"),
        "loyalty": create_journey("Loyalty", trigger="loyalty", trigger_settings={"order_count": 2}),
        "rating": create_journey("Rating", trigger="order_status", category="relational",
                                 trigger_settings={"statuses": ["Delivered"]}),
        "product": product,
    }


def members(prefix, count, *, with_contacts):
    User.objects.bulk_create([User(username=f"{prefix}{number}", email=f"{prefix}{number}@example.com",
                                   first_name="Grace", password="!") for number in range(count)])
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    if with_contacts:
        Contact.objects.bulk_create([Contact(email=user.email, user=user, consent=Contact.Consent.GRANTED)
                                     for user in users])
    return users


def orders(prefix, owners, placed_at):
    """An order for each of ``owners`` (a user, or a guest's address), shipped to Ada Lovelace."""
    france, _ = Country.objects.get_or_create(iso_3166_1_a2="FR",
                                              defaults={"name": "France", "printable_name": "France"})
    addresses = ShippingAddress.objects.bulk_create([
        ShippingAddress(first_name="Ada", last_name="Lovelace", line1="1 rue de la Paix", country=france)
        for _owner in owners
    ])
    placed = Order.objects.bulk_create([
        Order(number=f"{prefix}{number}", user=owner if isinstance(owner, User) else None,
              guest_email="" if isinstance(owner, User) else owner, currency="EUR",
              total_incl_tax=Decimal("10.00"), total_excl_tax=Decimal("10.00"), shipping_incl_tax=0,
              shipping_excl_tax=0, status="Pending", date_placed=placed_at, shipping_address=address)
        for number, (owner, address) in enumerate(zip(owners, addresses))
    ])
    return list(Order.objects.filter(number__in=[order.number for order in placed]).order_by("pk"))


def clicked(contacts, journey, at):
    """Each of ``contacts`` clicked an email of ``journey`` at ``at``: their next order is its."""
    step = journey.ordered_steps()[0]
    messages = Message.objects.bulk_create([
        Message(contact=contact, journey=journey, step=step, category=journey.category,
                status=Message.Status.SENT, to_email=contact.email) for contact in contacts
    ])
    MessageEvent.objects.bulk_create([
        MessageEvent(message=message, contact=message.contact, kind=MessageEvent.Kind.CLICKED,
                     source=MessageEvent.Source.REDIRECT, created_at=at) for message in messages
    ])


def registrations(prefix, count, programme):
    """New members; some French, some ticking the consent box, some whose address said no before,
    some who ordered as a guest before with the same address."""
    now = timezone.now()
    users = members(prefix, count, with_contacts=False)
    for user in users[0::10]:
        suppress(user.email, Contact.Status.UNSUBSCRIBED, source="unsubscribe link")
    Contact.objects.bulk_create([Contact(email=user.email, last_order_at=now) for user in users[1::10]])
    return [Activity(kind=Activity.Kind.REGISTERED, user=user, email=user.email, created_at=now,
                     language="fr" if number % 2 else "", consent_request=CONSENT_BOX if number % 5 == 2 else {})
            for number, user in enumerate(users)]


def placed_orders(prefix, count, programme):
    """Half members (some sunset, some in the welcome journey, some who clicked an email, some on
    their second order), half guests new to the shop; a tenth recorded days after they were placed."""
    now = timezone.now()
    users = members(prefix, count // 2, with_contacts=True)
    contacts = list(Contact.objects.filter(user__in=users).order_by("user_id"))
    Contact.objects.filter(pk__in=[contact.pk for contact in contacts[0::5]]).update(status=Contact.Status.SUNSET)
    Enrollment.objects.bulk_create([
        Enrollment(contact=contact, journey=programme["welcome"], next_run_at=now + timedelta(days=1))
        for contact in contacts[1::5]
    ])
    clicked(contacts[2::5], programme["welcome"], now - timedelta(hours=1))
    orders(f"{prefix}earlier-", users[3::5], now - timedelta(days=30))
    placed = orders(prefix, users + [f"{prefix}Guest{number}@Example.com" for number in range(count // 2)], now)
    return [Activity(kind=Activity.Kind.ORDER_PLACED, order=order, user=order.user, email=order.email,
                     created_at=now + timedelta(days=2) if number % 10 == 9 else now)
            for number, order in enumerate(placed)]


def status_changes(prefix, count, programme):
    """Orders of known customers, members' and guests', delivered or shipped."""
    users = members(prefix, count // 2, with_contacts=True)
    guests = [f"{prefix}guest{number}@example.com" for number in range(count // 2)]
    Contact.objects.bulk_create([Contact(email=email) for email in guests])
    return [Activity(kind=Activity.Kind.ORDER_STATUS_CHANGED, order=order, user=order.user,
                     status="Delivered" if number % 2 else "Shipped")
            for number, order in enumerate(orders(prefix, users + guests, timezone.now() - timedelta(days=3)))]


def checkout_starts(prefix, count, programme):
    """Members known to the shop, and guests typing their address, some ticking the consent box."""
    users = members(prefix, count // 2, with_contacts=True)
    return [Activity(kind=Activity.Kind.CHECKOUT_STARTED, user=user) for user in users] + [
        Activity(kind=Activity.Kind.CHECKOUT_STARTED, email=f"{prefix}Guest{number}@Example.com", language="fr",
                 consent_request=CONSENT_BOX if number % 5 == 0 else {})
        for number in range(count // 2)
    ]


def product_views(prefix, count, programme):
    """Members, a third of them never seen before by the runner (no contact yet)."""
    users = members(prefix, count, with_contacts=False)
    Contact.objects.bulk_create([Contact(email=user.email, user=user) for number, user in enumerate(users)
                                 if number % 3])
    return [Activity(kind=Activity.Kind.PRODUCT_VIEWED, user=user, product=programme["product"], language="fr")
            for user in users]


def one_person_each(prefix, count, programme):
    """Every kind, several per person, in the order a shopper does them: members who register,
    view a product, start the checkout ticking the box, order and see their order shipped; guests
    who order, then register with the same address."""
    now = timezone.now()
    people = count // 5
    users = members(prefix, people, with_contacts=False)
    guest_users = members(f"{prefix}g", people, with_contacts=False)
    member_orders = orders(prefix, users, now)
    guest_orders = orders(f"{prefix}g", [user.email.upper() for user in guest_users], now)
    activities = []
    for user, order, guest_user, guest_order in zip(users, member_orders, guest_users, guest_orders):
        activities += [
            Activity(kind=Activity.Kind.REGISTERED, user=user, email=user.email, created_at=now),
            Activity(kind=Activity.Kind.PRODUCT_VIEWED, user=user, product=programme["product"], created_at=now),
            Activity(kind=Activity.Kind.CHECKOUT_STARTED, user=user, consent_request=CONSENT_BOX, created_at=now),
            Activity(kind=Activity.Kind.ORDER_PLACED, order=order, user=user, email=user.email, created_at=now),
            Activity(kind=Activity.Kind.ORDER_STATUS_CHANGED, order=order, user=user, status="Delivered"),
            Activity(kind=Activity.Kind.ORDER_PLACED, order=guest_order, email=guest_order.email, created_at=now),
            Activity(kind=Activity.Kind.REGISTERED, user=guest_user, email=guest_user.email, created_at=now),
        ]
    return activities


SCENARIOS = {
    "registered": registrations,
    "order_placed": placed_orders,
    "order_status_changed": status_changes,
    "checkout_started": checkout_starts,
    "product_viewed": product_views,
    "all kinds, several per person": one_person_each,
}
