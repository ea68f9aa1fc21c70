from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cms import backups


class Command(BaseCommand):
    help = (
        "Back up the database and the media into a new folder: a dump (pg_dump on "
        "PostgreSQL, SQLite's backup API on SQLite), media.tar.gz and manifest.json "
        "with row counts and checksums. See docs/backups.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "backups",
            help="Folder to write the backup folder into (backups/ in the project).",
        )

    def handle(self, *, output, **options):
        folder, manifest = backups.write_backup(output)
        sizes = ", ".join(
            f"{name} {details['bytes']:,} bytes"
            for name, details in manifest["files"].items()
        )
        self.stdout.write(self.style.SUCCESS(f"Backed up to {folder}"))
        self.stdout.write(f"  {sizes}")
        for label, count in manifest["counts"].items():
            self.stdout.write(f"  {label}: {count:,}")
