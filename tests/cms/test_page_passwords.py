"""A page's password can be tried at most ten times an hour from one address."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.admin_forms import text_of

LIMITED = "Too many tries at a password from your address"


@pytest.fixture
def protected(article):
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    return article, reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk]
    )


def try_password(client, url, article, password, address="203.0.113.5"):
    return client.post(
        url,
        {"password": password, "return_url": article.url},
        REMOTE_ADDR=address,
    )


def test_the_right_password_opens_the_article(client, protected):
    article, url = protected

    response = try_password(client, url, article, "s3cret")

    assert response.status_code == 302
    assert article.summary in text_of(client.get(article.url).content)


def test_ten_wrong_tries_are_answered_then_the_eleventh_is_refused(client, protected):
    article, url = protected
    wrong = [try_password(client, url, article, "guess").status_code for _ in range(10)]

    refused = try_password(client, url, article, "s3cret")

    assert wrong == [200] * 10
    assert refused.status_code == 429
    assert LIMITED in text_of(refused.content)
    assert article.summary not in text_of(client.get(article.url).content)


def test_another_address_may_still_try(client, protected):
    article, url = protected
    for _ in range(11):
        try_password(client, url, article, "guess")

    response = try_password(client, url, article, "s3cret", address="198.51.100.7")

    assert response.status_code == 302


def test_the_tries_come_back_after_an_hour(client, protected):
    article, url = protected
    for _ in range(11):
        try_password(client, url, article, "guess")

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        response = try_password(client, url, article, "s3cret")

    assert response.status_code == 302
