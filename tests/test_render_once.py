"""A batch renders what is the same for every contact once, and each email is still its contact's
own: their name, their links, their products, never a neighbour's."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oscar_lifecycle.content import render
from oscar_lifecycle.engine.dispatch import dispatch_due
from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Contact, Journey, Message
from oscar_lifecycle.tracking.tokens import contact_id_from_unsubscribe_token
from tests.shop import create_catalogue, create_journey, link_destinations, place_order, subscriber

pytestmark = pytest.mark.django_db

SHOP = "https://shop.test"
BEST_SELLERS = ("product_grid", {"heading": "Best sellers for {{ first_name|default:\"you\" }}",
                                 "source": "best_sellers", "products": [], "category": None,
                                 "max_products": 2, "columns": "2"})
BODY = [
    ("heading", "Hello {{ first_name|default:\"friend\" }}"),
    ("text", "<p>Written to {{ email }}. <a href=\"{{ preferences_url }}\">Your choices</a></p>"),
    BEST_SELLERS,
    ("button", {"text": "Shop now", "url": "/catalogue/"}),
]


def grid_titles(email):
    return re.findall(r'class="product-title"[^>]*>([^<]*)<', email.alternatives[0][0])


def unsubscribe_contact_id(email):
    token = re.search(r"/lifecycle/unsubscribe/([^/]+)/", email.extra_headers["List-Unsubscribe"]).group(1)
    html_token = re.search(r'href="https://shop\.test/lifecycle/unsubscribe/([^/"]+)/"',
                           email.alternatives[0][0]).group(1)
    assert html_token == token
    return contact_id_from_unsubscribe_token(token)


@pytest.fixture
def inlined(monkeypatch):
    """The HTML documents CSS inlining was asked to inline."""
    documents = []
    real_inliner = render.css_inline.CSSInliner

    class CountingInliner:
        def __init__(self, **options):
            self.inliner = real_inliner(**options)

        def inline(self, html):
            documents.append(html)
            return self.inliner.inline(html)

    monkeypatch.setattr(render.css_inline, "CSSInliner", CountingInliner)
    return documents


def test_one_batch_gives_each_contact_their_own_name_links_and_products(outbox):
    kettle, filters, dripper = create_catalogue(3)
    place_order((kettle, 5))  # the best seller, then filters (by title: none of the others sold)
    ada = get_user_model().objects.create_user("ada", "ada@example.com", "pw")
    place_order((kettle, 1), user=ada)
    create_journey("News", steps=[{"delay_hours": 0, "subject": "For {{ first_name|default:\"you\" }}",
                                   "body": BODY}])
    contacts = {
        "ada@example.com": subscriber("ada@example.com", user=ada),
        "bob@example.com": subscriber("bob@example.com"),
    }
    Contact.objects.filter(email="ada@example.com").update(first_name="Ada")
    for contact in contacts.values():
        enroll("registration", contact)

    assert dispatch_due().sent == 2

    by_recipient = {email.to[0]: email for email in outbox}
    ada_email, bob_email = by_recipient["ada@example.com"], by_recipient["bob@example.com"]
    assert (ada_email.subject, bob_email.subject) == ("For Ada", "For you")
    assert "Hello Ada" in ada_email.alternatives[0][0] and "Hello friend" in bob_email.alternatives[0][0]
    assert "Written to ada@example.com." in ada_email.body and "Written to bob@example.com." in bob_email.body
    assert "Best sellers for Ada" in ada_email.alternatives[0][0]
    assert grid_titles(ada_email) == ["Product 2", "Product 3"], "Ada bought the kettle"
    assert grid_titles(bob_email) == ["Product 1", "Product 2"]
    assert unsubscribe_contact_id(ada_email) == contacts["ada@example.com"].pk
    assert unsubscribe_contact_id(bob_email) == contacts["bob@example.com"].pk
    for email in (ada_email, bob_email):
        message = Message.objects.get(to_email=email.to[0])
        assert email.metadata["lifecycle_message"] == str(message.pk)
        assert f"{SHOP}/catalogue/" in link_destinations(email)


def test_a_step_is_inlined_once_for_contacts_who_see_the_same_blocks(outbox, inlined):
    create_catalogue(3)
    create_journey("News", steps=[{"delay_hours": 0, "body": BODY}])
    for number in range(20):
        enroll("registration", subscriber(f"c{number}@example.com"))

    assert dispatch_due().sent == 20

    assert len(inlined) == 1, "the same best sellers for everyone: one document inlined"
    assert len({email.alternatives[0][0] for email in outbox}) == 20, "yet each email is its contact's"
    assert all(f"Written to c{number}@example.com." in email.body
               for number, email in enumerate(sorted(outbox, key=lambda email: int(email.to[0][1:].split("@")[0]))))


def test_contacts_whose_blocks_differ_get_a_document_each(outbox, inlined):
    kettle, *_ = create_catalogue(3)
    buyer = get_user_model().objects.create_user("buyer", "buyer@example.com", "pw")
    place_order((kettle, 1), user=buyer)
    create_journey("News", steps=[{"delay_hours": 0, "body": BODY}])
    enroll("registration", subscriber("buyer@example.com", user=buyer))
    for number in range(5):
        enroll("registration", subscriber(f"c{number}@example.com"))

    assert dispatch_due().sent == 6

    assert len(inlined) == 2, "one grid for the buyer, one for everyone else"
    assert [grid_titles(email) for email in outbox if email.to == ["buyer@example.com"]] == [
        ["Product 2", "Product 3"]
    ]


def queries_to_send(emails, body, name):
    """The statements one dispatch_due() pass runs to send ``emails`` emails of a new journey."""
    journey = create_journey(name, steps=[{"delay_hours": 0, "body": body}])
    for number in range(emails):
        enroll("registration", subscriber(f"{name}{number}@example.com"))
    with CaptureQueriesContext(connection) as queries:
        assert dispatch_due().sent == emails
    Journey.objects.filter(pk=journey.pk).update(live=False)  # later contacts do not enter it
    return len(queries)


def test_a_best_sellers_grid_costs_one_query_per_batch_not_per_email(outbox):
    create_catalogue(3)
    with_grid = [queries_to_send(emails, [BEST_SELLERS], f"grid{emails}-") for emails in (1, 30)]
    without = [queries_to_send(emails, [("heading", "Hello")], f"plain{emails}-") for emails in (1, 30)]

    assert with_grid[1] - with_grid[0] == without[1] - without[0], "the grid adds nothing per email"
    assert with_grid[0] - without[0] == 1, "the shop's ranking, read once"
