from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.template.loader import render_to_string


def test_404_page_is_styled_and_offers_search(client, home_page):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Page not found"
    assert soup.select_one("form[role=search] input[name=q]")
    assert soup.find("link", rel="stylesheet")


def test_500_page_renders_without_the_database():
    with mock.patch.object(
        connection, "cursor", side_effect=AssertionError("database used")
    ):
        html = render_to_string("500.html")

    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == "Something went wrong"
    assert soup.find("link", rel="stylesheet")["href"].endswith("site.css")


@pytest.mark.urls("tests.failing_urls")
def test_server_error_uses_the_500_page(client, db):
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
