"""The address a request came from, trusting only the proxies we were told of.

``X-Forwarded-For`` is written by whoever sends the request, so it is never taken
blindly: with ``TRUSTED_PROXY_COUNT = N`` (the number of reverse proxies in front of
the app, each appending the address it saw), the client is the N-th address from
the right; with 0 the header is ignored and the client is ``REMOTE_ADDR``.
"""

from ipaddress import ip_address

from django.conf import settings


def _valid(address):
    try:
        parsed = ip_address(address.strip())
    except ValueError:
        return None
    # A dual-stack socket shows IPv4 clients as ::ffff:a.b.c.d; each is one client.
    mapped = getattr(parsed, "ipv4_mapped", None)
    return str(mapped or parsed)


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies:
            found = _valid(forwarded[-proxies])
            if found:
                return found
    return _valid(remote) or "0.0.0.0"  # noqa: S104 - a placeholder, not a bind
