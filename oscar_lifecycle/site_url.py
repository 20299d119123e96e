from django.contrib.sites.models import Site

from .conf import lifecycle_setting


def site_url():
    """The absolute base of every link in an email, without a trailing slash."""
    configured = lifecycle_setting("SITE_URL")
    if configured:
        return configured.rstrip("/")
    return f"https://{Site.objects.get_current().domain}"
