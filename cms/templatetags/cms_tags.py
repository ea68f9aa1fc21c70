from django import template

from cms.fragment_cache import Fragment
from cms.jsonld import script_tag

register = template.Library()


@register.filter
def json_ld(data):
    """``{{ data|json_ld }}``: a JSON-LD script element that cannot be broken out of."""
    return script_tag(data) if data else ""


@register.tag("fragment")
def fragment(parser, token):
    """``{% fragment "name" page.cache_key … %}…{% endfragment %}``: the enclosed
    part of a template from the fragment cache (``cms.fragment_cache``), kept under
    its name, the values after it and the content version. What it encloses is not
    rendered at all on a hit, so anything it reads lazily (a method the template
    calls) costs nothing then. Rendered afresh in previews and without a shared
    content version."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' needs a name, then the values to vary on."
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class FragmentNode(template.Node):
    def __init__(self, nodelist, key_parts):
        self.nodelist = nodelist
        self.key_parts = key_parts

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        parts = [part.resolve(context) for part in self.key_parts]
        kept = Fragment(request, *parts)
        if kept.value is not None:
            return kept.value
        return kept.store(self.nodelist.render(context))
