from django.urls import path

from .tracking.views import unsubscribe_view

app_name = "oscar_lifecycle"

urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
]
