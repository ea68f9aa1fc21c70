"""The article page runs as many queries for a small article as for a large one,
and at most 16, with everything on it (issue 8): people, topics, the site's
settings, breadcrumbs, related articles, approved comments, a hero image and an
image in every section, and every paragraph and FAQ answer linking to a live page
and a document of its own. Their links and images are read once per page
(``cms.preload``), not once per rich text value (wagtail#11484)."""

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction, Site
from wagtail.rich_text import expand_db_html
from wagtail_factories import DocumentFactory, ImageFactory

from cms.models import OrganisationSettings
from health_articles import stream_data
from health_articles.comments.models import ReaderComment
from tests.factories import (
    HealthArticlePageFactory,
    PersonFactory,
    TopicFactory,
    article_body,
    rich_section,
)

# On SQLite and PostgreSQL: the site, the home page, the index and the article
# (4), their view restrictions, the site's settings, the images with their
# renditions, the private sections and the linked pages (2), the documents, the
# comments, the private sections and the related articles (2), the topics (the
# article's and its related articles'), the authors and the reviewers.
ARTICLE_PAGE_BUDGET = 16
API_DETAIL_BUDGET = 12

SMALL_AND_LARGE = {
    "2 or 20 FAQ items": ({"faq_items": 2}, {"faq_items": 20}),
    "2 or 10 sections": ({"sections": 2}, {"sections": 10}),
    "1 or 5 authors and reviewers": ({"people": 1}, {"people": 5}),
    "0 or 50 comments": ({"comments": 0}, {"comments": 50}),
}


def image():
    return ImageFactory(file=get_test_image_file(size=(120, 80)))


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


class LinkingText:
    """Rich text for an article, each value linking to a live article and a
    document of its own (``linking``), or plain text."""

    def __init__(self, index, linking):
        self.index = index
        self.linking = linking
        self.targets = []  # (page, document) per value, in order

    def __call__(self, label):
        if not self.linking:
            return f"<p>{label}.</p>"
        page = HealthArticlePageFactory(parent=self.index, title=f"About {label}")
        document = DocumentFactory(title=f"Leaflet: {label}")
        self.targets.append((page, document))
        return (
            f'<p>{label}: read <a linktype="page" id="{page.pk}">the article</a> '
            f'and <a linktype="document" id="{document.pk}">the leaflet</a>.</p>'
        )


@pytest.fixture
def site_content(article_index):
    """The site's settings (with a default disclaimer that links) and a topic
    that three other articles share, so every article has related articles."""
    policy = HealthArticlePageFactory(parent=article_index, title="Our policy")
    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.organisation_name = "Health Org"
    organisation.default_disclaimer = (
        f'<p>Read <a linktype="page" id="{policy.pk}">our policy</a>.</p>'
    )
    organisation.save()
    topic = TopicFactory(name="Sleep", slug="sleep")
    for n in range(3):
        HealthArticlePageFactory(
            parent=article_index, title=f"Related {n}", topics=[topic]
        )
    return SimpleNamespace(index=article_index, topic=topic, policy=policy)


def make_article(
    site_content, sections=2, faq_items=2, people=1, comments=0, linking=True
):
    index, topic = site_content.index, site_content.topic
    text = LinkingText(index, linking)
    body = []
    for n in range(sections):
        section = rich_section(image())
        section["value"]["content"][0]["value"] = text(f"Section {n}")
        body.append(section)
    body.append(
        stream_data.faq(
            [(f"Question {n}?", text(f"Answer {n}")) for n in range(faq_items)]
        )
    )
    article = HealthArticlePageFactory(
        parent=index,
        body=body,
        hero_image=image(),
        hero_image_alt="A hero image",
        authors=PersonFactory.create_batch(people),
        reviewers=PersonFactory.create_batch(people),
        topics=[topic, TopicFactory()],
    )
    parent = None
    for n in range(comments):
        parent = ReaderComment.objects.create(
            page=article,
            # Every other one a reply to the one before.
            parent=parent if n % 2 else None,
            name=f"Reader {n}",
            email="reader@example.org",
            text=f"Comment {n}",
            status="approved",
        )
    article.linking_text = text
    return article


def count_queries(client, url, django_assert_max_num_queries, budget):
    client.get(url)  # first view: renditions are made, site paths cached
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "linking", [True, False], ids=["every text linking", "plain text"]
)
@pytest.mark.parametrize("variation", SMALL_AND_LARGE)
def test_article_page_queries_do_not_grow(
    client, site_content, variation, linking, django_assert_max_num_queries
):
    small_sizes, large_sizes = SMALL_AND_LARGE[variation]
    small = make_article(site_content, linking=linking, **small_sizes)
    large = make_article(site_content, linking=linking, **large_sizes)

    small_count, large_count = (
        count_queries(
            client, page.url, django_assert_max_num_queries, ARTICLE_PAGE_BUDGET
        )
        for page in (small, large)
    )

    assert small_count == large_count


@pytest.mark.parametrize("variation", ["2 or 20 FAQ items", "2 or 10 sections"])
def test_api_detail_queries_do_not_grow(
    client, article_index, variation, django_assert_max_num_queries
):
    small_sizes, large_sizes = SMALL_AND_LARGE[variation]
    small, large = (
        HealthArticlePageFactory(parent=article_index, body=article_body(**sizes))
        for sizes in (small_sizes, large_sizes)
    )

    small_count, large_count = (
        count_queries(
            client,
            f"/api/v2/pages/{page.pk}/",
            django_assert_max_num_queries,
            API_DETAIL_BUDGET,
        )
        for page in (small, large)
    )

    assert small_count == large_count


def test_batched_links_go_to_each_texts_own_page_and_document(client, site_content):
    article = make_article(site_content, sections=3, faq_items=4)

    soup = soup_of(client.get(article.url))

    paragraphs = soup.select("section.article-section > .rich-text")
    answers = soup.select(".faq__answer")
    assert len(paragraphs) == 3 and len(answers) == 4
    for text, (page, document) in zip(
        paragraphs + answers, article.linking_text.targets, strict=True
    ):
        assert [a["href"] for a in text.find_all("a")] == [page.url, document.url]
    assert page.url.startswith("/articles/")
    assert document.url.startswith("/documents/")
    disclaimer_link = soup.select_one(".article__disclaimer a")
    assert disclaimer_link["href"] == site_content.policy.url
    images = soup.select("section.article-section figure img")
    assert len(images) == 3
    assert all(".width-800." in img["src"] for img in images)
    assert ".width-1200." in soup.select_one(".article__hero img")["src"]


def test_batched_links_are_written_as_wagtail_writes_each_value(client, site_content):
    article = make_article(site_content, sections=2, faq_items=3)

    content = client.get(article.url).content.decode()

    # Outside a page, each value is expanded on its own, as Wagtail does it.
    sources = [
        child.value["content"][0].value.source
        for child in article.body
        if child.block_type == "section"
    ] + [entry.answer.source for entry in article.faq_items()]
    assert len(sources) == 5
    for source in sources:
        assert expand_db_html(source) in content


def test_batched_links_to_drafts_and_private_pages_have_no_href(client, article_index):
    live = HealthArticlePageFactory(parent=article_index, slug="live-target")
    draft = HealthArticlePageFactory(
        parent=article_index, slug="secret-draft-slug", live=False
    )
    private = HealthArticlePageFactory(parent=article_index, slug="private-slug")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    targets = {"live": live, "draft": draft, "private": private}
    answers = [
        (f"About {name}?", f'<p><a linktype="page" id="{page.pk}">{name}</a></p>')
        for name, page in targets.items()
    ]
    article = HealthArticlePageFactory(
        parent=article_index, body=[stream_data.faq(answers)]
    )

    response = client.get(article.url)

    soup = soup_of(response)
    assert soup.find("a", string="live")["href"] == "/articles/live-target/"
    assert not soup.find("a", string="draft").has_attr("href")
    assert not soup.find("a", string="private").has_attr("href")
    content = response.content.decode()
    assert "secret-draft-slug" not in content
    assert "private-slug" not in content
