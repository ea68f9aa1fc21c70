"""The signed timestamp that every comment form carries.

A token is issued for one article when a reader starts the form (the article's
script asks ``comments/<id>/token/``) or opens the plain comment page. A post is
refused if its token is forged, is for another article, is older than two hours,
or comes back sooner than three seconds after it was issued (a script, not a
person typing); and each token sends one comment only (``use``).
"""

import hashlib
import secrets
import time

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

SALT = "health_articles.comments.form-token"
MIN_AGE_SECONDS = 3
MAX_AGE_SECONDS = 2 * 60 * 60


class FormTokenError(Exception):
    pass


def issue(page_id):
    # The nonce keeps two tokens issued in the same instant apart (each is used once).
    payload = {"page": page_id, "issued": time.time(), "nonce": secrets.token_hex(8)}
    return signing.dumps(payload, salt=SALT)


def check(token, page_id):
    """Return quietly for a good token; raise FormTokenError saying what is wrong."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise FormTokenError(
            _(
                "This form was opened more than two hours ago. Copy your comment, "
                "reload the page and send it again."
            )
        ) from None
    except signing.BadSignature:
        raise FormTokenError(
            _("This form could not be checked. Reload the page and try again.")
        ) from None
    if not isinstance(data, dict) or data.get("page") != page_id:
        raise FormTokenError(
            _("This form belongs to another article. Reload the page and try again.")
        )
    issued = data.get("issued")
    if not isinstance(issued, int | float) or time.time() - issued < MIN_AGE_SECONDS:
        raise FormTokenError(
            _("That was very quick. Wait a few seconds and send your comment again.")
        )


def use(token):
    """Record ``token`` as used; False if it had been used already. Kept in the
    shared cache (Redis in production) for as long as a token lives.

    With the cache down the answer is unknown (django-redis returns None rather
    than raising): the comment is let through, like the rate limits, since it
    waits for moderation anyway."""
    key = "comment-token:" + hashlib.sha256((token or "").encode()).hexdigest()
    return cache.add(key, 1, timeout=MAX_AGE_SECONDS + 60) is not False
