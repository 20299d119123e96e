"""What a bounce means, in each ESP's own words.

anymail reports most bounces as ``bounced``, whether the address is dead or its mailbox was
full for a day; the ESP's payload (``event.esp_event``) says which. Each function below reads
one ESP's payload and answers with one of three kinds:

- ``BOUNCED``, a hard bounce: the address does not exist or the ESP will not send to it again.
  Mail to it stops at once.
- ``SOFT_BOUNCED``: this message could not be delivered now (a full mailbox, a server that
  refused for a while). Recorded and counted; repeated ones become a hard bounce
  (``tracking/events.py``).
- ``BLOCKED``: the receiving server refused the sender or the content (the sending IP's
  reputation, a spam filter, a virus scanner), which says nothing about the address. Recorded,
  never counted against it.

Bounces that anymail already reports as ``deferred`` (Mailgun's temporary failures, Postmark's
transient ones, Mailtrap's and Unisender Go's soft bounces, SparkPost's delays) never reach
this table. Of the ESPs not in it, Mailtrap and Unisender Go report only hard bounces as
``bounced``, and Postal does not say which: a hard bounce, as anymail reports it.
"""

from collections.abc import Mapping

from ..models import MessageEvent

HARD = MessageEvent.Kind.BOUNCED
SOFT = MessageEvent.Kind.SOFT_BOUNCED
BLOCKED = MessageEvent.Kind.BLOCKED


def _amazon_ses(event):
    # bounceType: Permanent, Transient or Undetermined; a transient bounceSubType may name the
    # content rather than the mailbox.
    bounce = event.get("bounce") or {}
    if bounce.get("bounceType") == "Permanent":
        return HARD
    if bounce.get("bounceSubType") in ("ContentRejected", "AttachmentRejected", "MessageTooLarge"):
        return BLOCKED
    return SOFT


def _brevo(event):
    # hard_bounce, soft_bounce, invalid_email
    return SOFT if event.get("event") == "soft_bounce" else HARD


def _mailersend(event):
    # data.type: hard_bounced or soft_bounced
    return SOFT if (event.get("data") or {}).get("type") == "soft_bounced" else HARD


def _mailgun(event):
    # Permanent failures (temporary ones are anymail's "deferred"); Mailgun puts an address on its
    # bounce list only for reason "bounce", and refuses those on its lists ("suppress-*"). A
    # legacy "bounced" webhook (no event-data) was a hard bounce.
    if "event-data" not in event:
        return HARD
    reason = (event.get("event-data") or {}).get("reason")
    if reason in ("bounce", "suppress-bounce", "suppress-complaint", "suppress-unsubscribe"):
        return HARD
    if reason in ("espblock", "blacklisted"):
        return BLOCKED
    return SOFT


def _mailjet(event):
    # hard_bounce: true or false; error_related_to "spam": Mailjet's or the receiver's filters.
    if event.get("hard_bounce"):
        return HARD
    return BLOCKED if event.get("error_related_to") == "spam" else SOFT


def _mandrill(event):
    # hard_bounce or soft_bounce
    return SOFT if event.get("event") == "soft_bounce" else HARD


def _postmark(event):
    # Type: HardBounce, SoftBounce, VirusNotification (the other types are not "bounced")
    return {"SoftBounce": SOFT, "VirusNotification": BLOCKED}.get(event.get("Type"), HARD)


def _resend(event):
    # bounce.type Permanent, Transient or Undetermined (as Amazon SES); older payloads only
    # carry a message ("... sent a hard bounce message", "... suppressed sending to this
    # address", "... general bounce message", "... inbox was full").
    bounce = (event.get("data") or {}).get("bounce") or {}
    if "type" in bounce:
        return HARD if bounce["type"] == "Permanent" else SOFT
    message = bounce.get("message") or ""
    return HARD if "hard bounce" in message or "suppressed sending" in message else SOFT


# bounce_type "blocked": the receiving server refused the message; SendGrid's bounce_classification
# says whether the mailbox was the reason. bounce_type "bounce" is a hard bounce.
SENDGRID_ADDRESS_CLASSIFICATIONS = {"Invalid Address", "Mailbox Unavailable"}


def _sendgrid(event):
    if event.get("type") != "blocked":
        return HARD
    return SOFT if event.get("bounce_classification") in SENDGRID_ADDRESS_CLASSIFICATIONS else BLOCKED


# bounce_class (https://support.sparkpost.com/docs/deliverability/bounce-classification-codes):
# hard 10 (invalid recipient), 30 (no RCPT), 90 (unsubscribe); block 25 (SparkPost's policy),
# 50 to 54 (the receiver's mail, spam and content blocks); every other class is soft.
SPARKPOST_HARD_CLASSES = {"10", "30", "90"}
SPARKPOST_BLOCK_CLASSES = {"25", "50", "51", "52", "53", "54"}


def _sparkpost(event):
    message_event = next(iter((event.get("msys") or {}).values()), None) or {}
    bounce_class = message_event.get("bounce_class")
    if bounce_class is None or str(bounce_class) in SPARKPOST_HARD_CLASSES:
        return HARD
    return BLOCKED if str(bounce_class) in SPARKPOST_BLOCK_CLASSES else SOFT


BOUNCE_KIND_BY_ESP = {
    "Amazon SES": _amazon_ses,
    "Brevo": _brevo,
    "MailerSend": _mailersend,
    "Mailgun": _mailgun,
    "Mailjet": _mailjet,
    "Mandrill": _mandrill,
    "Postmark": _postmark,
    "Resend": _resend,
    "SendGrid": _sendgrid,
    "SendinBlue": _brevo,
    "SparkPost": _sparkpost,
}


def bounce_kind(esp_name: str, esp_event) -> MessageEvent.Kind:
    """What an anymail ``bounced`` event from ``esp_name`` is: ``BOUNCED`` (hard),
    ``SOFT_BOUNCED`` or ``BLOCKED``, as the ESP's payload ``esp_event`` says. An ESP not in
    the table, or a payload that is not a mapping, gives ``BOUNCED``, as anymail reports it."""
    read = BOUNCE_KIND_BY_ESP.get(esp_name)
    if read is None or not isinstance(esp_event, Mapping):
        return HARD
    return read(esp_event)
