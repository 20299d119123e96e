"""Personal offers as email content shows them; issuing real vouchers is engine/rewards.py's."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from oscar.core.loading import get_model

SAMPLE_CODE = "SAMPLE-CODE-1234"


@dataclass(frozen=True)
class IssuedVoucher:
    code: str
    ends_at: datetime


def sample_voucher(offer_id, valid_days):
    """What previews and test sends show: a made-up code, nothing written."""
    return IssuedVoucher(SAMPLE_CODE, timezone.now() + timedelta(days=valid_days))


def voucher_offer_choices():
    """The shop's offers that vouchers can carry (Oscar's offer type "Voucher"), for editors."""
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    return [
        (str(pk), name)
        for pk, name in ConditionalOffer.objects.filter(offer_type=ConditionalOffer.VOUCHER)
        .order_by("name").values_list("pk", "name")
    ]
