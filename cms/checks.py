"""System checks of our own, run by ``manage.py check`` (``--deploy`` for these)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs, **kwargs):
    """The site expects a proxy in front (it trusts its X-Forwarded-Proto), so with
    no proxy trusted for X-Forwarded-For every reader and member of staff has the
    proxy's address: one comment rate limit for everyone, and five failed sign-ins
    from anyone lock the whole admin out."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            Warning(
                "TRUSTED_PROXY_COUNT is 0, so every request seems to come from the "
                "proxy in front: comment rate limits and staff sign-in lockouts "
                "would count everyone as one client.",
                hint=(
                    "Set TRUSTED_PROXY_COUNT to the number of proxies that append "
                    "to X-Forwarded-For (1 for a single load balancer)."
                ),
                id="cms.W001",
            )
        ]
    return []
