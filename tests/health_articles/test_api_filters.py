from datetime import date

import pytest
import time_machine

from tests.factories import HealthArticlePageFactory, PersonFactory, TopicFactory

LISTING = "/api/v2/pages/"
TYPE = {"type": "health_articles.HealthArticlePage"}


@pytest.fixture
def articles(article_index):
    sleep = TopicFactory(name="Sleep", slug="sleep")
    iron = TopicFactory(name="Iron", slug="iron")
    park = PersonFactory(name="Dr Park", slug="park")
    lane = PersonFactory(name="Dr Lane", slug="lane")

    def make(title, published, due, topics, reviewer):
        return HealthArticlePageFactory(
            parent=article_index,
            title=title,
            first_published=published,
            last_reviewed=date(2025, 1, 1),
            next_review_due=due,
            topics=topics,
            reviewers=[reviewer],
        )

    return {
        "a": make("A", date(2024, 1, 10), date(2026, 10, 1), [sleep], park),
        "b": make("B", date(2024, 6, 1), date(2026, 12, 1), [sleep, iron], lane),
        "c": make("C", date(2025, 3, 5), date(2027, 6, 1), [iron], park),
    }


def titles(client, **params):
    response = client.get(LISTING, {**TYPE, **params})
    assert response.status_code == 200, response.json()
    return [item["title"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"topic": "sleep"}, ["A", "B"]),
        ({"topic": "sleep,iron"}, ["A", "B", "C"]),
        ({"topic": "iron", "reviewer": "park"}, ["C"]),
        ({"reviewer": "lane"}, ["B"]),
        ({"review_status": "overdue"}, ["A"]),
        ({"review_status": "due_soon"}, ["B"]),
        ({"review_status": "current"}, ["C"]),
        ({"first_published_after": "2024-06-01"}, ["B", "C"]),
        ({"first_published_before": "2024-06-01"}, ["A", "B"]),
        (
            {
                "first_published_after": "2024-02-01",
                "first_published_before": "2025-01-01",
            },
            ["B"],
        ),
        ({"topic": "sleep", "search": "B"}, ["B"]),
    ],
)
@time_machine.travel(date(2026, 11, 24), tick=False)
def test_filters(client, articles, params, expected):
    assert sorted(titles(client, **params)) == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("first_published", ["A", "B", "C"]),
        ("-first_published", ["C", "B", "A"]),
        ("title", ["A", "B", "C"]),
        ("-last_reviewed,title", ["A", "B", "C"]),
    ],
)
def test_ordering(client, articles, order, expected):
    assert titles(client, order=order) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"topic": ""}, "topic: give one or more slugs separated by commas"),
        ({"topic": "sleep;drop"}, "topic: give one or more slugs"),
        ({"reviewer": "park,lane"}, "reviewer: give one reviewer's slug"),
        ({"review_status": "late"}, "review_status: give one of current, due_soon"),
        ({"first_published_after": "2024-1-1"}, "first_published_after: give a date"),
        ({"first_published_before": "yesterday"}, "first_published_before: give a"),
        ({"order": "nope"}, "cannot order by 'nope'"),
        ({"limit": "51"}, "limit cannot be higher than 50"),
    ],
)
def test_bad_values_get_a_400_naming_the_parameter(client, articles, params, message):
    response = client.get(LISTING, {**TYPE, **params})

    assert response.status_code == 400
    assert message in response.json()["message"]


def test_article_filters_need_the_article_type(client, articles):
    response = client.get(LISTING, {"topic": "sleep"})

    assert response.status_code == 400
    assert "topic" in response.json()["message"]


def test_listing_star_omits_the_body_unless_asked_for(client, articles):
    everything = client.get(LISTING, {**TYPE, "fields": "*"}).json()["items"][0]
    with_body = client.get(LISTING, {**TYPE, "fields": "*,body"}).json()["items"][0]
    detail = client.get(f"/api/v2/pages/{articles['a'].pk}/").json()

    assert "body" not in everything
    assert {"summary", "authors", "reviewers", "topics", "reading_time"} <= set(
        everything
    )
    assert with_body["body"]
    assert detail["body"]


@time_machine.travel(date(2026, 11, 24), tick=False)
def test_reading_time_and_review_status_fields(client, articles):
    data = client.get(f"/api/v2/pages/{articles['a'].pk}/").json()

    assert data["reading_time"] == 1
    assert data["review_status"] == "overdue"
