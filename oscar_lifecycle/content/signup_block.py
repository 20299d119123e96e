"""The newsletter sign-up form as a block of a Wagtail page (not of an email)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..signup import SignupForm, asked_fields


class SignupBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    asks_first_name = blocks.BooleanBlock(label=_("Ask for a first name"), required=False)
    asks_topics = blocks.BooleanBlock(label=_("Ask which topics"), required=False,
                                      help_text=_("The kinds of email the shop sends (TOPICS), all ticked."))

    class Meta:
        icon = "mail"
        label = _("Newsletter sign-up")
        template = "oscar_lifecycle/signup/form.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["form"] = SignupForm(asks=asked_fields(value["asks_first_name"], value["asks_topics"]))
        context["heading"] = value["heading"]
        return context
