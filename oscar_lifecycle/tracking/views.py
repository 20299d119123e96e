from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from oscar.core.loading import get_model

from ..conf import lifecycle_setting
from ..models import Contact, Enrollment, Message, MessageEvent
from ..purchases import purchased_products
from ..storable import user_agent_of
from ..surveys import record_rating, service_answers
from .basket_restore import restore_lines
from .events import record_event
from .language import in_language_of
from .links import basket_page_url
from .machines import is_machine
from .tokens import basket_link_from_token, click_from_token, ids_from_rating_token, message_id_from_open_token

HIGH_RATING = 4


def _rating_subject(token, rating):
    """(contact, enrollment, order) a rating link names; 404 for a forged link or a bad rating."""
    if not 1 <= rating <= 5:
        raise Http404("No such rating")
    try:
        contact_id, enrollment_id, order_id = ids_from_rating_token(token)
    except signing.BadSignature:
        raise Http404("Invalid rating link") from None
    contact = get_object_or_404(Contact, pk=contact_id)
    enrollment = Enrollment.objects.filter(pk=enrollment_id, contact=contact).first()
    order = get_model("order", "Order").objects.filter(pk=order_id).first() if order_id else None
    return contact, enrollment, order


@csrf_exempt
@require_http_methods(["GET", "POST"])
def rating_view(request, token, rating):
    """One click from a satisfaction email. GET shows the rating and saves it with a POST that the
    page sends by itself (link scanners that fetch every link rate nothing); POST stores it, asks
    a low rater what went wrong and invites a high rater to review what they bought."""
    contact, enrollment, order = _rating_subject(token, rating)
    with in_language_of(contact):
        if request.method == "GET":
            return render(request, "oscar_lifecycle/tracking/rate_confirm.html",
                          {"rating": rating, "order": order})
        # An erased contact's old link still rates (the number is the shop's), but keeps no words.
        comment = "" if contact.is_erased else request.POST.get("comment", "")
        response, _changed = record_rating(contact, enrollment, order, rating, comment)
        products = []
        if rating >= HIGH_RATING and order is not None:
            products = [line.product for line in order.lines.select_related("product")
                        if line.product is not None and line.product.is_public]
        return render(request, "oscar_lifecycle/tracking/rated.html", {
            "response": response, "order": order, "review_products": products,
            "asks_why": rating < HIGH_RATING and not response.comment,
            "service_answers": service_answers(rating),
        })


TRANSPARENT_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@require_http_methods(["GET", "HEAD"])
def click_view(request, token):
    """A link of a sent email: record the click (a person's, or a scanner's), then go where the
    email said. A forged, cut or foreign token is a 404: this never redirects anywhere else."""
    try:
        message_id, url = click_from_token(token)
    except signing.BadSignature:
        raise Http404("Invalid link") from None
    message = get_object_or_404(Message, pk=message_id)
    now = timezone.now()
    user_agent = user_agent_of(request)
    record_event(message, MessageEvent.Kind.CLICKED, source=MessageEvent.Source.REDIRECT, url=url,
                 user_agent=user_agent, is_machine=is_machine(user_agent, message.sent_at, now, request.method))
    return HttpResponseRedirect(url)


def _to_basket_page(request, level=None, text=""):
    if level is not None:
        messages.add_message(request, level, text)
    return HttpResponseRedirect(reverse("basket:summary"))


@require_http_methods(["GET", "HEAD"])
def basket_view(request, token):
    """The basket link of an abandoned-basket email, followed on any device: the basket the email
    was about is copied into the visitor's own (``basket_restore.py`` says why it is never handed
    over), then Oscar's basket page shows it. A click of the message, as any tracked link.

    A forged, cut or foreign token is a 404. An expired link, or a basket since ordered, merged or
    deleted, leads to the visitor's own basket page, which says so."""
    Basket = get_model("basket", "Basket")
    try:
        message_id, basket_id = basket_link_from_token(token, lifecycle_setting("BASKET_LINK_MAX_AGE"))
    except signing.SignatureExpired:
        return _to_basket_page(request, messages.WARNING, _("This link to your basket has expired."))
    except signing.BadSignature:
        raise Http404("Invalid basket link") from None
    message = Message.objects.select_related("contact").filter(pk=message_id).first()
    basket = Basket.objects.filter(pk=basket_id).first()
    if message is None or basket is None:
        return _to_basket_page(request, messages.WARNING, _("This basket is no longer saved."))
    user_agent = user_agent_of(request)
    record_event(message, MessageEvent.Kind.CLICKED, source=MessageEvent.Source.REDIRECT, url=basket_page_url(),
                 user_agent=user_agent,
                 is_machine=is_machine(user_agent, message.sent_at, timezone.now(), request.method))
    if request.method == "HEAD":
        return _to_basket_page(request)
    if basket.status == Basket.SUBMITTED:
        return _to_basket_page(request, messages.INFO, _("This basket was ordered already."))
    if basket.status == Basket.MERGED:
        return _to_basket_page(request, messages.INFO,
                               _("This basket was moved into a customer account: sign in to see it."))
    if basket.pk == request.basket.pk:  # the owner, where the basket is theirs already
        return _to_basket_page(request)
    purchases = purchased_products([message.contact]).get(message.contact_id, {})
    restored, left_out = restore_lines(basket, request.basket, purchases)
    for title in left_out:
        messages.warning(request, _("“%(title)s” can no longer be bought: it was left out.") % {"title": title})
    if restored:
        return _to_basket_page(request, messages.SUCCESS, _("Your basket is back."))
    if not left_out:
        return _to_basket_page(request, messages.INFO, _("There is nothing left in this basket."))
    return _to_basket_page(request)


@require_http_methods(["GET", "HEAD"])
def open_view(request, token):
    """The open pixel: a transparent GIF, never cached, and an open recorded (machine or person)."""
    try:
        message_id = message_id_from_open_token(token.removesuffix(".gif"))
    except signing.BadSignature:
        raise Http404("Invalid pixel") from None
    message = get_object_or_404(Message, pk=message_id)
    now = timezone.now()
    user_agent = user_agent_of(request)
    record_event(message, MessageEvent.Kind.OPENED, source=MessageEvent.Source.PIXEL, user_agent=user_agent,
                 is_machine=is_machine(user_agent, message.sent_at, now, request.method))
    response = HttpResponse(TRANSPARENT_GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store, private"
    return response
