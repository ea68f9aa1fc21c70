"""The public read API (Wagtail API v2), mounted at /api/v2/.

Every request is answered as an anonymous visitor: no session, cookie or credential
is consulted, so a logged-in editor or a reader who entered a page password sees
exactly what everybody sees (live, public content only). That is also what makes the
responses safe to cache.
"""

import copy

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import caches
from django.db.models import CharField, IntegerField, QuerySet
from django.db.models.functions import Cast
from django.db.models.query import ModelIterable
from django.urls import path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import ListSerializer
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.rich_text import APIRichText
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, parse_fields_parameter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, ReferenceIndex

from cms import content_version
from cms.api_filters import MAX_INTEGER, validated, with_declared_filters
from cms.fragment_cache import Fragment
from cms.preload import preload, response_scope
from cms.preview import PreviewError, draft_from_token
from cms.visibility import expired_pages


def anonymous_copy(request):
    """A copy of ``request`` that carries no user and an empty session.

    The original request is left alone, so its session is never read (no
    ``Vary: Cookie``) and never written (the visitor's cookie is untouched).
    """
    anonymous = copy.copy(request)
    anonymous.user = AnonymousUser()
    anonymous.session = SessionBase()
    anonymous.COOKIES = {}
    return anonymous


def cache_publicly(response):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.API_CACHE_MAX_AGE,
        s_maxage=settings.API_CACHE_S_MAXAGE,
    )


class PublicAPIMixin:
    """Anonymous, validated, cacheable: what every public endpoint shares.

    Each answer carries an ETag derived from the content version and the request's
    host and path; a client that sends it back in ``If-None-Match`` gets a 304
    before any other query runs.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    cacheable = True

    def dispatch(self, request, *args, **kwargs):
        # Only reads are ETagged and cached: a POST (a reader comment) never is.
        if not self.cacheable or request.method not in ("GET", "HEAD"):
            with response_scope(request):
                response = super().dispatch(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response
        self.content_version = content_version.current()
        etag = content_version.etag(
            request.get_host(), request.get_full_path(), version=self.content_version
        )
        # Only a real ETag earns a 304 here: "*" would answer 304 for an address
        # that is an error or not found, before the view has looked.
        wildcard = request.headers.get("If-None-Match", "").strip() == "*"
        not_modified = (
            None if wildcard else get_conditional_response(request, etag=etag)
        )
        if not_modified is not None:
            not_modified["ETag"] = etag
            cache_publicly(not_modified)
            return not_modified
        with response_scope(request):
            response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200:
            response["ETag"] = etag
            cache_publicly(response)
        return response

    def get_serializer(self, *args, **kwargs):
        """The serializer, once everything its fields refer to is loaded at once
        (see ``cms.preload``). A listing's items come from the item cache where
        they can (``ItemCachingListSerializer``)."""
        if args and kwargs.pop("many", False):
            kwargs.setdefault("context", self.get_serializer_context())
            child = self.get_serializer_class()(**kwargs)
            return ItemCachingListSerializer(
                args[0], child=child, context=kwargs["context"]
            )
        serializer = super().get_serializer(*args, **kwargs)
        if args:
            preload([serializer.instance], set(serializer.fields))
        return serializer

    def item_cache_key(self, item):
        """Where a listing item's JSON is kept, or None for one never kept.

        Only pages are kept. The key holds the page's ``cache_key`` (its id, path
        and last publication: a new revision published is a new key), the content
        version (anything else the item shows: people, topics, images, linked
        pages), the date, the address the request came to (URLs are absolute) and
        what it asked for (``type`` and ``fields``)."""
        version = getattr(self, "content_version", None)
        if version is None or not settings.API_ITEM_CACHE_SECONDS:
            return None
        cache_key = getattr(item, "cache_key", None)
        if cache_key is None:
            return None
        request = self.request
        return "api-item:" + content_version.digest(
            request.scheme,
            request.get_host(),
            self.action,
            request.GET.get("type", ""),
            request.GET.get("fields", ""),
            cache_key,
            version=version,
        )

    def get_renderer_context(self):
        # Compact JSON: Wagtail indents it, which is larger and several times
        # slower to write.
        context = super().get_renderer_context()
        context["indent"] = None
        return context

    def initialize_request(self, request, *args, **kwargs):
        return super().initialize_request(anonymous_copy(request), *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, value in request.GET.items():
            if "\x00" in value:
                raise BadRequestError(
                    _("%(name)s must not contain null characters") % {"name": name}
                )
        offset = request.GET.get("offset", "")
        if offset.isascii() and offset.isdigit() and int(offset) > MAX_INTEGER:
            raise BadRequestError(
                _("offset must be at most %(max)d") % {"max": MAX_INTEGER}
            )

    def resolve_rich_text_format(self):
        requested = self.request.GET.get("rich_text_format")
        if requested is not None and requested != APIRichText.FORMAT_HTML:
            raise BadRequestError(
                _(
                    "rich_text_format must be 'html' (rich text is always returned "
                    "as HTML), got '%(value)s'"
                )
                % {"value": requested}
            )
        return APIRichText.FORMAT_HTML

    def find_object(self, queryset, request):
        object_id = request.GET.get("id")
        if object_id is not None and not (object_id.isascii() and object_id.isdigit()):
            raise BadRequestError(_("id must be a whole number"))
        return super().find_object(queryset, request)


class ItemCachingListSerializer(ListSerializer):
    """A listing's items, each from the fragment cache when it is there (keyed by
    ``PublicAPIMixin.item_cache_key``: the page's revision and the content
    version), otherwise serialised, after everything the missing ones refer to is
    loaded at once, and kept for ``API_ITEM_CACHE_SECONDS``.

    Given a plain queryset of one page type, the page rows are first read with
    only what the keys need; the full pages (streams, people, topics) are loaded
    only for the items not in the cache."""

    KEY_FIELDS = ("id", "url_path", "last_published_at")

    def to_representation(self, data):
        view = self.context["view"]
        light = self._light(data)
        items = list(data if light is None else light)
        keys = [view.item_cache_key(item) for item in items]
        cache = caches[settings.PAGE_CACHE_ALIAS]
        found = cache.get_many([key for key in keys if key]) if any(keys) else {}
        missing = [
            item for item, key in zip(items, keys, strict=True) if key not in found
        ]
        if light is not None and missing:
            full = view.get_queryset().in_bulk([item.pk for item in missing])
            items = [full.get(item.pk, item) for item in items]
            missing = [full.get(item.pk, item) for item in missing]
        preload(missing, set(self.child.fields))
        representations, fresh = [], {}
        for item, key in zip(items, keys, strict=True):
            if key in found:
                representations.append(found[key])
                continue
            representation = self.child.to_representation(item)
            representations.append(representation)
            if key:
                fresh[key] = representation
        if fresh:
            cache.set_many(fresh, settings.API_ITEM_CACHE_SECONDS)
        return representations

    def _light(self, data):
        """``data`` reading only the key fields, or None where that cannot be
        done (search results, mixed page types, the cache off)."""
        if (
            not settings.API_ITEM_CACHE_SECONDS
            or not isinstance(data, QuerySet)
            or data._iterable_class is not ModelIterable
            or not issubclass(data.model, Page)
        ):
            return None
        return data.prefetch_related(None).select_related(None).only(*self.KEY_FIELDS)


class CountKeepingPagination(WagtailPagination):
    """Wagtail's pagination, with ``meta.total_count`` kept as a fragment
    (``cms.fragment_cache``) for the same filters: counting reads every matching
    page, the one part of a listing that grows with the site."""

    PAGE_PARAMETERS = {"offset", "limit", "fields"}

    def paginate_queryset(self, queryset, request, view=None):
        asked = sorted(
            (key, value)
            for key, value in request.GET.lists()
            if key not in self.PAGE_PARAMETERS
        )
        fragment = Fragment(request, "api-count", request.path, asked)
        return super().paginate_queryset(
            KnownCount(queryset, fragment), request, view=view
        )


class KnownCount:
    """``queryset`` whose ``count()`` comes from ``fragment`` when it holds it."""

    def __init__(self, queryset, fragment):
        self.queryset = queryset
        self.fragment = fragment

    def count(self):
        if self.fragment.value is None:
            self.fragment.store(self.queryset.count())
        return self.fragment.value

    def __getitem__(self, key):
        return self.queryset[key]


def used_on_public_pages(queryset, request):
    """Only the objects that a live, public page refers to.

    Images and documents uploaded for a draft, or used nowhere, stay out of the API.
    Wagtail's reference index records what each page's saved (for a live page, its
    live) content refers to.
    """
    try:
        public_pages = get_public_pages_queryset(request)
    except ValueError as error:  # an unreadable ?site=
        raise BadRequestError(str(error)) from error
    public_pages = public_pages.exclude(pk__in=expired_pages().values("pk"))
    public_page_ids = public_pages.annotate(
        str_id=Cast("pk", output_field=CharField())
    ).values("str_id")
    # The ids are cast on the index's side: search results cannot be filtered on
    # an annotation.
    referenced_ids = (
        ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=public_page_ids,
            to_content_type=ContentType.objects.get_for_model(queryset.model),
        )
        .annotate(int_id=Cast("to_object_id", output_field=IntegerField()))
        .values("int_id")
    )
    return queryset.filter(pk__in=referenced_ids)


class PublicPagesAPIViewSet(PublicAPIMixin, PagesAPIViewSet):
    """Pages, with what each page type declares for its listing.

    ``api_filters`` (see ``DeclaredFilter``) adds query parameters;
    ``related_prefetch`` lists relations to load for all items at once;
    ``api_listing_omits`` names fields that ``fields=*`` leaves out of listings
    because they are large (a client asks for them by name: ``fields=*,body``).
    """

    filter_backends = with_declared_filters(validated(PagesAPIViewSet.filter_backends))
    pagination_class = CountKeepingPagination

    def get_queryset(self):
        # Built once per request: finding private sections costs a query each time.
        if getattr(self, "_queryset", None) is None:
            queryset = (
                super()
                .get_queryset()
                .exclude(pk__in=expired_pages().values("pk"))
                .select_related("locale")
            )
            prefetch = getattr(queryset.model, "related_prefetch", ())
            self._queryset = (
                queryset.prefetch_related(*prefetch) if prefetch else queryset
            )
        return self._queryset.all()

    def get_base_queryset(self):
        # Once per request: Wagtail asks for it for the queryset and again for
        # the serializer's context, and each time reads the private sections.
        if getattr(self, "_base_queryset", None) is None:
            self._base_queryset = super().get_base_queryset()
        return self._base_queryset.all()

    def get_object(self):
        if getattr(self, "_object", None) is None:
            self._object = super().get_object()
        return self._object

    def check_query_parameters(self, queryset):
        declared = set(getattr(queryset.model, "api_filters", {}))
        self.known_query_parameters = self.known_query_parameters | declared
        super().check_query_parameters(queryset)

    def get_serializer_class(self):
        if self.action != "listing_view" or "fields" not in self.request.GET:
            return super().get_serializer_class()
        model = self.get_queryset().model
        try:
            fields_config = self.parse_listing_fields(
                self.request.GET["fields"], getattr(model, "api_listing_omits", ())
            )
        except ValueError as error:
            raise BadRequestError(f"fields error: {error}") from error
        return self._get_serializer_class(
            self.request.wagtailapi_router, model, fields_config
        )

    @staticmethod
    def parse_listing_fields(raw, omitted):
        """Wagtail's ``fields=`` syntax, plus ``*,<omitted field>,…`` for listings."""
        head, _comma, tail = raw.partition(",")
        extra = tail.split(",") if tail else []
        if head == "*" and extra and all(name in omitted for name in extra):
            return parse_fields_parameter("*") + [(name, False, None) for name in extra]
        return parse_fields_parameter(raw)

    @classmethod
    def _get_serializer_class(
        cls, router, model, fields_config, show_details=False, nested=False
    ):
        omitted = getattr(model, "api_listing_omits", ())
        if not show_details and fields_config and fields_config[0][0] == "*":
            named = {name for name, _negated, _sub in fields_config[1:]}
            fields_config = list(fields_config) + [
                (name, True, None) for name in omitted if name not in named
            ]
        return super()._get_serializer_class(
            router, model, fields_config, show_details=show_details, nested=nested
        )


class PublicImagesAPIViewSet(PublicAPIMixin, ImagesAPIViewSet):
    filter_backends = validated(ImagesAPIViewSet.filter_backends)

    def get_queryset(self):
        return used_on_public_pages(super().get_queryset(), self.request)


class PublicDocumentsAPIViewSet(PublicAPIMixin, DocumentsAPIViewSet):
    filter_backends = validated(DocumentsAPIViewSet.filter_backends)

    def get_queryset(self):
        return used_on_public_pages(super().get_queryset(), self.request)


class PagePreviewAPIViewSet(PublicPagesAPIViewSet):
    """``preview/?content_type=<app.model>&token=<token>``: the draft a headless
    front end was sent to preview, as the detail endpoint would show it once
    published. Only a valid, unexpired token opens it; never cached."""

    cacheable = False
    known_query_parameters = frozenset({"content_type", "token", "fields"})

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "detail_view"}), name="detail")]

    def detail_view(self, request, pk=None):
        unknown = set(request.GET) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                _("query parameter is not an operation or a recognised field: %s")
                % ", ".join(sorted(unknown))
            )
        try:
            page = self.get_object()
        except PreviewError as error:
            return Response({"message": str(error)}, status=error.status)
        return Response(self.get_serializer(page).data)

    def get_object(self):
        if not hasattr(self, "_draft"):
            self._draft = draft_from_token(
                self.request.GET.get("content_type"), self.request.GET.get("token")
            )
        return self._draft


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
api_router.register_endpoint("preview", PagePreviewAPIViewSet)
