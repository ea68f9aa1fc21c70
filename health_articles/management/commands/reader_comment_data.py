import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from health_articles.comments.models import ReaderComment


def comments(count):
    return f"{count} comment" if count == 1 else f"{count} comments"


def as_data(comment):
    return {
        "id": comment.pk,
        "article": {"title": comment.page.title, "url": comment.page.full_url},
        "in_reply_to": comment.parent_id,
        "name": comment.name,
        "email": comment.email,
        "website": comment.website,
        "text": comment.text,
        "status": comment.status,
        "created_at": comment.created_at.isoformat(),
        "ip_address": comment.ip_address,
    }


class Command(BaseCommand):
    help = (
        "A reader's data request: export (--export) or delete (--delete) every "
        "reader comment posted with one e-mail address, in any letter case."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--email", required=True, help="The reader's e-mail address."
        )
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--export",
            action="store_true",
            help="Write the comments as JSON to standard output (or --output).",
        )
        action.add_argument(
            "--delete",
            action="store_true",
            help="Delete the comments, after asking unless --no-input is given.",
        )
        parser.add_argument(
            "--output", help="With --export: the file to write the JSON to."
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="With --delete: do not ask for confirmation.",
        )

    def handle(self, *, email, export, delete, output, interactive, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(
                f"{email!r} is not a valid e-mail address "
                "(give one like name@example.com)."
            ) from None
        if output and not export:
            raise CommandError("--output goes with --export only.")

        found = (
            ReaderComment.objects.filter(email__iexact=email)
            .select_related("page")
            .order_by("created_at", "pk")
        )
        if export:
            self.export(email, found, output)
        else:
            self.delete(email, found, interactive)

    def export(self, email, found, output):
        data = {"email": email, "comments": [as_data(comment) for comment in found]}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}.") from None
        self.stdout.write(
            f"Exported {comments(len(data['comments']))} by {email} to {output}."
        )

    def delete(self, email, found, interactive):
        theirs = list(found.values_list("pk", flat=True))
        if not theirs:
            self.stdout.write(f"No comments by {email}; nothing deleted.")
            return
        # Replies by other people to these comments go with them (the model
        # deletes a comment's replies); say so before and after.
        others = (
            ReaderComment.objects.filter(parent__in=theirs)
            .exclude(pk__in=theirs)
            .count()
        )
        also = ""
        if others:
            also = (
                f", and {'1 reply' if others == 1 else f'{others} replies'} "
                "to them by other people"
            )
        if interactive:
            answer = input(
                f"Delete {comments(len(theirs))} by {email}{also}? This cannot be "
                "undone. Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer.strip().lower() != "yes":
                self.stdout.write("Cancelled; nothing deleted.")
                return
        with transaction.atomic():
            # Deleting through the ORM sends each comment's post_delete signal,
            # so removing an approved comment bumps the content version.
            ReaderComment.objects.filter(pk__in=theirs).delete()
        self.stdout.write(f"Deleted {comments(len(theirs))} by {email}{also}.")
