"""What the ESP tells us about the emails we sent, posted to anymail's real webhook URLs the way
SendGrid and Postmark post it: a dead address or a spam complaint stops all later mail to the
contact, an unsubscribe at the ESP unsubscribes them here, delivery, opens and clicks are
recorded, and a forged or replayed call changes nothing.

The payloads are those of django-anymail's own test suite (tests/test_sendgrid_webhooks.py,
tests/test_postmark_webhooks.py), with the message id of an email our dispatcher really sent.
"""

import base64
import json
import logging
from datetime import timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.core.checks import run_checks
from django.urls import reverse

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import ConsentEvent, Contact, Message, MessageEvent
from tests.shop import checkout, create_journey, register

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

SHOPPER = "reader@example.com"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def basic_auth(credentials):
    return "Basic " + base64.b64encode(credentials.encode()).decode()


WEBHOOK_SECRET = basic_auth("sandbox:sandbox")  # ANYMAIL["WEBHOOK_SECRET"] of the test settings

# SendGrid posts a list of events; these are anymail's test payloads. SendGrid names the message
# with the "anymail_id" custom arg anymail's SendGrid backend adds to every send.
SENDGRID = {
    "delivered": {
        "ip": "167.89.17.173", "response": "250 2.0.0 OK 1461095248 m143si2210036ioe.159 - gsmtp ",
        "smtp-id": "<wrfRRvF7Q0GgwUo2CvDmEA@ismtpd0006p1sjc2.sendgrid.net>", "sg_event_id": "nOSv8m0eTQ-vxvwNwt3fZQ",
        "sg_message_id": "wrfRRvF7Q0GgwUo2CvDmEA.filter0425p1mdw1.13037.57168B4A1D.0", "tls": 1,
        "event": "delivered",
    },
    "bounce": {
        "ip": "167.89.17.173", "status": "5.1.1", "smtp-id": "<wrfRRvF7Q0GgwUo2CvDmEA@ismtpd0006p1sjc2.sendgrid.net>",
        "sg_event_id": "lC0Rc-FuQmKbnxCWxX1jRQ",
        "reason": "550 5.1.1 The email account that you tried to reach does not exist.",
        "sg_message_id": "Lli-03HcQ5-JLybO9fXsJg.filter0077p1las1.21536.5717FC482.0", "tls": 1,
        "event": "bounce", "type": "bounce",
    },
    # A block: the receiving server refused this message (its content, the sending IP's
    # reputation), not the address. SendGrid keeps sending to a blocked address.
    "blocked": {
        "ip": "167.89.17.173", "status": "5.7.1", "smtp-id": "<wrfRRvF7Q0GgwUo2CvDmEA@ismtpd0006p1sjc2.sendgrid.net>",
        "sg_event_id": "Ym91bmNlLTQtNTA0ODUxOTUtZXVvMmlLeGRTYXlQRjRZRTQtLUk3QS0w",
        "reason": "550 5.7.1 Service unavailable; client host [167.89.17.173] blocked using Spamhaus",
        "sg_message_id": "euo2iKxdSayPF4YE4--I7A.recvd-5f54b5d587-pczjm-1-67BADEEA-6.0", "tls": 1,
        "event": "bounce", "type": "blocked", "bounce_classification": "Reputation",
    },
    "dropped_bounced": {
        "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", "event": "dropped", "category": "cat facts",
        "sg_event_id": "zmzJhfJgAfUSOW80yEbPyw==", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        "reason": "Bounced Address", "status": "5.0.0",
    },
    "dropped_invalid": {
        "smtp-id": "<wrfRRvF7Q0GgwUo2CvDmEA@ismtpd0006p1sjc2.sendgrid.net>", "sg_event_id": "3NPOePGOTkeM_U3fgWApfg",
        "sg_message_id": "filter0093p1las1.9128.5717FB8127.0", "reason": "Invalid", "event": "dropped",
    },
    "dropped_unsubscribed": {
        "smtp-id": "<wrfRRvF7Q0GgwUo2CvDmEA@ismtpd0006p1sjc2.sendgrid.net>", "sg_event_id": "oxy9OLwMTAy5EsuZn1qhIg",
        "sg_message_id": "filter0199p1las1.4745.5717FB6F5.0", "reason": "Unsubscribed Address", "event": "dropped",
    },
    "open": {
        "ip": "66.102.6.229", "sg_event_id": "MjIwNDg5NTgtZGE3OC00NDI1LWFiMmMtMDUyZTU2ZmFkOTFm",
        "sg_message_id": "wrfRRvF7Q0GgwUo2CvDmEA.filter0425p1mdw1.13037.57168B4A1D.0",
        "useragent": "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0", "event": "open",
    },
    "click": {
        "ip": "24.130.34.103", "sg_event_id": "OTdlOGUzYjctYjc5Zi00OWE4LWE4YWUtNjIxNjk2ZTJlNGVi",
        "sg_message_id": "_fjPjuJfRW-IPs5SuvYotg.filter0590p1mdw1.2098.57168CFC4B.0",
        "useragent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_4) AppleWebKit/537.36", "event": "click",
        "url_offset": {"index": 0, "type": "html"}, "url": "https://shop.test/catalogue/",
    },
    # Not in anymail's suite: the shapes of SendGrid's Event Webhook reference.
    "spamreport": {
        "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", "event": "spamreport", "category": "cat facts",
        "sg_event_id": "37nvH5QBz858KGVYCM4uOA==", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
    },
    "unsubscribe": {
        "event": "unsubscribe", "category": "cat facts", "sg_event_id": "zz_BjPgU_5pS-J8vlfB1sg==",
        "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
    },
    "group_unsubscribe": {
        "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>", "event": "group_unsubscribe", "category": "cat facts",
        "sg_event_id": "ahSCB7xYcXFb-hEaawsPRw==", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        "useragent": "Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)",
        "ip": "255.255.255.255", "url": "http://www.sendgrid.com/", "asm_group_id": 10,
    },
}

# Postmark posts one event per call; anymail's test payloads.
POSTMARK = {
    "Delivery": {
        "RecordType": "Delivery", "ServerId": 23, "Tag": "welcome-email",
        "Metadata": {"cohort": "2014-08-A", "userid": "12345"}, "Details": "Test delivery webhook details",
    },
    "HardBounce": {
        "RecordType": "Bounce", "ID": 901542550, "Type": "HardBounce", "TypeCode": 1, "ServerID": 23,
        "Name": "Hard bounce",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "From": "sender@example.com", "DumpAvailable": True, "Inactive": True, "CanActivate": True,
        "Subject": "Postmark event test", "Content": "...",
    },
    "SoftBounce": {
        "RecordType": "Bounce", "ID": 901542551, "Type": "SoftBounce", "TypeCode": 4096, "ServerID": 23,
        "Name": "Soft bounce",
        "Description": "Unable to temporarily deliver this email (ex: the mailbox is full).",
        "Details": "smtp;452 4.2.2 The email account that you tried to reach is over quota.",
        "From": "sender@example.com", "DumpAvailable": True, "Inactive": False, "CanActivate": True,
        "Subject": "Postmark event test", "Content": "...",
    },
    "SpamComplaint": {
        "RecordType": "SpamComplaint", "ID": 901542550, "Type": "SpamComplaint", "TypeCode": 512,
        "Name": "Spam complaint", "Tag": "Test", "ServerID": 1234, "Description": "",
        "Details": "Test spam complaint details", "From": "sender@example.com", "DumpAvailable": True,
        "Inactive": True, "CanActivate": False, "Subject": "Postmark event test",
    },
    "Unsubscribe": {
        "RecordType": "SubscriptionChange", "ServerID": 23, "MessageStream": "outbound", "Origin": "Recipient",
        "SuppressSending": True, "SuppressionReason": "ManualSuppression", "Tag": "welcome-email",
        "Metadata": {"example": "value", "example_2": "value"},
    },
    "SuppressedAfterHardBounce": {
        "RecordType": "SubscriptionChange", "ServerID": 23, "MessageStream": "outbound", "Origin": "Recipient",
        "SuppressSending": True, "SuppressionReason": "HardBounce", "Tag": "my-tag",
        "Metadata": {"example": "value", "example_2": "value"},
    },
    "Open": {
        "RecordType": "Open", "FirstOpen": True, "Client": {"Name": "Gmail", "Company": "Google", "Family": "Gmail"},
        "OS": {"Name": "unknown", "Company": "unknown", "Family": "unknown"}, "Platform": "Unknown",
        "UserAgent": "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0", "ReadSeconds": 0, "Geo": {},
    },
    "Click": {
        "RecordType": "Click", "ClickLocation": "HTML",
        "Client": {"Name": "Chrome 35.0.1916.153", "Company": "Google", "Family": "Chrome"},
        "OS": {"Name": "OS X 10.7 Lion", "Company": "Apple Computer, Inc.", "Family": "OS X 10"},
        "Platform": "Desktop", "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) etc.",
        "OriginalLink": "https://shop.test/catalogue/", "Geo": {"CountryISOCode": "RS", "Country": "Serbia"},
        "Tag": "welcome-email",
    },
}
POSTMARK_TIME_FIELD = {"Delivery": "DeliveredAt", "Bounce": "BouncedAt", "SpamComplaint": "BouncedAt",
                       "SubscriptionChange": "ChangedAt", "Open": "ReceivedAt", "Click": "ReceivedAt"}
EASTERN = dt_timezone(timedelta(hours=-4))


def sendgrid_event(name, message, at, **changes):
    """SendGrid's ``name`` event about ``message``, at ``at``."""
    return {**SENDGRID[name], "email": message.to_email, "timestamp": int(at.timestamp()),
            "anymail_id": message.esp_message_id, **changes}


def postmark_event(name, message, at, **changes):
    """Postmark's ``name`` event about ``message``, at ``at`` (Postmark writes local times)."""
    event = {**POSTMARK[name], "MessageID": message.esp_message_id, **changes}
    event["Email" if event["RecordType"] in ("Bounce", "SpamComplaint") else "Recipient"] = message.to_email
    event[POSTMARK_TIME_FIELD[event["RecordType"]]] = at.astimezone(EASTERN).isoformat()
    return event


def post_to_sendgrid_webhook(client, *events, authorization=WEBHOOK_SECRET):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return client.post(reverse("anymail:sendgrid_tracking_webhook"), data=json.dumps(list(events)),
                       content_type="application/json", **headers)


def post_to_postmark_webhook(client, event, authorization=WEBHOOK_SECRET):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return client.post(reverse("anymail:postmark_tracking_webhook"), data=json.dumps(event),
                       content_type="application/json", **headers)


def sendgrid(name):
    """Post SendGrid's ``name`` event about ``message`` at ``at``; return the response."""
    def post(client, message, at, **changes):
        return post_to_sendgrid_webhook(client, sendgrid_event(name, message, at, **changes))
    post.__name__ = f"SendGrid {name}"
    return post


def postmark(name):
    def post(client, message, at, **changes):
        return post_to_postmark_webhook(client, postmark_event(name, message, at, **changes))
    post.__name__ = f"Postmark {name}"
    return post


def esp_ids(post):
    return post.__name__


@pytest.fixture
def shopper(client, catalogue, outbox, soft_opt_in_for_all):
    """A shopper who registered through Oscar and got the first of two welcome emails (on the
    legacy soft opt-in: what is tested here is what the ESP reports). The shop also thanks its
    customers for every order (relational mail)."""
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome"},
                                     {"delay_days": 2, "subject": "Our best sellers"}])
    create_journey("Thank you", trigger="order_placed", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Thank you for your order"}])
    register(client, SHOPPER)
    run_lifecycle()
    assert [email.subject for email in outbox] == ["Welcome"]
    return Message.objects.get()


def an_hour_after(message):
    """When the ESP's feedback arrives (whole seconds: SendGrid's timestamps have no fraction)."""
    return (message.sent_at + timedelta(hours=1)).replace(microsecond=0)


def the_shopper_buys_and_time_passes(client, catalogue, message):
    """The shopper orders (which would bring the thank-you email) and the second welcome email
    falls due; the runner runs."""
    checkout(client, catalogue[0])
    with time_machine.travel(message.sent_at + timedelta(days=2, minutes=1), tick=False):
        run_lifecycle()


@pytest.mark.parametrize("hard_bounce", [sendgrid("bounce"), postmark("HardBounce")], ids=esp_ids)
def test_a_hard_bounce_stops_every_later_email_even_order_news(hard_bounce, shopper, client, catalogue, outbox):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        response = hard_bounce(client, shopper, at)

    assert response.status_code == 200
    contact = Contact.objects.get(email=SHOPPER)
    assert contact.status == Contact.Status.BOUNCED
    [consent_event] = contact.consent_events.all()
    assert consent_event.status == Contact.Status.BOUNCED
    assert SHOPPER in consent_event.source
    assert list(shopper.events.values_list("kind", "source")) == [("bounced", "esp")]

    the_shopper_buys_and_time_passes(client, catalogue, shopper)

    assert [email.subject for email in outbox] == ["Welcome"], "no more marketing, and no order news either"
    assert Message.objects.get(subject="Our best sellers").reason == "contact is bounced"


@pytest.mark.parametrize("complaint", [sendgrid("spamreport"), postmark("SpamComplaint")], ids=esp_ids)
def test_a_spam_complaint_stops_all_mail_and_withdraws_consent(complaint, shopper, client, catalogue, outbox):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        response = complaint(client, shopper, at)

    assert response.status_code == 200
    contact = Contact.objects.get(email=SHOPPER)
    assert (contact.status, contact.consent) == (Contact.Status.COMPLAINED, Contact.Consent.WITHDRAWN)
    assert list(contact.consent_events.values_list("status", "consent")) == [("complained", "withdrawn")]

    the_shopper_buys_and_time_passes(client, catalogue, shopper)

    assert [email.subject for email in outbox] == ["Welcome"]


@pytest.mark.parametrize("unsubscribe", [
    sendgrid("unsubscribe"), sendgrid("group_unsubscribe"), sendgrid("dropped_unsubscribed"),
    postmark("Unsubscribe"),
], ids=esp_ids)
def test_an_unsubscribe_at_the_esp_unsubscribes_the_contact_here(unsubscribe, shopper, client, catalogue, outbox):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        unsubscribe(client, shopper, at)

    contact = Contact.objects.get(email=SHOPPER)
    assert (contact.status, contact.consent) == (Contact.Status.UNSUBSCRIBED, Contact.Consent.WITHDRAWN)
    assert contact.consent_events.get().status == Contact.Status.UNSUBSCRIBED

    the_shopper_buys_and_time_passes(client, catalogue, shopper)

    assert "Our best sellers" not in [email.subject for email in outbox]


@pytest.mark.parametrize("refusal", [
    sendgrid("dropped_bounced"), sendgrid("dropped_invalid"), postmark("SuppressedAfterHardBounce"),
], ids=esp_ids)
def test_an_address_the_esp_knows_is_dead_counts_as_bounced(refusal, shopper, client, outbox):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        refusal(client, shopper, at)

    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.BOUNCED
    with time_machine.travel(shopper.sent_at + timedelta(days=2, minutes=1), tick=False):
        run_lifecycle()
    assert len(outbox) == 1


@pytest.mark.parametrize("delivered, opened, clicked", [
    (sendgrid("delivered"), sendgrid("open"), sendgrid("click")),
    (postmark("Delivery"), postmark("Open"), postmark("Click")),
], ids=["SendGrid", "Postmark"])
def test_delivery_opens_and_clicks_reported_by_the_esp_are_recorded(delivered, opened, clicked, shopper, client):
    delivered_at = shopper.sent_at.replace(microsecond=0) + timedelta(seconds=5)
    opened_at, clicked_at = an_hour_after(shopper), an_hour_after(shopper) + timedelta(minutes=2)
    with time_machine.travel(clicked_at + timedelta(seconds=30), tick=False):
        responses = [delivered(client, shopper, delivered_at), opened(client, shopper, opened_at),
                     clicked(client, shopper, clicked_at)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert list(shopper.events.values_list("kind", "source", "url", "is_machine", "created_at")) == [
        ("delivered", "esp", "", False, delivered_at),
        ("opened", "esp", "", False, opened_at),
        ("clicked", "esp", "https://shop.test/catalogue/", False, clicked_at),
    ]
    message = Message.objects.get(pk=shopper.pk)
    assert (message.opened_at, message.open_count, message.clicked_at, message.click_count) == (
        opened_at, 1, clicked_at, 1)
    contact = Contact.objects.get(email=SHOPPER)
    assert contact.last_engagement_at == clicked_at
    assert (contact.status, contact.consent_events.count()) == (Contact.Status.ACTIVE, 0)


def test_an_open_by_a_mail_privacy_proxy_is_kept_but_is_no_engagement(shopper, client):
    at = an_hour_after(shopper)
    apple_proxy = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    with time_machine.travel(at, tick=False):
        sendgrid("open")(client, shopper, at, useragent=apple_proxy)

    assert list(shopper.events.values_list("kind", "is_machine")) == [("opened", True)]
    message = Message.objects.get(pk=shopper.pk)
    assert (message.opened_at, message.open_count) == (None, 0)
    assert Contact.objects.get(email=SHOPPER).last_engagement_at is None


@pytest.mark.parametrize("hard_bounce", [sendgrid("bounce"), postmark("HardBounce")], ids=esp_ids)
def test_a_replayed_bounce_is_recorded_once_and_logged_once(hard_bounce, shopper, client):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        responses = [hard_bounce(client, shopper, at) for _attempt in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert shopper.events.count() == 1
    assert ConsentEvent.objects.count() == 1


@pytest.mark.parametrize("engagement", [sendgrid("open"), sendgrid("click")], ids=esp_ids)
def test_a_replayed_open_or_click_is_counted_once(engagement, shopper, client):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        engagement(client, shopper, at)
        engagement(client, shopper, at)  # SendGrid retries a delivery it saw no 2xx for

    message = Message.objects.get(pk=shopper.pk)
    assert shopper.events.count() == 1
    assert message.open_count + message.click_count == 1


# PostgreSQL refuses a NUL character; no database takes an unpaired surrogate (JSON's "\ud800").
@pytest.mark.parametrize("stray", ["\x00", "\ud800"], ids=["NUL", "surrogate"])
def test_a_complaint_with_a_character_no_database_keeps_in_its_details_is_still_a_complaint(stray, shopper, client):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        response = postmark("SpamComplaint")(client, shopper, at, Details=f"Complaint from{stray} a feedback loop",
                                             UserAgent=f"Mail{stray}Client/1.0")

    assert response.status_code == 200
    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.COMPLAINED


# anymail's own test id (Oscar's order confirmation, another app's mail, mail from before the app),
# and one no database could hold (PostgreSQL refuses a NUL even in a query).
@pytest.mark.parametrize("message_id", ["2706ee8a-737c-4285-b032-ccd317af53ed", "2706ee8a\x00"], ids=["other", "NUL"])
@pytest.mark.parametrize("complaint, names_the_message", [
    (sendgrid("spamreport"), "anymail_id"), (postmark("SpamComplaint"), "MessageID"),
], ids=["SendGrid", "Postmark"])
def test_an_event_about_a_message_we_did_not_send_is_ignored(complaint, names_the_message, message_id, shopper, client,
                                                             caplog):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False), caplog.at_level(logging.ERROR, logger="oscar_lifecycle"):
        response = complaint(client, shopper, at, **{names_the_message: message_id})

    assert response.status_code == 200
    assert not caplog.records, caplog.text
    assert not MessageEvent.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.ACTIVE


def test_an_unsubscribe_after_a_complaint_keeps_the_complaint(shopper, client):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        sendgrid("spamreport")(client, shopper, at)
        postmark("Unsubscribe")(client, shopper, at + timedelta(minutes=1))

    contact = Contact.objects.get(email=SHOPPER)
    assert contact.status == Contact.Status.COMPLAINED
    assert list(contact.consent_events.values_list("status", flat=True)) == ["complained"]
    assert sorted(shopper.events.values_list("kind", flat=True)) == ["complained", "unsubscribed"]


@pytest.mark.parametrize("authorization", [
    None, basic_auth("sandbox:wrong"), basic_auth("someone:sandbox"), "Bearer sandbox:sandbox",
], ids=["no credentials", "wrong password", "wrong user", "not basic auth"])
def test_a_webhook_call_without_the_shared_secret_is_refused_and_changes_nothing(authorization, shopper, client):
    at = an_hour_after(shopper)
    with time_machine.travel(at, tick=False):
        responses = [
            post_to_sendgrid_webhook(client, sendgrid_event("bounce", shopper, at), authorization=authorization),
            post_to_postmark_webhook(client, postmark_event("SpamComplaint", shopper, at),
                                     authorization=authorization),
        ]

    assert [response.status_code for response in responses] == [400, 400]
    assert not MessageEvent.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.ACTIVE


def routing_warnings():
    return [message for message in run_checks() if message.id == "oscar_lifecycle.W008"]


@pytest.mark.parametrize("backend", ["anymail.backends.sendgrid.EmailBackend",
                                     "anymail.backends.amazon_ses.EmailBackend"])
def test_a_shop_whose_urls_leave_out_anymails_webhooks_is_warned(backend, settings):
    settings.EMAIL_BACKEND = backend
    assert routing_warnings() == [], "the sandbox routes anymail's webhooks"
    settings.ROOT_URLCONF = "tests.urls_without_anymail"
    for no_webhooks in ["anymail.backends.test.EmailBackend", "django.core.mail.backends.smtp.EmailBackend"]:
        settings.EMAIL_BACKEND = no_webhooks
        assert routing_warnings() == [], f"{no_webhooks} gets no ESP events: nothing to route"

    settings.EMAIL_BACKEND = backend
    [warning] = routing_warnings()

    esp = backend.split(".")[2]
    assert f"no 'anymail:{esp}_tracking_webhook'" in warning.msg
    assert "bounces and complaints from your ESP have nowhere to arrive" in warning.msg
    assert 'path("anymail/", include("anymail.urls"))' in warning.hint


def test_a_complaint_about_a_long_address_is_still_a_complaint(client, catalogue, outbox, soft_opt_in_for_all):
    """The address goes into the consent log's source ("ESP: marked as spam (<address>)"): an
    address of 90 characters made it too long for the column, and PostgreSQL lost the complaint."""
    long_address = f"{'a' * 64}@{'mail.' * 4}example.com"
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Welcome"}])
    register(client, long_address)
    run_lifecycle()
    message = Message.objects.get()
    at = an_hour_after(message)

    post_to_sendgrid_webhook(client, sendgrid_event("spamreport", message, at))

    assert Contact.objects.get(email=long_address).status == Contact.Status.COMPLAINED
