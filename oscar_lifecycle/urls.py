from django.urls import path

from .account import account_preferences_view
from .tracking.preference_views import (
    confirm_view,
    erase_view,
    export_view,
    preferences_view,
    unsubscribe_view,
)
from .tracking.views import click_view, open_view, rating_view

app_name = "oscar_lifecycle"

urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
    path("account/", account_preferences_view, name="account"),
    path("confirm/<str:token>/", confirm_view, name="confirm"),
    path("preferences/<str:token>/", preferences_view, name="preferences"),
    path("preferences/<str:token>/my-data/", export_view, name="export"),
    path("preferences/<str:token>/forget-me/", erase_view, name="erase"),
    path("c/<str:token>/", click_view, name="click"),
    path("o/<str:token>", open_view, name="open"),
    path("rate/<str:token>/<int:rating>/", rating_view, name="rate"),
]
