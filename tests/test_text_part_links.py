"""The plain-text part of an email: each link in it ends where its URL ends, so a reader whose mail
client shows the text part (or who copies a link from it) lands where the email said."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import urlize
from oscar.core.loading import get_model

from oscar_lifecycle.content.render import RenderedEmail
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.tracking.links import track_links
from oscar_lifecycle.tracking.tokens import click_from_token
from tests.shop import add_to_basket, register_subscriber

pytestmark = pytest.mark.django_db
Product = get_model("catalogue", "Product")
CLICK_TOKEN = re.compile(r"https://shop\.test/lifecycle/c/([^/]+)/")


def links_in(text):
    """The links a mail client makes of a text part (Django's urlize stands for its linkifier)."""
    return re.findall(r'href="([^"]+)"', urlize(text))


@pytest.fixture
def sandbox_shop(settings):
    """The sandbox's demo shop and its ready-made programme, published, as `make sandbox` loads it."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "shop.test"]
    call_command("lifecycle_demo_data", stdout=io.StringIO())
    yield
    Site.objects.clear_cache()  # the demo data renamed the Site; the rollback does not tell the cache


def test_every_link_of_the_basket_reminders_text_part_leads_to_a_page(sandbox_shop, client, client_class, outbox):
    register_subscriber(client, "ada@example.com")
    add_to_basket(client, Product.objects.get(title="Jasmine Pearls"))
    left_at = timezone.now()
    with time_machine.travel(left_at + timedelta(minutes=61), tick=False):
        run_lifecycle()
    [reminder] = [email for email in outbox if email.subject == "Your basket is waiting for you"]

    links = links_in(reminder.body)
    assert len(links) >= 4, reminder.body  # the product, the basket, the preferences, unsubscribing
    assert any(CLICK_TOKEN.match(link) for link in links), "the text part's shop links are tracked"
    for link in links:
        response = client_class().get(link, follow=True)
        assert response.status_code == 200, (link, response.redirect_chain)


TEXT_LINKS = [
    ("Jasmine Pearls (https://shop.test/catalogue/jasmine-pearls_11/)",
     "https://shop.test/catalogue/jasmine-pearls_11/", ")"),
    ("See our sale: https://shop.test/offers/.", "https://shop.test/offers/", "."),
    ("Tea, https://shop.test/tea/, coffee", "https://shop.test/tea/", ","),
    ("Go to https://shop.test/a/; or not", "https://shop.test/a/", ";"),
    ("Is it https://shop.test/b/: yes", "https://shop.test/b/", ":"),
    ("Hurry https://shop.test/c/!", "https://shop.test/c/", "!"),
    ("Seen https://shop.test/d/?", "https://shop.test/d/", "?"),
    ("Say 'https://shop.test/e/'", "https://shop.test/e/", "'"),
    ('Say "https://shop.test/f/"', "https://shop.test/f/", '"'),
    ("<https://shop.test/g/>", "https://shop.test/g/", ">"),
    ("[https://shop.test/h/]", "https://shop.test/h/", "]"),
    ("Read (https://en.wikipedia.org/wiki/Tea_(drink)).", "https://en.wikipedia.org/wiki/Tea_(drink)", ")."),
    ("Page two (https://shop.test/search/?q=tea&page=2).", "https://shop.test/search/?q=tea&page=2", ")."),
    ("Local (http://[::1]:8000/basket/)", "http://[::1]:8000/basket/", ")"),
]


@pytest.mark.parametrize("text, url, after", TEXT_LINKS, ids=[url for _text, url, _after in TEXT_LINKS])
def test_a_text_link_ends_where_its_url_ends(text, url, after):
    """Punctuation after a URL is the sentence's; a bracket closed inside the URL is the URL's."""
    tracked = track_links(RenderedEmail(subject="", preheader="", html="", text=text), 7).text

    [token] = CLICK_TOKEN.findall(tracked)
    assert click_from_token(token) == (7, url)
    assert tracked.split(token + "/", 1)[1].startswith(after)
