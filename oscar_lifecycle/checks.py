"""System checks: configuration mistakes a shop would otherwise find in production."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.urls import NoReverseMatch, reverse

from .conf import lifecycle_setting
from .exceptions import LifecycleConfigurationError
from .triggers import registered_triggers


@register()
def check_triggers(app_configs, **kwargs):
    try:
        registered_triggers()
    except LifecycleConfigurationError as error:
        return [
            Error(
                str(error),
                hint="Correct or remove that path in OSCAR_LIFECYCLE['TRIGGERS']; docs/settings.md "
                     "lists the built-in triggers' paths.",
                id="oscar_lifecycle.E001",
            )
        ]
    return []


@register(Tags.database)
def check_journey_triggers(app_configs, databases=None, **kwargs):
    """A live journey whose trigger left OSCAR_LIFECYCLE['TRIGGERS'] would never enroll anyone."""
    if not databases:
        return []
    from django.db import connection

    from .models import Journey
    from .models.campaigns import CAMPAIGN_TRIGGER

    if Journey._meta.db_table not in connection.introspection.table_names():
        return []  # `migrate` runs this check before it creates the table

    try:
        known = registered_triggers()
    except LifecycleConfigurationError:
        return []
    return [
        Warning(
            f"Journey {name!r} is live but its trigger {trigger!r} is not in "
            "OSCAR_LIFECYCLE['TRIGGERS']: nobody will enter it.",
            hint="Add the trigger back to the setting, or unpublish the journey.",
            id="oscar_lifecycle.W005",
        )
        for name, trigger in Journey.objects.filter(live=True)
        .exclude(trigger__in=[*known, CAMPAIGN_TRIGGER])
        .values_list("name", "trigger")
    ]


@register()
def check_pressure_cap(app_configs, **kwargs):
    cap = lifecycle_setting("PRESSURE_CAP")
    if cap is not None and (not isinstance(cap, int) or cap < 1):
        return [
            Error(
                f"OSCAR_LIFECYCLE['PRESSURE_CAP'] is {cap!r}.",
                hint="Use a whole number of 1 or more, or None for no cap.",
                id="oscar_lifecycle.E002",
            )
        ]
    return []


# Replaced by CONSENT_RULE: a shop still setting them would silently get another rule.
REPLACED_CONSENT_SETTINGS = ("REQUIRE_OPT_IN", "PROSPECT_OPT_IN")


@register()
def check_consent_rule(app_configs, **kwargs):
    """The consent rule must be one we know; one that departs from the law (soft opt-in for
    prospects) is named, with the rule it departs from."""
    from .consent_rules import consent_rule

    replaced = [name for name in REPLACED_CONSENT_SETTINGS
                if name in getattr(settings, "OSCAR_LIFECYCLE", {}) or hasattr(settings, f"OSCAR_LIFECYCLE_{name}")]
    if replaced:
        return [
            Error(
                f"OSCAR_LIFECYCLE[{replaced[0]!r}] is no longer read: CONSENT_RULE replaced it.",
                hint='Remove it and set OSCAR_LIFECYCLE["CONSENT_RULE"] (see docs/settings.md); '
                     'the default, "prior_consent_for_prospects", is what PROSPECT_OPT_IN = True did.',
                id="oscar_lifecycle.E004",
            )
        ]
    try:
        rule = consent_rule()
    except LifecycleConfigurationError as error:
        return [
            Error(
                str(error),
                hint='Set OSCAR_LIFECYCLE["CONSENT_RULE"] to one of the names above (see docs/settings.md), '
                     'or remove it for the default, "prior_consent_for_prospects".',
                id="oscar_lifecycle.E004",
            )
        ]
    if rule.departs_from:
        return [
            Warning(
                f"OSCAR_LIFECYCLE['CONSENT_RULE'] is {rule.key!r}: prospects (who never ordered) get "
                f"marketing email without having said yes. {rule.departs_from}",
                hint='Use "prior_consent_for_prospects" (the default), or silence oscar_lifecycle.W009 '
                     "if the law your shop answers to allows it.",
                id="oscar_lifecycle.W009",
            )
        ]
    return []


@register()
def check_sender(app_configs, **kwargs):
    """A sender an ESP refuses (``Shop <Shop <shop@example>>``, two addresses, none) would make
    every email of the programme fail."""
    from .engine.send import configured_sender, parsed_sender

    where, value = configured_sender()
    try:
        parsed_sender(value, where)
    except LifecycleConfigurationError as error:
        return [
            Error(
                str(error),
                hint=f'Set {where} to one address, e.g. "Shop <shop@example.com>" or "shop@example.com".',
                id="oscar_lifecycle.E003",
            )
        ]
    return []


@register()
def check_site_url(app_configs, **kwargs):
    if not lifecycle_setting("SITE_URL"):
        return [
            Warning(
                "OSCAR_LIFECYCLE['SITE_URL'] is not set: links in emails use https:// and the "
                "domain of the current django.contrib.sites Site.",
                hint='Set OSCAR_LIFECYCLE["SITE_URL"] = "https://your-shop.example".',
                id="oscar_lifecycle.W001",
            )
        ]
    return []


@register()
def check_duplicate_welcome(app_configs, **kwargs):
    if getattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True):
        return [
            Warning(
                "Oscar sends its own registration email (OSCAR_SEND_REGISTRATION_EMAIL is True): "
                "with a welcome journey on, new customers get two welcomes.",
                hint="Set OSCAR_SEND_REGISTRATION_EMAIL = False, or silence oscar_lifecycle.W002 "
                "if you run no welcome journey.",
                id="oscar_lifecycle.W002",
            )
        ]
    return []


@register()
def check_webhook_secret(app_configs, **kwargs):
    uses_anymail = settings.EMAIL_BACKEND.startswith("anymail.")
    if uses_anymail and not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
        return [
            Warning(
                "ANYMAIL['WEBHOOK_SECRET'] is not set: bounces and complaints from your ESP "
                "cannot reach oscar_lifecycle.",
                hint='Set ANYMAIL["WEBHOOK_SECRET"] = "user:password" and give the ESP that URL.',
                id="oscar_lifecycle.W003",
            )
        ]
    return []


def _tracking_webhook_name(email_backend):
    """anymail's URL name of the tracking webhook of ``email_backend``
    (``anymail.backends.<esp>.EmailBackend``); None when it has none (anymail's test backend)
    or is no anymail backend."""
    if not email_backend.startswith("anymail.backends."):
        return None
    from anymail import urls as anymail_urls

    name = f"{email_backend.split('.')[2]}_tracking_webhook"
    return name if name in {pattern.name for pattern in anymail_urls.urlpatterns} else None


@register(Tags.urls)
def check_tracking_webhook_routed(app_configs, **kwargs):
    """Bounces and complaints arrive through anymail's tracking webhook: its URL must be routed."""
    name = _tracking_webhook_name(settings.EMAIL_BACKEND)
    if name is None:
        return []
    try:
        reverse(f"anymail:{name}")
    except NoReverseMatch:
        return [
            Warning(
                f"anymail's webhooks are not in your URLs (no 'anymail:{name}'): bounces and "
                "complaints from your ESP have nowhere to arrive, and lifecycle mail keeps going to "
                "dead addresses and to people who marked it as spam.",
                hint='Add path("anymail/", include("anymail.urls")) to your urls.py and give your ESP '
                     "the tracking webhook URL (see anymail's documentation of your ESP).",
                id="oscar_lifecycle.W008",
            )
        ]
    return []


@register(deploy=True)
def check_runner(app_configs, **kwargs):
    if not getattr(settings, "CELERY_BROKER_URL", None):
        return [
            Warning(
                "No CELERY_BROKER_URL: nothing sends lifecycle mail unless "
                "`manage.py lifecycle_run --loop` runs beside the site.",
                hint="Schedule the task oscar_lifecycle.run every minute with Celery beat "
                "(CELERY_BEAT_SCHEDULE, see the README), or keep lifecycle_run --loop running.",
                id="oscar_lifecycle.W004",
            )
        ]
    return []


@register()
def check_delivered_statuses(app_configs, **kwargs):
    """The satisfaction question waits for a "delivered" status; a pipeline without one never asks."""
    from .triggers.orders import delivered_statuses

    if "oscar_lifecycle.triggers.orders.OrderStatusTrigger" not in lifecycle_setting("TRIGGERS"):
        return []
    if delivered_statuses():
        return []
    return [
        Warning(
            "No order status means \"delivered\": OSCAR_ORDER_STATUS_PIPELINE has no final status "
            "other than a cancellation, and OSCAR_LIFECYCLE['DELIVERED_STATUSES'] is not set, so "
            "order-status journeys (the satisfaction question) start only on statuses editors tick.",
            hint='Set OSCAR_LIFECYCLE["DELIVERED_STATUSES"] = ["Delivered"] (your status names).',
            id="oscar_lifecycle.W006",
        )
    ]


@register(Tags.database)
def check_postal_address(app_configs, databases=None, **kwargs):
    """Every marketing email's footer must carry the shop's postal address."""
    if not databases:
        return []
    from django.db import connection

    from .models import LifecycleSettings

    if LifecycleSettings._meta.db_table not in connection.introspection.table_names():
        return []
    if LifecycleSettings.objects.filter(site__is_default_site=True).exclude(postal_address="").exists():
        return []
    return [
        Warning(
            "The shop's postal address is empty: the law asks for it in every marketing email's footer.",
            hint="Fill it in in /cms/ under Lifecycle > Lifecycle settings.",
            id="oscar_lifecycle.W007",
        )
    ]


def _records_shoppers_languages():
    """Whether a middleware in MIDDLEWARE activates each request's language (Django's
    LocaleMiddleware, or a subclass): the language our receivers record for a shopper."""
    from django.middleware.locale import LocaleMiddleware
    from django.utils.module_loading import import_string

    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue  # Django's own checks and start-up report it
        if isinstance(middleware, type) and issubclass(middleware, LocaleMiddleware):
            return True
    return False


@register()
def check_shoppers_languages(app_configs, **kwargs):
    """A shop in several languages records each shopper's from their request: without
    LocaleMiddleware every request is in LANGUAGE_CODE, and so is every email."""
    several_languages = settings.USE_I18N and settings.is_overridden("LANGUAGES") and len(settings.LANGUAGES) > 1
    if not several_languages or _records_shoppers_languages():
        return []
    return [
        Warning(
            f"LANGUAGES offers {len(settings.LANGUAGES)} languages but no LocaleMiddleware is in "
            f"MIDDLEWARE: every shopper is recorded as speaking {settings.LANGUAGE_CODE!r} and gets "
            "lifecycle email in it.",
            hint='Add "django.middleware.locale.LocaleMiddleware" to MIDDLEWARE, after SessionMiddleware '
                 "and before CommonMiddleware.",
            id="oscar_lifecycle.W010",
        )
    ]


CONSENT_BOX = "oscar_lifecycle/consent_box.html"
ACCOUNT_TAB = "oscar_lifecycle/account/tab.html"


def _source_of(template_name):
    """The source of ``template_name`` as the shop's template engines find it; None when there
    is none (a shop without Oscar's pages) or its engine keeps no source."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        template = get_template(template_name)
    except TemplateDoesNotExist:
        return None
    return getattr(getattr(template, "template", None), "source", None)


def _pages_without(include, template_names):
    return [name for name in template_names
            if (source := _source_of(name)) is not None and include not in source]


@register(Tags.templates)
def check_consent_box(app_configs, **kwargs):
    """Prospects say yes to marketing in the box our include adds to Oscar's forms: without it,
    under the default consent rule, no prospect ever gets marketing email."""
    forms = ["oscar/customer/registration.html", "oscar/customer/login_registration.html"]
    if getattr(settings, "OSCAR_ALLOW_ANON_CHECKOUT", False):
        forms.append("oscar/checkout/gateway.html")  # where a guest types their address
    return [
        Warning(
            f"{name} has no marketing consent box: shoppers who use that form can never say yes "
            "to marketing email, so prospects among them never get it.",
            hint=f'Copy Oscar\'s {name} into your templates and put {{% include "{CONSENT_BOX}" %}} '
                 "just before the form's submit button (the registration form's, where there are two; "
                 "see docs/enabling.md).",
            id="oscar_lifecycle.W011",
        )
        for name in _pages_without(CONSENT_BOX, forms)
    ]


@register(Tags.templates)
def check_account_tab(app_configs, **kwargs):
    """Shoppers reach their Email preferences (how often, birth date, saying yes again) from a
    tab our include adds to Oscar's account pages."""
    tabs = "oscar/customer/partials/standard_tabs.html"
    if not _pages_without(ACCOUNT_TAB, [tabs]):
        return []
    return [
        Warning(
            f"{tabs} has no \"Email preferences\" tab: shoppers cannot find where they choose how "
            "often they get email, give their birth date or say yes to marketing again.",
            hint=f'Copy Oscar\'s {tabs} into your templates and put {{% include "{ACCOUNT_TAB}" %}} '
                 "at its end (see docs/enabling.md).",
            id="oscar_lifecycle.W012",
        )
    ]
