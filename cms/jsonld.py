"""Schema.org structured data (JSON-LD): the shared nodes and the safe script tag.

Page types build their own graph from these pieces, reading the same model methods
their templates and API use. Every value is plain text; ``script_tag`` escapes the
JSON so that nothing in it can end the ``<script>`` element.
"""

import html
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

CONTEXT = "https://schema.org"

# The characters that could close the script element or open a comment in it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def plain_text(rich_text_html):
    """Text of an HTML fragment, tags removed and entities decoded."""
    return " ".join(html.unescape(strip_tags(str(rich_text_html))).split())


def graph(*nodes):
    return {"@context": CONTEXT, "@graph": [node for node in nodes if node]}


def organisation(name, site_url):
    if not name:
        return None
    return {
        "@type": "Organization",
        "@id": f"{site_url}/#organisation",
        "name": name,
        "url": f"{site_url}/",
    }


def person(obj):
    node = {"@type": "Person", "name": obj.name}
    if obj.credentials:
        node["honorificSuffix"] = obj.credentials
    if obj.role:
        node["jobTitle"] = obj.role
    if obj.profile_url:
        node["url"] = obj.profile_url
    return node


def breadcrumb_list(crumbs):
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.title,
                "item": crumb.url,
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


def script_tag(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Safe: the JSON is escaped above so it cannot close the element or add markup.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),  # noqa: S308
    )
