from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contacts import Contact
from .enrollments import Enrollment
from .journeys import Journey


class SurveyResponse(models.Model):
    """A contact's 1-5 rating of an order, given with one click from a satisfaction email.

    One per contact and order: clicking another rating changes it. The shop is alerted about
    the first low rating only (``alerted_at``), however often the contact changes it after.
    """

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="survey_responses", verbose_name=_("contact")
    )
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("order"),
    )
    journey = models.ForeignKey(
        Journey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("journey")
    )
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("enrollment"),
    )
    rating = models.PositiveSmallIntegerField(_("rating (1 to 5)"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    alerted_at = models.DateTimeField(
        _("shop alerted at"), null=True, blank=True, editable=False,
        help_text=_("When the shop was told about a low rating of this order (once per order)."),
    )

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.UniqueConstraint(fields=["contact", "order"], name="lifecycle_one_rating_per_order"),
        ]

    def __str__(self):
        return f"{self.contact}: {self.rating}/5"
