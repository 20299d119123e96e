from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def trigger_settings_js():
    """The journey editor shows only the chosen trigger's settings (all of them without JavaScript)."""
    return format_html('<script src="{}"></script>', static("oscar_lifecycle/trigger_settings.js"))


@hooks.register("insert_global_admin_css")
def merge_tags_panel_css():
    """The steps' list of merge tags shows that it opens (Wagtail's admin hides a summary's marker).
    On every admin page: Wagtail 8 has no hook for the editor's CSS alone, and the file is small."""
    return format_html('<link rel="stylesheet" href="{}">', static("oscar_lifecycle/merge_tags_panel.css"))
