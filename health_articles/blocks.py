"""Blocks that only health articles use: sections, the FAQ and references."""

from dataclasses import dataclass

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.rich_text import RichText

from cms.blocks import INLINE_FEATURES, ContentStreamBlock


def section_anchor(block_id):
    return f"section-{block_id}"


def faq_anchor(item_id):
    return f"faq-{item_id}"


# An article has at most one FAQ, so the FAQ as a whole has a fixed anchor.
FAQ_ANCHOR = "faq"


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        max_length=120,
        help_text=_(
            "Shown as a heading and in the table of contents. Links to the section "
            "keep working when you change it."
        ),
    )
    content = ContentStreamBlock(min_num=1)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        block_id = (parent_context or {}).get("block_id")
        context["anchor"] = section_anchor(block_id) if block_id else ""
        return context

    def get_api_representation(self, value, context=None):
        return {
            "heading": value["heading"],
            "content": self.child_blocks["content"].get_api_representation(
                value["content"], context=context
            ),
        }

    class Meta:
        icon = "doc-full-inverse"
        label = _("Section")
        template = "blocks/section_block.html"
        preview_value = {
            "heading": "About akathisia",
            "content": [
                (
                    "paragraph",
                    "<p>Akathisia is a movement disorder characterised by a feeling "
                    "of inner restlessness.</p>",
                )
            ],
        }
        description = _("A headed part of the article, listed in its contents.")


@dataclass(frozen=True)
class FAQEntry:
    id: str
    question: str
    answer: RichText

    @classmethod
    def from_item(cls, item_id, item):
        return cls(id=item_id or "", question=item["question"], answer=item["answer"])

    @property
    def anchor(self):
        return faq_anchor(self.id) if self.id else ""


class FAQValue(blocks.StructValue):
    def display_title(self):
        return self.get("title") or FAQBlock.DEFAULT_TITLE

    def entries(self):
        return [
            FAQEntry.from_item(child.id, child.value)
            for child in self["items"].bound_blocks
        ]


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(
        max_length=255, help_text=_("As a reader would ask it.")
    )
    answer = blocks.RichTextBlock(features=INLINE_FEATURES)

    def get_context(self, value, parent_context=None):
        # Rendered alone (in a block preview) an item has no id; within an FAQ,
        # faq_block.html passes each entry of FAQValue.entries() instead.
        context = super().get_context(value, parent_context=parent_context)
        context["entry"] = FAQEntry.from_item(None, value)
        return context

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "blocks/faq_item_block.html"
        preview_value = {
            "question": "Can magnesium completely cure akathisia?",
            "answer": "<p>It may ease symptoms, but results vary from person to "
            "person.</p>",
        }
        description = _("One question and its answer.")


class FAQBlock(blocks.StructBlock):
    DEFAULT_TITLE = _("Frequently asked questions")

    title = blocks.CharBlock(
        required=False,
        max_length=120,
        help_text=_("Leave blank for “Frequently asked questions”."),
    )
    items = blocks.ListBlock(FAQItemBlock(), min_num=1, label=_("Questions"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["anchor"] = FAQ_ANCHOR
        return context

    def get_api_representation(self, value, context=None):
        answer_block = self.child_blocks["items"].child_block.child_blocks["answer"]
        return {
            "title": str(value.display_title()),
            "items": [
                {
                    "id": entry.id,
                    "question": entry.question,
                    "answer_html": answer_block.get_api_representation(
                        entry.answer, context=context
                    ),
                }
                for entry in value.entries()
            ],
        }

    class Meta:
        icon = "help"
        label = _("FAQ")
        template = "blocks/faq_block.html"
        value_class = FAQValue
        preview_value = {
            "title": "",
            "items": [
                {
                    "question": "Can magnesium completely cure akathisia?",
                    "answer": "<p>It may ease symptoms, but results vary.</p>",
                },
                {
                    "question": "Are there any side effects?",
                    "answer": "<p>High doses can cause diarrhoea and nausea.</p>",
                },
            ],
        }
        description = _("Questions readers ask, each with its answer.")


class ArticleBodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    faq = FAQBlock()

    def get_api_representation(self, value, context=None):
        representation = super().get_api_representation(value, context=context)
        for item in representation:
            if item["type"] == "section":
                item["value"] = {
                    "heading": item["value"]["heading"],
                    "anchor": section_anchor(item["id"]),
                    "content": item["value"]["content"],
                }
        return representation

    class Meta:
        icon = "doc-full"
        template = "blocks/article_body_block.html"
        block_counts = {"faq": {"max_num": 1}}
        preview_value = [
            ("section", SectionBlock._meta_class.preview_value),
            ("faq", FAQBlock._meta_class.preview_value),
        ]
        description = _("Sections and an FAQ, in reading order.")


doi_validator = RegexValidator(
    r"^10\.\d{4,9}/\S+$",
    _("Enter a DOI such as 10.1000/xyz123, without “https://doi.org/”."),
)
pmid_validator = RegexValidator(
    r"^\d{1,9}$", _("Enter a PubMed ID: digits only, such as 31452104.")
)


class ReferenceValue(blocks.StructValue):
    def doi_url(self):
        return f"https://doi.org/{self['doi']}" if self.get("doi") else ""

    def pubmed_url(self):
        return (
            f"https://pubmed.ncbi.nlm.nih.gov/{self['pmid']}/"
            if self.get("pmid")
            else ""
        )


class ReferenceBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=500)
    authors = blocks.CharBlock(
        required=False, max_length=500, help_text=_("For example: Smith J, Patel R.")
    )
    publication = blocks.CharBlock(
        required=False, max_length=255, help_text=_("Journal, book or website.")
    )
    year = blocks.IntegerBlock(required=False, min_value=1800, max_value=2100)
    url = blocks.URLBlock(required=False, label=_("URL"))
    doi = blocks.CharBlock(
        required=False, max_length=255, label=_("DOI"), validators=[doi_validator]
    )
    pmid = blocks.CharBlock(
        required=False, max_length=9, label=_("PubMed ID"), validators=[pmid_validator]
    )

    def get_api_representation(self, value, context=None):
        return {
            **super().get_api_representation(value, context=context),
            "doi_url": value.doi_url(),
            "pubmed_url": value.pubmed_url(),
        }

    class Meta:
        icon = "list-ol"
        label = _("Reference")
        template = "blocks/reference_block.html"
        value_class = ReferenceValue
        preview_value = {
            "title": "Magnesium in the central nervous system",
            "authors": "Vink R, Nechifor M",
            "publication": "University of Adelaide Press",
            "year": 2011,
        }
        description = _("A source the article cites.")


class ReferencesBlock(blocks.StreamBlock):
    reference = ReferenceBlock()

    class Meta:
        icon = "list-ol"
        template = "blocks/references_block.html"
        preview_value = [("reference", ReferenceBlock._meta_class.preview_value)]
        description = _("The sources the article cites, in order.")
