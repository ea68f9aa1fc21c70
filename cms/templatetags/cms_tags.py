from django import template

from cms.jsonld import script_tag

register = template.Library()


@register.filter
def json_ld(data):
    """``{{ data|json_ld }}``: a JSON-LD script element that cannot be broken out of."""
    return script_tag(data) if data else ""
