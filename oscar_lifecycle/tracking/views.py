from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from oscar.core.loading import get_model

from ..models import Contact, Enrollment, Message, MessageEvent
from ..storable import user_agent_of
from ..surveys import record_rating, service_answers
from .events import record_event
from .language import in_language_of
from .machines import is_machine
from .tokens import click_from_token, ids_from_rating_token, message_id_from_open_token

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
