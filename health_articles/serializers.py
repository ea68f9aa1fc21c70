"""API fields of the article that need more than Wagtail's defaults."""

from rest_framework.fields import Field
from wagtail.rich_text import expand_db_html

from cms.images import image_api_representation
from cms.models import OrganisationSettings


class HeroImageField(Field):
    """The hero image as ``{url, width, height, alt}``, with the article's alt text."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        return image_api_representation(page.hero_image, page.hero_alt_text)


class ReferenceListField(Field):
    """References as a flat list of citation objects, each with its block id."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, stream):
        return [
            {
                "id": child.id,
                **child.block.get_api_representation(child.value, self.context),
            }
            for child in stream
        ]


class RepresentationListField(Field):
    """A list of objects (people, topics) that each give their own JSON form."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, objects):
        return [obj.api_representation() for obj in objects]


class ContentsField(Field):
    """The table of contents as the page shows it: ``[{anchor, heading}]``."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        return [
            {"anchor": entry.anchor, "heading": entry.heading}
            for entry in page.table_of_contents()
        ]


class DisclaimerField(Field):
    """The medical disclaimer the page shows (its own or the site's), as HTML."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        if page.disclaimer:
            return expand_db_html(page.disclaimer)
        # The site's default, the same for every item: expanded once per answer.
        if "default_disclaimer_html" not in self.context:
            organisation = OrganisationSettings.for_request(self.context["request"])
            self.context["default_disclaimer_html"] = expand_db_html(
                page.medical_disclaimer(organisation) or ""
            )
        return self.context["default_disclaimer_html"]
