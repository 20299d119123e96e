"""Emails in flight to the ESP at once: an ESP's API answers in 50-300 ms, so one runner
sending one email after the other caps at a few emails per second.

Only the ESP call leaves the dispatcher's thread: rendering, the Message rows and every
other query stay on it, so the exactly-once rule is untouched (a Message is inserted
before its email is handed over here, and its outcome recorded when it comes back).
"""

import threading
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.core.mail import get_connection


@dataclass
class Delivery:
    """What came back for one email: the ESP's message id, or the error it raised."""

    item: object
    esp_message_id: str = ""
    error: Exception | None = None


def esp_message_id(email):
    """The id anymail's backends put on a sent email ("" from Django's own backends)."""
    message_id = getattr(getattr(email, "anymail_status", None), "message_id", None)
    return "" if message_id is None else str(message_id)


class SendPool:
    """Up to ``size`` emails in flight, each sent on a worker thread through a backend
    connection of that thread's own, kept open for the pool's life (HTTP keep-alive to the
    ESP). With ``size`` 1 each email is sent at once, on the caller's thread.

    ``while_waiting`` is called at least every WAIT_SLICE seconds while the pool waits for the
    ESP (the dispatcher keeps its claim with it). Use it as a context manager: leaving waits for
    what is in flight and closes the connections.
    """

    WAIT_SLICE = 1

    def __init__(self, size, *, while_waiting=lambda: None):
        self.size = max(1, size)
        self.while_waiting = while_waiting
        self._in_flight = {}
        self._done = []
        self._connections = []
        self._local = threading.local()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(self.size, thread_name_prefix="lifecycle-send") if self.size > 1 else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.wait_all()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        for connection in self._connections:
            connection.close()

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = get_connection()
            connection.open()
            with self._lock:
                self._connections.append(connection)
        return connection

    def _deliver(self, email):
        email.connection = self._connection()
        email.send()
        return esp_message_id(email)

    def submit(self, item, email):
        """Hand ``email`` to the ESP; ``item`` comes back with its Delivery. Waits while the pool is full."""
        if self._executor is None:
            try:
                self._done.append(Delivery(item, esp_message_id=self._deliver(email)))
            except Exception as error:  # the caller decides what an error means
                self._done.append(Delivery(item, error=error))
            return
        self.wait_for_room()
        self._in_flight[self._executor.submit(self._deliver, email)] = item

    def wait_for_room(self):
        """Wait until another email can be handed over. A caller that waits here before
        preparing its next email learns of the failures of those in flight first."""
        while len(self._in_flight) >= self.size:
            self._wait(FIRST_COMPLETED)

    def _wait(self, return_when):
        done = wait(self._in_flight, timeout=self.WAIT_SLICE, return_when=return_when).done
        self._collect(done)
        self.while_waiting()

    def _collect(self, futures):
        for future in futures:
            item = self._in_flight.pop(future)
            error = future.exception()
            self._done.append(Delivery(item, error=error) if error else Delivery(item, future.result()))

    def completed(self):
        """The deliveries finished since the last call, without waiting for the others."""
        self._collect([future for future in self._in_flight if future.done()])
        done, self._done = self._done, []
        return done

    def wait_all(self):
        """Wait for every email in flight; return the deliveries not yet returned."""
        while self._in_flight:
            self._wait(ALL_COMPLETED)
        return self.completed()
