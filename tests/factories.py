from datetime import date

import factory
import wagtail_factories

from health_articles import stream_data
from health_articles.models import HealthArticleIndexPage, HealthArticlePage


def article_body(sections=2, faq_items=2, paragraph_html=None):
    """A body of ``sections`` sections and an FAQ of ``faq_items`` questions."""
    body = [
        stream_data.section(
            f"Section heading {n}",
            [paragraph_html or stream_data.paragraph_html(f"Paragraph text {n}.")],
        )
        for n in range(1, sections + 1)
    ]
    if faq_items:
        body.append(
            stream_data.faq(
                [
                    (f"Question {n}?", f"<p>Answer {n}.</p>")
                    for n in range(1, faq_items + 1)
                ]
            )
        )
    return body


class HealthArticleIndexPageFactory(wagtail_factories.PageFactory):
    title = "Articles"
    slug = "articles"

    class Meta:
        model = HealthArticleIndexPage


class HealthArticlePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Health article {n}")
    slug = factory.Sequence(lambda n: f"health-article-{n}")
    summary = "What the reader will learn from this article."
    first_published = date(2023, 9, 23)
    last_reviewed = date(2023, 9, 23)
    next_review_due = date(2024, 9, 23)
    body = factory.LazyFunction(article_body)

    class Meta:
        model = HealthArticlePage


def rich_section(image):
    """A section with one block of each content type."""
    return {
        "type": "section",
        "id": stream_data.new_id(),
        "value": {
            "heading": "Every kind of content",
            "content": [
                stream_data.block("paragraph", "<p>Plain paragraph.</p>"),
                stream_data.block(
                    "callout", {"level": "urgent", "text": "<p>Call 999.</p>"}
                ),
                stream_data.block(
                    "image",
                    {"image": image.pk, "alt_text": "Tablets", "caption": "Two forms"},
                ),
                stream_data.block(
                    "quote", {"quote": "Start low.", "attribution": "A pharmacist"}
                ),
            ],
        },
    }
