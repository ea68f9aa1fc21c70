"""Limits on input: request bodies, image uploads (bytes and pixels), search length
and the API's page size. Each refusal says what the limit is, and nothing is kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from health_articles.comments.models import MAX_COMMENT_LENGTH, ReaderComment
from tests.admin_forms import text_of
from tests.health_articles.test_comments import Reader

Image = get_image_model()


def png(width, height, mode="1"):
    """A PNG of one colour: tiny on disk, whatever its pixel count."""
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(admin_client, content, name="photo.png"):
    return admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "Photo", "file": SimpleUploadedFile(name, content, "image/png")},
    )


# Request bodies


def test_a_public_post_over_the_limit_is_a_413_before_it_is_read(
    client, article, settings
):
    settings.PUBLIC_REQUEST_MAX_BYTES = 1000
    response = client.post(
        f"{article.url}comment/",
        {"name": "Reader", "email": "r@example.com", "text": "x" * 2000},
    )

    assert response.status_code == 413
    message = response.content.decode()
    assert message.startswith("The request is too large: 2,")
    assert message.endswith("bytes, where at most 1,000 are accepted.")
    assert "no-store" in response["Cache-Control"]
    assert not ReaderComment.objects.exists()


def test_the_longest_comment_in_four_byte_characters_is_taken(article):
    # Each of its bytes is percent-encoded: about 60 KB of form.
    text = "\N{PILL}" * MAX_COMMENT_LENGTH

    response = Reader(article).post(text=text, name="\N{PILL}" * 100)

    assert response.status_code == 302
    assert ReaderComment.objects.get().text == text


def test_an_api_post_over_the_limit_is_a_413(client, settings):
    settings.PUBLIC_REQUEST_MAX_BYTES = 1000

    response = client.post(
        "/api/v2/comments/", {"text": "x" * 5000}, content_type="application/json"
    )

    assert response.status_code == 413
    assert "at most 1,000 are accepted" in response.content.decode()


def test_an_unreadable_content_length_is_a_400(client):
    response = client.generic(
        "POST", "/csp-report/", b"{}", CONTENT_LENGTH="lots", CONTENT_TYPE="text/plain"
    )

    assert response.status_code == 400
    assert "Content-Length is not a number" in response.content.decode()


def test_the_admin_takes_uploads_up_to_its_own_limit(admin_client, settings):
    settings.PUBLIC_REQUEST_MAX_BYTES = 1000

    response = upload(admin_client, png(200, 100, "RGB"))

    assert response.status_code == 302
    assert Image.objects.get().width == 200


def test_an_admin_request_over_the_admin_limit_is_a_413(admin_client, settings):
    settings.ADMIN_REQUEST_MAX_BYTES = 50_000

    response = upload(admin_client, b"\0" * 60_000)

    assert response.status_code == 413
    assert "at most 50,000 are accepted" in response.content.decode()
    assert not Image.objects.exists()


# Images


def test_an_image_file_over_the_size_limit_is_refused_with_its_size(
    admin_client, settings
):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    # Noise does not compress: the file is larger than the limit.
    buffer = io.BytesIO()
    PILImage.effect_noise((200, 200), 100).save(buffer, "PNG")
    content = buffer.getvalue()
    assert len(content) > 10_000

    response = upload(admin_client, content)

    assert response.status_code == 200  # the form again, with the reason
    assert "This file is too big" in text_of(response.content)
    assert not Image.objects.exists()


def test_an_image_with_too_many_pixels_is_refused_however_small_the_file(
    admin_client, settings
):
    content = png(8000, 6000)  # 48 million pixels in a few kilobytes
    assert len(content) < 100_000

    response = upload(admin_client, content)

    assert response.status_code == 200  # the form again, with the reason
    assert "This file has too many pixels (48000000)" in text_of(response.content)
    assert "Maximum pixels 40000000" in text_of(response.content)
    assert not Image.objects.exists()


def test_a_document_over_the_size_limit_is_refused(admin_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    content = b"%PDF-1.4\n" + b"0" * 2000

    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {"title": "Leaflet", "file": SimpleUploadedFile("leaflet.pdf", content)},
    )

    assert response.status_code == 200  # the form again, with the reason
    assert "This file is too big" in text_of(response.content)
    assert not get_document_model().objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/search/?q=" + "a" * 201, "The search must be at most 200 characters long"),
        (
            "/api/v2/pages/?search=" + "a" * 201,
            "search must be at most 200 characters long",
        ),
        ("/api/v2/pages/?limit=51", "limit cannot be higher than 50"),
    ],
)
def test_search_length_and_api_page_size_are_limited(client, article, url, message):
    response = client.get(url)

    assert response.status_code == 400
    assert message in text_of(response.content)
