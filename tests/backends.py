"""An email backend that simulates an ESP outage: the next N sends fail, then it recovers."""

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError


class OutageBackend(AnymailTestBackend):
    failures_left = 0

    def post_to_esp(self, payload, message):
        if OutageBackend.failures_left > 0:
            OutageBackend.failures_left -= 1
            raise AnymailAPIError("ESP unavailable (503)")
        return super().post_to_esp(payload, message)
