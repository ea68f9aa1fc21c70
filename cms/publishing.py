"""Refusing to put a page live, from every path that publishes.

A page type that has rules for going live defines ``publishing_problems()``, which
returns what is missing as sentences (empty when the page may go live). Wagtail's edit
and create views publish without calling ``Page.publish()``, so a hook checks there;
bulk actions, workflow approval and scheduled publishing all go through
``Page.publish()``, which such a page type overrides to call ``refuse_if_not_ready()``.
Either way ``PublishRefused`` is raised before anything is published, and the
middleware below turns it into an error message on the page's edit view. Whatever
draft revision was saved before the refusal is kept.
"""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cms import content_version


class PublishRefused(ValidationError):
    def __init__(self, page, problems):
        self.page = page
        self.problems = list(problems)
        super().__init__(self.problems)

    def summary(self):
        return _("“%(title)s” was not published: %(problems)s") % {
            "title": self.page.get_admin_display_title(),
            "problems": " ".join(str(problem) for problem in self.problems),
        }


def problems_with(page):
    problems_of = getattr(page.specific_deferred, "publishing_problems", None)
    return problems_of() if problems_of else []


def refuse_if_not_ready(page):
    problems = problems_with(page)
    if problems:
        raise PublishRefused(page, problems)


def refuse_in_editor_if_not_ready(page):
    """For the edit and create views, which save the page before publishing it.

    Wagtail's create view saves a new page as live before it publishes; a page that
    was never published must not stay live when its publication is refused.
    """
    problems = problems_with(page)
    if not problems:
        return
    if page.live and page.first_published_at is None:
        type(page).objects.filter(pk=page.pk).update(
            live=False, has_unpublished_changes=True
        )
        # .update() sends no signal: it was briefly live, so caches must know.
        content_version.bump()
    raise PublishRefused(page, problems)


class PublishRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PublishRefused):
            return None
        messages.error(request, exception.summary())
        edit_url = reverse("wagtailadmin_pages:edit", args=[exception.page.pk])
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's workflow dialogs follow a "success" step's redirect; the
            # message then shows on the edit view.
            return JsonResponse({"step": "success", "redirect": edit_url})
        return redirect(edit_url)


def make_publishing_atomic():
    """Publish a revision in one transaction, whatever path publishes it.

    Wagtail 8 publishes in several writes (the page row, the revision, the log
    entry, the ``page_published`` receivers) with no transaction around them: a
    receiver that fails half-way would leave the new version live, with caches
    purged and webhooks sent for a publication that reported an error. Inside one
    transaction a failure undoes it all; the draft revision, saved before
    publishing starts, is kept; purges, webhooks and the content version bump
    (all sent on commit) never go out. Called once, from ``CmsConfig.ready``.
    """
    from wagtail.actions.publish_revision import PublishRevisionAction

    execute = PublishRevisionAction.execute
    if getattr(execute, "is_atomic", False):
        return

    @functools.wraps(execute)
    def atomic_execute(self, *args, **kwargs):
        with transaction.atomic():
            return execute(self, *args, **kwargs)

    atomic_execute.is_atomic = True
    PublishRevisionAction.execute = atomic_execute
