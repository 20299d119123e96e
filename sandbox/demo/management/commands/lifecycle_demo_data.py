"""Load the sandbox's demo shop: catalogue (with pictures), customers with past orders, an admin,
journeys, and the emails' look (a logo and brand colours).

Idempotent: each object is looked up by a natural key first, so running it
twice changes nothing. It ends by updating the search index, which is what
Oscar's catalogue pages list, and by pointing the Site at the sandbox's address.
"""

import io
import os
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from wagtail.images import get_image_model
from wagtail.models import Site as WagtailSite
from wagtail.rich_text import RichText

from oscar_lifecycle.campaigns.sending import schedule_send
from oscar_lifecycle.models import Journey, LifecycleSettings, Segment
from oscar_lifecycle.programme.install import install_programme
from oscar_lifecycle.programme.newsletter import install_newsletter
from sandbox.demo.models import ContentPage
from sandbox.demo.pictures import logo_picture, product_picture

Basket = get_model("basket", "Basket")
Category = get_model("catalogue", "Category")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")
UserAddress = get_model("address", "UserAddress")
Free = get_class("shipping.methods", "Free")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

ADMIN_PASSWORD = os.environ.get("SANDBOX_ADMIN_PASSWORD", "lifecycle-admin")
LOGO_TITLE = "Lifecycle Sandbox logo"

CATALOGUE = {
    "Coffee": [
        ("Ethiopia Yirgacheffe", "14.50"), ("Colombia Huila", "12.90"), ("Brazil Cerrado", "11.50"),
        ("Kenya AA", "16.00"), ("Guatemala Antigua", "13.20"), ("Decaf Swiss Water", "12.00"),
    ],
    "Tea": [
        ("Darjeeling First Flush", "18.00"), ("Sencha Uji", "15.50"), ("Earl Grey", "9.90"),
        ("Assam Breakfast", "8.50"), ("Jasmine Pearls", "21.00"), ("Rooibos Vanilla", "7.90"),
    ],
    "Brewing": [
        ("Pour-over Dripper", "24.00"), ("Paper Filters (100)", "5.50"), ("Gooseneck Kettle", "59.00"),
        ("French Press 1L", "34.00"), ("Hand Grinder", "79.00"), ("Digital Scale", "29.00"),
    ],
    "Tableware": [
        ("Stoneware Mug", "16.00"), ("Double-wall Glass", "12.00"), ("Tea Pot 0.8L", "38.00"),
        ("Espresso Cups (2)", "19.00"), ("Serving Tray", "27.00"), ("Travel Tumbler", "22.00"),
    ],
}

# Segments a shop owner would write first (Lifecycle > Segments): (name, description, rules).
EXAMPLE_SEGMENTS = [
    ("Customers in Paris", "Their default or latest address is in Paris.",
     [{"type": "city", "value": {"cities": "Paris"}}]),
    ("Never ordered, joined over 30 days ago", "Contacts who never ordered, a contact for more than a month.",
     [{"type": "last_order", "value": {"when": "never"}},
      {"type": "became_contact", "value": {"when": "before", "days": 30}}]),
    ("Tea lovers", "Bought from the Tea category in the last 6 months.",
     [{"type": "bought_category", "value": {"category": "Tea", "days": 180}}]),
]

CUSTOMERS = [
    ("claire@example.com", "Claire", "Martin", 40, ("12 rue des Martyrs", "Paris", "75009")),
    ("hugo@example.com", "Hugo", "Bernard", 95, ("4 place Bellecour", "Lyon", "69002")),
    ("lea@example.com", "Léa", "Dubois", 200, ("30 boulevard Voltaire", "Paris", "75011")),
]


def image_file(picture, name):
    """A PNG's bytes as a file an image field stores (and reads the size of)."""
    return ImageFile(io.BytesIO(picture), name=name)


class Command(BaseCommand):
    help = "Load the sandbox demo data (catalogue, customers, orders, admin, journeys). Safe to re-run."

    def handle(self, *args, **options):
        with transaction.atomic():
            products = self.load_catalogue()
            self.load_recommendations(products)
        self.load_admin()
        self.load_customers(products)
        self.load_journeys()
        self.load_segments_and_newsletter()
        self.point_site_at_sandbox()
        self.load_lifecycle_settings()
        self.load_newsletter_page()
        # Oscar's browse and category pages show what the Haystack index holds. The real-time
        # signal processor indexed each new product before its category and price existed, so
        # index the whole catalogue now (and drop what the database no longer has).
        call_command("update_index", remove=True, verbosity=0)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Product.objects.count()} products in "
            f"{Category.objects.count()} categories, {Order.objects.count()} orders, "
            f"{Journey.objects.count()} journeys."
        ))
        self.stdout.write(f"Admin login (/dashboard/ and /cms/): admin / {ADMIN_PASSWORD}")

    def load_catalogue(self):
        product_class, _ = ProductClass.objects.get_or_create(
            name="Goods", defaults={"requires_shipping": True, "track_stock": True}
        )
        partner, _ = Partner.objects.get_or_create(name="Sandbox Roasters")
        products = []
        for category_name, items in CATALOGUE.items():
            category = Category.objects.filter(name=category_name, depth=1).first()
            if category is None:
                category = Category.add_root(name=category_name, slug=category_name.lower())
            for index, (title, price) in enumerate(items):
                upc = f"DEMO-{category_name[:3].upper()}-{index + 1:02d}"
                product, created = Product.objects.get_or_create(
                    upc=upc,
                    defaults={
                        "title": title,
                        "product_class": product_class,
                        "description": f"{title}, from the {category_name.lower()} shelf.",
                    },
                )
                if created:
                    ProductCategory.objects.create(product=product, category=category)
                if not product.images.exists():
                    picture = product_picture(title, category_name, index)
                    ProductImage.objects.create(product=product, original=image_file(picture, f"{upc.lower()}.png"))
                StockRecord.objects.get_or_create(
                    product=product,
                    partner=partner,
                    defaults={
                        "partner_sku": upc,
                        "price": Decimal(price),
                        "price_currency": "EUR",
                        "num_in_stock": 50,
                    },
                )
                products.append(product)
        return products

    def load_recommendations(self, products):
        """Each product recommends the next two of its category (a ring)."""
        per_category = len(products) // len(CATALOGUE)
        for offset in range(0, len(products), per_category):
            shelf = products[offset:offset + per_category]
            for index, product in enumerate(shelf):
                for ranking, step in enumerate((1, 2)):
                    ProductRecommendation.objects.get_or_create(
                        primary=product,
                        recommendation=shelf[(index + step) % len(shelf)],
                        defaults={"ranking": 10 - ranking},
                    )

    def point_site_at_sandbox(self):
        """Oscar's own mails (order confirmation, password reset) link to the Site's domain."""
        domain = urlsplit(settings.SANDBOX_URL).netloc
        Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Lifecycle sandbox"})

    def load_lifecycle_settings(self):
        """The footer's postal address (the law asks for it), the sender's name, and the emails'
        logo and colours. A logo an editor took off stays off (its image is still there)."""
        site = WagtailSite.objects.get(is_default_site=True)
        shop_settings, _ = LifecycleSettings.objects.get_or_create(site=site, defaults={
            "from_name": "Lifecycle Sandbox",
            "postal_address": "Lifecycle Sandbox\n1 rue du Café\n75002 Paris, France",
            "button_colour": "#6f4e37",
            "header_background": "#fdf8f3",
        })
        Image = get_image_model()
        if shop_settings.logo_id is None and not Image.objects.filter(title=LOGO_TITLE).exists():
            picture = logo_picture(settings.OSCAR_SHOP_NAME)
            shop_settings.logo = Image.objects.create(title=LOGO_TITLE, file=image_file(picture, "sandbox-logo.png"))
            shop_settings.save(update_fields=["logo"])

    def load_newsletter_page(self):
        """A Wagtail page with the newsletter sign-up block (at /pages/newsletter/), for editors to
        see where the block goes; the home page shows the form through a template tag."""
        home = WagtailSite.objects.get(is_default_site=True).root_page
        if home.get_children().filter(slug="newsletter").exists():
            return
        home.add_child(instance=ContentPage(title="Our newsletter", slug="newsletter", body=[
            ("text", RichText("<p>New coffees and teas, brewing tips and the occasional offer: "
                              "about one email a month.</p>")),
            ("signup", {"heading": "", "asks_first_name": True, "asks_topics": True}),
        ]))

    def load_admin(self):
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@sandbox.example", ADMIN_PASSWORD)

    def load_customers(self, products):
        User = get_user_model()
        france, _ = Country.objects.get_or_create(
            iso_3166_1_a2="FR",
            defaults={"iso_3166_1_a3": "FRA", "iso_3166_1_numeric": "250", "printable_name": "France",
                      "name": "France", "is_shipping_country": True},
        )
        for number, (email, first_name, last_name, days_ago, (street, city, postcode)) in enumerate(CUSTOMERS, start=1):
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    username=email.split("@")[0], email=email, password=ADMIN_PASSWORD,
                    first_name=first_name, last_name=last_name,
                )
            address = {"first_name": first_name, "last_name": last_name, "line1": street, "line4": city,
                       "postcode": postcode, "country": france}
            UserAddress.objects.get_or_create(user=user, line1=street, defaults={**address, "is_default_for_shipping": True})
            order_number = f"DEMO-{number:04d}"
            if Order.objects.filter(number=order_number).exists():
                continue
            basket = Basket.objects.create(owner=user)
            basket.strategy = Selector().strategy(user=user)
            for product in products[number::7][:2]:
                basket.add_product(product, quantity=number)
            shipping_method = Free()
            shipping_charge = shipping_method.calculate(basket)
            OrderCreator().place_order(
                basket=basket,
                total=OrderTotalCalculator().calculate(basket, shipping_charge),
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                shipping_address=ShippingAddress.objects.create(**address),
                user=user,
                order_number=order_number,
                date_placed=timezone.now() - timedelta(days=days_ago),
            )
            basket.submit()

    def load_segments_and_newsletter(self):
        """The example segments, and the monthly newsletter published and scheduled."""
        tea = Category.objects.get(name="Tea")
        for name, description, rules in EXAMPLE_SEGMENTS:
            if Segment.objects.filter(name=name).exists():
                continue
            rules = [{**rule, "value": {**rule["value"], "category": tea.pk}} if "category" in rule["value"] else rule
                     for rule in rules]
            segment = Segment.objects.create(name=name, description=description, rules=rules, live=False)
            segment.save_revision().publish()
        newsletter = install_newsletter(publish=True)
        if newsletter is not None:
            send = schedule_send(newsletter)
            self.stdout.write(f"Campaign “{newsletter.name}” scheduled for {timezone.localtime(send.send_at):%d %B %H:%M}.")

    def load_journeys(self):
        """The whole ready-made programme, published, with its French translations."""
        for journey in install_programme(publish=True):
            if journey.published:
                self.stdout.write(f"Journey “{journey.name}” installed and published.")
            else:
                self.stdout.write(f"Journey “{journey.name}” installed as a draft: {journey.why_draft}")


