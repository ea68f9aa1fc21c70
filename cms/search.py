"""Checks on a search query before it reaches the database search backends.

SQLite's full-text search rejects some input (an unmatched double quote), PostgreSQL
rejects null characters, and both turn a blank query into an error. Every place that
searches (the API, the search page) checks queries here first, so a reader or a
client gets a clear message instead of a server error.
"""

from django.utils.translation import gettext as _

SEARCH_MAX_LENGTH = 200


class SearchQueryError(ValueError):
    pass


def check_search_query(query):
    if not query.strip():
        raise SearchQueryError(_("The search must contain at least one word."))
    if len(query) > SEARCH_MAX_LENGTH:
        raise SearchQueryError(
            _("The search must be at most %(max)d characters long.")
            % {"max": SEARCH_MAX_LENGTH}
        )
    if any(ord(char) < 32 for char in query):
        raise SearchQueryError(_("The search must not contain control characters."))
    if query.count('"') % 2:
        raise SearchQueryError(
            _('The search has an unmatched double quote ("): quote whole phrases.')
        )
    return query
