"""The products a product grid shows: one function per source, one query each.

Each returns a list of at most ``limit`` public products, annotated with what a
grid shows: ``listed_price`` and ``listed_price_currency`` (from the first stock
record) and ``primary_image_name`` (the first image, or the parent's for a
variant without one).
"""

from django.db.models import CharField, Exists, F, Func, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from ..conf import lifecycle_setting
from ..purchases import bought_since_added
from .sample_lines import SampleBasket, SampleOrder

BasketLine = get_model("basket", "Line")
Category = get_model("catalogue", "Category")
OrderLine = get_model("order", "Line")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
StockRecord = get_model("partner", "StockRecord")


def _first_image_of(product_ref):
    images = ProductImage.objects.filter(product=product_ref).order_by("display_order", "pk")
    return Subquery(images.values("original")[:1], output_field=CharField())


def _listed(products):
    """``products``, public only, with the price and image a grid shows, in the same query."""
    first_stockrecord = StockRecord.objects.filter(product=OuterRef("pk")).order_by("pk")
    return (
        products.filter(is_public=True)
        .select_related("parent")
        .annotate(
            listed_price=Subquery(first_stockrecord.values("price")[:1]),
            listed_price_currency=Subquery(first_stockrecord.values("price_currency")[:1]),
            primary_image_name=Coalesce(
                _first_image_of(OuterRef("pk")), _first_image_of(OuterRef("parent_id"))
            ),
        )
    )


def _available(products):
    """Only what a shopper can buy now: public, and in stock unless its class tracks no stock
    (a parent is available through any of its variants)."""
    in_stock = StockRecord.objects.filter(
        Q(product=OuterRef("pk")) | Q(product__parent=OuterRef("pk")),
        num_in_stock__gt=Coalesce(F("num_allocated"), 0),
    )
    return products.filter(
        Q(product_class__track_stock=False) | Q(parent__product_class__track_stock=False) | Exists(in_stock)
    )


def listed_available(products):
    """Those of ``products`` a shopper can buy now, with the price and image a grid shows."""
    return _listed(_available(products))


def available_product_ids(product_ids):
    """Those of ``product_ids`` a shopper can buy now (one query)."""
    return set(_available(Product.objects.filter(pk__in=product_ids, is_public=True)).values_list("pk", flat=True))


def _not_bought(products, purchases):
    return products.exclude(pk__in=list(purchases or ()))


def fixed_products(chosen, limit):
    """The editor's ``chosen`` products (None for a deleted one), in the editor's order."""
    chosen_ids = list(dict.fromkeys(product.pk for product in chosen if product is not None))
    found = _listed(Product.objects.filter(pk__in=chosen_ids)).in_bulk()
    return [found[pk] for pk in chosen_ids if pk in found][:limit]


def basket_products(basket, limit, purchases=None):
    """The products in ``basket``, in the order they were added, but those the contact
    bought since adding them. A made-up basket (previews) holds its products already listed."""
    if isinstance(basket, SampleBasket):
        return [line.product for line in basket.lines][:limit]
    if basket is None or basket.pk is None:
        return []
    lines = BasketLine.objects.filter(basket=basket)
    first_line = lines.filter(product=OuterRef("pk")).order_by("pk")
    products = _listed(Product.objects.filter(pk__in=lines.values("product")))
    products = products.annotate(
        basket_position=Subquery(first_line.values("pk")[:1]),
        added_at=Subquery(first_line.values("date_created")[:1]),
    )
    shown = [product for product in products.order_by("basket_position")
             if not bought_since_added(product.pk, product.added_at, purchases)]
    return shown[:limit]


def recommended_products(*, order=None, product=None, limit, purchases=None):
    """Oscar's recommendations for what ``order`` holds (or for ``product``), best ranked first,
    in stock, never one the contact bought (``purchases``).

    The products the recommendations start from (and their parents) are never shown.
    """
    if order is not None:
        starting_from = _ordered_products(order)
    elif product is not None:
        starting_from = [product.pk]
    else:
        return []
    sources = Product.objects.filter(Q(pk__in=starting_from) | Q(children__in=starting_from)).values("pk")
    recommendations = ProductRecommendation.objects.filter(primary__in=sources)
    best_ranking = (
        recommendations.filter(recommendation=OuterRef("pk")).order_by("-ranking").values("ranking")[:1]
    )
    products = _listed(_available(_not_bought(
        Product.objects.filter(pk__in=recommendations.values("recommendation")).exclude(pk__in=sources),
        purchases,
    )))
    products = products.annotate(best_ranking=Subquery(best_ranking))
    return list(products.order_by("-best_ranking", "title")[:limit])


def category_best_sellers(category, limit):
    """The products of ``category`` and its subcategories, most sold (in order lines) first,
    in stock."""
    if category is None:
        return []
    in_category = ProductCategory.objects.filter(category__in=Category.get_tree(category)).values("product")
    return _best_sellers(Product.objects.filter(pk__in=in_category), limit)


def shop_best_sellers(limit):
    """The shop's most sold products (variants count for their parent), in stock."""
    return _best_sellers(Product.objects.filter(parent__isnull=True), limit)


class BestSellers:
    """The shop's and its categories' best sellers, read once for many emails (a dispatcher's
    batch): the ranking is the same for every contact, and each grid leaves out in Python what
    its contact bought. Ask for what one contact needs; a longer ranking is read only when a
    contact bought more of it than was read."""

    def __init__(self):
        self._rankings = {}  # category id (None: the shop) -> (products, how many were asked for)

    def for_contact(self, category, limit, purchases=None):
        """As ``category_best_sellers()`` (``category`` None: ``shop_best_sellers()``), but those
        the contact bought (``purchases``: {product id: when})."""
        purchases = purchases or {}
        ranking = self._ranking(category, limit + len(purchases))
        return [product for product in ranking if product.pk not in purchases][:limit]

    def _ranking(self, category, needed):
        key = None if category is None else category.pk
        ranking, asked = self._rankings.get(key, ([], 0))
        if asked < needed and len(ranking) == asked:  # a longer ranking may exist
            asked = max(needed, 2 * asked)
            ranking = shop_best_sellers(asked) if category is None else category_best_sellers(category, asked)
            self._rankings[key] = (ranking, asked)
        return ranking


def _best_sellers(products, limit):
    quantity_sold = (
        OrderLine.objects.filter(Q(product=OuterRef("pk")) | Q(product__parent=OuterRef("pk")))
        .order_by()
        .values(total=Func(F("quantity"), function="SUM"))
    )
    products = _listed(_available(products)).annotate(
        quantity_sold=Coalesce(Subquery(quantity_sold, output_field=IntegerField()), 0)
    )
    return list(products.order_by("-quantity_sold", "title")[:limit])


def viewed_product(product, purchases=None):
    """``product`` (the one a journey is about) when it is still listed, in stock and not bought."""
    if product is None:
        return []
    return list(_listed(_available(_not_bought(Product.objects.filter(pk=product.pk), purchases))))


def upsell_products(order, limit, purchases=None):
    """Better products for what ``order`` holds: of the same categories, priced above the
    dearest unit the order bought there, cheapest first; in stock, never one bought."""
    if order is None:
        return []
    ordered = _ordered_products(order)
    ordered_products = Product.objects.filter(Q(pk__in=ordered) | Q(children__in=ordered)).values("pk")
    categories = ProductCategory.objects.filter(product__in=ordered_products).values("category")
    dearest = _dearest_unit_price(order)
    if dearest is None:
        return []
    candidates = Product.objects.filter(
        pk__in=ProductCategory.objects.filter(category__in=categories).values("product")
    ).exclude(pk__in=ordered_products)
    products = _listed(_available(_not_bought(candidates, purchases))).filter(listed_price__gt=dearest)
    return list(products.order_by("listed_price", "title")[:limit])


def _ordered_products(order):
    """The ids of the products ``order`` holds, to filter on: a subquery, or a made-up order's own."""
    if isinstance(order, SampleOrder):
        return [line.product.pk for line in order.lines]
    return OrderLine.objects.filter(order=order, product__isnull=False).values("product")


def _dearest_unit_price(order):
    """The highest unit price ``order`` paid for a product (one query for a real order)."""
    if isinstance(order, SampleOrder):
        return max((line.unit_price for line in order.lines), default=None)
    ordered = OrderLine.objects.filter(order=order, product__isnull=False)
    return ordered.aggregate(price=Max("unit_price_incl_tax"))["price"]


def _new_or_restocked(since):
    """Products (not variants) created since ``since``, or whose stock (theirs or a variant's)
    changed since: Oscar keeps no history of stock, so a stock record updated since then and in
    stock now is what "back in stock" can mean."""
    restocked = StockRecord.objects.filter(Q(product=OuterRef("pk")) | Q(product__parent=OuterRef("pk")),
                                           date_updated__gte=since)
    return Product.objects.filter(Q(date_created__gte=since) | Exists(restocked)).exclude(structure=Product.CHILD)


def new_products_since(enrollment):
    """Since when a new-products grid lists products: the start of the previous issue of the
    campaign whose send ``enrollment`` belongs to; in a journey, a preview or a test send,
    NEW_PRODUCTS_DAYS ago."""
    since = getattr(getattr(enrollment, "campaign_send", None), "new_products_since", None)
    return since or timezone.now() - lifecycle_setting("NEW_PRODUCTS_DAYS")


def new_products(since, limit, purchases=None):
    """The newest products created or back in stock since ``since``, that a shopper can buy now
    and the contact has not bought."""
    products = listed_available(_not_bought(_new_or_restocked(since), purchases))
    return list(products.order_by("-date_created", "-pk")[:limit])


def any_new_products(since):
    """Whether any product was created or came back in stock since ``since`` and can be bought now."""
    return _available(_new_or_restocked(since).filter(is_public=True)).exists()
