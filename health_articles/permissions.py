"""Page permissions that Wagtail's group permissions alone cannot express.

Group page permissions apply to a page and everything below it, so the roles'
permissions on the articles index would also let editors change the index itself and
reviewers unpublish or delete it, taking every article with it.
"""

from wagtail.models import PagePermissionTester


class ArticleIndexPermissionTester(PagePermissionTester):
    """Editors and reviewers work under the index; only administrators change it."""

    def administrator(self):
        return self.user.is_active and self.user.is_superuser

    def can_edit(self):
        return self.administrator() and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return self.administrator() and super().can_delete(ignore_bulk)

    def can_unpublish(self):
        return self.administrator() and super().can_unpublish()

    def can_publish(self):
        return self.administrator() and super().can_publish()

    def can_move(self):
        return self.administrator() and super().can_move()

    def can_copy(self):
        return self.administrator() and super().can_copy()

    def can_set_view_restrictions(self):
        return self.administrator() and super().can_set_view_restrictions()

    def can_submit_for_moderation(self):
        return self.administrator() and super().can_submit_for_moderation()


class ArticlePermissionTester(PagePermissionTester):
    """Whoever cannot publish may delete only their own article that never went live."""

    def can_delete(self, ignore_bulk=False):
        if not super().can_delete(ignore_bulk):
            return False
        if self.user.is_superuser or "publish" in self.permissions:
            return True
        return (
            self.page.owner_id == self.user.pk
            and not self.page.live
            and self.page.first_published_at is None
        )
