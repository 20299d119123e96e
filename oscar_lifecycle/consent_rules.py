"""Who may get marketing email: the shop's consent rule (``CONSENT_RULE``), and the wait for a
contact who ticked a consent box to confirm it.

Each rule has two faces that must agree: ``allows(contact)`` for one contact (the dispatcher's
gate) and ``q()`` for many (the scans' SQL). Withdrawn consent is a no under every rule.
"""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from .conf import lifecycle_setting
from .exceptions import LifecycleConfigurationError
from .models import Contact, Enrollment

# The reason kept on an enrollment whose marketing step waits for the contact's confirmation;
# confirming (``release_awaiting``) makes those steps due at once.
AWAITING_CONFIRMATION = "deferred until the contact confirms their subscription"


class ConsentRule:
    """Whether a contact's consent lets marketing email reach them (their status aside)."""

    key = ""
    refusal = ""  # why a contact the rule refuses gets no marketing (kept on their enrollment)
    departs_from = ""  # the law a shop choosing this rule departs from: a system check names it

    def allows(self, contact: Contact) -> bool:
        raise NotImplementedError

    def q(self, prefix: str = "") -> Q:
        """The contacts (under ``prefix``, e.g. "contact__") the rule allows, as one SQL condition."""
        raise NotImplementedError


class PriorConsentForProspects(ConsentRule):
    """Customers (they placed an order) on soft opt-in unless they said no; prospects only with
    a confirmed opt-in (CNIL, CPCE art. L.34-5: soft opt-in covers customers, for similar products)."""

    key = "prior_consent_for_prospects"
    refusal = "a prospect without a confirmed opt-in"

    def allows(self, contact):
        if contact.consent == Contact.Consent.GRANTED:
            return True
        return contact.last_order_at is not None and contact.consent != Contact.Consent.WITHDRAWN

    def q(self, prefix=""):
        return Q(**{f"{prefix}consent": Contact.Consent.GRANTED}) | (
            Q(**{f"{prefix}last_order_at__isnull": False}) & ~Q(**{f"{prefix}consent": Contact.Consent.WITHDRAWN})
        )


class PriorConsentForAll(ConsentRule):
    """Only contacts who confirmed an opt-in, customers too."""

    key = "prior_consent_for_all"
    refusal = "no confirmed opt-in"

    def allows(self, contact):
        return contact.consent == Contact.Consent.GRANTED

    def q(self, prefix=""):
        return Q(**{f"{prefix}consent": Contact.Consent.GRANTED})


class SoftOptInForAll(ConsentRule):
    """Everyone who has not said no, prospects too: not what the CNIL allows for prospects."""

    key = "soft_opt_in_for_all"
    refusal = "marketing consent withdrawn"
    departs_from = (
        "In France (CNIL, CPCE art. L.34-5) and under the ePrivacy directive (2002/58/EC, art. 13), "
        "email marketing needs prior consent; soft opt-in covers only customers, for similar products."
    )

    def allows(self, contact):
        return contact.consent != Contact.Consent.WITHDRAWN

    def q(self, prefix=""):
        return ~Q(**{f"{prefix}consent": Contact.Consent.WITHDRAWN})


CONSENT_RULES = {rule.key: rule for rule in (PriorConsentForProspects(), PriorConsentForAll(), SoftOptInForAll())}


def consent_rule() -> ConsentRule:
    """The rule the shop chose in ``CONSENT_RULE``; an unknown name raises, naming the choices."""
    name = lifecycle_setting("CONSENT_RULE")
    try:
        return CONSENT_RULES[name]
    except (KeyError, TypeError):
        raise LifecycleConfigurationError(
            f"OSCAR_LIFECYCLE['CONSENT_RULE'] is {name!r}; use one of: {', '.join(CONSENT_RULES)}."
        ) from None


def confirmation_deadline(contact: Contact):
    """Until when marketing waits for ``contact`` to confirm the box they ticked: None when they
    are not waiting to confirm."""
    if contact.consent != Contact.Consent.PENDING or contact.consent_changed_at is None:
        return None
    return contact.consent_changed_at + lifecycle_setting("CONFIRMATION_WAIT")


def awaits_confirmation(contact: Contact, now: datetime) -> bool:
    """``contact`` ticked a consent box less than CONFIRMATION_WAIT before ``now`` and has not
    confirmed it yet."""
    deadline = confirmation_deadline(contact)
    return deadline is not None and deadline > now


def awaiting_confirmation_q(now: datetime, prefix: str = "") -> Q:
    """``awaits_confirmation`` for many contacts, as one SQL condition."""
    return Q(**{f"{prefix}consent": Contact.Consent.PENDING,
                f"{prefix}consent_changed_at__gt": now - lifecycle_setting("CONFIRMATION_WAIT")})


def release_awaiting(contact: Contact) -> int:
    """The contact confirmed: their marketing steps that waited for it are due now (and taken from
    a batch that holds one, as a goal takes it). Return how many."""
    return Enrollment.objects.filter(
        contact=contact, state=Enrollment.State.ACTIVE, reason=AWAITING_CONFIRMATION,
    ).update(next_run_at=timezone.now(), reason="", claim_token=None, claimed_at=None)
