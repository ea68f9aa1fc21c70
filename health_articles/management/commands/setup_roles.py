from django.core.management.base import BaseCommand
from django.db import transaction

from health_articles.models import HealthArticleIndexPage
from health_articles.roles import ROLE_DESCRIPTIONS, WORKFLOW_NAME, setup_roles


class Command(BaseCommand):
    help = (
        "Create or reset the groups Health editors, Medical reviewers and Moderators "
        "with their permissions, and attach the Medical review workflow to the "
        "articles index. Safe to run again: it puts every group back as it should be."
    )

    def handle(self, **options):
        indexes = list(HealthArticleIndexPage.objects.all())
        with transaction.atomic():
            setup_roles(indexes)
        for name, description in ROLE_DESCRIPTIONS.items():
            self.stdout.write(f"Group “{name}”: {description}.")
        if indexes:
            names = ", ".join(f"“{index.title}”" for index in indexes)
            self.stdout.write(f"Workflow “{WORKFLOW_NAME}” attached to {names}.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    "There is no articles index yet: run this command again after "
                    "creating one, to give the groups their page permissions."
                )
            )
