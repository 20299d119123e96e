"""The newsletter sign-up of a visitor without an account: a form (email, optionally first name
and topics) and what posting it does.

Nothing it does depends on who the address belongs to, and the visitor always gets the same
answer: a new address, one waiting to confirm, a subscriber, one who unsubscribed, a bounced or
complaining address, a customer. Whatever it asks goes through the double opt-in
(``optin.ask_for_confirmation``): consent comes only from the link emailed to the address, and a
no stands until that link is followed. Only a new contact takes the first name and topics given:
anyone may type anyone's address, so an existing contact's name and choices are not theirs to
change.
"""

from django import forms
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .conf import lifecycle_setting
from .contacts import CONSENT_FIELDS, contact_for, normalize_email, request_proof
from .exceptions import InvalidContactEmail
from .models import Contact
from .models.journeys import topic_choices
from .optin import ask_for_confirmation, marketing_wording
from .signup_limits import address_over_limit, record_attempt
from .storable import ip_address_of, storable_text
from .suppression import lasting_no

# Where a sign-up's ConsentEvent says the contact asked.
SIGNUP_SOURCE = "sign-up form"
# What the form asks besides the address, as the hidden field ``asks`` carries it to the view.
OPTIONAL_FIELDS = ("first_name", "topics")
CHOICE_INPUT = {"class": "form-check-input"}  # Bootstrap's, as the shop's layout styles it


def asked_fields(first_name=None, topics=None):
    """The optional fields a form asks: those given True, or by default the SIGNUP_ASKS_* settings."""
    first_name = lifecycle_setting("SIGNUP_ASKS_FIRST_NAME") if first_name is None else first_name
    topics = lifecycle_setting("SIGNUP_ASKS_TOPICS") if topics is None else topics
    return tuple(name for name, asked in zip(OPTIONAL_FIELDS, (first_name, topics)) if asked)


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    topics = forms.MultipleChoiceField(label=_("What about"), required=False,
                                       widget=forms.CheckboxSelectMultiple(attrs=CHOICE_INPUT))
    asks = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, asks=(), **kwargs):
        kwargs.setdefault("auto_id", "lifecycle_signup_%s")
        super().__init__(*args, **kwargs)
        self.asks = tuple(name for name in asks if name in OPTIONAL_FIELDS)
        self.fields["asks"].initial = ",".join(self.asks)
        self.fields["topics"].choices = topic_choices()
        self.fields["topics"].initial = [key for key, _label in topic_choices()]
        for name in OPTIONAL_FIELDS:
            if name not in self.asks:
                del self.fields[name]
        self.wording = marketing_wording()

    @classmethod
    def posted(cls, data):
        """The form as posted: it asks what its hidden ``asks`` says it showed."""
        return cls(data, asks=(data.get("asks") or "").split(","))

    def clean_email(self):
        try:
            return normalize_email(self.cleaned_data["email"])
        except InvalidContactEmail:
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid") from None

    def declined_topics(self):
        """The topics left unticked, when the form asked for them; None when it did not."""
        if "topics" not in self.asks:
            return None
        return [key for key, _label in topic_choices() if key not in self.cleaned_data["topics"]]


def sign_up(form, request):
    """Act on a valid ``form`` posted in ``request``: ask the address's owner to confirm (the
    confirmation email is queued for the runner), unless the address was signed up
    SIGNUP_ADDRESS_LIMIT times already in SIGNUP_ADDRESS_WINDOW, or ``ask_for_confirmation``
    asks nothing of it (it says yes already, was asked lately, bounced or complained). The
    request's proof and the words the form showed are kept on the ConsentEvent."""
    email, now = form.cleaned_data["email"], timezone.now()
    if address_over_limit(email, now):
        return
    record_attempt(ip_address_of(request), email, now)
    with transaction.atomic():
        is_new = not Contact.objects.filter(email=email).exists()
        contact = Contact.objects.select_for_update().get(pk=contact_for(email, source=Contact.Source.SIGNUP).pk)
        if is_new:
            _fill_new(contact, form)
        asked = ask_for_confirmation(contact, {"wording": form.wording, **request_proof(request)},
                                     source=SIGNUP_SOURCE, lasting=lasting_no(contact))
        if asked is None:
            return
        event, notice = asked
        contact.save(update_fields=CONSENT_FIELDS)
        event.save()
        notice.save(force_insert=True)


def _fill_new(contact, form):
    """What the visitor said of themselves, on the contact their sign-up made."""
    contact.first_name = storable_text(form.cleaned_data.get("first_name", "")).strip()
    contact.locale = translation.get_language() or ""
    declined = form.declined_topics()
    fields = ["first_name", "locale"]
    if declined is not None:
        contact.declined_topics = sorted(set(contact.declined_topics or ()) | set(declined))
        fields.append("declined_topics")
    contact.save(update_fields=fields)
