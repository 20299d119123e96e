from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def trigger_settings_js():
    """The journey editor shows only the chosen trigger's settings (all of them without JavaScript)."""
    return format_html('<script src="{}"></script>', static("oscar_lifecycle/trigger_settings.js"))
