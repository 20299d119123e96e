"""The app's public endpoints face the whole internet: the links of every email (click redirect,
open pixel, unsubscribe, the contact's own page, the 1-5 rating, the basket link) and anymail's
webhooks. Thousands of random, truncated and tampered inputs must never break them (no 500), never
send anyone off the shop's site, and a refused request must change nothing in the database.

The real links come from an email the dispatcher really sent; hypothesis cuts them, changes a
character, splices two of them and uses one endpoint's token on another.
"""

import base64
import functools
import json
import logging
import os
import re
import traceback
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from urllib.parse import quote, urlsplit

import hypothesis
import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from oscar.core.loading import get_model

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import (
    ConsentEvent,
    Contact,
    Enrollment,
    Message,
    MessageEvent,
    Suppression,
    SurveyResponse,
)
from tests.shop import add_to_basket, checkout, create_journey, link_destinations, register, register_subscriber

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

SITE = "https://shop.test"
SHOPPER = "fuzz@example.com"
BLOG_POST = "https://blog.example.org/post?id=1&lang=fr"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def fuzz(examples):
    return hypothesis.settings(
        max_examples=examples, deadline=None,
        database=None,  # no .hypothesis/ folder left in the repository
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.filter_too_much],
    )


# --- what is checked -----------------------------------------------------------------------------

@functools.cache
def state_query():
    """One query for the rows of the app's tables (a no outlives the contact in the suppression
    list), the contacts' status, consent and choices, the messages' opens and clicks and the
    ratings: thousands of requests are compared."""
    def select(kind, table, *columns):
        return f"SELECT '{kind}', " + ", ".join(f"CAST({column} AS TEXT)" for column in columns) + f" FROM {table}"

    counted = (Contact, ConsentEvent, Suppression, Enrollment, Message, MessageEvent, SurveyResponse)
    tables = {model: model._meta.db_table for model in counted}
    return " UNION ALL ".join([
        *(select(model.__name__, table, "COUNT(*)", *["NULL"] * 5) for model, table in tables.items()),
        select("contact", tables[Contact], "id", "status", "consent", "frequency", "paused_until", "last_engagement_at"),
        select("message", tables[Message], "id", "status", "open_count", "click_count", "opened_at", "clicked_at"),
        select("rating", tables[SurveyResponse], "id", "rating", "comment", *["NULL"] * 3),
    ])


def database_state():
    """What a refused request must leave as it was."""
    with connection.cursor() as cursor:
        cursor.execute(state_query())
        return sorted(cursor.fetchall(), key=repr)


def consent_state():
    """What a GET (a mail scanner follows every link) must leave as it was."""
    return (list(Contact.objects.order_by("pk").values_list("pk", "email", "status", "consent")),
            ConsentEvent.objects.count(), Suppression.objects.count(), SurveyResponse.objects.count())


def stays_on_the_site(location):
    """A redirect to one of the shop's own pages: a path, or the shop's own address."""
    if location.startswith("//") or "\\" in location:
        return False
    parts = urlsplit(location)
    return (not parts.scheme and not parts.netloc) or f"{parts.scheme}://{parts.netloc}" in (SITE, "http://testserver")


def assert_answered_safely(response, *, destination=None):
    assert response.status_code < 500
    if 300 <= response.status_code < 400:
        assert response["Location"] == destination or stays_on_the_site(response["Location"]), response["Location"]


# --- the email and its links ---------------------------------------------------------------------

class Links:
    """The tracked links of one sent email, by endpoint."""

    def __init__(self, email):
        html = email.alternatives[0][0]
        destinations = link_destinations(email)
        # click token -> where the email said it leads
        self.click_to = dict(zip(re.findall(r'href="https://shop\.test/lifecycle/c/([^/"]+)/"', html), destinations))
        paths = {urlsplit(url).path for url in re.findall(r'"(https://shop\.test/lifecycle/[^"]+)"', html)}
        paths |= {urlsplit(url).path for url in destinations if url.startswith(f"{SITE}/lifecycle/")}
        self.pixel = self._one(paths, r"/lifecycle/o/([^/]+)")
        self.unsubscribe = self._one(paths, r"/lifecycle/unsubscribe/([^/]+)/")
        self.rating = self._one(paths, r"/lifecycle/rate/([^/]+)/\d/")
        # The contact's own page (how often, what about), where the win-back series sends them.
        [(self.contact_page_prefix, self.contact_page)] = {
            match.groups() for path in paths
            if (match := re.fullmatch(r"(/lifecycle/(?!c/|o/|unsubscribe/|rate/)[a-z]+/)([^/]+)/", path))
        }
        self.any_token = tokens([*self.click_to, self.pixel, self.unsubscribe, self.rating, self.contact_page])

    @staticmethod
    def _one(paths, pattern):
        [token] = {match.group(1) for path in paths if (match := re.fullmatch(pattern, path))}
        return token


@pytest.fixture
def links(client, catalogue, outbox):
    """A customer's email after their order, holding every kind of link: a page of the shop and
    a blog post (click redirects), the contact's page, a 1-5 rating of the order, the open
    pixel and the unsubscribe link."""
    create_journey("After your order", trigger="order_placed", steps=[{"delay_hours": 0, "body": [
        ("button", {"text": "Shop now", "url": "/catalogue/"}),
        ("button", {"text": "Our blog", "url": BLOG_POST}),
        ("button", {"text": "Your preferences", "url": "{{ preferences_url }}"}),
        ("rating", {"question": "How was your order?", "low_label": "Bad", "high_label": "Great"}),
    ]}])
    register(client, SHOPPER)
    checkout(client, catalogue[0])
    run_lifecycle()
    [email] = outbox
    return Links(email)


# --- inputs --------------------------------------------------------------------------------------

TOKEN_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.="
NASTY = st.sampled_from([
    "\x00", "a\x00b", "%00", "\r\n", "\u202e", "\ufeff", "𝕏", "<script>alert(1)</script>", "' OR '1'='1",
    "{{ 7|add:7 }}", "../../etc/passwd", "//evil.example/", "https://evil.example/", "javascript:alert(1)",
    "\\\\evil.example", "%2F%2Fevil.example", "9" * 40,
])
TEXT = st.one_of(st.text(max_size=80), NASTY, st.lists(NASTY | st.text(max_size=5), max_size=4).map("".join))


def tampered(token):
    """``token`` cut at a random point, with one character changed, added or removed."""
    positions = st.integers(0, len(token) - 1)
    characters = st.one_of(st.sampled_from(TOKEN_CHARACTERS), st.characters(codec="utf-8"))
    return st.one_of(
        positions.map(lambda cut: token[:cut]),
        positions.map(lambda cut: token[cut:]),
        st.tuples(positions, characters).filter(lambda change: token[change[0]] != change[1]).map(
            lambda change: token[:change[0]] + change[1] + token[change[0] + 1:]),
        st.tuples(positions, characters).map(lambda added: token[:added[0]] + added[1] + token[added[0]:]),
        positions.map(lambda cut: token[:cut] + token[cut + 1:]),
        st.sampled_from([token.upper(), token.lower(), token + ".gif", token.removesuffix(".gif"), token * 2]),
    )


def spliced(first, second):
    """The signed value of one token under the signature of another."""
    return f"{first.rpartition(':')[0]}:{second.rpartition(':')[2]}"


def tokens(real_tokens):
    """Any token: a real one of any endpoint, tampered with, two spliced, or random text."""
    real = st.sampled_from(real_tokens)
    return st.one_of(
        real,
        real.flatmap(tampered),
        st.tuples(real, real).map(lambda pair: spliced(*pair)),
        st.text(alphabet=TOKEN_CHARACTERS, max_size=120),
        TEXT,
    )


METHODS = st.sampled_from(["GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"])
CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x", "text/plain",
    "application/json", "application/octet-stream", "",
])
# A browser name as a WSGI server hands it over (latin-1, NUL included where the server lets one
# through) or as an ESP reports it.
USER_AGENTS = st.one_of(st.just(BROWSER), st.just(""), st.text(st.characters(max_codepoint=255)), NASTY)


def request_bodies(fields, optional=None):
    """A form (``fields`` drawn from their strategies, maybe ``optional`` ones, and noise), or raw
    bytes of any content type."""
    form = st.fixed_dictionaries(fields, optional={**(optional or {}), "noise": TEXT}).map(lambda data: ("form", data))
    raw = st.tuples(st.binary(max_size=300), CONTENT_TYPES).map(lambda raw: ("raw", raw))
    return st.sampled_from([form, form, raw]).flatmap(lambda body: body)


def draw_token(data, links, *own):
    """Mostly the endpoint's own real token (what the other inputs are fuzzed with), else any token."""
    genuine = data.draw(st.sampled_from([True, True, False]), label="genuine link")
    return data.draw(st.sampled_from(own) if genuine else links.any_token, label="token")


def draw_method(data, *allowed):
    """Mostly a method the endpoint answers, else any."""
    answered = data.draw(st.sampled_from([True, True, False]))
    return data.draw(st.sampled_from(allowed) if answered else METHODS, label="method")


def send(client, method, path, body=("form", {}), user_agent=BROWSER):
    kind, payload = body
    if kind == "form" and method == "POST":
        return client.post(path, payload, HTTP_USER_AGENT=user_agent)
    data, content_type = payload if kind == "raw" else (b"", "")
    return client.generic(method, path, data=data, content_type=content_type, HTTP_USER_AGENT=user_agent)


def check_refusal(client, method, path, body=("form", {}), user_agent=BROWSER):
    """The request is refused (4xx) and changes nothing."""
    before = database_state()
    response = send(client, method, path, body, user_agent)
    assert_answered_safely(response)
    assert 400 <= response.status_code < 500, (method, path, response.status_code)
    assert database_state() == before, (method, path)


# --- the links of the email ----------------------------------------------------------------------

@fuzz(300)
@given(data=st.data())
def test_the_click_redirect_goes_only_where_the_email_said(links, client, data):
    token = draw_token(data, links, *sorted(links.click_to))
    method = draw_method(data, "GET", "HEAD")
    user_agent = data.draw(USER_AGENTS, label="user agent")
    path = f"/lifecycle/c/{quote(token, safe='')}/"

    if token in links.click_to and method in ("GET", "HEAD"):
        response = send(client, method, path, user_agent=user_agent)
        assert (response.status_code, response["Location"]) == (302, links.click_to[token])
        assert MessageEvent.objects.filter(kind="clicked", url=links.click_to[token]).exists()
    else:
        check_refusal(client, method, path, user_agent=user_agent)


@fuzz(250)
@given(data=st.data())
def test_the_open_pixel_answers_only_its_own_token(links, client, data):
    token = draw_token(data, links, links.pixel)
    method = draw_method(data, "GET", "HEAD")
    path = f"/lifecycle/o/{quote(token, safe='')}"

    # The pixel's URL ends in .gif for the mail clients; the token without it is the same.
    if token.removesuffix(".gif") == links.pixel.removesuffix(".gif") and method in ("GET", "HEAD"):
        response = send(client, method, path)
        assert (response.status_code, response["Content-Type"]) == (200, "image/gif")
        assert MessageEvent.objects.filter(kind="opened").exists()
    else:
        check_refusal(client, method, path)


@fuzz(250)
@given(data=st.data())
def test_only_the_contacts_own_link_unsubscribes_and_only_by_post(links, client, data):
    token = draw_token(data, links, links.unsubscribe)
    method = draw_method(data, "GET", "POST")
    body = data.draw(request_bodies({"List-Unsubscribe": st.just("One-Click") | TEXT}), label="body")
    user_agent = data.draw(USER_AGENTS, label="user agent")
    path = f"/lifecycle/unsubscribe/{quote(token, safe='')}/"

    if token == links.unsubscribe and method in ("GET", "POST"):
        before = consent_state()
        response = send(client, method, path, body, user_agent)
        assert_answered_safely(response)
        assert response.status_code == 200
        if method == "GET":
            assert consent_state() == before, "a GET (a link scanner) unsubscribes nobody"
        else:
            assert Contact.objects.get(email=SHOPPER).status == Contact.Status.UNSUBSCRIBED
    else:
        check_refusal(client, method, path, body)


# The contact's page, and below it their request for a link to their data (sent to their address):
# sub-page -> the methods it answers.
CONTACT_PAGES = {"": ("GET", "POST"), "my-data/": ("POST",)}
TOPICS = ["recommendations", "offers", "news"]


@fuzz(300)
@given(data=st.data())
def test_only_the_contacts_own_link_opens_their_page_or_asks_for_their_data(links, client, data):
    token = draw_token(data, links, links.contact_page)
    page = data.draw(st.sampled_from(sorted(CONTACT_PAGES)), label="page")
    method = draw_method(data, *CONTACT_PAGES[page])
    body = data.draw(request_bodies({"frequency": st.sampled_from(Contact.Frequency.values) | TEXT}, optional={
        "marketing": st.sampled_from(["on", ""]) | TEXT,
        "topics": st.lists(st.sampled_from(TOPICS) | TEXT, max_size=4),
        "confirm": st.sampled_from(["on", "1"]) | TEXT,
    }), label="body")
    user_agent = data.draw(USER_AGENTS, label="user agent")
    path = f"{links.contact_page_prefix}{quote(token, safe='')}/{page}"

    if token == links.contact_page and method in CONTACT_PAGES[page]:
        before = consent_state()
        response = send(client, method, path, body, user_agent)
        assert_answered_safely(response)
        # 400: raw bytes announced as a multipart form that is none
        assert response.status_code in (200, 302, 303) or (body[0] == "raw" and response.status_code == 400)
        if method == "GET":
            assert consent_state() == before, "a GET (a link scanner) changes no consent and forgets nobody"
    else:
        check_refusal(client, method, path, body)


RATINGS = st.one_of(st.integers(0, 7).map(str), st.integers(0, 10**30).map(str), TEXT,
                    st.sampled_from(["05", "-1", "3.0", "٣", "1e0", " 3", "3 "]))


def is_a_rating(segment):
    return segment.isascii() and segment.isdigit() and 1 <= int(segment) <= 5


@fuzz(250)
@given(data=st.data())
def test_only_a_real_rating_link_with_a_rating_from_1_to_5_is_stored(links, client, data):
    token = draw_token(data, links, links.rating)
    rating = data.draw(st.sampled_from([st.integers(1, 5).map(str)] * 2 + [RATINGS]).flatmap(lambda ratings: ratings),
                       label="rating")
    method = draw_method(data, "GET", "POST")
    body = data.draw(request_bodies({"comment": TEXT}), label="body")
    path = f"/lifecycle/rate/{quote(token, safe='')}/{quote(rating, safe='')}/"

    if token == links.rating and is_a_rating(rating) and method in ("GET", "POST"):
        before = consent_state()
        response = send(client, method, path, body)
        assert_answered_safely(response)
        if method == "GET":
            assert response.status_code == 200
            assert consent_state() == before, "a GET (a link scanner) rates nothing"
        elif not (body[0] == "raw" and response.status_code == 400):
            assert response.status_code == 200
            assert SurveyResponse.objects.get().rating == int(rating)
    else:
        check_refusal(client, method, path, body)


def test_a_comment_with_a_nul_byte_is_no_server_error(links, client):
    response = client.post(f"/lifecycle/rate/{links.rating}/2/", {"comment": "It came\x00 broken"})

    assert response.status_code in (200, 400)


@pytest.fixture
def basket_reminder(client, catalogue, outbox):
    """The tokens of an abandoned-basket reminder: (its basket link's, its product link's)."""
    create_journey("Abandoned basket", trigger="abandoned_basket", steps=[{"delay_hours": 0, "body": [
        ("basket_lines", None), ("button", {"text": "Back to my basket", "url": "/basket/"}),
    ]}])
    register_subscriber(client, SHOPPER)
    add_to_basket(client, catalogue[0])
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        run_lifecycle()
    html = outbox[0].alternatives[0][0]
    [basket_token] = set(re.findall(r'href="https://shop\.test/lifecycle/basket/([^/"]+)/"', html))
    [click_token] = re.findall(r'href="https://shop\.test/lifecycle/c/([^/"]+)/"', html)
    return basket_token, click_token


@fuzz(200)
@given(data=st.data())
def test_only_the_reminders_own_basket_link_restores_a_basket_and_only_into_the_shop(
    basket_reminder, client_class, data
):
    basket_token, click_token = basket_reminder
    genuine = data.draw(st.sampled_from([True, True, False]), label="genuine link")
    token = basket_token if genuine else data.draw(tokens([basket_token, click_token]), label="token")
    method = draw_method(data, "GET", "HEAD")
    user_agent = data.draw(USER_AGENTS, label="user agent")
    path = f"/lifecycle/basket/{quote(token, safe='')}/"
    baskets = get_model("basket", "Basket").objects

    if token == basket_token and method in ("GET", "HEAD"):
        response = send(client_class(), method, path, user_agent=user_agent)
        assert (response.status_code, response["Location"]) == (302, "/basket/")
    else:
        before = baskets.count()
        check_refusal(client_class(), method, path, user_agent=user_agent)
        assert baskets.count() == before


# --- anymail's webhooks --------------------------------------------------------------------------

WEBHOOKS = {"SendGrid": "/anymail/sendgrid/tracking/", "Postmark": "/anymail/postmark/tracking/"}
WEBHOOK_SECRET = "Basic " + base64.b64encode(b"sandbox:sandbox").decode()
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=5),
    max_leaves=12,
)


def wrong_credentials():
    wrong_pair = st.tuples(TEXT, TEXT).filter(lambda pair: pair != ("sandbox", "sandbox"))
    return st.one_of(
        st.none(),
        wrong_pair.map(lambda pair: "Basic " + base64.b64encode(":".join(pair).encode()).decode()),
        st.integers(0, len(WEBHOOK_SECRET) - 1).map(lambda cut: WEBHOOK_SECRET[:cut]),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
        st.just("Bearer " + WEBHOOK_SECRET.split()[1]),
    )


def post_webhook(client, esp, body, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    return client.post(WEBHOOKS[esp], data=body, content_type="application/json", **headers)


def status_strengths():
    order = [Contact.Status.ACTIVE, Contact.Status.SUNSET, Contact.Status.UNSUBSCRIBED,
             Contact.Status.BOUNCED, Contact.Status.COMPLAINED]
    return {pk: order.index(status) for pk, status in Contact.objects.values_list("pk", "status")}


@fuzz(250)
@given(data=st.data())
def test_webhook_calls_without_the_secret_are_refused_and_change_nothing(links, client, data):
    esp = data.draw(st.sampled_from(sorted(WEBHOOKS)), label="ESP")
    body = data.draw(st.one_of(JSON.map(json.dumps), st.binary(max_size=200)), label="body")
    authorization = data.draw(wrong_credentials(), label="Authorization")

    before = database_state()
    response = post_webhook(client, esp, body, authorization)

    assert response.status_code == 400
    assert database_state() == before


def sendgrid_events(message_ids):
    """A SendGrid post: a list of events shaped as SendGrid shapes them, with any values."""
    event = st.fixed_dictionaries({
        "event": st.sampled_from(["processed", "delivered", "deferred", "bounce", "dropped", "open", "click",
                                  "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe"]) | TEXT,
        "anymail_id": message_ids,
        "email": st.sampled_from([SHOPPER, "someone@example.com"]) | TEXT,
        "timestamp": st.integers(1_000_000_000, 4_000_000_000),
        "sg_event_id": TEXT,
    }, optional={
        "type": st.sampled_from(["bounce", "blocked", "expired"]) | TEXT,
        "reason": st.sampled_from(["Bounced Address", "Invalid", "Unsubscribed Address"]) | TEXT,
        "response": TEXT,
        "useragent": USER_AGENTS,
        "url": st.just(BLOG_POST) | TEXT,
        "status": TEXT,
    })
    return st.lists(event, min_size=1, max_size=4)


def postmark_event(message_ids):
    """A Postmark post: one event shaped as Postmark shapes it, with any values."""
    moment = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2100, 1, 1),
                          timezones=st.sampled_from([UTC, dt_timezone(timedelta(hours=-4))]))
    return st.fixed_dictionaries({
        "RecordType": st.sampled_from(["Delivery", "Bounce", "SpamComplaint", "Open", "Click", "SubscriptionChange"])
        | TEXT.filter(lambda kind: kind != "Inbound"),  # anymail refuses an inbound email here, loudly
        "MessageID": message_ids,
        "Recipient": st.just(SHOPPER),
    }, optional={
        "Type": st.sampled_from(["HardBounce", "SoftBounce", "Transient", "SpamComplaint", "BadEmailAddress",
                                 "ManuallyDeactivated", "Unsubscribe", "DnsError"]) | TEXT,
        "SuppressSending": st.booleans(),
        "SuppressionReason": st.sampled_from(["HardBounce", "SpamComplaint", "ManualSuppression"]),
        "BouncedAt": moment.map(datetime.isoformat),
        "ReceivedAt": moment.map(datetime.isoformat),
        "DeliveredAt": moment.map(datetime.isoformat),
        "Description": TEXT,
        "Details": TEXT,
        "UserAgent": USER_AGENTS,
        "OriginalLink": st.just(BLOG_POST) | TEXT,
        "ID": st.integers(0, 2**40),
    })


@fuzz(250)
@given(data=st.data())
def test_the_esps_events_never_break_the_webhook_and_only_ours_change_anything(links, client, data, caplog):
    ours = sorted(Message.objects.exclude(esp_message_id="").values_list("esp_message_id", flat=True))
    message_ids = st.one_of(st.sampled_from(ours), TEXT.filter(lambda message_id: message_id not in ours))
    esp = data.draw(st.sampled_from(sorted(WEBHOOKS)), label="ESP")
    events = data.draw(sendgrid_events(message_ids) if esp == "SendGrid" else postmark_event(message_ids),
                       label="events")
    named = {event["anymail_id"] for event in events} if esp == "SendGrid" else {events["MessageID"]}

    before, strengths = database_state(), status_strengths()
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="oscar_lifecycle"):
        response = post_webhook(client, esp, json.dumps(events), WEBHOOK_SECRET)

    assert response.status_code == 200
    assert not caplog.records, "an event was lost: " + caplog.text
    if named.isdisjoint(ours):
        assert database_state() == before, "an event about somebody else's message changes nothing"
    after = status_strengths()
    assert all(after[pk] >= strength for pk, strength in strengths.items()), "the ESP only ever adds a no"


@fuzz(200)
@given(data=st.data())
def test_any_json_with_the_secret_is_anymails_to_refuse_and_never_breaks_our_receiver(links, client, data):
    esp = data.draw(st.sampled_from(sorted(WEBHOOKS)), label="ESP")
    body = data.draw(JSON.map(json.dumps), label="body")

    before = database_state()
    try:
        response = post_webhook(client, esp, body, WEBHOOK_SECRET)
    except Exception as error:  # noqa: BLE001 - anymail answers 500 to what it cannot parse; the ESP retries
        frames = [frame.filename for frame in traceback.extract_tb(error.__traceback__)]
        assert not [name for name in frames if f"{os.sep}oscar_lifecycle{os.sep}" in name], traceback.format_exc()
        assert database_state() == before
    else:
        assert response.status_code == 200
