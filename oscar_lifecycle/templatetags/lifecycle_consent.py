from django import template

from ..optin import marketing_wording as wording

register = template.Library()


@register.simple_tag
def marketing_wording():
    """The consent box's words: the same the runner stores as proof when the box is ticked."""
    return wording()
