import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction
from wagtail_factories import DocumentFactory, ImageFactory

from tests.factories import HealthArticlePageFactory, article_body, rich_section

LISTING = "/api/v2/pages/"
ARTICLES = {"type": "health_articles.HealthArticlePage", "fields": "*"}


def detail_url(page):
    return f"/api/v2/pages/{page.pk}/"


def listed_ids(client, **params):
    response = client.get(LISTING, {**ARTICLES, **params})
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


class TestArticleDetail:
    def test_block_shapes(self, client, article):
        data = client.get(detail_url(article)).json()

        sections = [block for block in data["body"] if block["type"] == "section"]
        assert len(sections) == 2
        first = sections[0]
        assert set(first) == {"type", "id", "value"}
        assert list(first["value"]) == ["heading", "anchor", "content"]
        assert first["value"]["heading"] == "Section heading 1"
        assert first["value"]["anchor"] == f"section-{first['id']}"
        assert first["value"]["content"][0]["type"] == "paragraph"
        assert first["value"]["content"][0]["value"] == "<p>Paragraph text 1.</p>"

        faq = next(block for block in data["body"] if block["type"] == "faq")
        assert set(faq) == {"type", "id", "value"}
        assert faq["value"]["title"] == "Frequently asked questions"
        assert faq["value"]["items"] == [
            {
                "id": entry.id,
                "question": f"Question {n}?",
                "answer_html": f"<p>Answer {n}.</p>",
            }
            for n, entry in enumerate(article.faq_items(), start=1)
        ]

    def test_section_content_blocks(self, client, article_index):
        article = HealthArticlePageFactory(
            parent=article_index,
            body=[
                rich_section(ImageFactory(file=get_test_image_file(size=(300, 200))))
            ],
        )

        content = client.get(detail_url(article)).json()["body"][0]["value"]["content"]

        assert [block["type"] for block in content] == [
            "paragraph",
            "callout",
            "image",
            "quote",
        ]
        assert content[1]["value"] == {
            "level": "urgent",
            "text_html": "<p>Call 999.</p>",
        }
        image = content[2]["value"]
        assert image["caption"] == "Two forms"
        assert image["image"]["alt"] == "Tablets"
        assert (image["image"]["width"], image["image"]["height"]) == (300, 200)
        assert image["image"]["url"].startswith("http")
        assert content[3]["value"] == {
            "quote": "Start low.",
            "attribution": "A pharmacist",
        }

    def test_article_fields(self, client, article):
        data = client.get(detail_url(article)).json()

        assert data["summary"] == article.summary
        assert data["first_published"] == "2023-09-23"
        assert data["last_reviewed"] == "2023-09-23"
        assert data["next_review_due"] == "2024-09-23"
        assert data["hero_image"] is None
        assert data["references"] == []

    def test_contents_and_disclaimer_as_the_page_shows_them(self, client, article):
        data = client.get(detail_url(article)).json()

        sections = [block for block in data["body"] if block["type"] == "section"]
        assert data["table_of_contents"] == [
            {
                "anchor": f"section-{section['id']}",
                "heading": section["value"]["heading"],
            }
            for section in sections
        ] + [{"anchor": "faq", "heading": "Frequently asked questions"}]
        assert data["disclaimer"] == ""

        article.disclaimer = "<p>Not <b>medical advice</b>.</p>"
        article.save_revision().publish()
        data = client.get(detail_url(article)).json()
        assert data["disclaimer"] == "<p>Not <b>medical advice</b>.</p>"

    def test_listing_leaves_out_body_contents_and_disclaimer(self, client, article):
        item = client.get(LISTING, ARTICLES).json()["items"][0]
        assert not {"body", "table_of_contents", "disclaimer"} & set(item)
        assert {"summary", "reading_time", "review_status", "topics"} <= set(item)

        item = client.get(LISTING, {**ARTICLES, "fields": "*,body"}).json()["items"][0]
        assert "body" in item and "disclaimer" not in item

    def test_hero_image_is_a_rendition_with_alt_text(self, client, article):
        article.hero_image = ImageFactory(file=get_test_image_file(size=(640, 480)))
        article.hero_image_alt = "A pharmacist holding a box of tablets"
        article.save()

        hero = client.get(detail_url(article)).json()["hero_image"]

        assert set(hero) == {"url", "width", "height", "alt", "renditions"}
        assert hero["url"].startswith("http://")
        assert (hero["width"], hero["height"]) == (640, 480)
        assert hero["alt"] == "A pharmacist holding a box of tablets"
        small, large = hero["renditions"]["small"], hero["renditions"]["large"]
        assert (small["width"], small["height"]) == (640, 480)
        assert large == {"url": hero["url"], "width": 640, "height": 480}
        assert small["url"].startswith("http://") and small["url"] != large["url"]

    def test_large_image_has_a_smaller_rendition(self, client, article):
        article.hero_image = ImageFactory(file=get_test_image_file(size=(2000, 1000)))
        article.hero_image_alt = "A wide photograph of a pharmacy"
        article.save()

        hero = client.get(detail_url(article)).json()["hero_image"]

        sizes = {
            name: (rendition["width"], rendition["height"])
            for name, rendition in hero["renditions"].items()
        }
        assert sizes == {"small": (800, 400), "large": (1600, 800)}
        assert (hero["width"], hero["height"]) == (1600, 800)

    def test_references_are_citation_objects(self, client, article):
        article.references = [
            {
                "type": "reference",
                "value": {
                    "title": "Magnesium in the central nervous system",
                    "authors": "Vink R, Nechifor M",
                    "publication": "University of Adelaide Press",
                    "year": 2011,
                    "url": "",
                    "doi": "10.1000/xyz123",
                    "pmid": "29920181",
                },
            }
        ]
        article.save()

        references = client.get(detail_url(article)).json()["references"]

        assert len(references) == 1
        reference = references[0]
        assert reference["title"] == "Magnesium in the central nervous system"
        assert reference["year"] == 2011
        assert reference["doi_url"] == "https://doi.org/10.1000/xyz123"
        assert reference["pubmed_url"] == "https://pubmed.ncbi.nlm.nih.gov/29920181/"

    def test_rich_text_is_html_with_real_urls(self, client, article_index):
        target = HealthArticlePageFactory(parent=article_index, slug="target")
        draft = HealthArticlePageFactory(
            parent=article_index, slug="hidden-draft", live=False
        )
        html = (
            f'<p><a linktype="page" id="{target.pk}">live</a> '
            f'<a linktype="page" id="{draft.pk}">draft</a></p>'
        )
        article = HealthArticlePageFactory(
            parent=article_index, body=article_body(sections=1, paragraph_html=html)
        )

        response = client.get(detail_url(article))

        paragraph = response.json()["body"][0]["value"]["content"][0]["value"]
        assert paragraph == (
            '<p><a href="http://localhost/articles/target/">live</a> <a>draft</a></p>'
        )
        assert "linktype=" not in response.content.decode()
        assert "hidden-draft" not in response.content.decode()

    def test_demo_article_has_html_answers_and_no_internal_format(self, client, db):
        from django.core.management import call_command

        call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
        response = client.get(
            "/api/v2/pages/find/", {"html_path": "/articles/magnesium-for-akathisia/"}
        )
        assert response.status_code == 302
        data = client.get(response["Location"]).json()

        faq = next(block for block in data["body"] if block["type"] == "faq")
        assert len(faq["value"]["items"]) == 5
        for item in faq["value"]["items"]:
            assert item["answer_html"].startswith("<p>")
            assert item["question"].endswith("?")
        text = json.dumps(data)
        assert "linktype=" not in text
        assert 'href=\\"/' not in text and 'src=\\"/' not in text
        assert data["meta"]["html_url"].startswith("http")
        for image in images_in(data):
            assert image["alt"]
            assert image["url"].startswith("http")
            assert {"small", "large"} <= set(image["renditions"])


def images_in(value):
    """Every image object anywhere in an API answer."""
    if isinstance(value, dict):
        if "renditions" in value:
            yield value
        for child in value.values():
            yield from images_in(child)
    elif isinstance(value, list):
        for child in value:
            yield from images_in(child)


@pytest.mark.parametrize("value", ["db_html", "markdown", "db_markdown", "nope", ""])
def test_other_rich_text_formats_are_refused(client, article, value):
    response = client.get(detail_url(article), {"rich_text_format": value})

    assert response.status_code == 400
    assert "rich_text_format must be 'html'" in response.json()["message"]


def test_html_rich_text_format_is_accepted(client, article):
    response = client.get(detail_url(article), {"rich_text_format": "html"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fields": "nope"}, "unknown fields: nope"),
        ({"type": "nope.Nope"}, "type doesn't exist"),
        ({"limit": "abc"}, "limit must be a positive integer"),
        ({"nope": "1"}, "query parameter is not an operation or a recognised field"),
    ],
)
def test_bad_query_parameters_get_400_with_message(client, article, params, message):
    response = client.get(LISTING, params)

    assert response.status_code == 400
    assert message in response.json()["message"]


@pytest.fixture
def hidden_pages(article_index):
    draft = HealthArticlePageFactory(
        parent=article_index, title="Never published", live=False
    )
    unpublished = HealthArticlePageFactory(parent=article_index, title="Taken down")
    unpublished.unpublish()
    protected = HealthArticlePageFactory(parent=article_index, title="Password only")
    restriction = PageViewRestriction.objects.create(
        page=protected, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    members_only = HealthArticlePageFactory(parent=article_index, title="Login only")
    PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.LOGIN
    )
    staff_only = HealthArticlePageFactory(parent=article_index, title="Editors only")
    staff_restriction = PageViewRestriction.objects.create(
        page=staff_only, restriction_type=PageViewRestriction.GROUPS
    )
    staff_restriction.groups.set([Group.objects.get(name="Editors")])
    return {
        "draft": draft,
        "unpublished": unpublished,
        "protected": protected,
        "restriction": restriction,
        "login": members_only,
        "groups": staff_only,
    }


def enter_password(client, protected, restriction):
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, protected.pk]
    )
    client.post(url, {"password": "s3cret", "return_url": protected.url})
    # The session now opens the page itself …
    assert client.get(protected.url).status_code == 200


class TestOnlyLivePublicPages:
    @pytest.mark.parametrize(
        "page", ["draft", "unpublished", "protected", "login", "groups"]
    )
    def test_hidden_page_is_absent_for_anonymous(
        self, client, article, hidden_pages, page
    ):
        hidden = hidden_pages[page]

        assert listed_ids(client) == [article.pk]
        response = client.get(detail_url(hidden))
        assert response.status_code == 404
        assert hidden.title not in response.content.decode()

    @pytest.mark.parametrize(
        "page", ["draft", "unpublished", "protected", "login", "groups"]
    )
    def test_hidden_page_is_absent_for_superuser(
        self, client, admin_user, article, hidden_pages, page
    ):
        client.force_login(admin_user)

        assert listed_ids(client) == [article.pk]
        assert client.get(detail_url(hidden_pages[page])).status_code == 404

    def test_entered_password_does_not_open_the_api(
        self, client, article, hidden_pages
    ):
        protected = hidden_pages["protected"]
        enter_password(client, protected, hidden_pages["restriction"])

        # … but the API still answers as an anonymous visitor.
        assert listed_ids(client) == [article.pk]
        assert client.get(detail_url(protected)).status_code == 404
        found = client.get("/api/v2/pages/find/", {"html_path": protected.url})
        assert found.status_code == 404

    def test_newer_draft_shows_only_live_values(self, client, admin_user, article):
        live_title = article.title
        article.title = "Unpublished new title"
        article.summary = "Unpublished new summary"
        article.body = article_body(sections=1, faq_items=1)
        article.save_revision(user=admin_user)
        client.force_login(admin_user)

        response = client.get(detail_url(article))

        data = response.json()
        assert data["title"] == live_title
        assert data["summary"] == "What the reader will learn from this article."
        assert len(data["body"]) == 3
        assert "Unpublished new" not in response.content.decode()
        listing = client.get(LISTING, ARTICLES).json()["items"]
        assert [item["title"] for item in listing] == [live_title]

    def test_api_does_not_vary_on_cookie(self, client, admin_user, article):
        client.force_login(admin_user)

        response = client.get(detail_url(article))

        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies


class TestImagesAndDocuments:
    """Only what a live, public page uses is listed."""

    def test_image_used_on_a_live_article_is_listed(self, client, article):
        article.hero_image = ImageFactory(title="Hero")
        article.hero_image_alt = "Hero"
        article.save()
        ImageFactory(title="Used nowhere")

        images = client.get("/api/v2/images/").json()["items"]

        assert [item["title"] for item in images] == ["Hero"]

    def test_image_in_a_body_block_is_listed(self, client, article_index):
        image = ImageFactory(title="In a section")
        HealthArticlePageFactory(parent=article_index, body=[rich_section(image)])

        images = client.get("/api/v2/images/").json()["items"]

        assert [item["title"] for item in images] == ["In a section"]

    @pytest.mark.parametrize("restriction", [None, "login"])
    def test_image_on_a_hidden_page_is_not_listed(
        self, client, admin_user, article_index, restriction
    ):
        image = ImageFactory(title="Embargoed launch photo")
        page = HealthArticlePageFactory(
            parent=article_index,
            body=[rich_section(image)],
            live=restriction is not None,
        )
        if restriction:
            PageViewRestriction.objects.create(page=page, restriction_type=restriction)
        client.force_login(admin_user)

        response = client.get("/api/v2/images/")

        assert response.json()["items"] == []
        assert client.get(f"/api/v2/images/{image.pk}/").status_code == 404

    def test_document_linked_from_a_live_article_is_listed(self, client, article_index):
        used = DocumentFactory(title="Patient leaflet")
        DocumentFactory(title="Draft trial results")
        html = f'<p><a linktype="document" id="{used.pk}">leaflet</a></p>'
        HealthArticlePageFactory(
            parent=article_index, body=article_body(sections=1, paragraph_html=html)
        )

        documents = client.get("/api/v2/documents/").json()["items"]

        assert [item["title"] for item in documents] == ["Patient leaflet"]
