"""oscar_lifecycle's own signals (documented in docs/signals.md).

Receivers of other apps' signals live beside this module, one per source.
"""

from django.dispatch import Signal

# A step's email was accepted by the email backend.
# Arguments: sender=Message, message (the Message row, status "sent").
step_sent = Signal()

# A contact unsubscribed or withdrew marketing consent.
# Arguments: sender=Contact, contact, source (str: how it happened).
consent_withdrawn = Signal()

# A contact rated an order at or below OSCAR_LIFECYCLE["LOW_RATING"] from a satisfaction email.
# Arguments: sender=SurveyResponse, response (the SurveyResponse: contact, order, rating, comment).
low_rating_received = Signal()

# An order was attributed to a lifecycle email (its last click in CLICK_WINDOW, else its last
# human open in OPEN_WINDOW), once per order.
# Arguments: sender=Conversion, conversion (the Conversion: order, message, journey, step,
# revenue, currency, attributed_to "click" or "open").
conversion_attributed = Signal()
