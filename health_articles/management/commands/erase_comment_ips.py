from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from health_articles.comments.models import ReaderComment


def comments(count):
    return f"{count} comment" if count == 1 else f"{count} comments"


class Command(BaseCommand):
    help = (
        "Erase the IP address of every reader comment older than "
        "COMMENT_IP_RETENTION_DAYS days (30 by default). The periodic runner "
        "(run_scheduler) runs it; running it again erases nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many addresses would be erased, and erase nothing.",
        )

    def handle(self, *, dry_run, verbosity, **options):
        days = settings.COMMENT_IP_RETENTION_DAYS
        if days < 0:
            raise CommandError(
                f"COMMENT_IP_RETENTION_DAYS must be 0 or more, not {days}."
            )
        cutoff = timezone.now() - timedelta(days=days)
        # One UPDATE, no signals: an IP address is never shown, so nothing public
        # changes.
        expired = ReaderComment.objects.filter(
            created_at__lt=cutoff, ip_address__isnull=False
        )
        before = date_format(timezone.localtime(cutoff), "j F Y H:i")
        if dry_run:
            count = expired.count()
            message = (
                f"Would erase the IP addresses of {comments(count)} posted before "
                f"{before} (nothing erased: --dry-run)."
            )
        else:
            count = expired.update(ip_address=None)
            message = (
                f"Erased the IP addresses of {comments(count)} posted before {before}."
            )
        if verbosity >= 1:
            self.stdout.write(message)
