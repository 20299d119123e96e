from django.urls import path

from .account import account_preferences_view, confirm_address_view
from .ownership import ACCOUNT_PURPOSE, DATA_PURPOSE
from .signup_views import subscribe_view
from .tracking.preference_views import (
    confirm_view,
    data_link_view,
    my_data_view,
    preferences_view,
    unsubscribe_view,
)
from .tracking.views import basket_view, click_view, open_view, rating_view

app_name = "oscar_lifecycle"

urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
    path("account/", account_preferences_view, name="account"),
    path("subscribe/", subscribe_view, name="subscribe"),
    path("confirm/<str:token>/", confirm_view, name="confirm"),
    path("preferences/<str:token>/", preferences_view, name="preferences"),
    path("preferences/<str:token>/my-data/", data_link_view, name="data_link"),
    path("my-data/<str:token>/", my_data_view, name=DATA_PURPOSE),
    path("account/confirm/<str:token>/", confirm_address_view, name=ACCOUNT_PURPOSE),
    path("c/<str:token>/", click_view, name="click"),
    path("basket/<str:token>/", basket_view, name="basket"),
    path("o/<str:token>", open_view, name="open"),
    path("rate/<str:token>/<int:rating>/", rating_view, name="rate"),
]
