import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run Wagtail's publish_scheduled every --interval seconds, so that pages "
        "scheduled to go live or to expire do so on time. Stop it with Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between runs (60)."
        )
        parser.add_argument("--once", action="store_true", help="Run once and stop.")

    def handle(self, *, interval, once, **options):
        if interval < 1:
            raise CommandError("--interval must be at least 1 second.")
        if not once:
            self.stdout.write(f"Publishing scheduled pages every {interval} s.")
        try:
            while True:
                self.run_once()
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def run_once(self):
        try:
            call_command("publish_scheduled", verbosity=0)
        except Exception:
            # One failing run must not stop the runner; the next run retries.
            logger.exception("Scheduled publishing failed")
