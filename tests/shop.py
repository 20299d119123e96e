"""Shared factories: a small catalogue, journeys, and a shopper driving Oscar's real views."""

import re
from decimal import Decimal
from io import BytesIO

from django.core import mail
from django.core.files.images import ImageFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order
from PIL import Image

from oscar_lifecycle.contacts import contact_for
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Journey, Segment, Step
from oscar_lifecycle.optin import CONSENT_FIELD
from oscar_lifecycle.rules import RuleContext, get_rule
from oscar_lifecycle.tracking.tokens import click_from_token

Basket = get_model("basket", "Basket")
Category = get_model("catalogue", "Category")
Country = get_model("address", "Country")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
StockRecord = get_model("partner", "StockRecord")
DefaultStrategy = get_class("partner.strategy", "Default")

PASSWORD = "a-Long-test-passw0rd"


def create_catalogue(count=3):
    Country.objects.get_or_create(
        iso_3166_1_a2="FR",
        defaults={"iso_3166_1_a3": "FRA", "iso_3166_1_numeric": "250", "printable_name": "France",
                  "name": "France", "is_shipping_country": True},
    )
    product_class, _ = ProductClass.objects.get_or_create(name="Goods", defaults={"track_stock": True})
    partner, _ = Partner.objects.get_or_create(name="Test partner")
    products = []
    for number in range(1, count + 1):
        product = Product.objects.create(
            title=f"Product {number}", upc=f"TEST-{number}", product_class=product_class
        )
        StockRecord.objects.create(
            product=product, partner=partner, partner_sku=f"SKU-{number}",
            price=Decimal("10.00") * number, price_currency="EUR", num_in_stock=100,
        )
        products.append(product)
    return products


def recommend(primary, *recommendations):
    """``primary`` recommends ``recommendations``, the first one ranked highest."""
    for ranking, recommendation in enumerate(reversed(recommendations), start=1):
        ProductRecommendation.objects.create(primary=primary, recommendation=recommendation, ranking=ranking)


def create_category(name, products=(), *, parent=None):
    if parent is None:
        category = Category.add_root(name=name, slug=name.lower())
    else:
        category = parent.add_child(name=name, slug=name.lower())
    for product in products:
        ProductCategory.objects.create(product=product, category=category)
    return category


def create_basket(*lines, owner=None):
    """An open basket holding ``lines`` of (product, quantity), priced by Oscar's default strategy."""
    basket = Basket.objects.create(owner=owner)
    basket.strategy = DefaultStrategy()
    for product, quantity in lines:
        basket.add_product(product, quantity=quantity)
    return basket


def place_order(*lines, user=None, guest_email=""):
    """An order for ``lines`` of (product, quantity), placed by Oscar's test factory (its OrderCreator),
    by ``user`` or by a guest who typed ``guest_email``."""
    if guest_email:
        return create_order(basket=create_basket(*lines), guest_email=guest_email)
    return create_order(basket=create_basket(*lines, owner=user), user=user)


def segment_of(*rules, match="all", name="Audience"):
    """A published segment of ``rules``, (rule name, settings) pairs."""
    segment = Segment.objects.create(name=name, match=match, live=False,
                                     rules=[{"type": rule, "value": value} for rule, value in rules])
    segment.save_revision().publish()
    return Segment.objects.get(pk=segment.pk)


# Counting a segment on PostgreSQL first turns JIT off for its transaction (query_plans.py).
JIT_OFF = 1 if connection.vendor == "postgresql" else 0


def assert_rule_holds(rule, settings, expected, contacts):
    """The rule ``rule`` with ``settings`` holds ``expected`` among ``contacts``, asked three ways
    that must agree: a segment's count and ``contains``, and the rule's ``matches``."""
    segment = segment_of((rule, settings))
    context = RuleContext()
    assert segment.count() == len(expected), (rule, settings)
    assert set(segment.contacts()) == set(expected), (rule, settings)
    for contact in contacts:
        expected_answer = contact in expected
        assert segment.contains(contact) is expected_answer, (rule, settings, contact)
        assert get_rule(rule, settings).matches(contact, context) is expected_answer, (rule, settings, contact)


def image_file(name="picture.png", size=(800, 600)):
    content = BytesIO()
    Image.new("RGB", size, "#c0ffee").save(content, "PNG")
    return ImageFile(content, name=name)


def add_product_image(product):
    return ProductImage.objects.create(product=product, original=image_file(f"product-{product.pk}.png"))


def create_journey(name="Welcome", trigger="registration", *, steps=None, publish=True, **fields):
    """A journey with ``steps`` (dicts of Step fields; default: one step after one hour)."""
    journey = Journey(name=name, trigger=trigger, **fields)
    steps = steps if steps is not None else [{"delay_hours": 1}]
    journey.steps = [
        Step(
            sort_order=index,
            subject=step.pop("subject", f"{name} step {index + 1} for {{{{ first_name|default:\"you\" }}}}"),
            body=step.pop("body", [("heading", "Hello {{ first_name|default:\"there\" }}"),
                                   ("text", "<p>Welcome to {{ shop_name }}.</p>"),
                                   ("button", {"text": "Shop now", "url": "/catalogue/"})]),
            **step,
        )
        for index, step in enumerate(dict(step) for step in steps)
    ]
    journey.save()
    if publish:
        journey.save_revision().publish()
    return journey


def subscriber(email, user=None):
    """The Contact of ``email`` (and ``user``), a subscriber the shop brought from its former
    newsletter tool (consent granted, no history of it here): marketing reaches them under every
    consent rule."""
    contact = contact_for(email, user=user)
    contact.consent, contact.consent_source = Contact.Consent.GRANTED, "imported subscriber list"
    contact.consent_changed_at = timezone.now()
    contact.save(update_fields=["consent", "consent_source", "consent_changed_at"])
    return contact


def register(client, email, *, consent=False):
    """Register ``email`` through Oscar's form, with the marketing consent box ticked or not."""
    form = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if consent:
        form[CONSENT_FIELD] = "yes"
    response = client.post(reverse("customer:register"), form)
    assert response.status_code == 302, response.content[:2000]
    return response


def confirmation_path(email):
    """The double opt-in link of the latest confirmation email sent to ``email`` (sent by the runner)."""
    [*_earlier, confirmation] = [
        sent for sent in mail.outbox
        if "lifecycle-confirmation" in getattr(sent, "tags", []) and sent.to == [email.lower()]
    ]
    return re.search(r"https://shop\.test(/lifecycle/confirm/[^/\s]+/)", confirmation.body).group(1)


def confirm_subscription(client, email):
    """Open the confirmation email's link and press "Yes, I confirm", as its owner does."""
    response = client.post(confirmation_path(email))
    assert response.status_code == 200, response.content[:2000]


def register_subscriber(client, email):
    """Register ``email`` with the consent box ticked, let the runner send the confirmation email,
    and confirm from its link: the shopper's marketing steps are due at once."""
    register(client, email, consent=True)
    run_lifecycle()
    confirm_subscription(client, email)


def checkout(client, product, *, guest_email=None):
    """Buy ``product`` through Oscar's real basket and checkout views; return the final response."""
    response = client.post(reverse("basket:add", args=[product.pk]), {"quantity": 1})
    assert response.status_code == 302
    if guest_email:
        response = client.post(
            reverse("checkout:index"), {"username": guest_email, "options": "anonymous"}
        )
        assert response.status_code == 302, response.content[:2000]
    else:  # a member's "Proceed to checkout" goes through the gateway, which lets them by
        client.get(reverse("checkout:index"))
    response = client.post(
        reverse("checkout:shipping-address"),
        {"first_name": "Ada", "last_name": "Lovelace", "line1": "1 rue de la Paix",
         "line4": "Paris", "postcode": "75002", "country": "FR", "phone_number": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    client.get(reverse("checkout:shipping-method"))
    client.get(reverse("checkout:payment-method"))
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def add_to_basket(client, product, quantity=1):
    response = client.post(reverse("basket:add", args=[product.pk]), {"quantity": quantity})
    assert response.status_code == 302, response.content[:2000]


def start_guest_checkout(client, email, *, consent=False):
    """Type ``email`` at Oscar's checkout gateway as a guest (what start_checkout reports), with the
    marketing consent box ticked or not."""
    form = {"username": email, "options": "anonymous"}
    if consent:
        form[CONSENT_FIELD] = "yes"
    response = client.post(reverse("checkout:index"), form)
    assert response.status_code == 302, response.content[:2000]


def subscribe_at_checkout(client, email):
    """Type ``email`` at the checkout gateway as a guest with the consent box ticked, let the runner
    send the confirmation email, and confirm from its link."""
    start_guest_checkout(client, email, consent=True)
    run_lifecycle()
    confirm_subscription(client, email)


def stage_section(stage, text):
    return ("stage_section", {"stage": stage, "content": [("text", f"<p>{text}</p>")]})


def basket_reminder_step(subject, *, delay_hours):
    """A reminder that lists the basket and says something different at each stage."""
    return {
        "delay_hours": delay_hours,
        "subject": subject,
        "body": [
            ("heading", "You left something behind"),
            ("basket_lines", None),
            stage_section("basket", "Your basket is saved."),
            stage_section("checkout", "Secure payment, free returns."),
        ],
    }


def link_destinations(email):
    """Where the links of a sent email lead, through our signed click redirects."""
    tokens = re.findall(r'href="https://shop\.test/lifecycle/c/([^/"]+)/"', email.alternatives[0][0])
    return [click_from_token(token)[1] for token in tokens]
