"""Email backends that play an ESP: an outage, a slow answer, a refusal, many sends at once."""

import threading
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


class CrowdedEspBackend(AnymailTestBackend):
    """An ESP that answers only when ``barrier.parties`` sends are in flight together (a
    threading.Barrier; a runner sending one at a time breaks it), and keeps the most it saw.
    While ``down`` it answers each send, crowded or not (a broken barrier), with a 503 that
    takes ``SLOW_FAILURE`` seconds, as a gateway timing out does."""

    SLOW_FAILURE = 0.2
    barrier = None
    down = False
    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()

    def post_to_esp(self, payload, message):
        with CrowdedEspBackend.lock:
            CrowdedEspBackend.in_flight += 1
            CrowdedEspBackend.most_in_flight = max(CrowdedEspBackend.most_in_flight, CrowdedEspBackend.in_flight)
        try:
            CrowdedEspBackend.barrier.wait()
        except threading.BrokenBarrierError:
            if not CrowdedEspBackend.down:
                raise
        finally:
            with CrowdedEspBackend.lock:
                CrowdedEspBackend.in_flight -= 1
        if CrowdedEspBackend.down:
            time.sleep(CrowdedEspBackend.SLOW_FAILURE)
            raise AnymailAPIError("ESP unavailable (503)")
        return super().post_to_esp(payload, message)


class MailgunIdsBackend(AnymailTestBackend):
    """anymail's test backend, naming each message as Mailgun's API does (``<id@domain>``), the form
    in which anymail's Mailgun webhook reports it."""

    def get_esp_message_id(self, message):
        return f"<{super().get_esp_message_id(message)}.lifecycle@mg.shop.test>"
