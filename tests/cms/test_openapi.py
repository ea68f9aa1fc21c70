"""The OpenAPI document of the public API: valid, served, readable, and true.

The contract tests send real requests and validate each answer against the schema
the document gives for that path and status.
"""

import json
import re
import time

import pytest
import time_machine
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from wagtail.images.tests.utils import get_test_image_file
from wagtail_factories import DocumentFactory, ImageFactory

from cms.openapi import load_schema
from health_articles import stream_data
from health_articles.comments.models import ReaderComment
from health_articles.models import HealthArticlePage
from tests.factories import (
    HealthArticlePageFactory,
    PersonFactory,
    TopicFactory,
    article_body,
    rich_section,
)

ARTICLE = "health_articles.HealthArticlePage"
DOCUMENT = load_schema()
BASE_URI = "urn:health-articles-api:openapi"
REGISTRY = Registry().with_resource(BASE_URI, DRAFT202012.create_resource(DOCUMENT))
# Left out of listings' fields=* (they are large): the schema must say so too.
LISTING_OMITS = HealthArticlePage.api_listing_omits
KNOWN_STATUSES = {"200", "201", "302", "304", "400", "403", "404", "415", "429"}
ARTICLE_FILTERS = [
    "topic",
    "reviewer",
    "review_status",
    "first_published_after",
    "first_published_before",
]


def node_at(pointer):
    node = DOCUMENT
    for key in pointer:
        node = node[key]
    return node


def all_refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


def resolved(item):
    while "$ref" in item:
        item = node_at(item["$ref"].removeprefix("#/").split("/"))
    return item


def operations():
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def response_schema_pointer(path, status, method="get"):
    """The JSON pointer, within the document, of the body schema of a response."""
    pointer = ["paths", path, method, "responses", str(status)]
    response = node_at(pointer)
    if "$ref" in response:
        pointer = response["$ref"].removeprefix("#/").split("/")
        response = node_at(pointer)
    assert "application/json" in response.get("content", {}), (path, status)
    pointer += ["content", "application/json", "schema"]
    return "/" + "/".join(key.replace("~", "~0").replace("/", "~1") for key in pointer)


def validator_for(schema):
    return Draft202012Validator(
        schema,
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(data, schema):
    errors = sorted(validator_for(schema).iter_errors(data), key=lambda e: list(e.path))
    # best_match reaches into oneOf/anyOf to the branch that nearly matched.
    reasons = [best_match([error]) for error in errors[:10]]
    assert not errors, "\n".join(
        f"{'/'.join(map(str, reason.absolute_path))}: {reason.message}"
        for reason in reasons
    )


def assert_matches_contract(response, path, status, method="get"):
    """The response has this status and a JSON body valid for it."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    pointer = response_schema_pointer(path, status, method)
    data = response.json()
    assert_valid(data, {"$ref": f"{BASE_URI}#{pointer}"})
    return data


def component(name, **extra):
    """A component schema, with extra keywords (``required=[…]``) on top."""
    return {"allOf": [{"$ref": f"{BASE_URI}#/components/schemas/{name}"}], **extra}


def article_fields():
    return list(DOCUMENT["components"]["schemas"]["ArticleListingItem"]["properties"])


@pytest.fixture
def content(article_index):
    """A live article using every kind of block, its image and a document."""
    image = ImageFactory(title="Tablets", file=get_test_image_file(size=(640, 480)))
    leaflet = DocumentFactory(title="Patient leaflet")
    topic = TopicFactory(name="Akathisia")
    reviewer = PersonFactory(name="Dr Tomasz Keller")
    leaflet_html = f'<p>See <a linktype="document" id="{leaflet.pk}">leaflet</a>.</p>'
    article = HealthArticlePageFactory(
        parent=article_index,
        title="Magnesium for akathisia",
        body=[
            rich_section(image),
            *article_body(sections=1, faq_items=2, paragraph_html=leaflet_html),
        ],
        topics=[topic],
        reviewers=[reviewer],
        hero_image=image,
        hero_image_alt="A box of tablets",
        references=[
            stream_data.block(
                "reference",
                {
                    "title": "Magnesium in the central nervous system",
                    "authors": "Vink R, Nechifor M",
                    "publication": "University of Adelaide Press",
                    "year": 2011,
                    "url": "",
                    "doi": "10.1000/xyz123",
                    "pmid": "29920181",
                },
            )
        ],
    )
    return {
        "article": article,
        "index": article_index,
        "image": image,
        "document": leaflet,
        "topic": topic,
        "reviewer": reviewer,
    }


class TestDocument:
    def test_is_an_openapi_3_1_document_of_this_api(self):
        assert DOCUMENT["openapi"] == "3.1.0"
        assert DOCUMENT["info"]["title"] == "Health articles API"
        assert DOCUMENT["info"]["version"] == "2"
        assert DOCUMENT["servers"] == [{"url": "/api/v2", "description": "This site."}]
        assert set(DOCUMENT["paths"]) == {
            f"/{endpoint}/{suffix}"
            for endpoint in ("pages", "images", "documents")
            for suffix in ("", "{id}/", "find/")
        } | {"/preview/", "/comments/", "/comments/token/"}

    @pytest.mark.parametrize("name", sorted(DOCUMENT["components"]["schemas"]))
    def test_component_schema_is_valid_json_schema(self, name):
        Draft202012Validator.check_schema(DOCUMENT["components"]["schemas"][name])

    def test_every_reference_resolves(self):
        refs = set(all_refs(DOCUMENT))

        assert refs
        for ref in refs:
            assert ref.startswith("#/"), ref
            assert resolved({"$ref": ref}), ref

    @pytest.mark.parametrize(
        ("path", "method", "operation"),
        list(operations()),
        ids=[f"{method} {path}" for path, method, _ in operations()],
    )
    def test_operation_is_complete(self, path, method, operation):
        assert method == "get" or (path, method) == ("/comments/", "post")
        assert operation["operationId"]
        assert operation["summary"]
        parameters = [resolved(parameter) for parameter in operation["parameters"]]
        names = [(p["name"], p["in"]) for p in parameters]
        assert len(names) == len(set(names)), "a parameter is listed twice"
        for parameter in parameters:
            assert parameter["in"] in {"query", "path", "header"}
            assert parameter["description"], parameter["name"]
            Draft202012Validator.check_schema(parameter["schema"])
        path_names = {p["name"] for p in parameters if p["in"] == "path"}
        assert path_names == set(re.findall(r"{(\w+)}", path))
        for status, response in operation["responses"].items():
            assert status in KNOWN_STATUSES
            assert resolved(response)["description"]
        if method == "post":
            for media in operation["requestBody"]["content"].values():
                assert resolved(media["schema"])["properties"]

    def test_article_filters_are_documented_on_the_pages_listing(self):
        parameters = {
            parameter["name"]: parameter
            for parameter in map(
                resolved, DOCUMENT["paths"]["/pages/"]["get"]["parameters"]
            )
        }

        for name in ARTICLE_FILTERS:
            assert parameters[name]["x-page-type"] == ARTICLE
        assert parameters["review_status"]["schema"]["enum"] == [
            "current",
            "due_soon",
            "overdue",
        ]
        assert parameters["limit"]["schema"]["maximum"] == 50

    @pytest.mark.parametrize(
        "name",
        [
            "Image",
            "Person",
            "Topic",
            "Error",
            "ArticleListingItem",
            "ReaderComment",
            "CommentsListing",
            "CommentCreated",
            "FieldErrors",
            "CommentToken",
        ],
    )
    def test_objects_whose_keys_we_control_are_closed(self, name):
        assert DOCUMENT["components"]["schemas"][name]["additionalProperties"] is False

    def test_image_describes_its_renditions(self):
        image = DOCUMENT["components"]["schemas"]["Image"]
        renditions = resolved(image["properties"]["renditions"])

        assert image["required"] == ["url", "width", "height", "alt", "renditions"]
        assert renditions["required"] == ["small", "large"]
        for size in ("small", "large"):
            rendition = resolved(renditions["properties"][size])
            assert rendition["required"] == ["url", "width", "height"]


class TestServed:
    def test_document_is_served_with_an_absolute_server_url(self, client, settings):
        settings.WAGTAILAPI_BASE_URL = "https://health.example"

        response = client.get("/api/v2/openapi.json")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.oai.openapi+json"
        served = json.loads(response.content)
        assert served["servers"][0]["url"] == "https://health.example/api/v2"
        assert {**served, "servers": DOCUMENT["servers"]} == DOCUMENT

    def test_document_is_cacheable_and_revalidates(self, client):
        response = client.get("/api/v2/openapi.json")

        assert "public" in response["Cache-Control"]
        assert "max-age=3600" in response["Cache-Control"]
        again = client.get("/api/v2/openapi.json", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    def test_document_cannot_be_posted_to(self, client):
        assert client.post("/api/v2/openapi.json").status_code == 405


class TestDocsPage:
    @pytest.fixture
    def page(self, client, home_page):
        response = client.get("/api/v2/docs/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        return BeautifulSoup(response.content, "html.parser")

    def test_lists_every_endpoint(self, page):
        headings = [h3.get_text(strip=True) for h3 in page.select("h3")]

        for path, method, _operation in operations():
            assert any(
                heading.startswith(f"{method.upper()} {path}:") for heading in headings
            )
        assert page.h1.get_text(strip=True) == "Health articles API"

    def test_lists_the_article_filters_with_their_descriptions(self, page):
        table = page.find("caption", string="Parameters of /pages/").parent
        rows = {
            row.th.get_text(strip=True): row.get_text(" ", strip=True)
            for row in table.tbody.find_all("tr")
        }

        for name in ARTICLE_FILTERS:
            assert "Articles only" in rows[name]
        assert "current" in rows["review_status"]
        assert "one slug" in rows["reviewer"]
        assert "50 at most" in rows["limit"]

    def test_shows_response_shapes_with_links(self, page):
        person = page.find(id="schema-Person").parent
        fields = [th.get_text(strip=True) for th in person.select("tbody th")]

        assert fields == ["name", "slug", "credentials", "role", "url"]
        assert page.select_one('a[href="#schema-Person"]') is not None

    def test_tables_have_captions_and_header_scopes(self, page):
        tables = page.select("main table")

        assert tables
        for table in tables:
            assert table.caption.get_text(strip=True)
            assert all(th.get("scope") == "col" for th in table.thead.find_all("th"))
            assert all(row.th["scope"] == "row" for row in table.tbody.find_all("tr"))

    def test_uses_no_scripts_but_the_sites_own(self, page):
        sources = [script.get("src", "") for script in page.find_all("script")]

        assert all(src.startswith("/static/") for src in sources)

    def test_text_from_the_schema_is_escaped(self, client, home_page, monkeypatch):
        document = load_schema()
        document["info"]["description"] = "<script>alert(1)</script> `<b>`"
        monkeypatch.setattr("cms.openapi.views.load_schema", lambda: document)

        html = client.get("/api/v2/docs/").content.decode()

        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<code>&lt;b&gt;</code>" in html


class TestPagesContract:
    def test_listing_with_default_fields(self, client, content):
        data = assert_matches_contract(client.get("/api/v2/pages/"), "/pages/", 200)

        assert data["meta"]["total_count"] == 3
        assert {item["meta"]["type"] for item in data["items"]} == {
            "home.HomePage",
            "health_articles.HealthArticleIndexPage",
            ARTICLE,
        }

    def test_listing_of_all_page_fields(self, client, content):
        response = client.get("/api/v2/pages/", {"fields": "*"})

        data = assert_matches_contract(response, "/pages/", 200)
        assert data["items"][0]["meta"]["locale"] == "en-gb"

    def test_article_listing_has_every_field_but_the_large_ones(self, client, content):
        response = client.get("/api/v2/pages/", {"type": ARTICLE, "fields": "*"})

        data = assert_matches_contract(response, "/pages/", 200)
        small_fields = [name for name in article_fields() if name not in LISTING_OMITS]
        assert_valid(data["items"], component_items("ArticleListingItem", small_fields))
        assert not set(LISTING_OMITS) & set(data["items"][0])

    def test_article_listing_with_the_large_fields_named(self, client, content):
        fields = ",".join(["*", *LISTING_OMITS])

        response = client.get("/api/v2/pages/", {"type": ARTICLE, "fields": fields})

        data = assert_matches_contract(response, "/pages/", 200)
        assert_valid(
            data["items"], component_items("ArticleListingItem", article_fields())
        )

    def test_article_detail(self, client, content):
        article = content["article"]

        response = client.get(f"/api/v2/pages/{article.pk}/")

        data = assert_matches_contract(response, "/pages/{id}/", 200)
        assert_valid(data, component("ArticleDetail"))
        section = data["body"][0]["value"]
        assert [block["type"] for block in section["content"]] == [
            "paragraph",
            "callout",
            "image",
            "quote",
        ]
        assert section["content"][2]["value"]["image"]["alt"] == "Tablets"
        assert data["hero_image"]["alt"] == "A box of tablets"
        assert data["body"][-1]["type"] == "faq"
        assert len(data["body"][-1]["value"]["items"]) == 2
        assert data["references"][0]["doi_url"] == "https://doi.org/10.1000/xyz123"
        assert data["topics"] == [
            {"name": "Akathisia", "slug": content["topic"].slug, "kind": "condition"}
        ]
        assert data["reviewers"][0]["name"] == "Dr Tomasz Keller"
        assert [entry["anchor"] for entry in data["table_of_contents"]] == [
            section["value"]["anchor"] for section in data["body"][:-1]
        ] + ["faq"]

    def test_detail_of_another_page_type(self, client, content):
        response = client.get(f"/api/v2/pages/{content['index'].pk}/")

        data = assert_matches_contract(response, "/pages/{id}/", 200)
        assert_valid(data, component("PageDetail"))
        assert data["meta"]["parent"]["title"] == "Home"

    def test_find_redirects_to_the_detail(self, client, content):
        article = content["article"]

        response = client.get(
            "/api/v2/pages/find/", {"html_path": article.url, "fields": "title"}
        )

        assert response.status_code == 302
        assert response["Location"].endswith(
            f"/api/v2/pages/{article.pk}/?fields=title"
        )


def component_items(name, required):
    """An array of ``name`` objects, each with every field in ``required``."""
    return {"type": "array", "minItems": 1, "items": component(name, required=required)}


class TestPreviewContract:
    def test_draft_of_an_article(self, client, content):
        article = content["article"]
        article.title = "A draft title"
        preview = article.create_page_preview()

        response = client.get(
            "/api/v2/preview/",
            {"content_type": article.get_content_type_str(), "token": preview.token},
        )

        data = assert_matches_contract(response, "/preview/", 200)
        assert_valid(data, component("ArticleDetail"))
        assert data["title"] == "A draft title"

    def test_draft_of_an_article_never_saved(self, client, content):
        draft = HealthArticlePage(
            title="Brand new",
            slug="brand-new",
            summary="New.",
            body=article_body(sections=1, faq_items=1),
        )
        draft.path, draft.depth = content["index"].path + "0001", 4
        preview = draft.create_page_preview()

        response = client.get(
            "/api/v2/preview/",
            {"content_type": draft.get_content_type_str(), "token": preview.token},
        )

        data = assert_matches_contract(response, "/preview/", 200)
        assert data["id"] is None
        assert data["title"] == "Brand new"


class TestImagesAndDocumentsContract:
    def test_images_listing(self, client, content):
        data = assert_matches_contract(client.get("/api/v2/images/"), "/images/", 200)

        assert [item["title"] for item in data["items"]] == ["Tablets"]

    def test_images_listing_of_all_fields(self, client, content):
        response = client.get("/api/v2/images/", {"fields": "*"})

        data = assert_matches_contract(response, "/images/", 200)
        assert_valid(data["items"], component_items("ImageDetail", []))

    def test_image_detail(self, client, content):
        response = client.get(f"/api/v2/images/{content['image'].pk}/")

        data = assert_matches_contract(response, "/images/{id}/", 200)
        assert (data["width"], data["height"]) == (640, 480)

    def test_documents_listing(self, client, content):
        response = client.get("/api/v2/documents/")

        data = assert_matches_contract(response, "/documents/", 200)
        assert [item["title"] for item in data["items"]] == ["Patient leaflet"]

    def test_document_detail(self, client, content):
        response = client.get(f"/api/v2/documents/{content['document'].pk}/")

        data = assert_matches_contract(response, "/documents/{id}/", 200)
        assert data["title"] == "Patient leaflet"

    @pytest.mark.parametrize("endpoint", ["images", "documents"])
    def test_find_redirects_to_the_detail(self, client, content, endpoint):
        item = content["image" if endpoint == "images" else "document"]

        response = client.get(f"/api/v2/{endpoint}/find/", {"id": item.pk})

        assert response.status_code == 302
        assert response["Location"].endswith(f"/api/v2/{endpoint}/{item.pk}/?")


ARTICLES = {"type": ARTICLE}
PREVIEW = {"content_type": "health_articles.healtharticlepage"}

ERRORS = [
    # (url, query parameters, status, part of the message)
    ("/api/v2/pages/", {"nope": "1"}, 400, "not an operation or a recognised field"),
    ("/api/v2/pages/", {"topic": "akathisia"}, 400, "recognised field: topic"),
    ("/api/v2/pages/", {**ARTICLES, "topic": ","}, 400, "topic: give one or more"),
    ("/api/v2/pages/", {**ARTICLES, "reviewer": "a,b"}, 400, "reviewer: give one"),
    ("/api/v2/pages/", {**ARTICLES, "review_status": "late"}, 400, "review_status:"),
    (
        "/api/v2/pages/",
        {**ARTICLES, "first_published_after": "2023-13-01"},
        400,
        "first_published_after: give a date as YYYY-MM-DD",
    ),
    (
        "/api/v2/pages/",
        {**ARTICLES, "first_published_before": "yesterday"},
        400,
        "first_published_before: give a date as YYYY-MM-DD",
    ),
    (
        "/api/v2/pages/",
        {**ARTICLES, "first_published": "abc"},
        400,
        "'abc' is not a valid value for first_published",
    ),
    ("/api/v2/pages/", {"limit": "51"}, 400, "limit cannot be higher than 50"),
    ("/api/v2/pages/", {"limit": "-1"}, 400, "limit must be a positive integer"),
    ("/api/v2/pages/", {"offset": "abc"}, 400, "offset must be a positive integer"),
    ("/api/v2/pages/", {"offset": "9" * 12}, 400, "offset must be at most"),
    ("/api/v2/pages/", {"order": "nope"}, 400, "cannot order by 'nope'"),
    ("/api/v2/pages/", {"order": "random", "offset": "1"}, 400, "random ordering"),
    ("/api/v2/pages/", {"rich_text_format": "raw"}, 400, "rich_text_format must be"),
    ("/api/v2/pages/", {"fields": "nope"}, 400, "unknown fields: nope"),
    ("/api/v2/pages/", {"fields": "(("}, 400, "fields error"),
    ("/api/v2/pages/", {"type": "nope.Nope"}, 400, "type doesn't exist"),
    ("/api/v2/pages/", {"search": "a\x01"}, 400, "control characters"),
    ("/api/v2/pages/", {"search": "a", "search_operator": "xor"}, 400, "'and' or"),
    ("/api/v2/pages/", {"child_of": "abc"}, 400, "child_of must be a positive"),
    ("/api/v2/pages/", {"title": "\x00"}, 400, "must not contain null characters"),
    ("/api/v2/pages/", {"site": "nope.example"}, 404, "No Site matches"),
    ("/api/v2/pages/", {"format": "xml"}, 404, ""),
    ("/api/v2/pages/{article}/", {"rich_text_format": "raw"}, 400, "rich_text_format"),
    ("/api/v2/pages/{article}/", {"fields": "nope"}, 400, "unknown fields: nope"),
    ("/api/v2/pages/{article}/", {"type": "nope.Nope"}, 400, "type doesn't exist"),
    ("/api/v2/pages/99999/", {}, 404, "No Page matches the given query."),
    ("/api/v2/pages/find/", {"html_path": "/nowhere/"}, 404, "not found"),
    ("/api/v2/pages/find/", {"id": "abc"}, 400, "id must be a whole number"),
    ("/api/v2/images/", {"nope": "1"}, 400, "not an operation or a recognised field"),
    ("/api/v2/images/", {"limit": "51"}, 400, "limit cannot be higher than 50"),
    ("/api/v2/images/", {"order": "file"}, 400, "cannot order by 'file'"),
    ("/api/v2/images/", {"width": "wide"}, 400, "not a valid value for width"),
    ("/api/v2/images/{image}/", {"fields": "nope"}, 400, "unknown fields: nope"),
    ("/api/v2/images/99999/", {}, 404, "No Image matches the given query."),
    ("/api/v2/images/", {"format": "xml"}, 404, ""),
    ("/api/v2/images/find/", {"id": "99999"}, 404, "not found"),
    ("/api/v2/images/find/", {"id": "abc"}, 400, "id must be a whole number"),
    ("/api/v2/documents/", {"offset": "-1"}, 400, "offset must be a positive"),
    ("/api/v2/documents/{document}/", {"fields": "nope"}, 400, "unknown fields: nope"),
    ("/api/v2/documents/99999/", {}, 404, "No Document matches the given query."),
    ("/api/v2/documents/", {"format": "xml"}, 404, ""),
    ("/api/v2/documents/find/", {"id": "abc"}, 400, "id must be a whole number"),
    ("/api/v2/documents/find/", {"id": "99999"}, 404, "not found"),
    ("/api/v2/preview/", {}, 400, "content_type and token are both required"),
    (
        "/api/v2/preview/",
        {"content_type": "cms.person", "token": "x"},
        400,
        "content_type must name a page type that can be previewed",
    ),
    ("/api/v2/preview/", {**PREVIEW, "token": "forged"}, 403, "token is not valid"),
    # {unused_token} is signed like a real token, but no preview has it.
    ("/api/v2/preview/", {**PREVIEW, "token": "{unused_token}"}, 404, "No preview"),
    ("/api/v2/preview/", {**PREVIEW, "limit": "1"}, 400, "recognised field: limit"),
    ("/api/v2/comments/", {}, 400, "article is required"),
    ("/api/v2/comments/", {"article": "five"}, 400, "article must be the id of"),
    ("/api/v2/comments/", {"article": "{article}", "limit": "51"}, 400, "than 50"),
    ("/api/v2/comments/", {"article": "{article}", "nope": "1"}, 400, "field: nope"),
    ("/api/v2/comments/", {"article": "99999"}, 404, "does not take comments"),
    ("/api/v2/comments/", {"article": "{index}"}, 404, "does not take comments"),
    ("/api/v2/comments/token/", {}, 400, "article is required"),
    ("/api/v2/comments/token/", {"article": "-1"}, 400, "article must be the id"),
    ("/api/v2/comments/token/", {"article": "99999"}, 404, "does not take comments"),
]


def schema_path(url):
    """The document's path for a URL: ``/api/v2/pages/5/`` is ``/pages/{id}/``."""
    return re.sub(r"/(\d+|\{\w+\})/$", "/{id}/", url.removeprefix("/api/v2"))


# The statuses of POST /comments/ that TestCommentsContract produces.
COMMENT_POST_STATUSES = {"201", "400", "404", "415", "429"}


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    ERRORS,
    ids=[f"{url}?{'&'.join(params)}" for url, params, _, _ in ERRORS],
)
def test_error_matches_the_contract(client, content, url, params, status, message):
    ids = {name: item.pk for name, item in content.items()}
    ids["unused_token"] = HealthArticlePage.get_preview_signer().sign("id=0")
    params = {name: value.format(**ids) for name, value in params.items()}

    response = client.get(url.format(**ids), params)

    data = assert_matches_contract(response, schema_path(url), status)
    assert message in data["message"]


def test_every_documented_status_is_exercised():
    """Each operation's statuses are those this module's tests produce."""
    exercised = {(schema_path(url), "get", str(status)) for url, _, status, _ in ERRORS}
    exercised |= {
        (path, "get", "200") for path in DOCUMENT["paths"] if not path.endswith("find/")
    }
    exercised |= {
        (path, "get", "302") for path in DOCUMENT["paths"] if path.endswith("find/")
    }
    exercised |= {("/comments/", "post", status) for status in COMMENT_POST_STATUSES}
    # A 304 (If-None-Match) is left to the tests of the caching headers.
    documented = {
        (path, method, status)
        for path, method, operation in operations()
        for status in operation["responses"]
        if status != "304"
    }

    assert documented <= exercised


def comment_submission(article, token):
    return {
        "article": article.pk,
        "name": "Grace Reader",
        "email": "grace@example.com",
        "website": "https://grace.example",
        "text": "Magnesium helped me too.",
        "token": token,
    }


class TestCommentsContract:
    """The reader comments endpoints, against the document."""

    @pytest.fixture
    def token(self, client, content):
        response = client.get(
            "/api/v2/comments/token/", {"article": content["article"].pk}
        )
        return assert_matches_contract(response, "/comments/token/", 200)["token"]

    def post(self, client, body, **extra):
        """POST ``body`` as JSON, a few seconds after its token was issued."""
        with time_machine.travel(time.time() + 5):
            return client.post(
                "/api/v2/comments/", body, content_type="application/json", **extra
            )

    def test_listing(self, client, content):
        article = content["article"]
        first = ReaderComment.objects.create(
            page=article,
            name="Ada",
            email="ada@example.com",
            text="Thank you.",
            status=ReaderComment.Status.APPROVED,
        )
        ReaderComment.objects.create(
            page=article,
            parent=first,
            name="Editor",
            email="editor@example.com",
            website="https://health.example",
            text="You are welcome.",
            status=ReaderComment.Status.APPROVED,
            is_staff_reply=True,
        )

        response = client.get("/api/v2/comments/", {"article": article.pk})

        data = assert_matches_contract(response, "/comments/", 200)
        assert [item["text"] for item in data["items"]] == [
            "Thank you.",
            "You are welcome.",
        ]

    def test_posted_body_is_a_valid_submission(self, content, token):
        body = comment_submission(content["article"], token)

        assert_valid(body, component("CommentSubmission"))

    def test_post_received(self, client, content, token):
        body = comment_submission(content["article"], token)

        response = self.post(client, body)

        data = assert_matches_contract(response, "/comments/", 201, "post")
        assert data["status"] == "pending moderation"
        assert response["Cache-Control"] == "private, no-store"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"website": "javascript:alert(1)"}, "website"),
            ({"name": ""}, "name"),
            ({"token": "forged"}, "__all__"),
            ({"contact_by_fax": "0800 000 000"}, "__all__"),
            ({"article": "five"}, "article"),
            ({"text": ["a", "list"]}, "text"),
        ],
    )
    def test_post_with_field_errors(self, client, content, token, change, field):
        body = {**comment_submission(content["article"], token), **change}

        response = self.post(client, body)

        data = assert_matches_contract(response, "/comments/", 400, "post")
        assert list(data["errors"]) == [field]

    def test_post_with_an_unreadable_body(self, client, content):
        response = client.post(
            "/api/v2/comments/", b"{", content_type="application/json"
        )

        data = assert_matches_contract(response, "/comments/", 400, "post")
        assert data["errors"] == {}

    def test_post_to_an_article_without_comments(self, client, content, token):
        article = content["article"]
        article.comments_enabled = False
        article.save()

        response = self.post(client, comment_submission(article, token))

        data = assert_matches_contract(response, "/comments/", 404, "post")
        assert data["message"] == "This article does not take comments."

    def test_post_of_another_media_type(self, client, content):
        response = client.post("/api/v2/comments/", b"hi", content_type="text/plain")

        data = assert_matches_contract(response, "/comments/", 415, "post")
        assert "application/json" in data["message"]

    def test_post_too_often(self, client, content, token):
        body = comment_submission(content["article"], token)
        for _ in range(5):
            self.post(client, body)

        response = self.post(client, body)

        data = assert_matches_contract(response, "/comments/", 429, "post")
        assert "several comments in a short time" in data["message"]
