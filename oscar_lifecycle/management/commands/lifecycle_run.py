import argparse
import gc
import re
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oscar_lifecycle.conf import lifecycle_setting
from oscar_lifecycle.engine.runner import run_lifecycle
from oscar_lifecycle.engine import time_travel
from oscar_lifecycle.models import Enrollment, Message

DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
DURATION = re.compile(r"(?:\d+[mhdw])+")


def duration(text):
    """A duration such as 90m, 12h, 3d, 1w or 1d12h."""
    text = text.strip().lower()
    if not DURATION.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is no duration: give a number and m, h, d or w, e.g. 90m, 12h, 3d, 1w (or 1d12h)."
        )
    by = timedelta()
    for amount, unit in re.findall(r"(\d+)([mhdw])", text):
        by += timedelta(**{DURATION_UNITS[unit]: int(amount)})
    if not by:
        raise argparse.ArgumentTypeError("Give a duration longer than zero.")
    return by


def _elapsed(since, moment):
    minutes = round((moment - since).total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    return f"+{days}d {minutes // 60:02d}:{minutes % 60:02d}" if days else f"+{minutes // 60:02d}:{minutes % 60:02d}"


def _local(moment):
    return f"{timezone.localtime(moment):%a %d %b %H:%M}"


class Command(BaseCommand):
    help = (
        "Process what shoppers did, run the due scans, send every due lifecycle email. "
        "--loop keeps doing it (the broker-less runner); --advance 3d (sandbox only) sends now what "
        "the next three days would bring."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Run again every few seconds.")
        parser.add_argument(
            "--interval", type=float, default=None,
            help="Seconds between passes with --loop (default: OSCAR_LIFECYCLE['RUNNER_INTERVAL']).",
        )
        parser.add_argument(
            "--advance", type=duration, default=None, metavar="DURATION",
            help="Sandbox only (DEBUG on): run now the passes of the next DURATION (90m, 12h, 3d, 1w), "
                 "each as of its moment, and list what they sent.",
        )

    def handle(self, *args, loop=False, interval=None, advance=None, **options):
        if advance is not None:
            if loop:
                raise CommandError("--advance runs once: leave out --loop.")
            self.travel(advance)
            return
        interval = interval if interval is not None else lifecycle_setting("RUNNER_INTERVAL")
        # Django, Oscar and Wagtail leave ~200,000 objects that every full garbage collection
        # would walk again (150 ms each, 1.6 s in a big scan): they live as long as the process.
        gc.freeze()
        while True:
            report = run_lifecycle()
            if report.did_something or not loop:
                self.stdout.write(f"lifecycle_run: {report}")
            if not loop:
                return
            time.sleep(interval)

    def travel(self, by):
        if not settings.DEBUG:
            raise CommandError(
                "--advance is for the sandbox: what it sends is dated up to that far ahead, and the "
                "journeys move on as if that time had passed. It is refused while DEBUG is off."
            )
        start = timezone.now()
        self.stdout.write(f"lifecycle_run: the sandbox's clock moves on to {_local(start + by)}; "
                          "each email is dated as of the moment it stood for.")
        earlier = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        passes, outcomes, listed = 0, Counter(), set()
        for _moment, report in time_travel.advance(by, start):
            passes += 1
            outcomes.update(report.outcomes)
            for message in (Message.objects.filter(pk__gt=earlier, status=Message.Status.SENT)
                            .exclude(pk__in=listed).select_related("journey").order_by("sent_at", "pk")):
                what = message.journey.name if message.journey else message.get_kind_display()
                self.stdout.write(f"  {_local(message.sent_at)} ({_elapsed(start, message.sent_at)})  "
                                  f"{message.to_email}  {message.subject}  [{what}]")
                listed.add(message.pk)
        others = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()) if outcome != "sent")
        self.stdout.write(f"lifecycle_run: {len(listed)} sent in {passes} passes" + (f" ({others})" if others else ""))
        next_due = (Enrollment.objects.filter(state=Enrollment.State.ACTIVE, next_run_at__isnull=False)
                    .select_related("journey", "contact").order_by("next_run_at").first())
        if next_due is not None:
            self.stdout.write(f"lifecycle_run: next due: a step of “{next_due.journey.name}” for "
                              f"{next_due.contact.email}, {_local(next_due.next_run_at)}")
