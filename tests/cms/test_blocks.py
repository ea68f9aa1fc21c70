import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail_factories import ImageFactory

from cms.blocks import (
    CalloutBlock,
    ContentStreamBlock,
    ImageBlock,
    ParagraphBlock,
    QuoteBlock,
)
from health_articles.blocks import (
    ArticleBodyBlock,
    FAQBlock,
    FAQItemBlock,
    ReferenceBlock,
    ReferencesBlock,
    SectionBlock,
)

BLOCKS = [
    (ParagraphBlock, "neurotransmitter regulation"),
    (CalloutBlock, "Talk to your doctor"),
    (QuoteBlock, "Start low and go slow."),
    (ContentStreamBlock, "Ask a pharmacist"),
    (SectionBlock, "About akathisia"),
    (FAQItemBlock, "Can magnesium completely cure akathisia?"),
    (FAQBlock, "Are there any side effects?"),
    (ArticleBodyBlock, "Frequently asked questions"),
    (ReferenceBlock, "Magnesium in the central nervous system"),
    (ReferencesBlock, "Vink R, Nechifor M"),
]


@pytest.mark.parametrize(("block_class", "expected"), BLOCKS)
def test_every_block_has_a_full_meta_and_renders_its_preview(db, block_class, expected):
    block = block_class()

    assert block.meta.icon
    assert block.meta.template.startswith("blocks/")
    assert block.meta.description
    html = block.render(block.get_preview_value())
    assert expected in BeautifulSoup(html, "html.parser").get_text()


def test_image_block_renders_the_image_with_alt_text_and_caption(db):
    block = ImageBlock()
    image = ImageFactory()
    value = block.to_python(
        {"image": image.pk, "alt_text": "Tablets <b>", "caption": "Two <i>forms</i>"}
    )

    soup = BeautifulSoup(block.render(value), "html.parser")

    assert soup.select_one("figure img")["alt"] == "Tablets <b>"
    assert soup.select_one("figcaption").get_text() == "Two <i>forms</i>"
    assert block.meta.icon == "image"
    assert block.meta.template == "blocks/image_block.html"
    assert block.meta.description


def test_image_block_without_an_image_renders_nothing():
    block = ImageBlock()

    assert block.render(block.get_preview_value()).strip() == ""


def test_callout_has_a_screen_reader_prefix():
    block = CalloutBlock()
    value = block.to_python({"level": "urgent", "text": "<p>Call 999.</p>"})

    soup = BeautifulSoup(block.render(value), "html.parser")

    assert soup.select_one(".visually-hidden").get_text() == "Urgent advice:"
    assert "callout--urgent" in soup.aside["class"]


def test_quote_is_escaped():
    block = QuoteBlock()
    value = block.to_python({"quote": "<script>x()</script>", "attribution": "<b>"})

    html = block.render(value)

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "https://doi.org/10.1/x", "Enter a DOI such as 10.1000/xyz123"),
        ("pmid", "PMID123", "Enter a PubMed ID"),
        ("url", "javascript:alert(1)", "Enter a valid URL"),
        ("year", 1200, "greater than or equal to 1800"),
    ],
)
def test_reference_refuses_malformed_identifiers(field, value, message):
    block = ReferenceBlock()
    data = {"title": "A study", field: value}

    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python(data))

    assert message in str(error.value.block_errors[field])


def test_reference_needs_only_a_title():
    block = ReferenceBlock()

    value = block.clean(block.to_python({"title": "A study"}))

    assert value["title"] == "A study"
    assert value.doi_url() == ""
