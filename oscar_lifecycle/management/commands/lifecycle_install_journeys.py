from django.core.management.base import BaseCommand

from oscar_lifecycle.programme.install import install_programme
from oscar_lifecycle.programme.newsletter import install_newsletter


class Command(BaseCommand):
    help = (
        "Install the ready-made lifecycle programme (welcome and first month, abandoned basket, "
        "browse abandonment, cross-sell and up-sell, satisfaction, win-back, birthday, anniversary, "
        "loyalty) as drafts with French translations, and the monthly newsletter \"New in the shop\" "
        "(a campaign, with its segments). Safe to run again: what is installed is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--publish", action="store_true", help="Publish them at once (a demo shop).")

    def handle(self, *args, publish=False, **options):
        installed = install_programme(publish=publish)
        for journey in installed:
            state = "published" if journey.published else "draft"
            if journey.why_draft:
                state = f"draft: {journey.why_draft}"
            self.stdout.write(f"Installed “{journey.name}” ({state})")
        newsletter = install_newsletter(publish=publish)
        if newsletter is not None:
            state = "published: schedule it under Lifecycle > Campaigns" if publish else "draft"
            self.stdout.write(f"Installed the campaign “{newsletter.name}” ({state})")
        if not installed and newsletter is None:
            self.stdout.write("The whole programme is already installed.")
        elif not all(journey.published for journey in installed):
            self.stdout.write("Review the drafts in /cms/ under Lifecycle > Journeys, then publish them.")
