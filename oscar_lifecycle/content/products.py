"""The products a product grid shows: one function per source, one query each.

Each returns a list of at most ``limit`` public products, annotated with what a
grid shows: ``listed_price`` and ``listed_price_currency`` (from the first stock
record) and ``primary_image_name`` (the first image, or the parent's for a
variant without one).
"""

from django.db.models import CharField, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

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


def fixed_products(chosen, limit):
    """The editor's ``chosen`` products (None for a deleted one), in the editor's order."""
    chosen_ids = list(dict.fromkeys(product.pk for product in chosen if product is not None))
    found = _listed(Product.objects.filter(pk__in=chosen_ids)).in_bulk()
    return [found[pk] for pk in chosen_ids if pk in found][:limit]


def basket_products(basket, limit):
    """The products in ``basket``, in the order they were added."""
    if basket is None or basket.pk is None:
        return []
    lines = BasketLine.objects.filter(basket=basket)
    first_line = lines.filter(product=OuterRef("pk")).order_by("pk").values("pk")[:1]
    products = _listed(Product.objects.filter(pk__in=lines.values("product")))
    products = products.annotate(basket_position=Subquery(first_line))
    return list(products.order_by("basket_position")[:limit])


def recommended_products(*, order=None, product=None, limit):
    """Oscar's recommendations for what ``order`` holds (or for ``product``), best ranked first.

    The products the recommendations start from (and their parents) are never shown.
    """
    if order is not None:
        starting_from = OrderLine.objects.filter(order=order, product__isnull=False).values("product")
    elif product is not None:
        starting_from = [product.pk]
    else:
        return []
    sources = Product.objects.filter(Q(pk__in=starting_from) | Q(children__in=starting_from)).values("pk")
    recommendations = ProductRecommendation.objects.filter(primary__in=sources)
    best_ranking = (
        recommendations.filter(recommendation=OuterRef("pk")).order_by("-ranking").values("ranking")[:1]
    )
    products = _listed(
        Product.objects.filter(pk__in=recommendations.values("recommendation")).exclude(pk__in=sources)
    )
    products = products.annotate(best_ranking=Subquery(best_ranking))
    return list(products.order_by("-best_ranking", "title")[:limit])


def category_best_sellers(category, limit):
    """The products of ``category`` and its subcategories, most sold (in order lines) first."""
    if category is None:
        return []
    in_category = ProductCategory.objects.filter(category__in=Category.get_tree(category)).values("product")
    quantity_sold = (
        OrderLine.objects.filter(Q(product=OuterRef("pk")) | Q(product__parent=OuterRef("pk")))
        .order_by()
        .values(total=Func(F("quantity"), function="SUM"))
    )
    products = _listed(Product.objects.filter(pk__in=in_category)).annotate(
        quantity_sold=Coalesce(Subquery(quantity_sold, output_field=IntegerField()), 0)
    )
    return list(products.order_by("-quantity_sold", "title")[:limit])
