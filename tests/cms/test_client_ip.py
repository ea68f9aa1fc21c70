"""Which address counts as the client's, with and without trusted proxies."""

import pytest
from django.test import RequestFactory

from cms.client_ip import client_ip


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    "forwarded, expected",
    [
        ("198.51.100.7", "198.51.100.7"),
        # A client cannot choose its address by sending the header itself.
        ("1.2.3.4, 198.51.100.7", "198.51.100.7"),
        ("not-an-address", "10.0.0.1"),
        ("", "10.0.0.1"),
    ],
)
def test_one_trusted_proxy_gives_the_address_it_saw(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.1", forwarded)) == expected


def test_two_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1")
    assert client_ip(request) == "198.51.100.7"


def test_missing_header_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"


def test_ipv4_clients_of_a_dual_stack_socket_are_told_apart(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    first = client_ip(request_from("::ffff:198.51.100.1"))
    second = client_ip(request_from("::ffff:198.51.100.2"))

    assert (first, second) == ("198.51.100.1", "198.51.100.2")
