"""A contact's marketing preferences: whether, how often, and which kinds of email; and the
attributes the shop shows there (those it lets the contact change as fields of their kind).

The same form serves the page reached from every marketing email (a signed link: it can take
marketing away, never give it back) and the shopper's own account page (logged in: they may
say yes again).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .attribute_fields import AttributeFields
from .consent_rules import consent_rule
from .contacts import say_yes_again, unsubscribe
from .frequency import choose_frequency
from .models import Contact, ContactAttribute
from .models.journeys import topic_choices
from .optin import marketing_wording
from .suppression import lasting_no

# Why a yes cannot bring marketing back, said to the address's owner.
LASTING_NO_REASONS = {
    Contact.Status.BOUNCED: _(
        "Our emails to this address could not be delivered, so we no longer send any to it. "
        "To get them, use another address."
    ),
    Contact.Status.COMPLAINED: _(
        "One of our emails to this address was reported as spam, so we no longer send any to it."
    ),
}


def gets_marketing(contact):
    """Whether marketing email reaches ``contact`` as things stand: active, and allowed by the
    shop's consent rule (they confirmed a yes, or, where the rule allows it, they never said no)."""
    return contact.status == Contact.Status.ACTIVE and consent_rule().allows(contact)


def _why_not(contact, lasting):
    """Why a contact who gets no marketing cannot say yes here (from an email's link)."""
    if lasting is not None:
        return LASTING_NO_REASONS[lasting]
    if contact.consent == Contact.Consent.PENDING and contact.status == Contact.Status.ACTIVE:
        return _("To get them, confirm from the link we emailed you, or log in to your account.")
    if contact.consent == Contact.Consent.WITHDRAWN or contact.status != Contact.Status.ACTIVE:
        return _("You asked not to get them. To get them again, log in to your account.")
    return _("You have not asked for them. To get them, log in to your account, or tick the box at "
             "your next checkout.")


CHOICE_INPUT = {"class": "form-check-input"}  # Bootstrap's, as the shop's layout styles it


class MarketingPreferencesForm(forms.Form):
    marketing = forms.BooleanField(
        label=_("Marketing emails"), required=False, widget=forms.CheckboxInput(attrs=CHOICE_INPUT)
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Contact.Frequency.choices, widget=forms.RadioSelect(attrs=CHOICE_INPUT)
    )
    topics = forms.MultipleChoiceField(
        label=_("What about"), required=False, widget=forms.CheckboxSelectMultiple(attrs=CHOICE_INPUT),
        help_text=_("Untick what you do not want to hear about."),
    )

    def __init__(self, *args, contact, may_say_yes, **kwargs):
        self.contact = contact
        self.may_say_yes = may_say_yes
        says_yes = gets_marketing(contact)
        kwargs.setdefault("initial", {
            "marketing": says_yes,
            "frequency": contact.frequency,
            "topics": [key for key, _label in topic_choices() if key not in (contact.declined_topics or ())],
        })
        super().__init__(*args, **kwargs)
        self.wording = marketing_wording()
        self.fields["marketing"].help_text = self.wording
        self.fields["topics"].choices = topic_choices()
        lasting = lasting_no(contact) if not says_yes else None
        if lasting is not None or (not says_yes and not may_say_yes):
            self.fields["marketing"].disabled = True
            self.fields["marketing"].help_text = _why_not(contact, lasting)
        shown = list(ContactAttribute.objects.filter(on_preferences_page=True))
        self.attributes = AttributeFields(self, contact, shown, [
            attribute for attribute in shown if attribute.editable_by_contact])

    def save(self, *, request, source):
        """Apply the choices; every consent change is logged with its proof."""
        contact, data = self.contact, self.cleaned_data
        says_yes = gets_marketing(contact)
        if says_yes and not data["marketing"]:
            unsubscribe(contact, source=source, request=request, wording=self.wording)
        elif data["marketing"] and not says_yes and self.may_say_yes:
            say_yes_again(contact, source=source, request=request, wording=self.wording)
        declined = [key for key, _label in topic_choices() if key not in data["topics"]]
        if declined != list(contact.declined_topics or ()):
            contact.declined_topics = declined
            contact.save(update_fields=["declined_topics"])
        choose_frequency(contact, data["frequency"])
        self.attributes.save()
