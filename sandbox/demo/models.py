from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from oscar_lifecycle.content.signup_block import SignupBlock


class ContentPage(Page):
    """A page of the sandbox's own words (about the shop, its newsletter), where editors may put
    the newsletter sign-up form."""

    body = StreamField([
        ("heading", blocks.CharBlock(form_classname="title")),
        ("text", blocks.RichTextBlock()),
        ("signup", SignupBlock()),
    ], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
