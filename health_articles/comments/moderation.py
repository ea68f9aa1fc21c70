"""Holding, flagging, approving and announcing reader comments."""

import re
import unicodedata

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from cms import content_version, frontend_cache
from health_articles.comments.models import CommentSettings, ReaderComment

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
MAX_LINKS = 2  # three or more links flag a comment


def normalised(text):
    """Text as the blocklist sees it: look-alike letters folded (NFKC), invisible
    characters removed, lower case."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def flag_reasons(comment, blocked_words):
    reasons = []
    if len(LINK.findall(comment.text)) > MAX_LINKS:
        reasons.append(_("three or more links"))
    searched = normalised(f"{comment.name}\n{comment.website}\n{comment.text}")
    found = [word for word in blocked_words if normalised(word) in searched]
    if found:
        reasons.append(_("blocked words: %(words)s") % {"words": ", ".join(found)})
    return reasons


def hold(comment, request):
    """Save a new reader comment as pending, flagged if need be, and tell the
    moderators once it is committed."""
    blocked = CommentSettings.for_request(request).blocked_words()
    reasons = flag_reasons(comment, blocked)
    comment.status = ReaderComment.Status.PENDING
    comment.flagged = bool(reasons)
    comment.flag_reasons = "; ".join(reasons)[:255]
    comment.save()
    transaction.on_commit(lambda: notify_moderators(comment))
    return comment


def moderators():
    """Active users with an e-mail address who may approve reader comments: the
    Moderators group, superusers, anyone else given the permission."""
    return (
        ModelPermissionPolicy(ReaderComment)
        .users_with_permission("change")
        .exclude(email="")
    )


def notify_moderators(comment):
    recipients = sorted({user.email for user in moderators()})
    if not recipients:
        return
    admin_url = settings.WAGTAILADMIN_BASE_URL + reverse(
        "reader_comments:edit", args=[comment.pk]
    )
    subject = _("New reader comment on “%(title)s”") % {"title": comment.page.title}
    lines = [
        _("%(name)s left a comment that waits for moderation:")
        % {"name": comment.name},
        "",
        comment.excerpt(300),
        "",
    ]
    if comment.flagged:
        lines += [_("Flagged: %(reasons)s") % {"reasons": comment.flag_reasons}, ""]
    lines.append(_("Approve or reject it: %(url)s") % {"url": admin_url})
    send_mail(subject, "\n".join(lines), None, recipients, fail_silently=True)


def set_status(comments, status, user):
    """Approve or reject ``comments`` (a queryset) in one update."""
    changing = comments.exclude(status=status)
    # Before the update: afterwards, ``changing`` matches nothing.
    pages = (
        list(Page.objects.filter(pk__in=changing.values("page")))
        if frontend_cache.enabled()
        else []
    )
    changed = changing.update(
        status=status, moderated_at=timezone.now(), moderated_by=user
    )
    if changed:
        content_version.bump()
        frontend_cache.purge_pages_after_commit(pages)
    return changed


def staff_reply(comment, user, text):
    """``user``'s reply to ``comment``, as staff: approved at once (staff are
    trusted), so it shows straight away and the model's signal bumps the content
    version."""
    return ReaderComment.objects.create(
        page=comment.page,
        parent=comment,
        is_staff_reply=True,
        staff_author=user,
        name=(user.get_full_name() or user.get_username())[:100],
        email=user.email,
        text=text,
        status=ReaderComment.Status.APPROVED,
        moderated_at=timezone.now(),
        moderated_by=user,
    )
