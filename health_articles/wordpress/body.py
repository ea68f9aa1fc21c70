"""Turn the content of a WordPress post into raw data for an article body.

Both editors are read: Gutenberg posts, whose block comments (``<!-- wp:... -->``)
say what each piece is, and classic-editor posts, where paragraphs are separated by
blank lines (WordPress's ``wpautop`` rules). Whatever the source, the HTML is
rebuilt from a whitelist: text is escaped and only the tags the target block's rich
text features allow are written, in Wagtail's database format. Everything else is
dropped, with a warning for the editor who runs the import.
"""

import copy
import html
import json
import re
import warnings as python_warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, CData, MarkupResemblesLocatorWarning, NavigableString

from health_articles import stream_data

INTRODUCTION = "Introduction"
MAX_NESTING = 40  # deeper markup is read as text (and cannot exhaust the stack)
HEADING_MAX_LENGTH = 120  # SectionBlock.heading
TEXT_MAX_LENGTH = 255  # question, alt text, caption, attribution

# Elements removed with everything inside them, with a warning.
DROPPED_ELEMENTS = {
    "applet", "audio", "button", "canvas", "dialog", "embed", "form", "frame",
    "frameset", "iframe", "input", "map", "math", "noscript", "object", "option",
    "script", "select", "style", "svg", "template", "textarea", "video",
}  # fmt: skip
# Removed without a word: they never carry anything a reader sees.
SILENTLY_DROPPED = {
    "area", "base", "col", "colgroup", "head", "link", "meta", "param", "source",
    "title", "track", "wbr",
}  # fmt: skip
# Wrappers whose formatting has no meaning worth a warning; their text stays.
NEUTRAL_INLINE = {
    "abbr", "acronym", "bdi", "bdo", "big", "cite", "data", "dfn", "font", "label",
    "nobr", "q", "small", "span", "time",
}  # fmt: skip
# Formatting the editor cannot hold: the text stays, with a warning.
LOST_FORMATTING = {
    "code", "del", "ins", "kbd", "mark", "s", "samp", "strike", "sub", "sup", "tt",
    "u", "var",
}  # fmt: skip
# Block-level containers whose content is read as if they were not there.
CONTAINERS = {
    "address", "article", "aside", "body", "caption", "center", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "footer", "header", "hgroup",
    "html", "legend", "li", "main", "nav", "p", "section", "summary", "tbody",
    "td", "tfoot", "th", "thead", "tr",
}  # fmt: skip
BLOCK_LEVEL = CONTAINERS | {
    "blockquote", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "pre",
    "table", "ul",
}  # fmt: skip
# Sharing buttons, related posts and comment forms some exports carry.
CHROME_CLASSES = {
    "comment-respond", "jp-relatedposts", "sd-like", "sd-sharing", "sharedaddy",
    "sharing",
}  # fmt: skip
CHROME_TEXTS = {
    "cancel reply",
    "leave a comment",
    "leave a reply",
    "like loading",
    "like this",
    "related",
    "share this",
    "your email address will not be published",
    "your email address will not be published. required fields are marked",
}

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
WEB_SCHEMES = {"", "http", "https"}

# Gutenberg blocks read with their inner blocks as one piece of HTML.
WHOLE_BLOCKS = {"details", "list", "list-item", "pullquote", "quote", "table"}
KNOWN_BLOCKS = WHOLE_BLOCKS | {
    "button", "buttons", "code", "column", "columns", "cover", "freeform",
    "gallery", "group", "heading", "html", "image", "media-text", "paragraph",
    "preformatted", "verse", "yoast/faq-block",
}  # fmt: skip
SKIPPED_BLOCKS = {"more", "nextpage", "separator", "spacer"}
# Blocks that show WordPress data (lists of posts, forms, contents) at view time.
DYNAMIC_BLOCKS = {
    "archives", "calendar", "categories", "comments", "latest-comments",
    "latest-posts", "loginout", "query", "rss", "search", "social-links",
    "tag-cloud", "yoast-seo/breadcrumbs", "yoast-seo/table-of-contents",
}  # fmt: skip

BLOCK_COMMENT = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)
CAPTION_SHORTCODE = re.compile(
    r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE
)
CAPTIONED_IMAGE = re.compile(
    r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)\Z", re.DOTALL | re.IGNORECASE
)
DROPPED_SHORTCODE = re.compile(
    r"\[(audio|contact-form-7|embed|gallery|gravityform|playlist|video|wpforms)\b"
    r"[^\]]*\](?:.*?\[/\1\])?",
    re.DOTALL | re.IGNORECASE,
)
BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
URL_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\s`]+")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
TAG = re.compile(r"(<[^>]*>)")
# "Q: ...", "Q1. ...", "Question: ..." and "A: ...", "Answer. ..."
QUESTION = re.compile(r"^\s*(?:Q\d*|Question\s*\d*)\s*(?::\s*|\.\s+)", re.IGNORECASE)
ANSWER = re.compile(r"^\s*(?:A|Answer)\s*(?::\s*|\.\s+)", re.IGNORECASE)
LINE_BREAK = "<br/>"
SOFT_BREAK = "\x00"  # between block-level pieces met inside inline content
PLACEHOLDER = re.compile(r'<a linktype="page" id="wp-post-(\d+)">(.*?)</a>', re.DOTALL)


@dataclass(frozen=True)
class ImageRef:
    src: str
    alt: str
    caption: str


@dataclass
class Converted:
    body: list[dict] = field(default_factory=list)
    faq_count: int = 0
    first_paragraph: str = ""
    images: list[ImageRef] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    internal_links: set[int] = field(default_factory=set)


def convert(
    content: str,
    *,
    post_for_url: Callable[[str], int | None],
    image_for: Callable[[ImageRef], int | None],
) -> Converted:
    """Raw ``HealthArticlePage.body`` data for a post's ``content:encoded``.

    Links to other posts become ``<a linktype="page" id="wp-post-<ID>">``
    placeholders for ``resolve_placeholders`` once every post has its page.
    """
    converter = _Converter(post_for_url=post_for_url, image_for=image_for)
    return converter.convert(content or "")


def resolve_placeholders(
    body_raw: list[dict], page_for_post: Mapping[int, int]
) -> tuple[list[dict], int]:
    """Point the placeholder links of ``convert`` at the pages made for the posts.

    A link to a post that was not imported is dropped; its text stays. Returns new
    data (the argument is left alone) and how many links were pointed at a page.
    """
    body = copy.deepcopy(list(body_raw))
    replaced = 0

    def link(match):
        nonlocal replaced
        page_id = page_for_post.get(int(match[1]))
        if page_id is None:
            return match[2]
        replaced += 1
        return f'<a linktype="page" id="{int(page_id)}">{match[2]}</a>'

    def resolve(rich_text):
        return PLACEHOLDER.sub(link, rich_text) if rich_text else rich_text

    for child in body:
        value = child.get("value") or {}
        if child.get("type") == "section":
            for block in value.get("content") or []:
                if block.get("type") == "paragraph":
                    block["value"] = resolve(block["value"])
                elif block.get("type") == "callout":
                    block["value"]["text"] = resolve(block["value"].get("text"))
        elif child.get("type") == "faq":
            for item in value.get("items") or []:
                # ListBlock items are {"type": "item", "value": ..., "id": ...};
                # data saved before Wagtail 2.16 holds the values themselves.
                item_value = item["value"] if "type" in item else item
                item_value["answer"] = resolve(item_value.get("answer"))
    return body, replaced


# Gutenberg block comments --------------------------------------------------------


@dataclass
class _Block:
    name: str
    attrs: dict
    parts: list  # HTML strings and inner _Blocks, in order

    def html(self):
        return "".join(
            part if isinstance(part, str) else part.html() for part in self.parts
        )


def _parse_blocks(content):
    """Split content into HTML strings and (nested) Gutenberg blocks."""
    root = _Block("", {}, [])
    stack = [root]
    ignored = 0  # blocks opened beyond MAX_NESTING: read as part of their parent
    position = 0
    for match in BLOCK_COMMENT.finditer(content):
        if match.start() > position:
            stack[-1].parts.append(content[position : match.start()])
        position = match.end()
        name = match["name"].removeprefix("core/")
        if match["closer"] and ignored:
            ignored -= 1
            continue
        if not match["closer"] and not match["void"] and len(stack) > MAX_NESTING:
            ignored += 1
            continue
        if match["closer"]:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
            continue
        try:
            attrs = json.loads(match["attrs"]) if match["attrs"] else {}
        except ValueError:
            attrs = {}
        block = _Block(name, attrs if isinstance(attrs, dict) else {}, [])
        stack[-1].parts.append(block)
        if not match["void"]:
            stack.append(block)
    if position < len(content):
        stack[-1].parts.append(content[position:])
    return root.parts


# Helpers on the HTML this module writes --------------------------------------------


def _plain(rich_text):
    """The text of HTML written here: line breaks as newlines, entities decoded."""
    text = rich_text.replace("<br/>", "\n").replace(SOFT_BREAK, "\n")
    return html.unescape(TAG.sub("", text))


def _collapse(text):
    return " ".join(text.split())


def _finish(rich_text):
    """Tidy inline HTML: no breaks or spaces at either end, no empty b/i."""
    text = re.sub(rf"(?:\s*{SOFT_BREAK}\s*)+", SOFT_BREAK, rich_text)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"<(b|i)>(\s*)</\1>", r"\2", text)
        text = re.sub(
            rf"^((?:<(?!br/>)[^>]*>)*)(?:\s|{SOFT_BREAK}|<br/>)+", r"\1", text
        )
        text = re.sub(rf"(?:\s|{SOFT_BREAK}|<br/>)+((?:</[^>]*>)*)$", r"\1", text)
    text = text.replace(SOFT_BREAK, "<br/>")
    return re.sub(r" {2,}", " ", text).strip()


def _wrap(opening, inner, closing):
    """Put an element around inner HTML, leaving spaces at its ends outside."""
    found = re.fullmatch(r"(\s*)(.*?)(\s*)", inner, re.DOTALL)
    return f"{found[1]}{opening}{found[2]}{closing}{found[3]}"


def _drop_leading_text(rich_text, count):
    """Remove the first ``count`` characters of text (as ``_plain`` counts them)."""
    tokens = [token for token in TAG.split(rich_text) if token]
    for index, token in enumerate(tokens):
        if count <= 0:
            break
        if token == LINE_BREAK:
            tokens[index] = ""
            count -= 1
        elif not token.startswith("<"):
            # Only prefixes such as "Q: " are removed: letters, digits, spaces and
            # punctuation that escaping leaves as they are.
            length = len(html.unescape(token))
            tokens[index] = token[count:] if count < length else ""
            count -= length
    return _finish("".join(tokens))


def _split_at_answer(rich_text):
    """Split "Q: ...<br/>A: ..." at the line break before the answer, if any."""
    tokens = [token for token in TAG.split(rich_text) if token]
    depth = 0
    for index, token in enumerate(tokens):
        if token == LINE_BREAK:
            if depth == 0 and ANSWER.match(_plain("".join(tokens[index + 1 :]))):
                return "".join(tokens[:index]), "".join(tokens[index + 1 :])
        elif token.startswith("</"):
            depth -= 1
        elif token.startswith("<"):
            depth += 1
    return rich_text, None


def _is_chrome(text):
    return _collapse(text).lower().rstrip(" *:.…") in CHROME_TEXTS


def _has_class(tag, names):
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    return bool(names.intersection(classes))


def _is_smiley(img):
    return _has_class(img, {"wp-smiley", "emoji"})


def _text_of(node):
    return _collapse(node.get_text(" ")) if node is not None else ""


def _shorten(text, limit):
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _host(url):
    try:
        return urlsplit(url).hostname
    except ValueError:  # e.g. "http://[" (a malformed IPv6 address)
        return None


def _short_src(src):
    return src if len(src) <= 100 else src[:97] + "…"


class _Style(NamedTuple):
    bold: bool = False
    italic: bool = False
    link: bool = False
    pre: bool = False


@dataclass
class _Unit:
    """One block-level piece of the post, in reading order."""

    kind: str  # paragraph, list, subheading, heading, image, quote, faq
    html: str = ""
    text: str = ""
    tag: str = ""  # h3/h4 for subheadings
    image: ImageRef | None = None
    attribution: str = ""
    items: list = field(default_factory=list)


@dataclass
class _Section:
    heading: str
    content: list = field(default_factory=list)
    faq_title_taken: bool = False


# The converter -------------------------------------------------------------------


class _Converter:
    def __init__(self, *, post_for_url, image_for):
        self.post_for_url = post_for_url
        self.image_for = image_for
        self.result = Converted()
        self.units = []
        self.buffer = []
        self.stray_images = []
        self.autop = False

    def warn(self, message):
        if message not in self.result.warnings:
            self.result.warnings.append(message)

    def convert(self, content):
        content = content.replace("\r\n", "\n").replace("\r", "\n")
        for region, autop in self.regions(_parse_blocks(content), top_level=True):
            self.read_region(region, autop=autop)
        self.assemble()
        return self.result

    # Gutenberg blocks -> pieces of HTML

    def regions(self, parts, *, top_level=False):
        for part in parts:
            if isinstance(part, str):
                if part.strip():
                    # HTML outside blocks is classic-editor content.
                    yield part, top_level
            else:
                yield from self.block_regions(part)

    def block_regions(self, block):
        name = block.name
        if name in SKIPPED_BLOCKS:
            return
        if name == "embed" or name.startswith("core-embed/"):
            url = str(block.attrs.get("url") or _text_of(self.soup(block.html())))
            host = _host(url) or "an unknown site"
            self.warn(
                f"Dropped an embed from {host} ({url}): embeds are not supported."
            )
            return
        if name in DYNAMIC_BLOCKS:
            self.warn(
                f"Dropped the block wp:{name}: it shows WordPress content that is not "
                "imported."
            )
            return
        if name == "shortcode":
            self.warn(f"Dropped the shortcode {_collapse(block.html())[:80]}.")
            return
        if name == "freeform":
            yield block.html(), True
            return
        if name == "yoast/faq-block":
            yield self.yoast_faq_html(block), False
            return
        if name not in KNOWN_BLOCKS:
            self.warn(f"Converted the unsupported block wp:{name} as plain content.")
        has_inner_blocks = any(isinstance(part, _Block) for part in block.parts)
        if has_inner_blocks and name not in WHOLE_BLOCKS:
            yield from self.regions(block.parts)
        else:
            yield block.html(), False

    def yoast_faq_html(self, block):
        """The block's HTML, or HTML made from its attributes if it has none."""
        content = block.html()
        if "schema-faq-section" in content:
            return content
        sections = []
        for question in block.attrs.get("questions") or []:
            if isinstance(question, dict):
                sections.append(
                    '<div class="schema-faq-section">'
                    f'<strong class="schema-faq-question">'
                    f"{question.get('jsonQuestion') or ''}</strong>"
                    f'<p class="schema-faq-answer">{question.get("jsonAnswer") or ""}'
                    "</p></div>"
                )
        return "".join(sections)

    # HTML -> units

    def soup(self, markup):
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            return BeautifulSoup(markup, "html.parser")

    def read_region(self, markup, *, autop):
        self.autop = autop
        soup = self.soup(self.shortcodes(markup))
        self.scrub(soup)
        self.walk(soup)
        self.flush()

    def shortcodes(self, markup):
        def caption(match):
            found = CAPTIONED_IMAGE.match(match[3])
            if not found:
                return match[3]
            text = found[2].strip()
            if not text:
                attribute = re.search(r'caption="([^"]*)"', match[2])
                text = attribute[1] if attribute else ""
            return f"<figure>{found[1]}<figcaption>{text}</figcaption></figure>"

        def dropped(match):
            self.warn(
                f"Dropped the [{match[1].lower()}] shortcode: shortcodes are not "
                "supported."
            )
            return ""

        markup = CAPTION_SHORTCODE.sub(caption, markup)
        return DROPPED_SHORTCODE.sub(dropped, markup)

    def scrub(self, soup):
        """Remove comments, dangerous elements and page chrome before reading."""
        depths = {id(soup): 0}
        for node in list(soup.descendants):
            if getattr(node, "decomposed", False):
                continue
            depth = depths[id(node.parent)] + 1
            if isinstance(node, NavigableString):
                if type(node) not in (NavigableString, CData):
                    node.extract()  # comments, doctypes, processing instructions
                continue
            name = node.name
            if depth > MAX_NESTING and name not in DROPPED_ELEMENTS:
                self.warn(
                    f"Kept only the text of markup nested more than {MAX_NESTING} "
                    "levels deep."
                )
                node.insert_before(NavigableString(node.get_text()))
                node.decompose()
                continue
            depths[id(node)] = depth
            if name in DROPPED_ELEMENTS:
                if name == "iframe":
                    host = _host((node.get("src") or "").strip())
                    self.warn(
                        f"Dropped an <iframe> from {host}: embedded frames are not "
                        "supported."
                        if host
                        else "Dropped an <iframe> with no address."
                    )
                else:
                    article = "an" if name[0] in "aeio" else "a"
                    self.warn(f"Dropped {article} <{name}> element.")
                node.decompose()
                continue
            if name in SILENTLY_DROPPED or _has_class(node, CHROME_CLASSES):
                node.decompose()
                continue
            for attribute in node.attrs:
                if attribute.lower().startswith("on"):
                    self.warn(f"Dropped an inline event handler ({attribute.lower()}).")

    def walk(self, node):
        for child in list(node.children):
            if isinstance(child, NavigableString):
                self.block_text(str(child))
                continue
            name = child.name
            if _has_class(child, {"schema-faq-section"}):
                self.flush()
                self.yoast_faq_item(child)
            elif name == "figure" or _has_class(child, {"wp-caption"}):
                self.figure(child)
            elif name in CONTAINERS:
                self.flush()
                self.walk(child)
                self.flush()
            elif name in ("h1", "h2", "h3"):
                self.flush()
                self.add_unit(_Unit("heading", text=_text_of(child)))
            elif name in ("h4", "h5", "h6"):
                self.flush()
                rich_text = _finish(self.inline_children(child, _Style()))
                tag = "h3" if name == "h4" else "h4"
                self.add_text_unit("subheading", rich_text, tag=tag)
            elif name in ("ul", "ol"):
                self.flush()
                rich_text = self.list_html(child)
                self.add_text_unit("list", rich_text)
            elif name == "blockquote":
                self.flush()
                self.quote(child)
            elif name == "table":
                self.flush()
                self.table(child)
            elif name == "pre":
                self.flush()
                self.warn(
                    "Removed <pre> formatting, which the editor does not support; "
                    "the text was kept."
                )
                rich_text = _finish(self.inline_children(child, _Style(pre=True)))
                self.add_text_unit("paragraph", rich_text)
            elif name == "hr":
                self.flush()
            elif name == "img" and not _is_smiley(child):
                self.flush()
                self.add_unit(_Unit("image", image=self.image_ref(child)))
            elif child.find(self.is_block_or_image):
                # An inline element around blocks or images (a linked image, a
                # <span> around paragraphs): its formatting cannot hold them.
                self.walk(child)
            else:
                self.buffer.append(self.inline_node(child, _Style()))

    @staticmethod
    def is_block_or_image(tag):
        return tag.name in BLOCK_LEVEL or (tag.name == "img" and not _is_smiley(tag))

    def block_text(self, text):
        if not self.autop:
            self.buffer.append(self.text(text, _Style()))
            return
        # wpautop: a blank line ends a paragraph, a single newline is a <br>.
        for index, part in enumerate(BLANK_LINE.split(text)):
            if index:
                self.flush()
            self.buffer.append(self.text(part, _Style()))

    def flush(self):
        rich_text = _finish("".join(self.buffer))
        self.buffer = []
        self.add_text_unit("paragraph", rich_text)

    def add_text_unit(self, kind, rich_text, tag=""):
        text = _plain(rich_text)
        if text.strip():
            self.add_unit(_Unit(kind, html=rich_text, text=text, tag=tag))
        else:
            self.add_unit(None)

    def add_unit(self, unit):
        if unit is not None:
            self.units.append(unit)
        stray, self.stray_images = self.stray_images, []
        self.units.extend(_Unit("image", image=image) for image in stray)

    # Inline content -> rich text

    def text(self, text, style):
        text = CONTROL_CHARACTERS.sub("", text)
        if style.pre:
            return html.escape(text, quote=False).replace("\n", "<br/>")
        if self.autop:
            lines = [re.sub(r"[^\S\n\xa0]+", " ", line) for line in text.split("\n")]
            return "<br/>".join(html.escape(line, quote=False) for line in lines)
        return html.escape(re.sub(r"[^\S\xa0]+", " ", text), quote=False)

    def inline_children(self, node, style):
        return "".join(self.inline_node(child, style) for child in node.children)

    def inline_node(self, node, style):
        if isinstance(node, NavigableString):
            return self.text(str(node), style)
        name = node.name
        if name in ("b", "strong"):
            return self.styled(node, style._replace(bold=True), "b", style.bold)
        if name in ("i", "em"):
            return self.styled(node, style._replace(italic=True), "i", style.italic)
        if name == "a":
            return self.link(node, style)
        if name == "br":
            return "<br/>"
        if name == "img":
            if _is_smiley(node):
                return html.escape(node.get("alt") or "", quote=False)
            self.stray_images.append(self.image_ref(node))
            return ""
        if name in ("ul", "ol"):
            # A list where only text can go: one line for each item.
            lines = SOFT_BREAK.join(
                html.escape(_plain(item), quote=False).replace("\n", SOFT_BREAK)
                for item in self.list_items(node)
            )
            return f"{SOFT_BREAK}{lines}{SOFT_BREAK}"
        inner = self.inline_children(node, style)
        if name in BLOCK_LEVEL:
            return f"{SOFT_BREAK}{inner}{SOFT_BREAK}"
        if name in LOST_FORMATTING:
            self.warn(
                f"Removed <{name}> formatting, which the editor does not support; "
                "the text was kept."
            )
        elif name not in NEUTRAL_INLINE:
            self.warn(f"Removed unknown <{name}> tags; the text inside was kept.")
        return inner

    def styled(self, node, style, tag, already):
        inner = self.inline_children(node, style)
        if already or not _plain(inner).strip():
            return inner
        return _wrap(f"<{tag}>", inner, f"</{tag}>")

    def link(self, node, style):
        inner = self.inline_children(node, style._replace(link=True))
        # The editor cannot break a line inside a link.
        inner = re.sub(rf"(?:\s*(?:<br/>|{SOFT_BREAK})\s*)+", " ", inner)
        href = (node.get("href") or "").strip()
        text = _shorten(_collapse(_plain(inner)), 60)
        if style.link or not href or not text:
            return inner
        scheme = self.scheme(href)
        if scheme in ("javascript", "data", "vbscript"):
            self.warn(
                f"Removed the unsafe {scheme}: address of the link '{text}'; its text "
                "was kept."
            )
            return inner
        if scheme not in SAFE_SCHEMES and scheme not in WEB_SCHEMES:
            self.warn(
                f"Removed the {scheme}: address of the link '{text}' (only web, "
                "e-mail and phone links are kept); its text was kept."
            )
            return inner
        if scheme in WEB_SCHEMES:
            post_id = self.post_for_url(href)
            if post_id is not None:
                self.result.internal_links.add(int(post_id))
                opening = f'<a linktype="page" id="wp-post-{int(post_id)}">'
                return _wrap(opening, inner, "</a>")
        href = re.sub(r"[\t\n\r]", "", href).replace(" ", "%20")
        return _wrap(f'<a href="{html.escape(href, quote=True)}">', inner, "</a>")

    @staticmethod
    def scheme(href):
        """The scheme of an address as a browser would read it ("" if relative)."""
        compact = href
        for _ in range(5):  # entities within entities
            unescaped = html.unescape(compact)
            if unescaped == compact:
                break
            compact = unescaped
        compact = URL_NOISE.sub("", compact).lower()
        found = SCHEME.match(compact)
        return found[1] if found else ""

    def list_items(self, node):
        """The rich text of each item of a <ul>/<ol>, nested lists included."""
        items = []
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.strip():
                    items.append(_finish(self.text(str(child), _Style())))
            elif child.name in ("ul", "ol") and items:
                # A list directly inside a list belongs to the item before it.
                items[-1] += self.list_html(child)
            elif child.name == "li":
                inline, nested = [], []
                for part in child.children:
                    if getattr(part, "name", None) in ("ul", "ol"):
                        nested.append(self.list_html(part))
                    else:
                        inline.append(self.inline_node(part, _Style()))
                items.append(_finish("".join(inline)) + "".join(nested))
            else:
                items.append(_finish(self.inline_node(child, _Style())))
        return [item for item in items if _plain(item).strip()]

    def list_html(self, node):
        items = self.list_items(node)
        if not items:
            return ""
        tag = "ol" if node.name == "ol" else "ul"
        return f"<{tag}>{''.join(f'<li>{item}</li>' for item in items)}</{tag}>"

    # Images, quotes, tables, Yoast's FAQ

    def image_ref(self, img, caption=""):
        src = (img.get("src") or img.get("data-src") or "").strip()
        ref = ImageRef(src=src, alt=_collapse(img.get("alt") or ""), caption=caption)
        self.result.images.append(ref)
        return ref

    def figure(self, node):
        self.flush()
        images = [img for img in node.find_all("img") if not _is_smiley(img)]
        caption = node.find("figcaption") or node.find(class_="wp-caption-text")
        caption_text = _text_of(caption)
        other_text = _collapse(node.get_text(" ")).replace(caption_text, "", 1)
        if (
            len(images) != 1
            or other_text
            or node.find(["figure", "blockquote", "table", "ul", "ol"])
        ):
            self.walk(node)
            self.flush()
            return
        self.add_unit(_Unit("image", image=self.image_ref(images[0], caption_text)))

    def quote(self, node):
        attribution = ""
        for child in node.find_all(["cite", "footer"], recursive=False):
            attribution = attribution or _text_of(child)
            child.extract()
        for img in node.find_all("img"):
            if not _is_smiley(img):
                self.stray_images.append(self.image_ref(img))
            img.extract()
        paragraphs = [[]]

        def read(element):
            for child in element.children:
                if isinstance(child, NavigableString):
                    paragraphs[-1].append(str(child))
                elif child.name == "br":
                    paragraphs[-1].append("\n")
                elif child.name in BLOCK_LEVEL:
                    paragraphs.append([])
                    read(child)
                    paragraphs.append([])
                else:
                    read(child)

        read(node)
        texts = []
        for paragraph in paragraphs:
            lines = (_collapse(line) for line in "".join(paragraph).split("\n"))
            text = "\n".join(line for line in lines if line)
            if text:
                texts.append(text)
        if texts:
            unit = _Unit("quote", text="\n\n".join(texts), attribution=attribution)
            self.add_unit(unit)
        else:
            self.add_unit(None)

    def table(self, node):
        rows = [row for row in node.find_all("tr") if row.find_parent("table") is node]
        if not rows:
            self.walk(node)
            self.flush()
            return
        self.warn(
            "Turned a table into paragraphs, one for each row: tables are not "
            "supported."
        )
        caption = node.find("caption")
        if caption is not None and caption.find_parent("table") is node:
            rich_text = _finish(self.inline_children(caption, _Style()))
            self.add_text_unit("paragraph", rich_text)
        for row in rows:
            cells = [
                _finish(self.inline_children(cell, _Style()))
                for cell in row.find_all(["td", "th"], recursive=False)
            ]
            self.add_text_unit("paragraph", " | ".join(cell for cell in cells if cell))

    def yoast_faq_item(self, node):
        question_node = node.find(class_="schema-faq-question")
        answer_node = node.find(class_="schema-faq-answer")
        question = _text_of(question_node)
        if answer_node is None:
            if question_node is not None:
                question_node.extract()
            answer_node = node
        answer = _finish(self.inline_children(answer_node, _Style()))
        for image in self.stray_images:
            self.warn(
                f"Image {_short_src(image.src)} in the answer to '{question}' was "
                "left out: answers cannot hold images."
            )
        self.stray_images = []
        if not question:
            self.warn("Left out an FAQ item with no question.")
            return
        if not _plain(answer).strip():
            self.warn(f"Left out the question '{question}': it has no answer.")
            return
        self.add_unit(_Unit("faq", items=[(question, f"<p>{answer}</p>")]))

    # Units -> stream data

    def assemble(self):
        _Assembler(self).run()


class _Assembler:
    """Place the units in sections, gather the FAQ and build the stream data."""

    def __init__(self, converter):
        self.converter = converter
        self.result = converter.result
        self.sections = []
        self.faq_items = []
        self.faq_title = None
        self.subheading = None
        self.question = None  # (question text, the unit it came from)
        self.answer = None  # list of rich text pieces once "A:" was met

    def warn(self, message):
        self.converter.warn(message)

    def run(self):
        for unit in self.converter.units:
            getattr(self, f"on_{unit.kind}")(unit)
        self.end_question()
        self.place_subheading()
        body = []
        for section in self.sections:
            if section.content:
                body.append(
                    stream_data.block(
                        "section",
                        {"heading": section.heading, "content": section.content},
                    )
                )
            elif not section.faq_title_taken:
                self.warn(
                    f"The heading '{section.heading}' had nothing under it and was "
                    "left out."
                )
        if self.faq_items:
            body.append(stream_data.faq(self.faq_items, title=self.faq_title or ""))
        self.result.body = body
        self.result.faq_count = len(self.faq_items)

    # Sections

    def current_section(self):
        if not self.sections:
            self.sections.append(_Section(INTRODUCTION))
        return self.sections[-1]

    def add_block(self, block_type, value):
        self.current_section().content.append(stream_data.block(block_type, value))

    def add_rich_text(self, rich_text):
        if self.subheading is not None:
            rich_text = self.subheading + rich_text
            self.subheading = None
        self.add_block("paragraph", rich_text)

    def place_subheading(self):
        if self.subheading is not None:
            self.add_block("paragraph", self.subheading)
            self.subheading = None

    def on_heading(self, unit):
        self.end_question()
        self.place_subheading()
        if not unit.text or _is_chrome(unit.text):
            return
        if self.start_heading_question(unit.text):
            return
        heading = _shorten(unit.text, HEADING_MAX_LENGTH)
        if heading != unit.text:
            self.warn(
                f"Shortened the heading '{unit.text}' to {HEADING_MAX_LENGTH} "
                "characters."
            )
        self.sections.append(_Section(heading))

    def on_subheading(self, unit):
        self.end_question()
        if _is_chrome(unit.text):
            return
        if self.start_heading_question(unit.text):
            return
        self.place_subheading()
        self.subheading = f"<{unit.tag}>{unit.html}</{unit.tag}>"

    def on_paragraph(self, unit):
        if _is_chrome(unit.text):
            self.end_question()
            return
        question_html, answer_html = _split_at_answer(unit.html)
        question = _collapse(QUESTION.sub("", _plain(question_html), count=1))
        if QUESTION.match(unit.text) and question:
            self.end_question()
            self.question = (question, unit)
            if answer_html is not None:
                self.start_answer(answer_html)
            return
        if self.question is not None and self.answer is None:
            if ANSWER.match(unit.text):
                self.start_answer(unit.html)
                return
            self.end_question()  # a "Q:" with no answer is just a paragraph
        if self.answer is not None:
            found = ANSWER.match(unit.text)
            rich_text = (
                _drop_leading_text(unit.html, found.end()) if found else unit.html
            )
            if _plain(rich_text).strip():
                self.answer.append(f"<p>{rich_text}</p>")
            return
        if not self.result.first_paragraph:
            self.result.first_paragraph = _collapse(unit.text)
        self.add_rich_text(f"<p>{unit.html}</p>")

    def on_list(self, unit):
        if self.answer is not None:
            self.answer.append(unit.html)
            return
        self.end_question()
        self.add_rich_text(unit.html)

    def on_image(self, unit):
        self.end_question()
        self.place_subheading()
        ref = unit.image
        if not ref.src:
            self.warn("Dropped an image with no address.")
            return
        image_id = self.converter.image_for(ref)
        src = _short_src(ref.src)
        if image_id is None:
            alt = f"its alt text was: '{ref.alt}'" if ref.alt else "it had no alt text"
            self.warn(f"Image {src} was not imported (file not found); {alt}.")
            return
        alt_text = ref.alt or ref.caption or "Image"
        if not ref.alt:
            self.warn(
                f"Image {src} had no alt text, so '{_shorten(alt_text, 60)}' stands "
                "in for it: please describe the image."
            )
        self.add_block(
            "image",
            {
                "image": image_id,
                "alt_text": self.fit(alt_text, "alt text"),
                "caption": self.fit(ref.caption, "caption"),
            },
        )

    def on_quote(self, unit):
        self.end_question()
        self.place_subheading()
        self.add_block(
            "quote",
            {
                "quote": unit.text,
                "attribution": self.fit(unit.attribution, "attribution"),
            },
        )

    def on_faq(self, unit):
        self.end_question()
        for question, answer in unit.items:
            self.add_faq_item(question, answer)

    def fit(self, text, what):
        shortened = _shorten(text, TEXT_MAX_LENGTH)
        if shortened != text:
            self.warn(f"Shortened the {what} '{text}' to {TEXT_MAX_LENGTH} characters.")
        return shortened

    # FAQ

    def start_heading_question(self, text):
        """A "Q:" heading: what follows is its answer, "A:" or not."""
        question = _collapse(QUESTION.sub("", text, count=1))
        if not QUESTION.match(text) or not question:
            return False
        self.question = (question, None)
        self.answer = []
        return True

    def start_answer(self, rich_text):
        found = ANSWER.match(_plain(rich_text))
        if found:
            rich_text = _drop_leading_text(rich_text, found.end())
        self.answer = [f"<p>{rich_text}</p>"] if _plain(rich_text).strip() else []

    def end_question(self):
        question, answer = self.question, self.answer
        self.question = self.answer = None
        if question is None:
            return
        text, unit = question
        if answer:
            self.add_faq_item(text, "".join(answer))
        elif unit is not None:
            self.add_rich_text(f"<p>{unit.html}</p>")  # not a question after all
        else:
            self.warn(f"Left out the question '{text}': no answer followed it.")

    def add_faq_item(self, question, answer):
        if self.faq_title is None:
            # The heading just above the first question titles the FAQ.
            self.faq_title = ""
            section = self.sections[-1] if self.sections else None
            if self.subheading is not None:
                self.faq_title = _shorten(
                    _collapse(_plain(self.subheading)), HEADING_MAX_LENGTH
                )
                self.subheading = None
            elif section is not None and not section.content:
                self.faq_title = section.heading
                section.faq_title_taken = True
        self.faq_items.append((self.fit(question, "question"), answer))
