from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def shop_data(value):
    """Shop data (a product title) in an email body: escaped, its braces written as entities
    so that merge tags, applied to the rendered body, never read or remove any of it."""
    return mark_safe(str(conditional_escape(value)).replace("{", "&#123;"))
