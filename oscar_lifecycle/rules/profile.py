"""Rules on what the shop knows of the person."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..models.contacts import Contact
from .base import Rule


class SourceRule(Rule):
    name = "source"
    label = _("Came from")
    group = _("Profile")

    @classmethod
    def setting_blocks(cls):
        return [("sources", blocks.MultipleChoiceBlock(choices=Contact.Source.choices, label=_("sources")))]

    def q(self, context):
        return Q(source__in=self.settings.get("sources") or [])


class ConsentRule(Rule):
    name = "consent"
    label = _("Marketing consent")
    group = _("Profile")

    @classmethod
    def setting_blocks(cls):
        return [("consents", blocks.MultipleChoiceBlock(choices=Contact.Consent.choices, label=_("consent")))]

    def q(self, context):
        return Q(consent__in=self.settings.get("consents") or [])
