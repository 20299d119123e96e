"""What a failed send means: a refused recipient, mail that certainly never reached the ESP, or
mail that may have been accepted. Only the first is a reason to give up, and only the second may
be sent again blindly; the third is held until the ESP's events or the shop say what happened.

Errors are read as anymail raises them: its requests-based backends raise an exception that is
both ``AnymailRequestsAPIError`` and the original ``requests`` exception, with urllib3's error in
its context; its boto3-based backend (Amazon SES) wraps botocore's; Django's SMTP backend raises
smtplib's and the socket's.
"""

import smtplib
import socket

import requests
from anymail.exceptions import AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused
from anymail.utils import parse_address_list
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

PAUSED = "paused"
PAUSED_REASON = f"{PAUSED}: the ESP is not answering"
RETRYING_REASON = "send failed, retrying"


class SendFailure:
    """The three meanings of a send that raised."""

    RECIPIENT = "recipient"  # the ESP refused this address: retried a few times, then given up
    NOT_SENT = "not sent"  # certainly never accepted: sent again later, the batch pauses
    UNKNOWN = "unknown"  # may have been accepted: held, never sent again blindly


# HTTP answers by which an ESP says it did not take the email: every 4xx, and the 5xx that ESPs
# document as "retry" (an error before the send was queued). 504 is a proxy that gave up
# waiting for a server that may have queued it: unknown.
NOT_ACCEPTED_5XX = {500, 501, 502, 503}
# Failures while connecting, before a byte of the email left: the ESP cannot have it.
CONNECT_ERRORS = (
    requests.exceptions.ConnectTimeout, NewConnectionError, ConnectTimeoutError, socket.gaierror,
    ConnectionRefusedError, smtplib.SMTPConnectError, smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError,
)
# botocore's, named rather than imported: it is only there with anymail's Amazon SES extra.
BOTOCORE_CONNECT_ERRORS = {"EndpointConnectionError", "ConnectTimeoutError"}
BOTOCORE_ANSWERS = {"ClientError"}  # the AWS API answered with an error: nothing was sent
# The SMTP server answered "no" to the sender or the data: the email was not accepted.
SMTP_REFUSALS = (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _chain(error):
    """``error`` and every exception it was raised from or during (urllib3's MaxRetryError keeps
    the real one as ``reason``)."""
    seen, pending = [], [error]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or any(current is known for known in seen):
            continue
        seen.append(current)
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None),
                    *[arg for arg in current.args if isinstance(arg, BaseException)]]
    return seen


def _recipient_is_valid(email):
    try:
        parse_address_list(email.to)
    except AnymailInvalidAddress:
        return False
    return True


def send_failure(error, email):
    """What ``error``, raised while sending ``email``, says happened: a SendFailure constant."""
    chain = _chain(error)
    if isinstance(error, AnymailRecipientsRefused) or isinstance(error, smtplib.SMTPRecipientsRefused):
        return SendFailure.RECIPIENT
    if isinstance(error, AnymailInvalidAddress):
        # The sender or reply-to, when the recipient parses: the shop's settings, not the contact.
        return SendFailure.NOT_SENT if _recipient_is_valid(email) else SendFailure.RECIPIENT
    if any(isinstance(link, CONNECT_ERRORS) or type(link).__name__ in BOTOCORE_CONNECT_ERRORS for link in chain):
        return SendFailure.NOT_SENT
    if any(isinstance(link, SMTP_REFUSALS) or type(link).__name__ in BOTOCORE_ANSWERS for link in chain):
        return SendFailure.NOT_SENT
    status = getattr(error, "status_code", None)
    if status is not None:
        return SendFailure.NOT_SENT if 400 <= status < 500 or status in NOT_ACCEPTED_5XX else SendFailure.UNKNOWN
    if isinstance(error, AnymailError) and not isinstance(error, requests.RequestException):
        # Raised by anymail itself with no answer from the ESP (a payload it cannot build, a
        # feature the ESP lacks): before any request.
        return SendFailure.NOT_SENT
    return SendFailure.UNKNOWN
