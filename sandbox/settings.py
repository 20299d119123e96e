"""A demo Oscar + Wagtail shop with oscar_lifecycle on: SQLite, no broker, mail printed to the console."""

import os
from pathlib import Path

import oscar
from oscar.defaults import *  # noqa: F401,F403  (Oscar's documented way to start)

SANDBOX_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "sandbox-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"

# Where runserver listens: `make sandbox HOST=...` passes its HOST here, in runserver's own
# form ("[address:]port"), so that links in emails and the Wagtail admin point at it. Bound to
# every interface (0.0.0.0, [::]), the links say localhost and any Host is accepted; to get
# links another machine can open, give HOST that machine's view of yours (HOST=192.168.1.20:8000).
SANDBOX_HOST = os.environ.get("SANDBOX_HOST", "127.0.0.1:8000")
_address, _, _port = SANDBOX_HOST.rpartition(":")
_every_interface = _address in ("0", "0.0.0.0", "[::]")
_link_host = "localhost" if _every_interface else (_address or "127.0.0.1")
SANDBOX_URL = f"http://{_link_host}:{_port}"
if _every_interface:
    ALLOWED_HOSTS = ["*"]
else:
    ALLOWED_HOSTS = list(dict.fromkeys([_link_host, "127.0.0.1", "localhost", "testserver"]))
SITE_ID = 1

INSTALLED_APPS = [
    # First, so that its translations win over Oscar's and Wagtail's for the same words.
    "oscar_lifecycle",
    *oscar.INSTALLED_APPS,
    "sorl.thumbnail",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "anymail",
    "sandbox.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "sandbox.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SANDBOX_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    }
]

SANDBOX_DB = Path(os.environ.get("SANDBOX_DB", SANDBOX_DIR / "db.sqlite3"))
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(SANDBOX_DB),
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Oscar's catalogue pages list products from a Haystack index: the simple backend cannot
# filter, so every page said "0 results". Whoosh keeps its index in files beside the
# database (sandbox/db.whoosh/), filled by lifecycle_demo_data, then kept up to date by
# Oscar's real-time signal processor as products are edited in the dashboard.
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": str(SANDBOX_DB.with_suffix(".whoosh")),
    }
}
# Whoosh has no query facets (Oscar's price ranges): Oscar drops them for Whoosh anyway, and
# asking for them only prints "Whoosh does not handle query faceting" on every start.
OSCAR_SEARCH_FACETS = {**OSCAR_SEARCH_FACETS, "queries": {}}  # noqa: F405  (from oscar.defaults)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"

STATIC_URL = "/static/"
STATIC_ROOT = SANDBOX_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = SANDBOX_DIR / "media"

LOGIN_REDIRECT_URL = "/"
WAGTAIL_SITE_NAME = "Lifecycle sandbox"
WAGTAILADMIN_BASE_URL = SANDBOX_URL
WAGTAIL_I18N_ENABLED = True  # editors translate journeys with simple_translation
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

OSCAR_SHOP_NAME = "Lifecycle Sandbox"
OSCAR_DEFAULT_CURRENCY = "EUR"
OSCAR_SEND_REGISTRATION_EMAIL = False  # the welcome journey replaces Oscar's own
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Cancelled"),
    "Being processed": ("Shipped", "Cancelled"),
    "Shipped": ("Delivered",),
    "Delivered": (),
    "Cancelled": (),
}
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"

# Mail goes to the terminal that runs `make sandbox`, checked first as an ESP checks it (every
# address parsed and validated: Django's console backend prints a sender no ESP accepts);
# production uses an anymail ESP backend.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "oscar_lifecycle.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "Lifecycle Sandbox <shop@sandbox.example>"
ANYMAIL = {"WEBHOOK_SECRET": "sandbox:sandbox"}

OSCAR_LIFECYCLE = {
    "SITE_URL": SANDBOX_URL,
    "RUNNER_INTERVAL": 5,
    # Low ratings from the satisfaction journey are emailed here (printed, like all sandbox mail).
    "SERVICE_EMAIL": "service@sandbox.example",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"oscar_lifecycle": {"handlers": ["console"], "level": "INFO"}},
}
