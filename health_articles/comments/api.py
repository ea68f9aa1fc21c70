"""Reader comments in the public API (``/api/v2/comments/``).

``GET ?article=<id>`` lists an article's approved comments, as the article shows
them; ``POST`` sends a new one from a headless front end, checked by the same form,
honeypot, signed token and rate limits as the "Leave a Reply" form, and held for
moderation; ``token/?article=<id>`` issues the signed token that a post carries.

An article that does not take comments (a draft, private, expired or closed to
comments) is a 404 on all three. No e-mail or IP address ever leaves through here.

The endpoint is registered on ``cms.api.api_router`` by this app's ``ready()``:
``cms`` never imports this app.
"""

from collections.abc import Mapping

from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from cms.api import PublicAPIMixin
from cms.api_filters import MAX_INTEGER
from cms.client_ip import client_ip
from health_articles.comments import tokens
from health_articles.comments.forms import HONEYPOT, ReaderCommentForm
from health_articles.comments.models import ReaderComment
from health_articles.comments.moderation import hold
from health_articles.comments.views import RATES, comment_page, commentable_article

# Posts through the API count against the same per-address budget as posts
# through the HTML form: the group is the one django-ratelimit gives that view.
RATE_GROUP = f"{comment_page.__module__}.{comment_page.__qualname__}"

# What a post may carry; anything else in the body is ignored, as a form would.
POSTED_FIELDS = ("article", "name", "email", "website", "text", "reply_to", "token")


class ReaderCommentSerializer(serializers.ModelSerializer):
    """What the article shows of a comment: never the e-mail, IP address,
    status or flag."""

    article = serializers.IntegerField(source="page_id", read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True)

    class Meta:
        model = ReaderComment
        fields = [
            "id",
            "article",
            "parent",
            "name",
            "website",
            "text",
            "created_at",
            "is_staff_reply",
        ]
        read_only_fields = fields


def parse_article_id(value):
    """The article id a client sent (a whole number, or its digits as text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        raise ValueError(value)
    if not 1 <= number <= MAX_INTEGER:
        raise ValueError(value)
    return number


def article_id_message():
    return _(
        "article must be the id of an article: a whole number from 1 to %(max)d"
    ) % {"max": MAX_INTEGER}


def shown_comments(page):
    """Approved comments, and approved replies to approved comments, oldest
    first: what the article itself shows. Only the published fields are read
    (and the status, which the model's post_init signal reads)."""
    return ReaderComment.objects.shown_on(page).only(
        "page",
        "parent",
        "status",
        "name",
        "website",
        "text",
        "created_at",
        "is_staff_reply",
    )


class NestingSafeJSONParser(JSONParser):
    """DRF's JSON parser, answering JSON nested too deep for Python's decoder
    (``[[[[…`` ten thousand times) as it answers any unreadable JSON: a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError() from error


class ReaderCommentsAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """``comments/``: GET lists an article's approved comments, POST sends one;
    ``comments/token/``: the token a post carries."""

    model = ReaderComment
    renderer_classes = [JSONRenderer]
    # JSON only: a cross-site page cannot send JSON without the CORS preflight that
    # CORS_ALLOWED_ORIGINS answers, while it could auto-submit a form body.
    parser_classes = [NestingSafeJSONParser]
    known_query_parameters = frozenset({"article", "limit", "offset", "format", "_"})
    token_query_parameters = frozenset({"article", "_"})

    @classmethod
    def get_urlpatterns(cls):
        return [
            path(
                "",
                cls.as_view({"get": "listing_view", "post": "create_view"}),
                name="listing",
            ),
            path(
                "token/",
                cls.as_view({"get": "token_view"}, cacheable=False),
                name="token",
            ),
        ]

    def get_serializer_class(self):
        return ReaderCommentSerializer

    def get_serializer_context(self):
        return {"request": self.request, "view": self}

    def handle_exception(self, exc):
        """Every refusal as ``{"message": …}``, as elsewhere in the API (DRF's own
        say ``detail``); a post's 400s also carry ``errors``."""
        if self.request.method == "POST" and isinstance(exc, ParseError):
            return self.field_errors(
                {}, _("The body could not be read: send a JSON object or a form.")
            )
        if isinstance(exc, UnsupportedMediaType):
            return Response(
                {
                    "message": _(
                        "Send the comment as JSON (application/json) or as a form "
                        "(application/x-www-form-urlencoded)."
                    )
                },
                status=exc.status_code,
            )
        if isinstance(exc, APIException):
            response = super().handle_exception(exc)
            response.data = {"message": str(exc.detail)}
            return response
        return super().handle_exception(exc)

    def check_parameters(self, known):
        unknown = set(self.request.GET) - known
        if unknown:
            raise BadRequestError(
                _("query parameter is not an operation or a recognised field: %s")
                % ", ".join(sorted(unknown))
            )

    def requested_article(self, accepting_comments=True):
        """The article named by ``?article=``: 400 without a good id, 404 unless
        it is public (and, unless told otherwise, takes comments)."""
        value = self.request.GET.get("article")
        if value is None:
            raise BadRequestError(
                _("article is required: give the id of an article (?article=5)")
            )
        try:
            article_id = parse_article_id(value)
        except ValueError as error:
            raise BadRequestError(article_id_message()) from error
        return commentable_article(article_id, accepting_comments=accepting_comments)

    def listing_view(self, request):
        self.check_parameters(self.known_query_parameters)
        # Comments stay readable when new ones are closed, as on the page.
        page = self.requested_article(accepting_comments=False)
        comments = self.paginate_queryset(shown_comments(page))
        return self.get_paginated_response(
            self.get_serializer(comments, many=True).data
        )

    def token_view(self, request):
        self.check_parameters(self.token_query_parameters)
        page = self.requested_article()
        return Response({"token": tokens.issue(page.pk)})

    @method_decorator(
        ratelimit(group=RATE_GROUP, key="ip", rate=RATES[0], method="POST", block=False)
    )
    @method_decorator(
        ratelimit(group=RATE_GROUP, key="ip", rate=RATES[1], method="POST", block=False)
    )
    def create_view(self, request):
        if getattr(request, "limited", False):
            return Response(
                {
                    "message": _(
                        "You have sent several comments in a short time. Wait a few "
                        "minutes, then send yours again."
                    )
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if not isinstance(request.data, Mapping):
            return self.field_errors(
                {}, _("The body must be a JSON object of the comment's fields.")
            )
        data, errors = posted_fields(request.data)
        if "article" not in data:
            errors.setdefault("article", [_("Give the id of the article.")])
        else:
            try:
                article_id = parse_article_id(data.pop("article"))
            except ValueError:
                errors["article"] = [article_id_message()]
        if errors:
            return self.field_errors(errors)
        page = commentable_article(article_id)
        form = ReaderCommentForm(data, page=page)
        if not (form.is_valid() and form.use_token()):
            return self.field_errors(
                {name: list(messages) for name, messages in form.errors.items()}
            )
        comment = form.save(commit=False)
        comment.ip_address = client_ip(request)
        hold(comment, request)
        return Response(
            {
                "status": "pending moderation",
                "message": _("Thank you: your comment is awaiting moderation."),
            },
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def field_errors(errors, message=None):
        return Response(
            {
                "message": message
                or _("Your comment was not sent: see the errors for each field."),
                "errors": errors,
            },
            status=status.HTTP_400_BAD_REQUEST,
        )


def posted_fields(body):
    """The fields of a post as the form takes them (text), and an error for each
    value that is neither text nor a number (a list, an object, true or false).
    A missing value and ``null`` are the same."""
    data, errors = {}, {}
    for name in (*POSTED_FIELDS, HONEYPOT):
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            if not is_unicode_text(value):
                errors[name] = [_("This contains characters that are not text.")]
                continue
            data[name] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            data[name] = value if name == "article" else str(value)
        else:
            errors[name] = [
                _("Give text or a number here, not %(kind)s.")
                % {"kind": type_name(value)}
            ]
    return data, errors


def is_unicode_text(value):
    """False for a string with a lone surrogate (JSON's ``"\\ud800"``), which no
    database can store."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def type_name(value):
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, Mapping):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    return _("a file")
