"""Email-safe StreamField blocks: markup that survives mail clients, styled by the base template."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from ..exceptions import ContentUnavailable
from ..tracking.tokens import rating_urls
from .basket_summary import basket_summary
from .choosers import CategoryChooserBlock, ProductChooserBlock
from .merge_tags import validate_merge_tags
from .offers import voucher_offer_choices
from .products import (
    basket_products,
    fixed_products,
    new_products,
    new_products_since,
    recommended_products,
    upsell_products,
    viewed_product,
)

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]
INERT_URL = "#test-send"
LINK_HELP_TEXT = _("A full address (https://...), a path on the shop (/catalogue/) or a merge tag.")


def require(context, *subjects):
    """Stop the email when the block shows one of ``subjects`` ("order", "basket", "product")
    and the enrollment lost it (``context["gone"]``): an empty grid is not what the editor wrote."""
    for subject in subjects:
        if subject in context.get("gone", ()):
            raise ContentUnavailable(f"the {subject} this email is about was deleted")


class PerContactMixin:
    """A block that shows something of its contact or of what their journey is about: rendered for
    each email. Every other block of a step is rendered once for all its emails."""

    def is_per_contact(self, value):
        return True


def is_per_contact(child):
    """Whether ``child`` (a block of an email's body, as StreamField iterates them) is rendered per email."""
    return isinstance(child.block, PerContactMixin) and child.block.is_per_contact(child.value)


class MergeTagMixin:
    """Refuse, at save, merge tags outside the whitelist and braces outside a whole tag."""

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


def validate_link(url):
    """A link in an email must lead somewhere from a mail client: absolute, a shop path or a merge tag."""
    validate_merge_tags(url)
    url = url.strip()
    if url and not url.startswith(("http://", "https://", "/", "{{")):
        raise ValidationError(
            _("Enter a full address starting with https://, a path starting with /, "
              "or a merge tag such as {{ site_url }}.")
        )


def validate_fields(value, validators):
    """Run ``validators`` ({field: validator}) on a StructBlock value; refuse it naming each field."""
    errors = {}
    for field, validate in validators.items():
        try:
            validate(value[field])
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise StructBlockValidationError(block_errors=errors)


class ButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    url = blocks.CharBlock(label=_("link"), help_text=LINK_HELP_TEXT)

    def clean(self, value):
        value = super().clean(value)
        validate_fields(value, {"text": validate_merge_tags, "url": validate_link})
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


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        help_text=_("What the image shows, for readers whose mail client hides images."),
    )
    link = blocks.CharBlock(label=_("link"), required=False, help_text=LINK_HELP_TEXT)

    def clean(self, value):
        value = super().clean(value)
        validate_fields(value, {"alt_text": validate_merge_tags, "link": validate_link})
        return value

    class Meta:
        icon = "image"
        label = _("Image")
        template = "oscar_lifecycle/blocks/image.html"


class SpacerBlock(blocks.ChoiceBlock):
    HEIGHTS = {"small": 16, "medium": 32, "large": 64}

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("small", _("Small")), ("medium", _("Medium")), ("large", _("Large"))],
            default="medium",
            **kwargs,
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["height"] = self.HEIGHTS[value]
        return context

    class Meta:
        icon = "arrow-down"
        label = _("Spacer")
        template = "oscar_lifecycle/blocks/spacer.html"


class TwoColumnsBlock(blocks.StructBlock):
    left = TextBlock(label=_("left column"))
    right = TextBlock(label=_("right column"))

    class Meta:
        icon = "grip"
        label = _("Two columns")
        help_text = _("Side by side on a computer, one above the other on a phone.")
        template = "oscar_lifecycle/blocks/two_columns.html"


class ProductGridBlock(PerContactMixin, blocks.StructBlock):
    """Products from a source, in a grid; nothing at all when a dynamic source has none. The
    editor's chosen products all gone, the email is not sent (ContentUnavailable)."""

    class Source(models.TextChoices):
        FIXED = "fixed", _("The products chosen below")
        BASKET = "basket", _("The products in the contact's basket")
        RECOMMENDATIONS = "recommendations", _("Recommendations for what the contact ordered or viewed")
        UPSELL = "upsell", _("Better products of the same category as the order (priced higher)")
        VIEWED = "viewed", _("The product the contact viewed")
        CATEGORY_BEST_SELLERS = "category_best_sellers", _("Best sellers of the category chosen below")
        BEST_SELLERS = "best_sellers", _("The shop's best sellers")
        NEW_PRODUCTS = "new_products", _("New products (new or back in stock since the campaign's last issue)")

    # Pixels per column count: the 536px inside the email's padding, shared, less each cell's 16px.
    IMAGE_WIDTHS = {1: 264, 2: 250, 3: 160}

    heading = HeadingBlock(required=False, label=_("heading"))
    source = blocks.ChoiceBlock(
        label=_("products to show"),
        choices=Source.choices,
        default=Source.RECOMMENDATIONS,
    )
    products = blocks.ListBlock(
        ProductChooserBlock(), label=_("chosen products"), default=[],
        help_text=_("For \"The products chosen below\"."),
    )
    category = CategoryChooserBlock(
        required=False, label=_("category"),
        help_text=_("For \"Best sellers of the category chosen below\"."),
    )
    max_products = blocks.IntegerBlock(
        label=_("at most this many products"), default=3, min_value=1, max_value=6
    )
    columns = blocks.ChoiceBlock(
        label=_("columns"), choices=[("1", "1"), ("2", "2"), ("3", "3")], default="3"
    )
    button_text = blocks.CharBlock(
        required=False, label=_("button under each product"),
        help_text=_("Such as \"See it\". Empty: no button (the picture and the name link to the product)."),
    )

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        try:
            validate_merge_tags(value["button_text"] or "")
        except ValidationError as error:
            errors["button_text"] = error
        if value["source"] == self.Source.FIXED and not any(value["products"]):
            errors["products"] = ValidationError(_("Choose at least one product to show."))
        if value["source"] == self.Source.CATEGORY_BEST_SELLERS and value["category"] is None:
            errors["category"] = ValidationError(_("Choose the category whose best sellers to show."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def is_per_contact(self, value):
        return value["source"] != self.Source.FIXED  # the editor's own choice is the same for all

    def products_for(self, value, context):
        """Dynamic sources leave out what is out of stock and what the contact bought."""
        source, limit, purchases = value["source"], value["max_products"], context.get("purchases")
        if source == self.Source.FIXED:
            shown = fixed_products(value["products"], limit)
            if not shown:
                raise ContentUnavailable("the products chosen for this email were deleted or withdrawn from the shop")
            return shown
        if source == self.Source.BASKET:
            require(context, "basket")
            return basket_products(context.get("basket"), limit, purchases)
        if source == self.Source.RECOMMENDATIONS:
            require(context, "order", "product")
            return recommended_products(
                order=context.get("order"), product=context.get("product"), limit=limit,
                purchases=purchases,
            )
        if source == self.Source.UPSELL:
            require(context, "order")
            return upsell_products(context.get("order"), limit, purchases)
        if source == self.Source.VIEWED:
            require(context, "product")
            return viewed_product(context.get("product"), purchases)
        if source == self.Source.BEST_SELLERS:
            return context["best_sellers"].for_contact(None, limit, purchases)
        if source == self.Source.NEW_PRODUCTS:
            return new_products(new_products_since(context.get("enrollment")), limit, purchases)
        if value["category"] is None:
            return []
        return context["best_sellers"].for_contact(value["category"], limit, purchases)

    def render(self, value, context=None):
        """Rendered once per list of products shown among the emails rendered together
        (``context["rendered_grids"]``: a dispatcher's batch of one step)."""
        context = context or {}
        shown = self.products_for(value, context)
        rendered_grids = context.get("rendered_grids", {})
        key = (id(value), tuple(product.pk for product in shown))
        if key not in rendered_grids:
            rendered_grids[key] = super().render(value, {**context, "shown": shown})
        return rendered_grids[key]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        shown = context["shown"]
        columns = int(value["columns"])
        rows = [shown[start:start + columns] for start in range(0, len(shown), columns)]
        if rows:
            rows[-1] += [None] * (columns - len(rows[-1]))
        image_width = self.IMAGE_WIDTHS[columns]
        context.update({
            "products": shown,
            "rows": rows,
            "cell_width": 100 // columns,
            "image_width": image_width,
            "thumbnail_geometry": f"{image_width * 2}x{image_width * 2}",
        })
        return context

    class Meta:
        icon = "grid"
        label = _("Product grid")
        template = "oscar_lifecycle/blocks/product_grid.html"


class BasketLinesBlock(PerContactMixin, blocks.StaticBlock):
    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        require(context, "basket")
        context["summary"] = basket_summary(context.get("basket"), context.get("purchases"))
        return context

    class Meta:
        icon = "table"
        label = _("Basket lines")
        admin_text = _("A table of the contact's basket: products, quantities, prices and the total.")
        template = "oscar_lifecycle/blocks/basket_lines.html"


class RatingBlock(PerContactMixin, blocks.StructBlock):
    """A one-click 1-5 rating of the enrollment's order: each number is a signed link."""

    question = HeadingBlock(label=_("question"), default=_("How was your order?"))
    low_label = blocks.CharBlock(label=_("label under the lowest rating (1)"), default=_("Disappointed"))
    high_label = blocks.CharBlock(label=_("label under the highest rating (5)"), default=_("Delighted"))

    def clean(self, value):
        value = super().clean(value)
        validate_fields(value, {"low_label": validate_merge_tags, "high_label": validate_merge_tags})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        require(context, "order")
        enrollment, contact = context.get("enrollment"), context.get("contact")
        if context.get("inert_links") or enrollment is None or enrollment.pk is None or contact.pk is None:
            context["ratings"] = [(rating, INERT_URL) for rating in range(1, 6)]
        else:
            context["ratings"] = rating_urls(contact, enrollment)
        return context

    class Meta:
        icon = "pick"
        label = _("Satisfaction rating (1 to 5)")
        help_text = _("For order journeys: the answer is stored with the order, shown under "
                      "Lifecycle > Ratings, and a low one alerts the shop.")
        template = "oscar_lifecycle/blocks/rating.html"


class PersonalOfferBlock(PerContactMixin, blocks.StructBlock):
    """A single-use voucher code for this contact, issued from an offer the editor picks."""

    offer = blocks.ChoiceBlock(
        label=_("offer"), choices=voucher_offer_choices,
        help_text=_("An offer of type \"Voucher\" made in Oscar's dashboard (Offers)."),
    )
    valid_days = blocks.IntegerBlock(label=_("valid for (days)"), default=14, min_value=1, max_value=365)
    text = TextBlock(label=_("text above the code"), required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["voucher"] = context["issue_voucher"](int(value["offer"]), value["valid_days"])
        return context

    class Meta:
        icon = "tag"
        label = _("Personal offer (voucher code)")
        help_text = _("Each contact gets their own single-use code, once per journey run.")
        template = "oscar_lifecycle/blocks/personal_offer.html"


class ContentBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = TextBlock()
    button = ButtonBlock()
    divider = DividerBlock()
    image = ImageBlock()
    spacer = SpacerBlock()
    two_columns = TwoColumnsBlock()
    product_grid = ProductGridBlock()
    basket_lines = BasketLinesBlock()
    rating = RatingBlock()
    personal_offer = PersonalOfferBlock()


class StageSectionBlock(PerContactMixin, blocks.StructBlock):
    """Content shown only to shoppers who left at a given stage (in the basket, at checkout)."""

    class Stage(models.TextChoices):
        BASKET = "basket", _("left in the basket (never started checkout)")
        CHECKOUT = "checkout", _("left at checkout")

    stage = blocks.ChoiceBlock(label=_("shown only to shoppers who"), choices=Stage.choices)
    content = ContentBlock(label=_("content"))

    def render(self, value, context=None):
        """Rendered when the enrollment left at this stage; an enrollment that says nowhere (its
        trigger has no stages) shows every section. Previews and test sends pick a stage."""
        stage = (context or {}).get("stage")
        if stage is not None and stage != value["stage"]:
            return ""
        return value["content"].render_as_block(context=context)

    class Meta:
        icon = "doc-full"
        label = _("Section for where the shopper left")
        help_text = _("Abandoned-basket journeys: shown only when the shopper left at this stage.")


def asks_for_rating(body):
    """Whether an email's body (a StreamValue) holds a rating block, in a stage section or not."""
    for child in body:
        if isinstance(child.block, RatingBlock):
            return True
        if isinstance(child.block, StageSectionBlock) and asks_for_rating(child.value["content"]):
            return True
    return False


class EmailBodyBlock(ContentBlock):
    stage_section = StageSectionBlock()

    class Meta:
        min_num = 1
