from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from cms import backups


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `manage.py backup`: the database and "
        "the media are replaced by the backup's, after its checksums are checked. "
        "See docs/backups.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup folder.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that already holds pages.",
        )

    def handle(self, *, folder, yes, **options):
        manifest = backups.restore_backup(folder, replace_pages=yes)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {folder} (made {manifest['created_at']}); the counts "
                "match the backup:"
            )
        )
        for label, count in manifest["counts"].items():
            self.stdout.write(f"  {label}: {count:,}")
        unknown = backups.unknown_migrations(manifest)
        if unknown:
            self.stdout.write(
                self.style.WARNING(
                    "The backup was made by newer code: this code does not know "
                    f"its migrations {', '.join(unknown)}. Deploy that code before "
                    "serving this database."
                )
            )
        unapplied = backups.unapplied_migrations(connection)
        if unapplied:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(unapplied)} migrations of this code are not applied to "
                    "the restored database: run `manage.py migrate`."
                )
            )
