from django.db import models
from django.db.models import F
from django.utils import timezone


class ContentVersion(models.Model):
    """One row counting changes to public content; see ``cms.content_version``."""

    counter = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "content version"

    @classmethod
    def bump(cls):
        updated = cls.objects.filter(pk=1).update(
            counter=F("counter") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"counter": 1})

    @classmethod
    def current(cls):
        row = cls.objects.filter(pk=1).values_list("counter", flat=True).first()
        return row or 0
