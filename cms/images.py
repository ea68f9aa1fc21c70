"""One way to turn an image into JSON, shared by API fields and blocks."""

import logging

from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

logger = logging.getLogger(__name__)

# The sizes API clients get, by name. The largest also gives the top-level url,
# width and height (the shape every image had before sizes were added).
API_RENDITIONS = {
    "small": "max-800x800|format-webp",
    "large": "max-1600x1600|format-webp",
}
DEFAULT_RENDITION = "large"


def _size(rendition):
    return {
        "url": rendition.full_url,
        "width": rendition.width,
        "height": rendition.height,
    }


def image_api_representation(image, alt_text):
    """``{url, width, height, alt, renditions: {small, large}}``, each rendition
    ``{url, width, height}`` with an absolute URL; None without a usable file."""
    if image is None:
        return None
    try:
        by_spec = image.get_renditions(*API_RENDITIONS.values())
    except (SourceImageIOError, InvalidFilterSpecError, OSError):
        logger.warning("Image %s has no usable file for the API", image.pk)
        return None
    renditions = {name: _size(by_spec[spec]) for name, spec in API_RENDITIONS.items()}
    return {
        **renditions[DEFAULT_RENDITION],
        "alt": alt_text,
        "renditions": renditions,
    }
