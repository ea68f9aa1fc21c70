"""Build raw StreamField data for article bodies from plain values.

Used wherever articles are made outside the editor: the demo loader, importers and
test factories. Every block and list item gets its id here, as the editor would give
it, so anchors built from ids are stable from the first save. Text passed in is
escaped; HTML passed in is trusted to be in the editor's own rich text format.
"""

import html
import uuid


def new_id():
    return str(uuid.uuid4())


def paragraph_html(text):
    return f"<p>{html.escape(text, quote=False)}</p>"


def block(block_type, value):
    return {"type": block_type, "value": value, "id": new_id()}


def section(heading, paragraphs_html):
    return block(
        "section",
        {
            "heading": heading,
            "content": [block("paragraph", html) for html in paragraphs_html],
        },
    )


def faq(items, title=""):
    """``items`` is a list of ``(question, answer_html)`` pairs."""
    return block(
        "faq",
        {
            "title": title,
            "items": [
                block("item", {"question": question, "answer": answer})
                for question, answer in items
            ],
        },
    )
