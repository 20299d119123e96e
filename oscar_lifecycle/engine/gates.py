"""May this contact receive this journey's mail at all? Consent and suppression."""

from ..conf import lifecycle_setting
from ..models import Contact


def suppression_reason(contact, journey):
    """Return why ``contact`` must not get ``journey``'s mail, or "" when it may.

    A sunset contact still gets relational mail (order news); nobody who said no does.
    """
    if contact.status == Contact.Status.SUNSET and not journey.is_marketing:
        return ""
    if contact.status != Contact.Status.ACTIVE:
        return f"contact is {contact.get_status_display().lower()}"
    if journey.is_marketing:
        if contact.consent == Contact.Consent.WITHDRAWN:
            return "marketing consent withdrawn"
        if lifecycle_setting("REQUIRE_OPT_IN") and contact.consent != Contact.Consent.GRANTED:
            return "no marketing opt-in (REQUIRE_OPT_IN is on)"
        if (lifecycle_setting("PROSPECT_OPT_IN") and contact.last_order_at is None
                and contact.consent != Contact.Consent.GRANTED):
            return "a prospect without a confirmed opt-in (PROSPECT_OPT_IN is on)"
        if journey.topic and journey.topic in (contact.declined_topics or ()):
            return f"the contact declined {journey.topic}"
    return ""
