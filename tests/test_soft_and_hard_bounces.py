"""A bounce is hard or soft as the ESP says, whatever anymail calls it: a soft bounce (a full
mailbox) is recorded and mail goes on; a hard one (no such address) stops every later email,
order news included; SOFT_BOUNCE_LIMIT soft bounces within SOFT_BOUNCE_WINDOW with no delivery
in between become a hard one; a block (the receiving server refused the sender) never counts
against the address.

Each ESP posts its own payloads (those of django-anymail's test suite, or the ESP's documented
ones where anymail tests only the other kind of bounce) to anymail's real webhook views, about
emails our dispatcher really sent.
"""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.models import Contact, Enrollment, Message, MessageEvent, Suppression
from tests.shop import checkout, create_journey, register
from tests.test_esp_feedback import (
    WEBHOOK_SECRET,
    post_to_postmark_webhook,
    post_to_sendgrid_webhook,
    postmark_event,
    sendgrid_event,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

SHOPPER = "reader@example.com"
MAILGUN_SIGNING_KEY = "TEST_WEBHOOK_SIGNING_KEY"
MANDRILL_KEY = "TEST_WEBHOOK_KEY"
MAILERSEND_SECRET = "TEST_WEBHOOK_SIGNING_SECRET"


class Esp:
    """An ESP as anymail's webhook view hears it: ``post(client, event, message, at)`` posts its
    ``event`` ("delivered", "hard", "soft", "blocked": those in ``events``) about ``message``."""

    name = ""
    events = ("delivered", "hard", "soft")
    # An email backend naming messages as this ESP does, where anymail's test backend's ids
    # ("0", "1"...) are not what its webhook reports.
    backend = None

    def __repr__(self):
        return self.name

    def post(self, client, event, message, at):
        raise NotImplementedError


def _json_post(client, url_name, payload, **headers):
    return client.post(reverse(f"anymail:{url_name}"), data=json.dumps(payload), content_type="application/json",
                       HTTP_AUTHORIZATION=WEBHOOK_SECRET, **headers)


class AmazonSes(Esp):
    """Amazon SES's notifications (anymail's suite, and AWS's documented transient bounce),
    posted by Amazon SNS."""

    name = "Amazon SES"
    events = ("delivered", "hard", "soft", "blocked")
    BOUNCES = {
        "hard": ("Permanent", "General", "5.1.1", "smtp; 550 5.1.1 <jane@example.com>... User unknown"),
        "soft": ("Transient", "MailboxFull", "4.2.2", "smtp; 452 4.2.2 Mailbox full"),
        "blocked": ("Transient", "ContentRejected", "5.7.1", "smtp; 554 5.7.1 Message rejected: content"),
    }

    def post(self, client, event, message, at):
        ses_event = {"mail": {
            "timestamp": message.sent_at.isoformat(), "source": "shop@sandbox.example",
            "messageId": message.esp_message_id, "destination": [message.to_email],
        }}
        if event == "delivered":
            ses_event.update(notificationType="Delivery", delivery={
                "timestamp": at.isoformat(), "recipients": [message.to_email], "processingTimeMillis": 546,
                "reportingMTA": "a8-70.smtp-out.amazonses.com", "smtpResponse": "250 ok:  Message 64111812 accepted",
                "remoteMtaIp": "127.0.2.0",
            })
        else:
            bounce_type, subtype, status, diagnostic = self.BOUNCES[event]
            ses_event.update(notificationType="Bounce", bounce={
                "bounceType": bounce_type, "bounceSubType": subtype, "reportingMTA": "dns; email.example.com",
                "bouncedRecipients": [{"emailAddress": message.to_email, "status": status, "action": "failed",
                                       "diagnosticCode": diagnostic}],
                "timestamp": at.isoformat(),
                "feedbackId": "00000138111222aa-44455566-cccc-cccc-cccc-ddddaaaa068a-000000",
                "remoteMtaIp": "127.0.2.0",
            })
        sns_id = f"19ba9823-d7f2-53c1-860e-{event}-{message.pk}"
        sns_message = {
            "Type": "Notification", "MessageId": sns_id, "TopicArn": "arn:aws:sns:us-east-1:1234567890:SES_Events",
            "Subject": "Amazon SES Email Event Notification", "Message": json.dumps(ses_event) + "\n",
            "Timestamp": at.isoformat(), "SignatureVersion": "1", "Signature": "EXAMPLE-SIGNATURE==",
        }
        return client.post(reverse("anymail:amazon_ses_tracking_webhook"), data=json.dumps(sns_message),
                           content_type="text/plain; charset=UTF-8", HTTP_AUTHORIZATION=WEBHOOK_SECRET,
                           HTTP_X_AMZ_SNS_MESSAGE_ID=sns_id, HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification")


class Brevo(Esp):
    name = "Brevo"
    EVENTS = {
        "delivered": {"event": "delivered"},
        "hard": {"event": "hard_bounce",
                 "reason": " RecipientError: 550 5.5.0 Requested action not taken: mailbox unavailable."},
        "soft": {"event": "soft_bounce", "reason": "undefined Unable to find MX of domain no-mx.example.com"},
    }

    def post(self, client, event, message, at):
        return _json_post(client, "brevo_tracking_webhook", {
            **self.EVENTS[event], "email": message.to_email, "ts_epoch": int(at.timestamp() * 1000),
            "message-id": message.esp_message_id,
        })


class MailerSend(Esp):
    name = "MailerSend"
    EVENTS = {
        "delivered": ("delivered", "delivered", None),
        "hard": ("hard_bounced", "rejected", {"object": "recipient_bounce", "reason": "Host or domain name not found"}),
        "soft": ("soft_bounced", "rejected", {"object": "recipient_bounce", "reason": "Unknown reason"}),
    }

    def post(self, client, event, message, at):
        activity, status, morph = self.EVENTS[event]
        body = json.dumps({"type": f"activity.{activity}", "data": {
            "object": "activity", "id": f"62f114f8165fe0d8db0288e{message.pk}", "type": activity,
            "created_at": at.isoformat(),
            "email": {"status": status, "tags": None, "message": {"id": message.esp_message_id},
                      "recipient": {"email": message.to_email}},
            "morph": morph,
        }}).encode()
        signature = hmac.new(MAILERSEND_SECRET.encode(), body, hashlib.sha256).hexdigest()
        return client.post(reverse("anymail:mailersend_tracking_webhook"), data=body, content_type="application/json",
                           HTTP_AUTHORIZATION=WEBHOOK_SECRET, HTTP_SIGNATURE=signature)


class Mailgun(Esp):
    name = "Mailgun"
    backend = "tests.backends.MailgunIdsBackend"
    EVENTS = {
        "delivered": {"event": "delivered", "delivery-status": {
            "tls": True, "mx-host": "smtp-in.example.com", "attempt-no": 1, "description": "", "code": 250,
            "message": "OK"}},
        "hard": {"event": "failed", "severity": "permanent", "reason": "bounce", "delivery-status": {
            "attempt-no": 1, "description": "", "code": 550,
            "message": "5.1.1 The email account that you tried to reach does not exist."}},
        # A permanent failure Mailgun does not put on its bounce list.
        "soft": {"event": "failed", "severity": "permanent", "reason": "generic", "delivery-status": {
            "attempt-no": 3, "description": "No MX for nomx.example.com", "code": 498,
            "message": "No MX for nomx.example.com"}},
    }

    def post(self, client, event, message, at):
        token = f"651869375b9df3c98fc15c4889b102119add1235c38fc928{message.pk:02d}"
        timestamp = str(int(at.timestamp()))
        signature = hmac.new(MAILGUN_SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
        return _json_post(client, "mailgun_tracking_webhook", {
            "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
            "event-data": {
                **self.EVENTS[event], "timestamp": at.timestamp(), "recipient": message.to_email, "log-level": "info",
                "message": {"headers": {"to": message.to_email, "message-id": message.esp_message_id.strip("<>"),
                                        "from": "shop@sandbox.example", "subject": message.subject}},
            },
        })


class Mailjet(Esp):
    name = "Mailjet"
    EVENTS = {
        "delivered": {"event": "sent", "smtp_reply": "sent (250 2.0.0 OK 1498093527 a67bc12345def.22 - gsmtp)"},
        "hard": {"event": "bounce", "blocked": True, "hard_bounce": True, "error_related_to": "domain",
                 "error": "invalid domain"},
        "soft": {"event": "bounce", "blocked": False, "hard_bounce": False, "error_related_to": "recipient",
                 "error": "quota exceeded"},
    }

    def post(self, client, event, message, at):
        return _json_post(client, "mailjet_tracking_webhook", [{
            **self.EVENTS[event], "time": int(at.timestamp()), "MessageID": int(message.esp_message_id),
            "email": message.to_email, "mj_campaign_id": 1234567890, "mj_contact_id": 9876543210,
            "customcampaign": "",
        }])


class Mandrill(Esp):
    """Mandrill reports no deliveries ("send" is anymail's "sent")."""

    name = "Mandrill"
    events = ("hard", "soft")
    EVENTS = {
        "hard": {"bounce_description": "bad_mailbox", "bgtools_code": 10,
                 "diag": "smtp;550 5.1.1 The email account that you tried to reach does not exist."},
        "soft": {"bounce_description": "mailbox_full", "bgtools_code": 22,
                 "diag": "smtp;552 5.2.2 The email account that you tried to reach is over quota."},
    }

    def post(self, client, event, message, at):
        mandrill_events = json.dumps([{
            "event": f"{event}_bounce", "_id": message.esp_message_id, "ts": int(at.timestamp()),
            "msg": {**self.EVENTS[event], "ts": int(message.sent_at.timestamp()), "subject": message.subject,
                    "email": message.to_email, "sender": "shop@sandbox.example", "_id": message.esp_message_id},
        }])
        # Mandrill signs the URL it calls (with the basic auth in it) and the posted fields.
        url = reverse("anymail:mandrill_webhook")
        signed = f"http://sandbox:sandbox@testserver{url}mandrill_events{mandrill_events}"
        signature = base64.b64encode(hmac.new(MANDRILL_KEY.encode(), signed.encode(), hashlib.sha1).digest())
        return client.post(url, data={"mandrill_events": mandrill_events},
                           HTTP_AUTHORIZATION=WEBHOOK_SECRET, HTTP_X_MANDRILL_SIGNATURE=signature)


class Postmark(Esp):
    name = "Postmark"
    NAMES = {"delivered": "Delivery", "hard": "HardBounce", "soft": "SoftBounce"}

    def post(self, client, event, message, at):
        return post_to_postmark_webhook(client, postmark_event(self.NAMES[event], message, at))


class Resend(Esp):
    name = "Resend"
    BOUNCES = {
        # anymail's suite: Resend's older payloads carry only the message.
        "hard": {"message": "The recipient's email provider sent a hard bounce message, but didn't specify the"
                            " reason for the hard bounce. We recommend removing the recipient's email address"
                            " from your mailing list."},
        "soft": {"message": "The recipient's email provider sent a bounce message because the recipient's inbox"
                            " was full. You may be able to successfully send to this recipient in the future.",
                 "subType": "MailboxFull", "type": "Transient"},
    }

    def post(self, client, event, message, at):
        data = {"created_at": message.sent_at.isoformat(), "email_id": message.esp_message_id,
                "from": "Sender <shop@sandbox.example>", "subject": message.subject, "to": [message.to_email]}
        if event != "delivered":
            data["bounce"] = self.BOUNCES[event]
        return _json_post(client, "resend_tracking_webhook", {
            "created_at": at.isoformat(), "data": data,
            "type": "email.delivered" if event == "delivered" else "email.bounced",
        })


class SendGrid(Esp):
    name = "SendGrid"
    events = ("delivered", "hard", "soft", "blocked")

    def post(self, client, event, message, at):
        if event == "soft":  # a block SendGrid puts down to the mailbox
            payload = sendgrid_event("blocked", message, at, bounce_classification="Mailbox Unavailable",
                                     reason="452 4.2.2 The email account that you tried to reach is over quota.")
        else:
            payload = sendgrid_event({"hard": "bounce"}.get(event, event), message, at)
        return post_to_sendgrid_webhook(client, payload)


class SparkPost(Esp):
    name = "SparkPost"
    events = ("delivered", "hard", "soft", "blocked")
    EVENTS = {
        "delivered": {"type": "delivery"},
        "hard": {"type": "bounce", "bounce_class": "10", "error_code": "550",
                 "raw_reason": "550 5.1.1 <bounce@example.com>: Recipient address rejected: User unknown"},
        "soft": {"type": "bounce", "bounce_class": "22", "error_code": "552",
                 "raw_reason": "552 5.2.2 <full@example.com>: Mailbox full"},
        "blocked": {"type": "bounce", "bounce_class": "50", "error_code": "554",
                    "raw_reason": "554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org"},
    }

    def post(self, client, event, message, at):
        return _json_post(client, "sparkpost_tracking_webhook", [{"msys": {"message_event": {
            **self.EVENTS[event], "customer_id": "00000", "event_id": f"8434531765349123{message.pk}",
            "message_id": "0004e3724f57753a3561", "raw_rcpt_to": message.to_email, "rcpt_to": message.to_email,
            "timestamp": str(int(at.timestamp())), "transmission_id": message.esp_message_id,
        }}, "cust": {"id": "00000"}}])


ESPS = [AmazonSes(), Brevo(), MailerSend(), Mailgun(), Mailjet(), Mandrill(), Postmark(), Resend(), SendGrid(),
        SparkPost()]


def esps_with(*events):
    return [esp for esp in ESPS if set(events) <= set(esp.events)]


@pytest.fixture(autouse=True)
def esp_webhook_keys(settings):
    """The signing keys of the ESPs that sign their webhooks (besides anymail's basic auth)."""
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
                        "MANDRILL_WEBHOOK_KEY": MANDRILL_KEY, "MAILERSEND_SIGNING_SECRET": MAILERSEND_SECRET}


@pytest.fixture
def esp(request, settings):
    if request.param.backend:
        settings.EMAIL_BACKEND = request.param.backend
    return request.param


@pytest.fixture
def shopper(esp, client, catalogue, outbox, soft_opt_in_for_all):
    """A shopper who registered and got the first of the welcome series (an email every three
    days, so the pressure cap never holds one back; on the legacy soft opt-in: what is tested here
    is what the ESP reports). The shop also thanks every order (relational)."""
    create_journey("Welcome", steps=[{"delay_hours": 0, "subject": "Email 1"}] + [
        {"delay_days": 3, "subject": f"Email {number}"} for number in range(2, 9)])
    create_journey("Thank you", trigger="order_placed", category="relational",
                   steps=[{"delay_hours": 0, "subject": "Thank you for your order"}])
    register(client, SHOPPER)
    run_lifecycle()
    assert subjects(outbox) == ["Email 1"]
    return Message.objects.get()


def subjects(outbox):
    return [email.subject for email in outbox]


def the_next_email_falls_due():
    """Time passes until the welcome series' next email is due, and the runner runs; the Message
    of that step (sent, or not and why)."""
    enrollment = Enrollment.objects.get(journey__name="Welcome")
    step = enrollment.next_step
    with time_machine.travel(enrollment.next_run_at + timedelta(minutes=1), tick=False):
        run_lifecycle()
    return Message.objects.get(step=step)


def an_hour_after(message):
    return (message.sent_at + timedelta(hours=1)).replace(microsecond=0)


def the_esp_reports(esp, client, event, message):
    """``esp`` reports ``event`` about ``message`` an hour after it was sent."""
    at = an_hour_after(message)
    with time_machine.travel(at, tick=False):
        response = esp.post(client, event, message, at)
    assert response.status_code == 200, response.content


def the_shopper_buys(client, catalogue):
    checkout(client, catalogue[0])
    run_lifecycle()


def kinds(message):
    return list(MessageEvent.objects.filter(message=message).values_list("kind", flat=True))


@pytest.mark.parametrize("esp", esps_with("hard", "soft"), indirect=True, ids=repr)
def test_a_soft_bounce_lets_mail_go_on_and_a_hard_one_stops_it_all(esp, shopper, client, catalogue, outbox):
    the_esp_reports(esp, client, "soft", shopper)

    contact = Contact.objects.get(email=SHOPPER)
    assert (contact.status, contact.consent_events.count()) == (Contact.Status.ACTIVE, 0)
    assert kinds(shopper) == [MessageEvent.Kind.SOFT_BOUNCED]
    assert not Suppression.objects.exists()
    second = the_next_email_falls_due()
    assert subjects(outbox) == ["Email 1", "Email 2"]

    the_esp_reports(esp, client, "hard", second)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.BOUNCED
    assert Suppression.objects.get().status == Contact.Status.BOUNCED
    assert kinds(second) == [MessageEvent.Kind.BOUNCED]
    the_shopper_buys(client, catalogue)
    assert the_next_email_falls_due().reason == "contact is bounced"
    assert subjects(outbox) == ["Email 1", "Email 2"], "no more marketing, and no order news either"


@pytest.mark.parametrize("esp", esps_with("soft"), indirect=True, ids=repr)
def test_three_soft_bounces_in_fifteen_days_without_a_delivery_are_a_hard_one(esp, shopper, client, catalogue,
                                                                             outbox):
    the_esp_reports(esp, client, "soft", shopper)
    the_esp_reports(esp, client, "soft", the_next_email_falls_due())
    third = the_next_email_falls_due()
    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.ACTIVE

    the_esp_reports(esp, client, "soft", third)

    contact = Contact.objects.get(email=SHOPPER)
    assert contact.status == Contact.Status.BOUNCED
    assert "3 soft bounces" in contact.consent_events.get().source
    assert Suppression.objects.get().status == Contact.Status.BOUNCED
    the_shopper_buys(client, catalogue)
    assert the_next_email_falls_due().reason == "contact is bounced"
    assert subjects(outbox) == ["Email 1", "Email 2", "Email 3"]


@pytest.mark.parametrize("esp", esps_with("delivered", "soft"), indirect=True, ids=repr)
def test_a_delivery_in_between_starts_the_count_again(esp, shopper, client, outbox):
    the_esp_reports(esp, client, "soft", shopper)
    the_esp_reports(esp, client, "soft", the_next_email_falls_due())
    the_esp_reports(esp, client, "delivered", the_next_email_falls_due())
    the_esp_reports(esp, client, "soft", the_next_email_falls_due())
    the_esp_reports(esp, client, "soft", the_next_email_falls_due())
    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.ACTIVE
    assert len(outbox) == 5

    the_esp_reports(esp, client, "soft", the_next_email_falls_due())

    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.BOUNCED, "three since the delivery"
    the_next_email_falls_due()
    assert len(outbox) == 6


@pytest.mark.parametrize("esp", [AmazonSes()], indirect=True, ids=repr)
def test_soft_bounces_further_apart_than_the_window_do_not_add_up(esp, shopper, client, outbox):
    the_esp_reports(esp, client, "soft", shopper)  # day 0
    for _skipped in range(2):
        the_next_email_falls_due()
    the_esp_reports(esp, client, "soft", the_next_email_falls_due())  # day 9
    for _skipped in range(2):
        the_next_email_falls_due()
    the_esp_reports(esp, client, "soft", the_next_email_falls_due())  # day 18: day 0 is out of the 15 days

    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.ACTIVE
    the_next_email_falls_due()
    assert len(outbox) == 8


@pytest.mark.parametrize("esp", [Brevo()], indirect=True, ids=repr)
def test_the_limit_and_the_window_are_settings(esp, shopper, client, settings, outbox):
    settings.OSCAR_LIFECYCLE = {**settings.OSCAR_LIFECYCLE, "SOFT_BOUNCE_LIMIT": 2,
                                "SOFT_BOUNCE_WINDOW": timedelta(days=30)}
    the_esp_reports(esp, client, "soft", shopper)  # day 0
    for _skipped in range(5):
        the_next_email_falls_due()
    the_esp_reports(esp, client, "soft", the_next_email_falls_due())  # day 18

    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.BOUNCED
    the_next_email_falls_due()
    assert len(outbox) == 7


@pytest.mark.parametrize("esp", esps_with("blocked"), indirect=True, ids=repr)
def test_a_block_is_recorded_and_never_counts_against_the_address(esp, shopper, client, catalogue, outbox):
    """SES's content rejections, SparkPost's mail blocks, SendGrid's blocks for the sender's
    reputation: the receiving server refused the sender, not the address."""
    the_esp_reports(esp, client, "blocked", shopper)
    for _email in range(3):
        the_esp_reports(esp, client, "blocked", the_next_email_falls_due())

    contact = Contact.objects.get(email=SHOPPER)
    assert (contact.status, contact.consent_events.count()) == (Contact.Status.ACTIVE, 0)
    assert set(MessageEvent.objects.values_list("kind", flat=True)) == {MessageEvent.Kind.BLOCKED}
    the_shopper_buys(client, catalogue)
    the_next_email_falls_due()
    assert subjects(outbox)[-2:] == ["Thank you for your order", "Email 5"]


@pytest.mark.parametrize("esp", [AmazonSes(), Postmark()], indirect=True, ids=repr)
def test_a_soft_bounce_the_esp_posts_again_counts_once(esp, shopper, client):
    for _retry in range(3):
        the_esp_reports(esp, client, "soft", shopper)

    assert kinds(shopper) == [MessageEvent.Kind.SOFT_BOUNCED]
    assert Contact.objects.get(email=SHOPPER).status == Contact.Status.ACTIVE
