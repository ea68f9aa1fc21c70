"""Query counts do not grow with the size of an article."""

import pytest

from tests.factories import HealthArticlePageFactory, article_body

# The article page's budget is issue 8's: everything on the page (people, topics,
# settings, breadcrumbs, related articles) in at most 16. The API detail keeps 12.
MAX_QUERIES = {"article page": 16, "api detail": 12}


@pytest.fixture
def small_and_large(article_index):
    small = HealthArticlePageFactory(
        parent=article_index, body=article_body(sections=2, faq_items=2)
    )
    large = HealthArticlePageFactory(
        parent=article_index, body=article_body(sections=10, faq_items=20)
    )
    return small, large


def count_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_of",
    [
        pytest.param(lambda page: page.url, id="article page"),
        pytest.param(lambda page: f"/api/v2/pages/{page.pk}/", id="api detail"),
    ],
)
def test_query_count_does_not_grow_with_sections_or_faq_items(
    client, small_and_large, django_assert_max_num_queries, url_of, request
):
    small, large = small_and_large
    client.get(url_of(small))  # warm-up: site root paths and the like

    budget = MAX_QUERIES[request.node.callspec.id]
    small_count = count_queries(
        client, url_of(small), django_assert_max_num_queries, budget
    )
    large_count = count_queries(
        client, url_of(large), django_assert_max_num_queries, budget
    )

    assert small_count == large_count


def test_article_page_queries_do_not_grow_with_comments(
    client, small_and_large, django_assert_max_num_queries
):
    from health_articles.comments.models import ReaderComment

    small, large = small_and_large
    for page, count in ((small, 1), (large, 30)):
        for n in range(count):
            parent = ReaderComment.objects.create(
                page=page,
                name=f"Reader {n}",
                email="r@example.org",
                text="Hi",
                status="approved",
            )
            ReaderComment.objects.create(
                page=page,
                parent=parent,
                name="Staff",
                email="s@example.org",
                text="Reply",
                status="approved",
                is_staff_reply=True,
            )
    client.get(small.url)

    budget = MAX_QUERIES["article page"]
    counts = [
        count_queries(client, page.url, django_assert_max_num_queries, budget)
        for page in (small, large)
    ]

    assert counts[0] == counts[1]
