"""An editor's test send: one step to any address, for the made-up customer (or a real order an
editor allowed to see contacts chose), with inert links.

Nothing is recorded as a Message, so a test never counts in stats or pressure, and
its links cannot unsubscribe anyone.
"""

from dataclasses import replace

from django.utils.translation import gettext as _

from ..content.render import render_step
from ..content.samples import sample_enrollment
from ..models import Contact, LifecycleSettings
from .send import send_rendered


def send_test_email(step, to_email, *, order=None, stage=None, stage_label=None):
    """Send ``step`` to ``to_email`` as the made-up customer (or ``order``'s customer) would get
    it, having left at ``stage`` (named ``stage_label`` in the subject) when the journey's trigger
    says where shoppers left; return the ESP id."""
    enrollment = sample_enrollment(order, stage=stage)
    sample = enrollment.contact
    recipient = Contact(
        email=to_email, first_name=sample.first_name, last_name=sample.last_name, locale=sample.locale
    )
    shop_settings = LifecycleSettings.current()
    rendered = render_step(
        step, recipient, enrollment=enrollment, shop_settings=shop_settings, inert_links=True
    )
    if stage_label:
        subject = _("[Test, shopper who %(stage)s] %(subject)s") % {"stage": stage_label, "subject": rendered.subject}
    else:
        subject = _("[Test] %(subject)s") % {"subject": rendered.subject}
    rendered = replace(rendered, subject=subject)
    return send_rendered(
        rendered, recipient, shop_settings, tags=["lifecycle-test"],
        metadata={"lifecycle_test": True}, test=True,
    )
