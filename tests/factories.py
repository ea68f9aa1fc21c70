from datetime import date

import factory
import wagtail_factories
from django.utils import timezone

from cms.models import Person, Topic
from health_articles import stream_data
from health_articles.models import (
    ArticleAuthor,
    ArticleReviewer,
    ArticleTopic,
    HealthArticleIndexPage,
    HealthArticlePage,
)


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


class PersonFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Dr Test Person {n}")
    credentials = "MB ChB, MRCP"
    role = "Consultant physician"

    class Meta:
        model = Person


class TopicFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Topic {n}")
    kind = Topic.Kind.CONDITION

    class Meta:
        model = Topic


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
    live = True
    # As publishing would have set them.
    first_published_at = factory.Maybe(
        "live", yes_declaration=factory.LazyFunction(timezone.now)
    )
    last_published_at = factory.SelfAttribute("first_published_at")

    class Meta:
        model = HealthArticlePage
        skip_postgeneration_save = True

    @factory.post_generation
    def authors(page, create, people, **kwargs):
        """``authors=[...]`` people, or one new person by default."""
        for person in PersonFactory.create_batch(1) if people is None else people:
            ArticleAuthor.objects.create(page=page, person=person)

    @factory.post_generation
    def reviewers(page, create, people, **kwargs):
        for person in PersonFactory.create_batch(1) if people is None else people:
            ArticleReviewer.objects.create(page=page, person=person)

    @factory.post_generation
    def topics(page, create, topics, **kwargs):
        for topic in topics or []:
            ArticleTopic.objects.create(page=page, topic=topic)


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
