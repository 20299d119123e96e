"""A step whose content cannot be what the editor wrote (the order, basket or product it shows
was deleted from the shop) is skipped with a recorded reason, never sent half-empty."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from oscar.core.loading import get_model

from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Enrollment, Message
from tests.shop import checkout, create_catalogue, create_journey, recommend, register, subscriber

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def grid(source, products=()):
    return ("product_grid", {"heading": "", "source": source, "products": list(products), "category": None,
                             "max_products": 3, "columns": "3"})


def text(words):
    return ("text", words)


def days_later(days):
    moment = timezone.now() + timedelta(days=days, minutes=1)
    with time_machine.travel(moment, tick=False):
        run_lifecycle(moment)


@pytest.fixture
def shelf(db):
    products = create_catalogue(3)
    recommend(products[0], products[1], products[2])
    return products


def test_a_cross_sell_whose_order_was_deleted_is_skipped_and_the_journey_goes_on(shelf, client, outbox):
    create_journey("After the order", trigger="order_placed", steps=[
        {"delay_days": 3, "subject": "Goes with your kettle", "body": [grid("recommendations")]},
        {"delay_days": 3, "subject": "How are you doing?", "body": [text("<p>Any questions?</p>")]},
    ])
    register(client, "buyer@example.com")
    checkout(client, shelf[0])
    run_lifecycle()
    Order.objects.all().delete()  # the shop deletes the order (a test order, a fraud)

    days_later(3)

    assert [email.subject for email in outbox] == []
    skipped = Message.objects.get()
    assert skipped.status == Message.Status.SKIPPED
    assert skipped.reason == "not sent: the order this email is about was deleted"
    enrollment = Enrollment.objects.get()
    assert enrollment.state == Enrollment.State.ACTIVE
    assert enrollment.next_step.subject == "How are you doing?"

    days_later(6)
    assert [email.subject for email in outbox] == ["How are you doing?"], (
        "a step that does not show the order still goes out"
    )


def test_a_rating_question_about_a_deleted_order_is_not_sent(shelf, client, outbox):
    create_journey("Satisfaction", trigger="order_placed", category="relational", steps=[
        {"delay_days": 1, "subject": "How was it?", "body": [("rating", {
            "question": "How was your order?", "low_label": "Bad", "high_label": "Good"})]},
    ])
    register(client, "buyer@example.com")
    checkout(client, shelf[0])
    run_lifecycle()
    Order.objects.all().delete()

    days_later(1)

    assert len(outbox) == 0
    assert Message.objects.get().reason == "not sent: the order this email is about was deleted"


def test_a_browse_email_whose_product_was_deleted_is_not_sent(shelf, outbox):
    create_journey("Still thinking?", trigger="browse_abandonment", steps=[
        {"delay_hours": 0, "subject": "Still thinking about it?", "body": [grid("viewed")]},
    ])
    contact = subscriber("viewer@example.com")
    enroll("browse_abandonment", contact, product=shelf[0])
    shelf[0].delete()

    dispatch_due()

    assert len(outbox) == 0
    enrollment = Enrollment.objects.get()
    assert (enrollment.state, enrollment.reason) == (Enrollment.State.EXITED, "the product was deleted")


def test_a_journey_that_was_never_about_an_order_sends_its_grid_as_it_can(shelf, outbox):
    create_journey("Welcome", steps=[
        {"delay_hours": 0, "subject": "Welcome", "body": [text("<p>Hello</p>"), grid("recommendations")]},
    ])
    enroll("registration", subscriber("new@example.com"))

    dispatch_due()

    assert [email.subject for email in outbox] == ["Welcome"], (
        "nothing was deleted: a registration journey has no order to lose"
    )



def test_a_grid_of_chosen_products_shows_those_left_and_is_not_sent_when_none_is(shelf, outbox):
    create_journey("New in", steps=[
        {"delay_hours": 0, "subject": "New in", "body": [text("<p>Just arrived:</p>"), grid("fixed", shelf[:2])]},
        {"delay_hours": 1, "subject": "Any questions?", "body": [text("<p>Write to us.</p>")]},
    ])
    enroll("registration", subscriber("first@example.com"))
    shelf[0].delete()
    dispatch_due()
    [email] = outbox
    assert shelf[1].title in email.alternatives[0][0], "the chosen products left are shown"

    enroll("registration", subscriber("second@example.com"))
    shelf[1].delete()
    dispatch_due()

    assert len(outbox) == 1
    skipped = Message.objects.get(contact__email="second@example.com")
    assert (skipped.subject, skipped.status) == ("New in", Message.Status.SKIPPED)
    assert skipped.reason == "not sent: the products chosen for this email were deleted or withdrawn from the shop"
    assert Enrollment.objects.get(contact=skipped.contact).next_step.subject == "Any questions?"
