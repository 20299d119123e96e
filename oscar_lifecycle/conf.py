"""The one place oscar_lifecycle reads Django settings.

Every option lives in the ``OSCAR_LIFECYCLE`` dict, or in a top-level
``OSCAR_LIFECYCLE_<NAME>`` setting, and is read at call time so tests can
override it. ``docs/settings.md`` documents each default below.
"""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .exceptions import LifecycleConfigurationError

DEFAULTS = {
    # Master switch for the receivers: False records nothing, sends nothing.
    "ENABLED": True,
    # Absolute base for links and images in emails, e.g. "https://shop.example".
    # None falls back to https://<current Site domain> (and a system check warns).
    "SITE_URL": None,
    # Sender of lifecycle mail; None uses DEFAULT_FROM_EMAIL.
    "FROM_EMAIL": None,
    # Shop name for the {{ shop_name }} merge tag; None uses OSCAR_SHOP_NAME.
    "SHOP_NAME": None,
    # Commercial pressure: at most PRESSURE_CAP marketing emails per contact in
    # any rolling PRESSURE_WINDOW. Relational journeys are exempt.
    "PRESSURE_CAP": 3,
    "PRESSURE_WINDOW": timedelta(days=7),
    # Smart sending: at least this long between two marketing emails to one contact (a later
    # one waits, never dropped); None or zero for no gap.
    "MINIMUM_GAP": timedelta(hours=16),
    # Who may get marketing mail (consent_rules.py): "prior_consent_for_prospects" (customers,
    # who ordered, on soft opt-in unless they said no; everyone else once they ticked a consent
    # box and confirmed it from the email we send them), "prior_consent_for_all", or
    # "soft_opt_in_for_all" (everyone who has not said no; check W009 warns).
    "CONSENT_RULE": "prior_consent_for_prospects",
    # How long marketing waits for a contact who ticked a consent box to confirm it: their
    # steps wait, then they go once confirmed, or end unsent after this.
    "CONFIRMATION_WAIT": timedelta(days=7),
    # At most one confirmation email per address in this long, however often it is asked for (the
    # sign-up form, a consent box): a request sooner changes nothing and sends nothing.
    "CONFIRMATION_RESEND_INTERVAL": timedelta(hours=6),
    # The newsletter sign-up form (signup.py, docs/signup.md): whether it asks for a first name and
    # for the topics (TOPICS) by default; the template tag and the block may say otherwise.
    "SIGNUP_ASKS_FIRST_NAME": False,
    "SIGNUP_ASKS_TOPICS": False,
    # Sign-ups from one IP address: at most SIGNUP_IP_LIMIT in any SIGNUP_IP_WINDOW, then a "too
    # many attempts" page (429). For one address: at most SIGNUP_ADDRESS_LIMIT in any
    # SIGNUP_ADDRESS_WINDOW, then nothing is done, and the visitor sees the usual answer.
    "SIGNUP_IP_LIMIT": 5,
    "SIGNUP_IP_WINDOW": timedelta(hours=1),
    "SIGNUP_ADDRESS_LIMIT": 3,
    "SIGNUP_ADDRESS_WINDOW": timedelta(days=1),
    # A campaign's email that the pressure cap, the minimum gap or the contact's chosen frequency
    # would hold back longer than this is not sent to that contact (a newsletter days late is
    # stale); one held back less waits, as a journey step does.
    "CAMPAIGN_MAX_WAIT": timedelta(days=1),
    # A campaign's "new products" section lists products created or back in stock since its
    # previous issue; the first issue, those of this long before it.
    "NEW_PRODUCTS_DAYS": timedelta(days=30),
    # Dispatcher: rows claimed per transaction, and how long a claim holds before another
    # runner may take the rows back (a killed runner's rows); a runner at work renews it.
    "BATCH_SIZE": 200,
    "CLAIM_LEASE": timedelta(minutes=1),
    # Emails a runner has in flight to the ESP at once (each on a thread of its own); 1 sends
    # one after the other.
    "SEND_CONCURRENCY": 16,
    # An ESP error is retried this many times in all, RETRY_DELAY apart.
    "MAX_SEND_ATTEMPTS": 5,
    "RETRY_DELAY": timedelta(minutes=5),
    # Order statuses that mean "delivered" for the order-status trigger's default; None:
    # the statuses that end OSCAR_ORDER_STATUS_PIPELINE, but those naming a cancellation.
    "DELIVERED_STATUSES": None,
    # Order statuses at the end of the fulfilment path, for the segment rule "has an order not yet
    # at the end of its fulfilment"; None: the statuses of OSCAR_ORDER_STATUS_PIPELINE that lead
    # nowhere.
    "FINISHED_ORDER_STATUSES": None,
    # Satisfaction ratings at or below this alert the shop (signal + email to SERVICE_EMAIL).
    "LOW_RATING": 2,
    # Where low-rating alerts are emailed; None: only the low_rating signal and a log warning.
    "SERVICE_EMAIL": None,
    # Sunset (no more marketing mail, relational mail still goes): this many days after a
    # win-back series ended unanswered, and for prospects silent for this many days.
    "SUNSET_AFTER_DAYS": 30,
    "PROSPECT_SUNSET_DAYS": 180,
    # Soft bounces (a full mailbox, a server refusing for a while) become a hard one, which stops
    # all mail to the address, when SOFT_BOUNCE_LIMIT messages to a contact soft-bounced within
    # SOFT_BOUNCE_WINDOW with no delivery, open or click in between.
    "SOFT_BOUNCE_LIMIT": 3,
    "SOFT_BOUNCE_WINDOW": timedelta(days=15),
    # An open or click within this many seconds of the send is a machine's (a scanner, a
    # prefetching proxy): kept, never counted as engagement or attribution.
    "MACHINE_SECONDS": 10,
    # Attribution of an order: the last email the contact clicked in CLICK_WINDOW before it,
    # else the last one they opened (a person, not a proxy) in OPEN_WINDOW.
    "CLICK_WINDOW": timedelta(days=5),
    "OPEN_WINDOW": timedelta(days=1),
    # The kinds of marketing email a shop sends, as (key, label): contacts may decline each on
    # their preferences page, and a journey says which it is.
    "TOPICS": [
        ("recommendations", _("Product recommendations")),
        ("offers", _("Offers and gifts")),
        ("news", _("News from the shop")),
    ],
    # How long a link sent to prove a person reads an address works (to see their data, erase it,
    # or manage an address their account shares with an earlier guest), and how soon another
    # such link may be sent to the same address.
    "PROOF_LINK_MAX_AGE": timedelta(hours=24),
    "PROOF_LINK_INTERVAL": timedelta(minutes=10),
    # How long the basket link of an abandoned-basket email (which copies that basket into the
    # visitor's own, on any device) works after the email was sent.
    "BASKET_LINK_MAX_AGE": timedelta(days=7),
    # Days a copy of each journey email as it went out (compressed, about 2 KB) is kept for the
    # message log in the admin; 0 keeps none. Erasing a contact's data erases its copies.
    "SENT_COPY_DAYS": 30,
    # Activities (what shoppers did) the runner turns into enrollments per transaction.
    "ACTIVITY_BATCH_SIZE": 100,
    # Seconds between passes of `manage.py lifecycle_run --loop`.
    "RUNNER_INTERVAL": 5,
    # True: Oscar's own "back in stock" alert email (customer.alerts, OSCAR_EAGER_ALERTS) is not sent;
    # a journey of the back-in-stock trigger writes to those who asked instead.
    "REPLACE_OSCAR_STOCK_ALERTS": False,
    # Dotted paths of the trigger classes journeys may use.
    "TRIGGERS": [
        "oscar_lifecycle.triggers.registration.RegistrationTrigger",
        "oscar_lifecycle.triggers.orders.OrderPlacedTrigger",
        "oscar_lifecycle.triggers.orders.OrderStatusTrigger",
        "oscar_lifecycle.triggers.orders.LoyaltyTrigger",
        "oscar_lifecycle.triggers.orders.FirstOrderTrigger",
        "oscar_lifecycle.triggers.baskets.AbandonedBasketTrigger",
        "oscar_lifecycle.triggers.browsing.BrowseAbandonmentTrigger",
        "oscar_lifecycle.triggers.winback.WinbackTrigger",
        "oscar_lifecycle.triggers.dates.BirthdayTrigger",
        "oscar_lifecycle.triggers.dates.OrderAnniversaryTrigger",
        "oscar_lifecycle.triggers.attribute_dates.DateAttributeTrigger",
        "oscar_lifecycle.triggers.stock.BackInStockTrigger",
        "oscar_lifecycle.triggers.prices.PriceDropTrigger",
        "oscar_lifecycle.triggers.segments.SegmentEnteredTrigger",
        "oscar_lifecycle.triggers.engagement.EngagementThresholdTrigger",
        "oscar_lifecycle.triggers.clicks.ClickedTrigger",
    ],
    # Dotted paths of the rule classes segments (and journey filters) may use (rules/).
    "RULES": [
        "oscar_lifecycle.rules.profile.CountryRule",
        "oscar_lifecycle.rules.profile.CityRule",
        "oscar_lifecycle.rules.profile.PostcodeRule",
        "oscar_lifecycle.rules.profile.TitleRule",
        "oscar_lifecycle.rules.profile.AgeRule",
        "oscar_lifecycle.rules.profile.BirthDateRule",
        "oscar_lifecycle.rules.profile.LanguageRule",
        "oscar_lifecycle.rules.profile.TopicsRule",
        "oscar_lifecycle.rules.profile.ConsentRule",
        "oscar_lifecycle.rules.profile.SourceRule",
        "oscar_lifecycle.rules.profile.BecameContactRule",
        "oscar_lifecycle.rules.attributes.AttributeTextRule",
        "oscar_lifecycle.rules.attributes.AttributeNumberRule",
        "oscar_lifecycle.rules.attributes.AttributeDateRule",
        "oscar_lifecycle.rules.journeys.InJourneyRule",
        "oscar_lifecycle.rules.purchases.OrderCountRule",
        "oscar_lifecycle.rules.purchases.TotalSpentRule",
        "oscar_lifecycle.rules.purchases.AverageOrderValueRule",
        "oscar_lifecycle.rules.purchases.FirstOrderRule",
        "oscar_lifecycle.rules.purchases.LastOrderRule",
        "oscar_lifecycle.rules.purchases.BoughtProductRule",
        "oscar_lifecycle.rules.purchases.BoughtCategoryRule",
        "oscar_lifecycle.rules.purchases.BoughtProductClassRule",
        "oscar_lifecycle.rules.purchases.OpenOrderRule",
        "oscar_lifecycle.rules.behaviour.ViewedProductRule",
        "oscar_lifecycle.rules.behaviour.ViewedCategoryRule",
        "oscar_lifecycle.rules.behaviour.OpenBasketRule",
        "oscar_lifecycle.rules.behaviour.RatingRule",
        "oscar_lifecycle.rules.engagement.OpenedRule",
        "oscar_lifecycle.rules.engagement.ClickedRule",
        "oscar_lifecycle.rules.engagement.NeverEngagedRule",
        "oscar_lifecycle.rules.segments.InSegmentRule",
    ],
}


def lifecycle_setting(name):
    """Return option ``name`` from OSCAR_LIFECYCLE, OSCAR_LIFECYCLE_<NAME>, or its default."""
    configured = getattr(settings, "OSCAR_LIFECYCLE", {})
    if name in configured:
        return configured[name]
    flat_name = f"OSCAR_LIFECYCLE_{name}"
    if hasattr(settings, flat_name):
        return getattr(settings, flat_name)
    try:
        return DEFAULTS[name]
    except KeyError:
        raise LifecycleConfigurationError(
            f"oscar_lifecycle has no setting {name!r}: set OSCAR_LIFECYCLE[{name!r}] "
            f"or {flat_name} in your settings."
        ) from None
