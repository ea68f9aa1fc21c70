from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.models import Person, Topic
from health_articles.wordpress.importer import Options, WordPressImporter
from health_articles.wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import the posts of a WordPress export (WXR 1.1 or 1.2) as health articles, "
        "with their sections, FAQ, topics, images and comments. Safe to run again: "
        "it updates what it imported before."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The WordPress export (.xml).")
        parser.add_argument(
            "--index",
            default="articles",
            help="Slug of the article index to import into (default: articles).",
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of wp-content/uploads, where the images are found.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and convert everything, report, and write nothing.",
        )
        parser.add_argument(
            "--skip-drafts",
            action="store_true",
            help="Leave out drafts, pending and private posts.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also overwrite articles edited in Wagtail since their import.",
        )
        parser.add_argument(
            "--reviewer",
            help=(
                "Slug of the person who medically reviewed the published posts. "
                "With --reviewed-on, published posts go live; without, they are "
                "imported as drafts (an article needs a medical review to go live)."
            ),
        )
        parser.add_argument(
            "--reviewed-on",
            type=date.fromisoformat,
            help="Date of that review, YYYY-MM-DD.",
        )
        parser.add_argument(
            "--topic-kind",
            choices=[kind for kind, _label in Topic.Kind.choices],
            default=Topic.Kind.CONDITION,
            help="Kind given to topics made from new tags and categories.",
        )

    def handle(self, *args, **options):
        from health_articles.models import HealthArticleIndexPage

        if not options["export"].is_file():
            raise CommandError(f"No such file: {options['export']}")
        if options["media_dir"] and not options["media_dir"].is_dir():
            raise CommandError(f"No such folder: {options['media_dir']}")
        index = HealthArticleIndexPage.objects.filter(slug=options["index"]).first()
        if index is None:
            raise CommandError(
                f"No article index with the slug “{options['index']}”. Create it in "
                "the admin first, or give --index."
            )
        reviewer = None
        if options["reviewer"] or options["reviewed_on"]:
            if not (options["reviewer"] and options["reviewed_on"]):
                raise CommandError("Give --reviewer and --reviewed-on together.")
            reviewer = Person.objects.filter(slug=options["reviewer"]).first()
            if reviewer is None:
                raise CommandError(f"No person with the slug “{options['reviewer']}”.")

        importer = WordPressImporter(
            options["export"],
            Options(
                index=index,
                media_dir=options["media_dir"],
                dry_run=options["dry_run"],
                skip_drafts=options["skip_drafts"],
                force=options["force"],
                reviewer=reviewer,
                reviewed_on=options["reviewed_on"],
                topic_kind=options["topic_kind"],
            ),
            progress=self.progress if options["verbosity"] >= 1 else None,
        )
        try:
            report = importer.run()
        except WXRError as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        self.summarise(report, options["dry_run"])

    def progress(self, message):
        self.stdout.write(f"  {message}")

    def summarise(self, report, dry_run):
        write = self.stdout.write
        write("")
        write("Dry run: nothing was written." if dry_run else "Import finished.")
        write(f"Created: {len(report.created)}")
        write(f"Updated: {len(report.updated)}")
        write(f"Skipped: {len(report.skipped)}")
        for title, reason in report.skipped:
            write(f"  - {title}: {reason}")
        if report.comments:
            write(
                "Comments: "
                + ", ".join(
                    f"{count} {what}" for what, count in sorted(report.comments.items())
                )
            )
        if report.links_resolved:
            write(f"Links between posts: {report.links_resolved}")
        write(f"Warnings: {len(report.warnings)}")
        for title, message in report.warnings:
            write(self.style.WARNING(f"  - {title}: {message}"))
