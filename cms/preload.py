"""Load everything a response refers to before it is serialised or rendered.

Wagtail loads the images of a stream with one query per stream, and the links of
each rich text value with one query per value (wagtail#11484): twenty articles with
their bodies, each answer linking to another page, would run hundreds of queries.
Instead, ``preload(objects, field_names)`` reads the raw content of the fields about
to be shown, collects every image, page and document id it names, and loads each
kind with one query (images with the scope's renditions). For the rest of the
response (``response_scope``), the image block and the rich text link handlers
take their objects from here.

The API's scope writes links as absolute URLs and prefetches the API renditions;
a page served by ``PreloadingPageMixin`` keeps links as Wagtail writes them for the
site and prefetches the renditions its template renders.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.rich_text import extract_references_from_rich_text

from cms.images import API_RENDITIONS
from cms.visibility import one_reading_of_private_sections, visible_pages


@dataclass
class Scope:
    request: object
    absolute_urls: bool = True
    renditions: tuple = tuple(API_RENDITIONS.values())  # filter specs to prefetch
    loaded: dict = field(default_factory=dict)  # model -> {id: object or None}

    def get_many(self, model, ids):
        """The objects for ``ids`` (None where there is none), or None when any id
        was not preloaded (the caller then loads them itself)."""
        known = self.loaded.get(model, {})
        keys = [_as_int(id_) for id_ in ids]
        if any(key not in known for key in keys if key is not None):
            return None
        return [known.get(key) for key in keys]


_scope = ContextVar("cms_preload_scope", default=None)


def current_scope():
    return _scope.get()


@contextmanager
def response_scope(request, **options):
    """Preloaded objects for one response; ``options`` are ``Scope``'s (the API's
    by default)."""
    token = _scope.set(Scope(request, **options))
    try:
        with one_reading_of_private_sections():
            yield
    finally:
        _scope.reset(token)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _collect_rich_text(html, found):
    for (
        model,
        object_id,
        _model_path,
        _content_path,
    ) in extract_references_from_rich_text(html or ""):
        key = _as_int(object_id)
        if key is not None:
            found.setdefault(_base_model(model), set()).add(key)


def _base_model(model):
    return Page if issubclass(model, Page) else model


def collect_block(block, raw, found, links=True):
    """Add the ids that ``raw`` (a block's stored value) refers to to ``found``:
    its images, and with ``links`` the pages and documents its rich text links to."""
    if raw is None:
        return
    if isinstance(block, ImageChooserBlock):
        key = _as_int(raw)
        if key is not None:
            found.setdefault(get_image_model(), set()).add(key)
    elif isinstance(block, blocks.RichTextBlock):
        if links:
            _collect_rich_text(raw if isinstance(raw, str) else str(raw), found)
    elif isinstance(block, blocks.StreamBlock):
        for item in raw:
            child = block.child_blocks.get(item.get("type"))
            if child is not None:
                collect_block(child, item.get("value"), found, links)
    elif isinstance(block, blocks.ListBlock):
        for item in raw:
            is_wrapped = isinstance(item, dict) and item.get("type") == "item"
            value = item.get("value") if is_wrapped else item
            collect_block(block.child_block, value, found, links)
    elif isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        for name, child in block.child_blocks.items():
            collect_block(child, raw.get(name), found, links)


def _is_image_key(model_field):
    return isinstance(model_field, models.ForeignKey) and issubclass(
        model_field.related_model, get_image_model()
    )


def collect_object(obj, field_names, found, all_streams=True):
    deferred = obj.get_deferred_fields()
    for model_field in obj._meta.concrete_fields:
        if model_field.attname in deferred:
            continue
        shown = model_field.name in field_names
        # The images of every loaded stream, even one not shown: other fields
        # read it (the reading time reads the body) and its images would load one
        # by one. Links are only written where the field is shown.
        if isinstance(model_field, StreamField) and (shown or all_streams):
            collect_block(
                model_field.stream_block,
                list(getattr(obj, model_field.attname).raw_data),
                found,
                links=shown,
            )
        elif isinstance(model_field, RichTextField) and shown:
            _collect_rich_text(getattr(obj, model_field.attname), found)
        elif _is_image_key(model_field) and shown:
            key = getattr(obj, model_field.attname)
            if key is not None:
                found.setdefault(get_image_model(), set()).add(key)


def _load_images(model, ids, specs):
    """Images with their renditions of ``specs`` (all when empty), in one query:
    the renditions, each with its image. An image with none of them yet (never
    shown) is read in a second query."""
    renditions = model.get_rendition_model().objects.filter(image_id__in=ids)
    if specs:
        renditions = renditions.filter(filter_spec__in=specs)
    found, renditions_of = {}, defaultdict(list)
    for rendition in renditions.select_related("image"):
        rendition.image = found.setdefault(rendition.image_id, rendition.image)
        renditions_of[rendition.image_id].append(rendition)
    found.update(
        (image.pk, image) for image in model.objects.filter(pk__in=ids - found.keys())
    )
    for key, image in found.items():
        # Where Wagtail's get_rendition looks first (as prefetch_renditions does).
        image.prefetched_renditions = renditions_of[key]
    return found


def _load(model, ids, scope):
    if model is get_image_model():
        found = _load_images(model, ids, scope.renditions)
    else:
        queryset = (
            visible_pages().defer_streamfields() if model is Page else model.objects
        )
        found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    return {key: found.get(key) for key in ids}


def preload(objects, field_names, all_streams=True):
    """Load what ``field_names`` of ``objects`` refer to, into the current scope,
    and attach the images that foreign keys (a hero image) point at. The images of
    every loaded stream come too unless ``all_streams`` is false (when nothing
    will read the streams not named)."""
    scope = current_scope()
    if scope is None:
        return
    found = {}
    for obj in objects:
        collect_object(obj, field_names, found, all_streams)
    for model, ids in found.items():
        missing = ids - scope.loaded.get(model, {}).keys()
        if missing:
            scope.loaded.setdefault(model, {}).update(_load(model, missing, scope))
    images = scope.loaded.get(get_image_model(), {})
    for obj in objects:
        for model_field in obj._meta.concrete_fields:
            if (
                model_field.name in field_names
                and _is_image_key(model_field)
                and getattr(obj, model_field.attname) in images
            ):
                model_field.set_cached_value(
                    obj, images[getattr(obj, model_field.attname)]
                )


def preloaded(model, ids):
    """What ``preload`` loaded for ``ids`` of ``model``, or None outside a scope or
    for ids it did not load."""
    scope = current_scope()
    return scope.get_many(_base_model(model), ids) if scope else None


def rendered(response):
    """``response``, rendered now if it is a ``TemplateResponse`` (which would
    otherwise render after the view returns, outside the scope)."""
    if not getattr(response, "is_rendered", True):
        response.render()
    return response


class PreloadingPageMixin:
    """A page whose template renders inside a ``response_scope``: what its
    ``get_context`` passes to ``preload`` is loaded once for the whole page, links
    keep the form Wagtail gives them on the site (root-relative on a single site),
    and images come with ``preload_renditions``, the filter specs its templates
    render. Mix in before ``Page``."""

    preload_renditions = ()

    def preload_scope(self, request):
        return response_scope(
            request, absolute_urls=False, renditions=tuple(self.preload_renditions)
        )

    def serve(self, request, *args, **kwargs):
        with self.preload_scope(request):
            return rendered(super().serve(request, *args, **kwargs))

    def serve_preview(self, request, *args, **kwargs):
        with self.preload_scope(request):
            return rendered(super().serve_preview(request, *args, **kwargs))
