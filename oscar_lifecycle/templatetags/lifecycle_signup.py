from django import template

from ..signup import SignupForm, asked_fields

register = template.Library()


@register.inclusion_tag("oscar_lifecycle/signup/form.html")
def signup_form(heading="", first_name=None, topics=None):
    """The newsletter sign-up form: ``{% signup_form %}``, or ``{% signup_form heading="Our news"
    first_name=True topics=True %}``; what it asks defaults to SIGNUP_ASKS_FIRST_NAME and
    SIGNUP_ASKS_TOPICS."""
    return {"form": SignupForm(asks=asked_fields(first_name, topics)), "heading": heading}
