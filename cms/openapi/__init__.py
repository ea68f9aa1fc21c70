"""The OpenAPI 3.1 description of the public read API (Wagtail API v2).

``openapi.json`` beside this module is written by hand and is the contract: the
tests validate real API responses against it, so it changes with the API.
"""

import json
from functools import cache
from pathlib import Path

SCHEMA_FILE = Path(__file__).with_name("openapi.json")


@cache
def schema_text():
    return SCHEMA_FILE.read_text(encoding="utf-8")


def load_schema():
    """The OpenAPI document as Python data (a fresh copy each call)."""
    return json.loads(schema_text())
