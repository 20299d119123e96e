"""Satisfaction ratings: store the contact's answer, alert the shop about a low one."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .conf import lifecycle_setting
from .contacts import record_engagement
from .content.blocks import asks_for_rating
from .models import SurveyResponse
from .signals import low_rating_received
from .storable import storable_text

logger = logging.getLogger(__name__)
COMMENT_LENGTH = 2000


def record_rating(contact, enrollment, order, rating, comment=""):
    """Store ``rating`` (1-5) of ``order`` by ``contact``; return (the response, whether it changed).

    The same rating again changes nothing. The first rating of the order at or below LOW_RATING
    sends ``low_rating_received`` and emails SERVICE_EMAIL; later changes, back and forth, alert
    nobody again (one rating link would otherwise mail the shop as often as it is posted). ``comment`` is the
    contact's own text: it is kept as the database can store it, up to COMMENT_LENGTH characters.
    """
    comment = storable_text(comment, COMMENT_LENGTH)
    response = SurveyResponse.objects.filter(contact=contact, order=order).first()
    if response is not None and response.rating == rating and (not comment or comment == response.comment):
        return response, False
    if response is None:
        response = SurveyResponse(contact=contact, order=order)
    response.rating = rating
    response.comment = comment or response.comment
    response.enrollment = enrollment
    response.journey_id = enrollment.journey_id if enrollment is not None else None
    if response.pk is None:
        response.save()
    else:  # never alerted_at: another request may have just set it
        response.save(update_fields=["rating", "comment", "enrollment", "journey", "updated_at"])
    record_engagement(contact.pk)
    if rating <= lifecycle_setting("LOW_RATING") and _first_alert(response):
        _alert_shop(response)
    return response, True


def _low_ratings_are_heard():
    """Whether someone at the shop hears of a low rating: SERVICE_EMAIL, or a receiver of
    ``low_rating_received`` (a shop's own help desk)."""
    return bool(lifecycle_setting("SERVICE_EMAIL")) or low_rating_received.has_listeners(SurveyResponse)


def service_answers(rating):
    """Whether the shop's customer service hears of ``rating``, so that the rating page may say
    it will get back to the contact."""
    return rating <= lifecycle_setting("LOW_RATING") and _low_ratings_are_heard()


def refuse_unheard_ratings(bodies):
    """Refuse (ValidationError) to put live emails (step ``bodies``) that ask for a rating while
    a low one would alert nobody: the contact who answers "1" expects an answer."""
    if lifecycle_setting("LOW_RATING") < 1 or _low_ratings_are_heard():
        return
    if any(asks_for_rating(body) for body in bodies):
        raise ValidationError(_(
            "This journey asks for a satisfaction rating, and nobody would hear of a low one: no "
            "customer service address is set. Set OSCAR_LIFECYCLE[\"SERVICE_EMAIL\"] (where low ratings "
            "are emailed), then publish it; meanwhile, save it as a draft."
        ), code="unheard_ratings")


def _first_alert(response):
    """Whether the shop is yet to hear about ``response``'s order; marks it heard. A conditional
    UPDATE, so two requests at once alert once."""
    alerted_at = timezone.now()
    if not SurveyResponse.objects.filter(pk=response.pk, alerted_at__isnull=True).update(alerted_at=alerted_at):
        return False
    response.alerted_at = alerted_at
    return True


def _alert_shop(response):
    """Tell the shop, in the shop's language (the request is the customer's)."""
    with translation.override(settings.LANGUAGE_CODE):
        _send_alert(response)


def _send_alert(response):
    for receiver, error in low_rating_received.send_robust(sender=SurveyResponse, response=response):
        if error is not None:
            logger.error("A low_rating_received receiver (%r) failed", receiver, exc_info=error)
    service_email = lifecycle_setting("SERVICE_EMAIL")
    order_number = response.order.number if response.order is not None else "?"
    if not service_email:
        logger.warning("Order %s was rated %s/5 by %s (set OSCAR_LIFECYCLE['SERVICE_EMAIL'] to be "
                       "emailed about low ratings)", order_number, response.rating, response.contact.email)
        return
    send_mail(
        subject=_("Low rating: order %(number)s rated %(rating)s/5") % {
            "number": order_number, "rating": response.rating},
        message=_("%(email)s rated order %(number)s %(rating)s out of 5.\n\n%(comment)s") % {
            "email": response.contact.email, "number": order_number, "rating": response.rating,
            "comment": response.comment},
        from_email=None,
        recipient_list=[service_email],
    )
