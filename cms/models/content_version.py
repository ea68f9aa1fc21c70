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
        """``(counter, latest expiry passed)`` in one query. A page's expiry time
        passing changes what is public before anything bumps the counter (the
        scheduler unpublishes it later), so it is part of the version."""
        counter, latest_expiry, _next_expiry = cls.current_and_next_expiry()
        return counter, latest_expiry

    @classmethod
    def current_and_next_expiry(cls):
        """``current()`` and the next expiry time still to come (when the version
        changes by itself), in one query."""
        from wagtail.models import Page

        now = timezone.now()
        live = Page.objects.filter(live=True)
        latest_expiry = (
            live.filter(expire_at__lte=now)
            .order_by("-expire_at")
            .values("expire_at")[:1]
        )
        next_expiry = (
            live.filter(expire_at__gt=now).order_by("expire_at").values("expire_at")[:1]
        )
        row = (
            cls.objects.filter(pk=1)
            .annotate(
                latest_expiry=models.Subquery(latest_expiry),
                next_expiry=models.Subquery(next_expiry),
            )
            .values_list("counter", "latest_expiry", "next_expiry")
            .first()
        )
        if row is None:
            cls.objects.get_or_create(pk=1)
            return cls.current_and_next_expiry()
        return row
