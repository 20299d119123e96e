"""An email backend that simulates an ESP outage: the next N sends fail, then it recovers."""

import time

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused


class OutageBackend(AnymailTestBackend):
    failures_left = 0

    def post_to_esp(self, payload, message):
        if OutageBackend.failures_left > 0:
            OutageBackend.failures_left -= 1
            raise AnymailAPIError("ESP unavailable (503)")
        return super().post_to_esp(payload, message)


class SlowEspBackend(AnymailTestBackend):
    """An ESP answering slowly: each send takes ``seconds``, on the test's clock (``traveller``,
    a time-machine traveller) or, without one, really; then ``meanwhile`` (another runner, say)
    acts."""

    traveller = None
    seconds = 0
    meanwhile = None

    def post_to_esp(self, payload, message):
        if SlowEspBackend.traveller is None:
            time.sleep(SlowEspBackend.seconds)
        else:
            SlowEspBackend.traveller.shift(SlowEspBackend.seconds)
        SlowEspBackend.meanwhile()
        return super().post_to_esp(payload, message)


class RefusingBackend(AnymailTestBackend):
    """An ESP that refuses the next N recipients (a bad address), and answers otherwise."""

    refusals_left = 0

    def post_to_esp(self, payload, message):
        if RefusingBackend.refusals_left > 0:
            RefusingBackend.refusals_left -= 1
            raise AnymailRecipientsRefused("the ESP refused the recipient")
        return super().post_to_esp(payload, message)
