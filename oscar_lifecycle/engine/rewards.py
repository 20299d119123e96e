"""Personal offers: a single-use Oscar voucher per enrollment, issued when its email is rendered."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from ..content.offers import IssuedVoucher
from ..models import PersonalVoucher


def voucher_issuer(enrollment):
    """What the dispatcher gives render_step(): ``(offer id, valid days) -> IssuedVoucher``."""
    return lambda offer_id, valid_days: personal_voucher(enrollment, offer_id, valid_days)


def personal_voucher(enrollment, offer_id, valid_days, now=None):
    """The voucher of ``enrollment`` for offer ``offer_id``, issued the first time (single use,
    valid ``valid_days`` from then); None when the offer is gone or no longer a voucher offer."""
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    Voucher = get_model("voucher", "Voucher")
    get_unused_code = get_class("voucher.utils", "get_unused_code")
    issued = PersonalVoucher.objects.filter(enrollment=enrollment, offer_id=offer_id).select_related("voucher").first()
    if issued is None:
        offer = ConditionalOffer.objects.filter(pk=offer_id, offer_type=ConditionalOffer.VOUCHER).first()
        if offer is None:
            return None
        now = now or timezone.now()
        code = get_unused_code(length=12)
        try:
            with transaction.atomic():
                voucher = Voucher.objects.create(
                    name=f"{offer.name[:80]} · {code}", code=code, usage=Voucher.SINGLE_USE,
                    start_datetime=now, end_datetime=now + timedelta(days=valid_days),
                )
                voucher.offers.add(offer)
                issued = PersonalVoucher.objects.create(enrollment=enrollment, offer=offer, voucher=voucher)
        except IntegrityError:  # another render issued it meanwhile
            issued = PersonalVoucher.objects.select_related("voucher").get(enrollment=enrollment, offer_id=offer_id)
    return IssuedVoucher(issued.voucher.code, issued.voucher.end_datetime)
