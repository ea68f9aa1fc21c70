from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from cms.passwords import SHOWN_ONCE, generated_password
from health_articles.roles import HEALTH_EDITORS, MEDICAL_REVIEWERS, MODERATORS

DEMO_USERS = [
    ("editor", "Edith", "Editor", HEALTH_EDITORS),
    ("reviewer", "Rhys", "Reviewer", MEDICAL_REVIEWERS),
    ("moderator", "Mo", "Moderator", MODERATORS),
]


class Command(BaseCommand):
    help = (
        "Create one demo user in each editorial group (run setup_roles first). Each "
        "new user's generated password is printed once; existing users are left alone."
    )

    def handle(self, **options):
        User = get_user_model()
        for username, first_name, last_name, group_name in DEMO_USERS:
            try:
                group = Group.objects.get(name=group_name)
            except Group.DoesNotExist as error:
                raise CommandError(
                    f"There is no group “{group_name}”: run setup_roles first."
                ) from error
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"Found demo user “{username}” ({group_name}).")
                continue
            password = generated_password()
            user = User.objects.create_user(
                username=username,
                email=f"{username}@example.com",
                password=password,
                first_name=first_name,
                last_name=last_name,
            )
            user.groups.add(group)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created demo user “{username}” ({group_name}), "
                    f"password: {password}"
                )
            )
            self.stdout.write(SHOWN_ONCE)
