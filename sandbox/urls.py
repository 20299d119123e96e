from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("anymail/", include("anymail.urls")),
    path("lifecycle/", include("oscar_lifecycle.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
    path("pages/", include(wagtail_urls)),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
