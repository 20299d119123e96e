from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..contacts import unsubscribe
from ..models import Contact
from .tokens import contact_id_from_unsubscribe_token


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """GET asks for confirmation (link scanners must not unsubscribe anyone);
    POST unsubscribes, which is also RFC 8058's one-click List-Unsubscribe-Post."""
    try:
        contact_id = contact_id_from_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("Invalid unsubscribe link") from None
    contact = get_object_or_404(Contact, pk=contact_id)
    if request.method == "POST":
        unsubscribe(contact, source="unsubscribe link")
        return render(request, "oscar_lifecycle/tracking/unsubscribed.html", {"contact": contact})
    return render(request, "oscar_lifecycle/tracking/unsubscribe_confirm.html", {"contact": contact})
