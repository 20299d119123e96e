"""Email-safe StreamField blocks: each renders table-free markup the base template lays out."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from .merge_tags import validate_merge_tags

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class MergeTagMixin:
    """Refuse, at save, merge tags outside the whitelist."""

    def clean(self, value):
        value = super().clean(value)
        validate_merge_tags(str(value.source if hasattr(value, "source") else value))
        return value


class HeadingBlock(MergeTagMixin, blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "oscar_lifecycle/blocks/heading.html"


class TextBlock(MergeTagMixin, blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "oscar_lifecycle/blocks/text.html"


class ButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    url = blocks.CharBlock(
        label=_("link"),
        help_text=_('A full address (https://...), a path on the shop (/catalogue/) or a merge tag.'),
    )

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        for field in ("text", "url"):
            try:
                validate_merge_tags(value[field])
            except ValidationError as error:
                errors[field] = error
        url = value["url"].strip()
        if "url" not in errors and not url.startswith(("http://", "https://", "/", "{{")):
            errors["url"] = ValidationError(
                _("Enter a full address starting with https://, a path starting with /, "
                  "or a merge tag such as {{ site_url }}.")
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "link"
        label = _("Button")
        template = "oscar_lifecycle/blocks/button.html"


class DividerBlock(blocks.StaticBlock):
    class Meta:
        icon = "horizontalrule"
        label = _("Divider")
        admin_text = _("A thin line between sections.")
        template = "oscar_lifecycle/blocks/divider.html"


class EmailBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = TextBlock()
    button = ButtonBlock()
    divider = DividerBlock()

    class Meta:
        min_num = 1
