import logging
import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)

# Without a PERIODIC_COMMANDS setting, the runner does what it always did.
DEFAULT_COMMANDS = ["publish_scheduled"]


def periodic_commands():
    return list(getattr(settings, "PERIODIC_COMMANDS", DEFAULT_COMMANDS))


class Command(BaseCommand):
    help = (
        "Run the management commands listed in settings.PERIODIC_COMMANDS (Wagtail's "
        "publish_scheduled, so that scheduled pages go live and expire on time, and "
        "any others) every --interval seconds. Stop it with Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between runs (60)."
        )
        parser.add_argument("--once", action="store_true", help="Run once and stop.")

    def handle(self, *, interval, once, **options):
        if interval < 1:
            raise CommandError("--interval must be at least 1 second.")
        commands = periodic_commands()
        unknown = [name for name in commands if name not in get_commands()]
        if unknown:
            raise CommandError(
                f"PERIODIC_COMMANDS names unknown commands: {', '.join(unknown)}."
            )
        if not once:
            self.stdout.write(f"Running {', '.join(commands)} every {interval} s.")
        try:
            while True:
                self.run_once(commands)
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def run_once(self, commands):
        for name in commands:
            try:
                call_command(name, verbosity=0)
            except Exception:
                # One failing command stops neither the others nor the runner;
                # the next run retries it.
                logger.exception("Periodic command %s failed", name)
