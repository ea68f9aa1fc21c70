"""Generated query strings never make the public API fail with a server error.

Hypothesis draws parameter names from the OpenAPI document (so new parameters are
fuzzed as soon as they are documented), from the API's field names and at random,
with values of every awkward kind. Every answer must be below 500, and every
refusal a JSON object with a message. Reader comments are posted too: bodies built
from the documented fields, a good comment with some of them changed, missing or of
the wrong kind. The runs are derandomised and bounded, so ``make test`` stays fast
and gives the same result every time.
"""

import json
import time
from datetime import date
from urllib.parse import urlencode

import pytest
import time_machine
from hypothesis import example, given, settings
from hypothesis import strategies as st
from wagtail.images.tests.utils import get_test_image_file
from wagtail_factories import ImageFactory

from cms.openapi import load_schema
from health_articles.comments import tokens
from health_articles.comments.models import ReaderComment
from tests.factories import HealthArticlePageFactory, TopicFactory, rich_section

ARTICLE = "health_articles.HealthArticlePage"
DOCUMENT = load_schema()
EXAMPLES_PER_TARGET = 175
COMMENT_POSTS = 150


def resolved(item):
    while "$ref" in item:
        node = DOCUMENT
        for key in item["$ref"].removeprefix("#/").split("/"):
            node = node[key]
        item = node
    return item


def documented_parameters(path):
    operation = DOCUMENT["paths"][path]["get"]
    return [
        parameter
        for parameter in map(resolved, operation["parameters"])
        if parameter["in"] == "query"
    ]


def field_names():
    """Every field a response can have: clients try them as filters too."""
    schemas = DOCUMENT["components"]["schemas"]
    names = set()
    for name in (
        "ArticleListingItem",
        "PageMeta",
        "ImageItem",
        "MediaMeta",
        "ReaderComment",
    ):
        names.update(schemas[name]["properties"])
    return sorted(names)


# (URL, document path, fixed parameters); {article} and {token} (of a preview of
# the article) are filled in per test. Drawn parameters come after the fixed ones,
# and the last of a repeated parameter counts.
TARGETS = {
    "pages listing": ("/api/v2/pages/", "/pages/", {}),
    "article listing": ("/api/v2/pages/", "/pages/", {"type": ARTICLE}),
    "page detail": ("/api/v2/pages/{article}/", "/pages/{id}/", {}),
    "page find": ("/api/v2/pages/find/", "/pages/find/", {}),
    "images listing": ("/api/v2/images/", "/images/", {}),
    "comments listing": ("/api/v2/comments/", "/comments/", {"article": "{article}"}),
    "preview": (
        "/api/v2/preview/",
        "/preview/",
        {"content_type": "health_articles.healtharticlepage", "token": "{token}"},
    ),
}

CONTROL = st.characters(max_codepoint=0x1F)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["-0", "2147483647", "2147483648", "9" * 40, "1e5", "0x1F", "١٢", "²", "½"]
    ),
)
DATES = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["2023-02-30", "2023-13-01", "0000-00-00", "23-09-2023"]),
)
DATETIMES = st.tuples(
    st.datetimes(), st.sampled_from(["", "Z", "+14:00", "-12:00", "+05:30"])
).map(lambda parts: parts[0].isoformat() + parts[1])
WORDS = st.text(
    alphabet=st.characters(categories=["Ll", "Nd"], include_characters="-_*"),
    max_size=12,
)
ANYTHING = st.text(max_size=30)
# Values of every awkward kind: empty, any Unicode, control characters, huge and
# negative numbers, dates (real and not), lists with commas.
AWKWARD = st.one_of(
    st.just(""),
    ANYTHING,
    st.text(alphabet=CONTROL, min_size=1, max_size=3),
    NUMBERS,
    DATES,
    st.lists(WORDS | NUMBERS, min_size=2, max_size=4).map(",".join),
    st.tuples(WORDS, st.text(alphabet=CONTROL, max_size=1), ANYTHING).map("".join),
)


def plausible(schema):
    """Values that the document says a parameter takes."""
    options = [
        st.sampled_from([str(value) for value in schema[keyword]])
        for keyword in ("enum", "examples")
        if keyword in schema
    ]
    if "const" in schema:
        options.append(st.just(str(schema["const"])))
    options.extend(plausible(option) for option in schema.get("anyOf", []))
    if schema.get("type") == "integer":
        low, high = schema.get("minimum", -(2**31)), schema.get("maximum", 2**31)
        options.append(st.integers(low - 2, high + 2).map(str))
    elif schema.get("type") == "boolean":
        options.append(st.sampled_from(["true", "false", "True", "0", "1"]))
    elif schema.get("format") == "date":
        options.append(DATES)
    elif schema.get("format") == "date-time":
        options.extend([DATETIMES, DATES])
    elif "pattern" in schema:
        options.append(st.from_regex(schema["pattern"], fullmatch=True))
    return st.one_of(options) if options else WORDS


def documented_pairs(parameters):
    """A documented parameter, two times in three with a plausible value."""
    pairs = []
    for parameter in parameters:
        # one_of() would merge the repeated strategy; sampled_from() keeps both.
        good = plausible(parameter["schema"])
        value = st.sampled_from([good, good, AWKWARD]).flatmap(lambda chosen: chosen)
        pairs.append(st.tuples(st.just(parameter["name"]), value))
    return st.one_of(pairs)


def odd_pairs():
    """A field name used as a filter, or any name at all, with any value."""
    names = st.sampled_from(field_names()) | st.text(min_size=1, max_size=12)
    return st.tuples(names, AWKWARD)


def query_strings(path):
    """Up to four documented parameters, sometimes with one odd one."""
    return st.tuples(
        st.lists(documented_pairs(documented_parameters(path)), max_size=4),
        st.lists(odd_pairs(), max_size=1),
    ).map(lambda lists: lists[0] + lists[1])


@pytest.fixture
def fuzz_content(article_index):
    image = ImageFactory(file=get_test_image_file(size=(64, 48)))
    article = HealthArticlePageFactory(
        parent=article_index,
        slug="magnesium",
        body=[rich_section(image)],
        topics=[TopicFactory(slug="akathisia")],
        hero_image=image,
        hero_image_alt="Tablets",
    )
    HealthArticlePageFactory(parent=article_index)
    for number in range(3):
        ReaderComment.objects.create(
            page=article,
            name=f"Reader {number}",
            email="reader@example.com",
            text="Thank you.",
            status=ReaderComment.Status.APPROVED,
        )
    return {"article": article.pk, "token": article.create_page_preview().token}


# A date without a time is taken as midnight, local time: expected, and noisy.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
@pytest.mark.parametrize("target", list(TARGETS))
def test_query_parameters_never_cause_a_server_error(client, fuzz_content, target):
    url_template, path, fixed = TARGETS[target]
    url = url_template.format(**fuzz_content)
    fixed = {name: value.format(**fuzz_content) for name, value in fixed.items()}
    sent = []

    # The data is built once, outside @given, and every example only reads it:
    # so there is no function-scoped fixture health check to suppress.
    @settings(
        max_examples=EXAMPLES_PER_TARGET,
        deadline=None,
        derandomize=True,
        database=None,
    )
    @given(pairs=query_strings(path))
    def send(pairs):
        query = urlencode([*fixed.items(), *pairs])
        sent.append(query)
        try:
            response = client.get(f"{url}?{query}")
        except Exception as error:
            raise AssertionError(f"GET {url}?{query} raised {error!r}") from error
        assert response.status_code < 500, f"GET {url}?{query}"
        if 400 <= response.status_code < 500:
            assert response["Content-Type"] == "application/json", f"GET {url}?{query}"
            assert isinstance(response.json()["message"], str), f"GET {url}?{query}"

    send()

    # Each target sends its share of at least 1,000 requests in all.
    assert len(sent) >= EXAMPLES_PER_TARGET
    assert len(TARGETS) * EXAMPLES_PER_TARGET >= 1000


# Server errors the fuzzing once found, each now a clear answer.
FOUND_BY_FUZZING = [
    pytest.param("/api/v2/images/", {"search": "tablets"}, 200, id="images-search"),
    pytest.param(
        "/api/v2/documents/", {"search": "leaflet"}, 200, id="documents-search"
    ),
    pytest.param(
        "/api/v2/pages/",
        {"first_published_at": "0001-01-01T00:00:00+14:00"},
        400,
        id="first-published-at-before-year-1-in-utc",
    ),
    pytest.param(
        "/api/v2/pages/", {"type": ARTICLE, "authors": "x"}, 400, id="authors"
    ),
    pytest.param(
        "/api/v2/pages/", {"type": ARTICLE, "topics": "akathisia"}, 400, id="topics"
    ),
    pytest.param(
        "/api/v2/pages/", {"type": ARTICLE, "order": "topics"}, 400, id="order-topics"
    ),
    pytest.param("/api/v2/pages/", {"locale": "en-gb"}, 200, id="locale"),
    pytest.param("/api/v2/pages/", {"show_in_menus": "true"}, 200, id="boolean"),
    pytest.param("/api/v2/pages/", {"show_in_menus": "yes"}, 400, id="bad-boolean"),
]


@pytest.mark.parametrize(("url", "params", "status"), FOUND_BY_FUZZING)
def test_what_fuzzing_found_is_answered_cleanly(
    client, fuzz_content, url, params, status
):
    response = client.get(url, params)

    assert response.status_code == status
    if status == 400:
        assert response.json()["message"]


# Half of a UTF-16 pair: JSON can say "\ud800", no database can store it.
LONE_SURROGATES = st.text(alphabet=st.characters(categories=["Cs"]), min_size=1)
# Any JSON value: what a client might put where a field's text belongs.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANYTHING
    | LONE_SURROGATES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
LEFT_OUT = object()


def submission_fields():
    return DOCUMENT["components"]["schemas"]["CommentSubmission"]["properties"]


def plausible_body_value(schema):
    """A value the document says a body field takes (short: ``text`` can be 5,000
    characters, but the long ones are sampled)."""
    if "anyOf" in schema:
        return st.one_of([plausible_body_value(option) for option in schema["anyOf"]])
    if schema.get("format") == "email":
        return st.emails()
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    if "integer" in schema.get("type", ()):
        low, high = schema.get("minimum", 0), schema.get("maximum", 2**31)
        return st.integers(low - 2, high + 2)
    longest = schema.get("maxLength", 300)
    return st.text(max_size=min(longest, 40)) | st.sampled_from(
        ["x" * longest, "x" * (longest + 1)]
    )


def body_changes():
    """A field of the document, or any name, left out or given any value."""
    fields = submission_fields()

    def values(name):
        good = plausible_body_value(fields[name])
        spoilt = st.tuples(good.map(str), LONE_SURROGATES).map("".join)
        return st.one_of(good, spoilt, JSON_VALUES, st.just(LEFT_OUT))

    documented = st.sampled_from(sorted(fields)).flatmap(
        lambda name: st.tuples(st.just(name), values(name))
    )
    odd = st.tuples(st.text(min_size=1, max_size=12), JSON_VALUES)
    return st.lists(documented | odd, max_size=3)


def changed(body, changes):
    body = dict(body)
    for name, value in changes:
        if value is LEFT_OUT:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def as_form(body):
    """The body as a browser form would send it: text, one value a key (a lone
    surrogate as the bytes it would be, which are not UTF-8)."""
    return urlencode(
        {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in body.items()
            if value is not None
        },
        errors="surrogatepass",
    )


@pytest.fixture
def good_comment(fuzz_content):
    """A comment that would be accepted, with a token issued a minute ago."""
    with time_machine.travel(time.time() - 60):
        token = tokens.issue(fuzz_content["article"])
    return {
        "article": fuzz_content["article"],
        "name": "Grace Reader",
        "email": "grace@example.com",
        "website": "https://grace.example",
        "text": "Thank you for this.",
        "token": token,
    }


@pytest.fixture
def no_rate_limits(settings):
    """The limits would refuse all but the first few posts before reading them."""
    settings.RATELIMIT_ENABLE = False


@pytest.mark.usefixtures("no_rate_limits")
def test_comment_posts_never_cause_a_server_error(client, good_comment):
    statuses = []

    @settings(
        max_examples=COMMENT_POSTS, deadline=None, derandomize=True, database=None
    )
    @given(
        changes=body_changes(),
        encoding=st.sampled_from(["json", "json", "form"]),
        raw=st.none() | st.none() | st.binary(max_size=20),
    )
    # Found by fuzzing: a lone surrogate in an otherwise good comment.
    @example(changes=[("name", "Ada \ud800")], encoding="json", raw=None)
    @example(changes=[("text", "\udfff")], encoding="form", raw=None)
    def send(changes, encoding, raw):
        body = changed(good_comment, changes)
        if raw is not None:
            content, content_type = raw, "application/json"
        elif encoding == "json":
            content, content_type = json.dumps(body), "application/json"
        else:
            content, content_type = as_form(body), "application/x-www-form-urlencoded"
        try:
            response = client.post(
                "/api/v2/comments/", content, content_type=content_type
            )
        except Exception as error:
            raise AssertionError(f"POST {content!r} raised {error!r}") from error
        statuses.append(response.status_code)
        assert response.status_code < 500, f"POST {content!r}"
        assert response["Content-Type"] == "application/json", f"POST {content!r}"
        data = response.json()
        assert isinstance(data["message"], str), f"POST {content!r}"
        if response.status_code == 400:
            assert all(
                isinstance(messages, list) and all(isinstance(m, str) for m in messages)
                for messages in data["errors"].values()
            ), f"POST {content!r}"

    send()

    assert len(statuses) >= COMMENT_POSTS
    # Good comments were accepted and bad ones refused, field by field.
    assert {201, 400} <= set(statuses)
    assert ReaderComment.objects.filter(
        status=ReaderComment.Status.PENDING
    ).count() == statuses.count(201)
