"""Telling an ESP outage from a refused recipient: only the second is a reason to give up."""

from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused

PAUSED_REASON = "paused: the ESP is not answering"
RETRYING_REASON = "send failed, retrying"


def concerns_the_recipient(error):
    """Whether a send failed because of this recipient (a refused or invalid address), not
    because the ESP is down, slow or misconfigured: only then does the message give up."""
    return isinstance(error, (AnymailRecipientsRefused, AnymailInvalidAddress))
