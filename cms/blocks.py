"""Generic StreamField blocks that any content type can reuse."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import blocks as image_blocks

from cms.images import image_api_representation
from cms.preload import preloaded

# Rich text features for running text. No h2: sections own the h2 level.
PARAGRAPH_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]
INLINE_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class ImageChooserBlock(image_blocks.ImageChooserBlock):
    """Wagtail's image chooser, taking images an API response preloaded."""

    def bulk_to_python(self, values):
        found = preloaded(self.model_class, values)
        return found if found is not None else super().bulk_to_python(values)


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "blocks/paragraph_block.html"
        preview_value = (
            "<p>Magnesium is a mineral that plays a crucial role in muscle "
            "relaxation and <b>neurotransmitter regulation</b>.</p>"
        )
        description = _("Running text with headings, lists, links and emphasis.")


class CalloutValue(blocks.StructValue):
    def screen_reader_prefix(self):
        return CalloutBlock.PREFIXES.get(self.get("level"), "")


class CalloutBlock(blocks.StructBlock):
    LEVEL_CHOICES = [
        ("info", _("Information")),
        ("warning", _("Warning")),
        ("urgent", _("Urgent")),
    ]
    PREFIXES = {
        "info": _("Information:"),
        "warning": _("Important:"),
        "urgent": _("Urgent advice:"),
    }

    level = blocks.ChoiceBlock(
        choices=LEVEL_CHOICES,
        default="info",
        help_text=_(
            "Information for useful asides, Warning for risks, Urgent when a reader "
            "should seek medical help now."
        ),
    )
    text = blocks.RichTextBlock(features=INLINE_FEATURES)

    def get_api_representation(self, value, context=None):
        return {
            "level": value["level"],
            "text_html": self.child_blocks["text"].get_api_representation(
                value["text"], context=context
            ),
        }

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "blocks/callout_block.html"
        value_class = CalloutValue
        preview_value = {
            "level": "warning",
            "text": "<p>Talk to your doctor before you start taking a supplement.</p>",
        }
        description = _("A highlighted box for advice the reader must not miss.")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=255,
        help_text=_(
            "Describe the image for people who cannot see it, in a sentence. Required."
        ),
    )
    caption = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text=_("Shown under the image. Credit the source here if needed."),
    )

    def get_api_representation(self, value, context=None):
        return {
            "image": image_api_representation(value["image"], value["alt_text"]),
            "caption": value["caption"],
        }

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"
        preview_value = {
            "alt_text": "A blister pack of magnesium tablets",
            "caption": "Magnesium comes as citrate, glycinate and oxide.",
        }
        description = _("An image with alt text and an optional caption.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text=_("Who said or wrote it, and where."),
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"
        preview_value = {
            "quote": "Start low and go slow.",
            "attribution": "A common rule for new supplements",
        }
        description = _("A quotation, with who said it.")


class ContentStreamBlock(blocks.StreamBlock):
    """The content of one section: paragraphs, callouts, images and quotes."""

    paragraph = ParagraphBlock()
    callout = CalloutBlock()
    image = ImageBlock()
    quote = QuoteBlock()

    class Meta:
        icon = "doc-full"
        label = _("Content")
        template = "blocks/content_stream_block.html"
        preview_value = [
            (
                "paragraph",
                "<p>Magnesium is a mineral that plays a crucial role in various "
                "bodily functions.</p>",
            ),
            (
                "callout",
                {
                    "level": "info",
                    "text": "<p>Ask a pharmacist about interactions.</p>",
                },
            ),
        ]
        description = _("Paragraphs, callouts, images and quotes.")
