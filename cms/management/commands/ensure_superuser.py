import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cms.passwords import SHOWN_ONCE, generated_password


class Command(BaseCommand):
    help = (
        "Create a superuser when there is none. The password comes from "
        "ADMIN_PASSWORD, or is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *, username, email, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; no account was created.")
            return
        if User.objects.filter(username=username).exists():
            raise CommandError(
                f"A user called “{username}” exists but is not a superuser. "
                "Choose another name with --username."
            )
        password = os.environ.get("ADMIN_PASSWORD") or generated_password()
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(self.style.SUCCESS(f"Created superuser “{username}”."))
        if "ADMIN_PASSWORD" in os.environ and os.environ["ADMIN_PASSWORD"]:
            self.stdout.write("Its password is the value of ADMIN_PASSWORD.")
        else:
            self.stdout.write(self.style.WARNING(f"Password: {password}\n{SHOWN_ONCE}"))
