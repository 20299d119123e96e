import gc
import time

from django.core.management.base import BaseCommand

from oscar_lifecycle.conf import lifecycle_setting
from oscar_lifecycle.engine.runner import run_lifecycle


class Command(BaseCommand):
    help = (
        "Process what shoppers did, run the due scans, send every due lifecycle email. "
        "--loop keeps doing it (the broker-less runner)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Run again every few seconds.")
        parser.add_argument(
            "--interval", type=float, default=None,
            help="Seconds between passes with --loop (default: OSCAR_LIFECYCLE['RUNNER_INTERVAL']).",
        )

    def handle(self, *args, loop=False, interval=None, **options):
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
