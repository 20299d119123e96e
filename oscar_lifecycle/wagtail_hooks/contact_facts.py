"""What a contact's admin page states about them, as labelled facts an editor reads at a glance.

Dates and times are the admin user's: Wagtail activates their time zone around admin views, and
``local_datetime`` writes a moment in it, in the format of the timeline beside. A value nobody
gave reads "—", never ``None`` or ``[]``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from ..attribute_values import values_of
from ..conf import lifecycle_setting
from ..models import Contact, ContactAttribute

EMPTY = "—"
# The format of every moment on the page; the timeline's template names it too.
MOMENT_FORMAT = "DATETIME_FORMAT"
ACCOUNT_URL_NAME = "dashboard:user-detail"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    url: str | None = None


def local_datetime(moment):
    """``moment`` (an aware datetime) in the current time zone: the admin user's in admin views."""
    return date_format(timezone.localtime(moment), MOMENT_FORMAT)


def who_they_are(contact, viewer):
    """The contact's identity, consent and preferences, and when they last ordered or engaged.
    The account and the birth date are left out when there is none; ``viewer`` (the admin user)
    gets a link to the account where they may open it."""
    facts = [
        Fact(_("Name"), " ".join(filter(None, [contact.first_name, contact.last_name])) or EMPTY),
        Fact(_field_label("email"), contact.email),
    ]
    if contact.user:
        facts.append(Fact(_("Account"), contact.user.email or contact.user.get_username(),
                          _account_url(contact.user, viewer)))
    facts += [
        Fact(_field_label("locale"), _language_name(contact.locale)),
        Fact(_field_label("status"), contact.get_status_display()),
        Fact(_field_label("consent"), _consent(contact)),
        Fact(_field_label("frequency"), _frequency(contact)),
        Fact(_field_label("declined_topics"), _topics(contact.declined_topics)),
    ]
    if contact.birth_date:
        facts.append(Fact(_field_label("birth_date"), date_format(contact.birth_date)))
    if contact.country or contact.city or contact.postcode:
        facts.append(Fact(_("Lives in"), _address(contact)))
    facts += [
        Fact(_field_label("last_order_at"), _moment_or_empty(contact.last_order_at)),
        Fact(_field_label("last_engagement_at"), _moment_or_empty(contact.last_engagement_at)),
    ]
    return facts


def _address(contact):
    """Where the contact lives, as their default or latest address says."""
    place = " ".join(filter(None, [contact.postcode, contact.city]))
    return ", ".join(filter(None, [contact.title, place, contact.country]))


def attribute_facts(contact):
    """The contact's values of the attributes the shop declares, one fact each ("—" when none)."""
    values = values_of(contact)
    return [Fact(attribute.name, _attribute_value(values.get(attribute)))
            for attribute in ContactAttribute.objects.all()]


def _attribute_value(value):
    if value is None or value == "":
        return EMPTY
    if isinstance(value, date):
        return date_format(value)
    if isinstance(value, Decimal):
        return number_format(Decimal(format(value.normalize(), "f")))  # 30.0000 -> 30
    return str(value)


def other_details(contact):
    """What the page shows after the timeline: since when the contact is known, and whether the
    holder of their account proved they read the address."""
    facts = [Fact(_field_label("created_at"), local_datetime(contact.created_at))]
    if contact.user_id:
        facts.append(Fact(_field_label("address_confirmed_at"), _moment_or_empty(contact.address_confirmed_at)))
    return facts


def _field_label(name):
    return capfirst(Contact._meta.get_field(name).verbose_name)


def _moment_or_empty(moment):
    return local_datetime(moment) if moment else EMPTY


def _language_name(code):
    if not code:
        return EMPTY
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def _consent(contact):
    values = {"consent": contact.get_consent_display(), "source": contact.consent_source}
    if contact.consent_changed_at:
        values["when"] = local_datetime(contact.consent_changed_at)
        if contact.consent_source:
            return _("%(consent)s on %(when)s, by %(source)s") % values
        return _("%(consent)s on %(when)s") % values
    if contact.consent_source:
        return _("%(consent)s, by %(source)s") % values
    return values["consent"]


def _frequency(contact):
    if contact.frequency == Contact.Frequency.PAUSED and contact.paused_until:
        return _("%(frequency)s, until %(when)s") % {
            "frequency": contact.get_frequency_display(), "when": local_datetime(contact.paused_until)}
    return contact.get_frequency_display()


def _topics(keys):
    labels = dict(lifecycle_setting("TOPICS"))
    return ", ".join(str(labels.get(key, key)) for key in keys) or EMPTY


def _account_url(user, viewer):
    """The account's page in Oscar's dashboard, if the shop serves the dashboard and ``viewer``
    passes the shop's dashboard access function for it."""
    may_open = import_string(settings.OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION)
    try:
        if may_open(viewer, ACCOUNT_URL_NAME, url_args=[user.pk]):
            return reverse(ACCOUNT_URL_NAME, args=[user.pk])
    except NoReverseMatch:
        pass
    return None
