"""The OpenAPI document at /api/v2/openapi.json and its readable form at
/api/v2/docs/, both built from ``openapi.json``."""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import etag, require_safe

from cms.openapi import load_schema, schema_text

MEDIA_TYPE = "application/vnd.oai.openapi+json"
SCHEMAS = "#/components/schemas/"
ONE_HOUR = 60 * 60


def site_root(request):
    return settings.WAGTAILAPI_BASE_URL or request.build_absolute_uri("/").rstrip("/")


def schema_with_servers(request):
    """The document, with relative server URLs made absolute for this site."""
    document = load_schema()
    root = site_root(request)
    for server in document.get("servers", []):
        if server["url"].startswith("/"):
            server["url"] = root + server["url"]
    return document


def schema_etag(request):
    digest = hashlib.sha256(f"{site_root(request)}\n{schema_text()}".encode())
    return digest.hexdigest()[:32]


@require_safe
@cache_control(public=True, max_age=ONE_HOUR)
@etag(schema_etag)
def openapi_document(request):
    return JsonResponse(
        schema_with_servers(request),
        content_type=MEDIA_TYPE,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )


@dataclass(frozen=True)
class Part:
    """A piece of text: with ``href``, a link to a schema; with ``code``, code."""

    text: str
    href: str = ""
    code: bool = False


def prose(text):
    """Text from the schema, its `backticked` spans marked as code."""
    return [
        Part(piece, code=bool(index % 2))
        for index, piece in enumerate(text.split("`"))
        if piece
    ]


def schema_anchor(name):
    return f"schema-{name}"


def joined(descriptions, separator):
    parts = []
    for index, description in enumerate(descriptions):
        if index:
            parts.append(Part(separator))
        parts.extend(description)
    return parts


def describe(schema):
    """A short, readable type of a JSON Schema, as a list of ``Part``."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(SCHEMAS)
        return [Part(name, "#" + schema_anchor(name))]
    for keyword, separator in (("oneOf", " or "), ("anyOf", " or "), ("allOf", ", ")):
        if keyword in schema:
            return joined([describe(sub) for sub in schema[keyword]], separator)
    if "if" in schema:
        return joined([describe(schema["then"]), describe(schema["else"])], " or ")
    if "const" in schema:
        return [Part(json.dumps(schema["const"]))]
    if "enum" in schema:
        return [Part("one of " + ", ".join(json.dumps(v) for v in schema["enum"]))]
    types = schema.get("type", "any")
    types = types if isinstance(types, list) else [types]
    parts = joined([describe_type(kind, schema) for kind in types], " or ")
    notes = constraints(schema)
    return parts + [Part(f" ({notes})")] if notes else parts


def describe_type(kind, schema):
    if kind == "array" and "items" in schema:
        return [Part("array of "), *describe(schema["items"])]
    if kind == "string" and "format" in schema:
        return [Part(f"string ({schema['format']})")]
    return [Part(kind)]


def constraints(schema):
    notes = []
    if "minimum" in schema and "maximum" in schema:
        notes.append(f"{schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        notes.append(f"at least {schema['minimum']}")
    if schema.get("minLength") == 1:
        notes.append("not empty")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "pattern" in schema:
        notes.append(f"matching {schema['pattern']}")
    if "default" in schema:
        notes.append(f"default {json.dumps(schema['default'])}")
    return "; ".join(notes)


def resolve(document, item):
    """``item``, or what its ``$ref`` points to within the document."""
    while "$ref" in item:
        node = document
        for key in item["$ref"].removeprefix("#/").split("/"):
            node = node[key]
        item = node
    return item


def endpoint_context(document, path, method, operation):
    parameters = [resolve(document, p) for p in operation.get("parameters", [])]
    responses = []
    for status, response in operation["responses"].items():
        response = resolve(document, response)
        content = response.get("content", {})
        body = next(iter(content.values()), {}).get("schema")
        responses.append(
            {
                "status": status,
                "description": prose(response["description"]),
                "body": describe(body) if body else [],
                "headers": list(response.get("headers", {})),
            }
        )
    return {
        "anchor": operation["operationId"],
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        "description": prose(operation.get("description", "")),
        "parameters": [
            {
                "name": p["name"],
                "location": p["in"],
                "required": p.get("required", False),
                "type": describe(p["schema"]),
                "description": prose(p.get("description", "")),
                "page_type": p.get("x-page-type", ""),
            }
            for p in parameters
        ],
        "responses": responses,
    }


COMPOSITION = ("allOf", "oneOf", "anyOf", "if", "then", "else")


def schema_context(name, schema):
    required = schema.get("required", [])
    properties = schema.get("properties", {})
    composed = {key: value for key, value in schema.items() if key in COMPOSITION}
    if composed:
        summary = describe(composed)
    else:
        summary = [] if properties else describe(schema)
    return {
        "name": name,
        "anchor": schema_anchor(name),
        "description": prose(schema.get("description", "")),
        "extends": "allOf" in schema,
        "summary": summary,
        "properties": [
            {
                "name": key,
                "required": key in required,
                "type": describe(value),
                "description": prose(value.get("description", "")),
            }
            for key, value in properties.items()
        ],
        "also_required": [key for key in required if key not in properties],
        "closed": schema.get("additionalProperties") is False,
    }


@require_safe
def api_docs(request):
    document = schema_with_servers(request)
    endpoints = [
        endpoint_context(document, path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]
    schemas = [
        schema_context(name, schema)
        for name, schema in document["components"]["schemas"].items()
    ]
    return render(
        request,
        "cms/api_docs.html",
        {
            "info": document["info"],
            "description": prose(document["info"].get("description", "")),
            "server_url": document["servers"][0]["url"],
            "endpoints": endpoints,
            "schemas": schemas,
        },
    )
