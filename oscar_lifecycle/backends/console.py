"""An email backend for development: checks every email as an ESP would, then prints it.

Django's console backend prints anything, a sender like ``Shop <Shop <shop@example>>``
included, that every real ESP refuses. This one builds each email's payload as anymail's
ESP backends do (parsing and validating every address; an invalid one raises
``AnymailInvalidAddress``), gives it an ESP message id and ``anymail_status``, and prints
it to standard output as Django's console backend does::

    EMAIL_BACKEND = "oscar_lifecycle.backends.console.EmailBackend"
"""

import sys
import threading
import uuid

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.message import AnymailRecipientStatus


class EmailBackend(AnymailTestBackend):
    """anymail's test backend, printing each email it accepts instead of keeping it in memory."""

    esp_name = "Console"
    _lock = threading.Lock()

    def __init__(self, *args, stream=None, **kwargs):
        self.stream = stream or sys.stdout
        super().__init__(*args, **kwargs)

    def post_to_esp(self, payload, message):
        with self._lock:
            self.stream.write(f"{message.message().as_string()}\n{'-' * 79}\n")
            self.stream.flush()
        status = AnymailRecipientStatus(message_id=str(uuid.uuid4()), status="sent")
        return {"recipient_status": {email: status for email in payload.recipient_emails}}
