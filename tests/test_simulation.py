"""`lifecycle_simulate`: how a new user sees the whole programme at work in the sandbox."""

from io import StringIO

import pytest
from django.core.management import call_command

from oscar_lifecycle.models import Contact

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_simulated_week_shows_each_contacts_emails_and_leaves_the_shop_as_it_was(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("lifecycle_demo_data", stdout=StringIO())
    output = StringIO()

    call_command("lifecycle_simulate", "--days", "8", stdout=output)

    report = output.getvalue()
    tom = report.split("tom@simulated.example")[1].split("@")[0]
    assert "day  0 10:00  Your account at Lifecycle Sandbox is ready  [Your account is ready]" in tom
    assert "Welcome" not in tom, "he did not tick the consent box: account mail only"
    jeanne = report.split("jeanne@simulated.example")[1].split("@")[0]
    assert "day  0 12:00  Bienvenue chez Lifecycle Sandbox, Jeanne\u00a0!  [Welcome and first month]" in jeanne, (
        "welcomed as soon as she confirmed")
    camille = report.split("camille@simulated.example")[1].split("@")[0]
    assert "day  3 16:00  Votre panier vous attend  [Abandoned basket]" in camille
    assert "Un petit geste pour votre panier" in camille
    paul = report.split("paul@simulated.example")[1].split("@")[0]
    assert "(no email)" in paul, "a guest who did not tick the box gets no reminder"
    assert "Happy birthday" not in report, "Léa's birthday is on day 10, after this week"
    assert not Contact.objects.filter(email__endswith="@simulated.example").exists(), "rolled back"
