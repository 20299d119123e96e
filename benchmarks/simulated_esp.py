"""An ESP's API for benchmarks: anymail's test backend answering after ``latency`` seconds, with
a message id of its own, and keeping nothing (its outbox would grow with every send)."""

import itertools
import os
import time

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.message import AnymailRecipientStatus


class SimulatedEsp(AnymailTestBackend):
    # Seconds per API call; SIMULATED_ESP_LATENCY sets it in a runner process a benchmark starts.
    latency = float(os.environ.get("SIMULATED_ESP_LATENCY", "0"))
    message_ids = itertools.count(1)

    def post_to_esp(self, payload, message):
        payload.get_params()  # what a real backend serializes for the API call
        if SimulatedEsp.latency:
            time.sleep(SimulatedEsp.latency)
        status = AnymailRecipientStatus(message_id=str(next(SimulatedEsp.message_ids)), status="sent")
        return {"recipient_status": {email: status for email in payload.recipient_emails}}
