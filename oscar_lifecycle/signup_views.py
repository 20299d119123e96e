"""The sign-up form's page: ``/lifecycle/subscribe/``.

CSRF-exempt, so that the form works from pages a cache or a CDN served to everyone (a Wagtail
page, the shop's home page), whose CSRF token would be another visitor's. Nothing is lost by it:
the view changes nothing of the visitor's session or account, and what a forged cross-site post
could do (ask an address's owner to confirm) anyone can do by typing the address; the double
opt-in and the rate limits hold either way.
"""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .conf import lifecycle_setting
from .signup import SignupForm, asked_fields, sign_up
from .signup_limits import ip_over_limit
from .storable import ip_address_of

PAGE = "oscar_lifecycle/signup/page.html"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe_view(request):
    """GET: the form on a page of its own. POST: the same answer whatever the address (new,
    waiting, subscribed, unsubscribed, suppressed, a customer's); an address that is not one
    gets the form back with the error, and nothing is kept; too many sign-ups from the visitor's
    IP address get a 429 page that says when to try again."""
    if request.method == "GET":
        return render(request, PAGE, {"form": SignupForm(asks=asked_fields())})
    if ip_over_limit(ip_address_of(request)):
        window = lifecycle_setting("SIGNUP_IP_WINDOW")
        response = render(request, PAGE, {"too_many": True, "minutes": int(window.total_seconds() // 60)},
                          status=429)
        response["Retry-After"] = str(int(window.total_seconds()))
        return response
    form = SignupForm.posted(request.POST)
    if not form.is_valid():
        return render(request, PAGE, {"form": form})
    sign_up(form, request)
    return render(request, PAGE, {"signed_up": True})
