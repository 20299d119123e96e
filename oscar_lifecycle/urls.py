from django.urls import path

from .tracking.views import rating_view, unsubscribe_view

app_name = "oscar_lifecycle"

urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
    path("rate/<str:token>/<int:rating>/", rating_view, name="rate"),
]
