"""The comment form's endpoints. The article page itself stays the same for every
visitor; what differs per visitor comes from here, never cached."""

from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from cms.api_filters import MAX_INTEGER
from cms.client_ip import client_ip
from cms.visibility import visible_pages
from health_articles.comments import tokens
from health_articles.comments.forms import HONEYPOT, ReaderCommentForm
from health_articles.comments.moderation import hold

# Per client address (settings.RATELIMIT_IP_META_KEY: cms.client_ip): a burst,
# and a ceiling for the hour.
RATES = ("5/m", "30/h")


def commentable_article(page_id, accepting_comments=True):
    """The live, public, unexpired article (taking comments, unless told
    otherwise), or 404."""
    from health_articles.models import HealthArticlePage

    if not 0 < page_id <= MAX_INTEGER:
        raise Http404(_("This article does not take comments."))
    articles = visible_pages(HealthArticlePage.objects.filter(pk=page_id))
    if accepting_comments:
        articles = articles.filter(comments_enabled=True)
    page = articles.first()
    if page is None:
        raise Http404(_("This article does not take comments."))
    return page


def private(response):
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def form_token(request, page_id):
    """What the article's script puts in the form when the reader starts it."""
    page = commentable_article(page_id)
    return private(
        JsonResponse(
            {"csrfmiddlewaretoken": get_token(request), "token": tokens.issue(page.pk)}
        )
    )


def rate_limited(request):
    return private(
        render(request, "health_articles/comments/rate_limited.html", status=429)
    )


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=RATES[0], method="POST", block=False)
@ratelimit(key="ip", rate=RATES[1], method="POST", block=False)
def comment_page(request, page_id):
    """The plain comment page (for readers without JavaScript), and where every
    form posts to."""
    page = commentable_article(page_id)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            return rate_limited(request)
        form = ReaderCommentForm(request.POST, page=page)
        if form.is_valid() and form.use_token():
            comment = form.save(commit=False)
            comment.ip_address = client_ip(request)
            hold(comment, request)
            return redirect(reverse("comment_page", args=[page.pk]) + "?sent=1")
        status = 400
    else:
        form = ReaderCommentForm(page=page, initial={"token": tokens.issue(page.pk)})
        reply_to = request.GET.get("reply_to", "")
        if reply_to.isascii() and reply_to.isdigit() and int(reply_to) <= MAX_INTEGER:
            form.initial["reply_to"] = int(reply_to)
    # A fresh token with every form shown, so a corrected form can be sent again.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["token"] = tokens.issue(page.pk)
    return private(
        render(
            request,
            "health_articles/comments/comment_page.html",
            {
                "page": page,
                "form": form,
                "honeypot": form[HONEYPOT],
                "replying_to": form.replying_to(),
                "sent": request.GET.get("sent") == "1" and request.method == "GET",
            },
            status=status,
        )
    )
