"""One way to turn an image into JSON, shared by API fields and blocks."""

import logging

from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

logger = logging.getLogger(__name__)

API_RENDITION_SPEC = "max-1600x1600|format-webp"


def image_api_representation(image, alt_text, filter_spec=API_RENDITION_SPEC):
    """A rendition as ``{url, width, height, alt}``, or None without a usable file."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(filter_spec)
    except (SourceImageIOError, InvalidFilterSpecError):
        logger.warning("Image %s has no usable file for %s", image.pk, filter_spec)
        return None
    return {
        "url": rendition.full_url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": alt_text,
    }
