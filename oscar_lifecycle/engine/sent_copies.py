"""A copy of each journey email as it went out, for the message log: what the ESP was handed
(sender, recipients, subject, HTML and text, its tracked links and open pixel included), kept on
its Message for SENT_COPY_DAYS.

Stored as zlib-compressed JSON: the ready-made programme's emails take 1.4 to 2.3 KB each (4 to 8
KB plain), 0.03 ms to compress. It is written with the send's outcome (no statement of its own),
and removed by the runner hourly once too old, by one UPDATE on a partial index that holds only
the messages still carrying a copy; erasing a contact's data removes its copies at once.
"""

import json
import zlib
from dataclasses import asdict, dataclass
from datetime import timedelta

from ..conf import lifecycle_setting
from ..models import Message


@dataclass(frozen=True)
class SentCopy:
    from_email: str
    to: list
    reply_to: list
    subject: str
    html: str
    text: str


def packed_copy(email) -> bytes | None:
    """``email`` (the EmailMultiAlternatives handed to the ESP) as stored on its Message; None
    when SENT_COPY_DAYS keeps none."""
    if not lifecycle_setting("SENT_COPY_DAYS"):
        return None
    html = next((content for content, mimetype in email.alternatives if mimetype == "text/html"), "")
    copy = SentCopy(from_email=email.from_email, to=list(email.to), reply_to=list(email.reply_to),
                    subject=email.subject, html=html, text=email.body)
    return zlib.compress(json.dumps(asdict(copy)).encode())


def unpacked_copy(data) -> SentCopy | None:
    """The SentCopy a Message's ``sent_copy`` holds, or None when it holds none."""
    if data is None:
        return None
    return SentCopy(**json.loads(zlib.decompress(bytes(data))))


def remove_old_copies(now) -> int:
    """Remove the copies of emails handed over more than SENT_COPY_DAYS before ``now``; return
    how many."""
    kept_since = now - timedelta(days=lifecycle_setting("SENT_COPY_DAYS"))
    return Message.objects.filter(sent_copy__isnull=False, handed_over_at__lt=kept_since).update(sent_copy=None)
