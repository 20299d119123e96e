"""An ESP's API for benchmarks: anymail's test backend answering after ``latency`` seconds, with
a message id of its own, and keeping nothing (its outbox would grow with every send)."""

import itertools
import time

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.message import AnymailRecipientStatus


class SimulatedEsp(AnymailTestBackend):
    latency = 0.0  # seconds per API call
    message_ids = itertools.count(1)

    def post_to_esp(self, payload, message):
        payload.get_params()  # what a real backend serializes for the API call
        if SimulatedEsp.latency:
            time.sleep(SimulatedEsp.latency)
        status = AnymailRecipientStatus(message_id=str(next(SimulatedEsp.message_ids)), status="sent")
        return {"recipient_status": {email: status for email in payload.recipient_emails}}
