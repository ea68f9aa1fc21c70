"""Bad query parameters get a 400 with a message, never a server error."""

import pytest

ENDPOINTS = ["/api/v2/pages/", "/api/v2/images/", "/api/v2/documents/"]

MALFORMED = [
    "limit=-1",
    "limit=100000",
    "offset=abc",
    "order=nope",
    "search=%00",
    'search="',
    'search=a"b',
    "search=" + "a" * 201,
    "search=",
    "search=%20",
    "search=%C2%A0",
    "search=%E2%80%A8",
    "offset=99999999999999999999",
    "type=health_articles.HealthArticlePage&hero_image=99999999999999999999",
    "type=health_articles.HealthArticlePage&hero_image=-99999999999999999999",
    "locale=zz%00",
    "site=%00",
    "title=%00",
    "search=a&search_operator=xor",
    "child_of=abc",
    "child_of=99999",
    "descendant_of=abc",
    "ancestor_of=abc",
    "site=:::",
    "locale=zz",
    "fields=body(x)",
    "fields=((",
    "type=wagtailcore.Page,nope",
    "type=health_articles.HealthArticlePage&first_published=abc",
    "type=health_articles.HealthArticlePage&first_published=2023-13-45",
    "type=health_articles.HealthArticlePage&next_review_due=tomorrow",
    "type=health_articles.HealthArticlePage&comments_enabled=maybe",
    "type=health_articles.HealthArticlePage&hero_image=abc",
    "format=xml",
]


@pytest.mark.parametrize("query", MALFORMED)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_malformed_parameter_is_a_client_error(client, article, endpoint, query):
    response = client.get(f"{endpoint}?{query}")

    assert 400 <= response.status_code < 500, response.content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "first_published=abc",
            "'abc' is not a valid value for first_published",
        ),
        ("search=%01", "search must not contain control characters"),
        ("search=%00", "search must not contain null characters"),
        ('search=a"b', "search has an unmatched double quote"),
        ("search=" + "a" * 201, "search must be at most 200 characters long"),
        ("search=a&search_operator=xor", "search_operator must be 'and' or 'or'"),
        ("search=%20", "search must contain at least one word"),
        ("offset=99999999999", "offset must be at most 2147483647"),
        ("hero_image=99999999999", "hero_image must be between"),
    ],
)
def test_bad_filter_value_message_names_the_parameter(client, article, query, message):
    response = client.get(
        f"/api/v2/pages/?type=health_articles.HealthArticlePage&{query}"
    )

    assert response.status_code == 400
    assert message in response.json()["message"]


def test_search_with_balanced_quotes_still_works(client, article):
    response = client.get(
        "/api/v2/pages/",
        {"type": "health_articles.HealthArticlePage", "search": '"Section heading"'},
    )

    assert response.status_code == 200


def test_valid_date_filter_matches(client, article):
    response = client.get(
        "/api/v2/pages/",
        {
            "type": "health_articles.HealthArticlePage",
            "first_published": "2023-09-23",
        },
    )

    assert [item["id"] for item in response.json()["items"]] == [article.pk]


@pytest.mark.parametrize("query", ["html_path=%00", "html_path=/%00/", "id=%00"])
def test_find_with_null_characters_is_a_400(client, db, query):
    response = client.get(f"/api/v2/pages/find/?{query}")

    assert response.status_code == 400
    assert "must not contain null characters" in response.json()["message"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_find_with_a_non_numeric_id_is_a_400(client, db, endpoint):
    response = client.get(f"{endpoint}find/", {"id": "abc"})

    assert response.status_code == 400
    assert response.json()["message"] == "id must be a whole number"


@pytest.mark.parametrize("field", ["body", "references"])
def test_content_blocks_cannot_be_filtered_on(client, article, field):
    response = client.get(
        "/api/v2/pages/", {"type": "health_articles.HealthArticlePage", field: "1"}
    )

    assert response.status_code == 400
    assert f"{field} is content blocks and cannot be filtered on" in (
        response.json()["message"]
    )


@pytest.mark.parametrize("endpoint", ["images", "documents"])
def test_too_many_tags_are_refused(client, db, endpoint):
    tags = ",".join(f"tag{n}" for n in range(60))

    response = client.get(f"/api/v2/{endpoint}/", {"tags": tags})

    assert response.status_code == 400
    assert "at most 10 tags" in response.json()["message"]


def test_a_few_tags_are_fine(client, db):
    response = client.get("/api/v2/images/", {"tags": "tablets,magnesium"})

    assert response.status_code == 200
