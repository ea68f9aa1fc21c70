"""Reader comments ("Leave a Reply") under health articles.

A model of our own rather than django-contrib-comments: comments need a moderation
state (pending, approved, rejected), a flag for attention, one level of replies and
staff replies, and the article's HTML must stay the same for every visitor, so the
form's per-visitor parts (CSRF token, signed timestamp) come from a small uncached
endpoint instead of being rendered into the page as contrib-comments' form does.
"""
