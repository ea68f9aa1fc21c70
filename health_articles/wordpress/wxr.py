"""A streaming reader for WordPress exports (WXR 1.1 and 1.2).

Two passes over the file, each with ``iterparse`` and constant memory in the number
of items: every child of ``<channel>`` is read when it ends, then cleared and removed,
so the tree never holds more than one ``<item>``.

- ``survey(path)`` reads the whole file and checks it is a well-formed WordPress
  export before anything is written: it returns the authors, the slug of every post
  and the addresses that lead to each post (for links between posts).
- ``items(path)`` then yields the items one at a time, in the export's order.

A file that cannot be read, is not XML, is truncated, is not a WordPress export, is
of an unsupported WXR version or declares XML entities raises ``WXRError``, whose
message says why (with the line when the XML parser gives one). The parser is
defusedxml's, so entity declarations (billion laughs) and external entities are
refused instead of expanded.
"""

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.utils.text import slugify

SUPPORTED_VERSIONS = ("1.1", "1.2")
WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
DC_NS = "{http://purl.org/dc/elements/1.1/}"
ZERO_DATE = "0000-00-00 00:00:00"
SLUG_MAX_LENGTH = 255  # Wagtail's Page.slug

# Expat errors met when the input stops before the document does.
_TRUNCATION_ERRORS = {
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
    )
}
# An RFC 822 date whose year is four digits: WordPress writes the pubDate of a
# never-published draft as "Mon, 30 Nov -0001 00:00:00 +0000".
_RFC822_YEAR = re.compile(r"\b\d{1,2} [A-Za-z]{3} \d{4} ")


class WXRError(Exception):
    """The file is not a readable WordPress export.

    str() says why, with the line number when the XML parser gives one, e.g.
    "Line 120: the file ends before the export does (truncated?)", "This is XML
    but not a WordPress export (no <wp:wxr_version>)", "WXR version 1.0 is not
    supported (1.1 or 1.2 needed)".
    """


@dataclass(frozen=True)
class WPAuthor:
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class WPTerm:
    domain: str  # "category" or "post_tag" (others kept as given)
    slug: str  # the nicename attribute
    name: str  # the text


@dataclass(frozen=True)
class WPComment:
    comment_id: int
    author: str
    email: str
    url: str
    ip: str
    date_gmt: datetime | None  # aware, UTC ("0000-00-00 00:00:00" -> None)
    content: str
    approved: str  # "1", "0", "spam", "trash" (as in the export)
    parent_id: int  # 0 when top-level
    type: str  # "" / "comment" / "pingback" / "trackback"


@dataclass(frozen=True)
class WPItem:
    post_id: int
    guid: str
    title: str
    slug: str  # wp:post_name, may be ""
    link: str
    post_type: str  # "post", "page", "attachment", "nav_menu_item", ...
    status: str  # "publish", "draft", "pending", "private", "future", "trash", ...
    # Aware UTC, from wp:post_date_gmt; for a draft (whose post_date_gmt is
    # "0000-00-00 00:00:00") from wp:post_date read as UTC, else from pubDate;
    # None when none of them holds a date.
    date_gmt: datetime | None
    creator: str  # dc:creator (author login)
    content: str  # content:encoded
    excerpt: str  # excerpt:encoded
    terms: tuple[WPTerm, ...]
    meta: dict[str, str]  # wp:postmeta key -> value (last wins)
    comment_status: str  # "open" / "closed"
    comments: tuple[WPComment, ...]
    attachment_url: str  # wp:attachment_url, "" if none
    password: str = ""  # wp:post_password: the post was password-protected


@dataclass
class Survey:
    """What the first pass learns; nothing is written."""

    wxr_version: str
    base_site_url: str
    authors: dict[str, WPAuthor]  # by login
    # post_id -> slug, for items of post_type "post" only: wp:post_name, or the
    # title slugified when it is empty; unique within the export (-2, -3, ...).
    post_slugs: dict[int, str]
    # normalise_url() key -> post_id for every "post" item: its link, its guid and
    # its "?p=<id>" address, each also without its trailing slash.
    url_to_post: dict[str, int]
    item_count: int
    counts_by_type: dict[str, int]


def normalise_url(url: str, base_site_url: str = "") -> str:
    """The key of an address in ``Survey.url_to_post``.

    Scheme and host are dropped when they are the export's own site (or the
    address is relative), the trailing slash is kept, a "?p=N" query is kept (any
    other query is dropped), the fragment is dropped and percent-escapes in the
    path are decoded. "www." and the scheme do not count when comparing hosts.
    Addresses on other sites keep scheme, host and query; other schemes (mailto:)
    are returned as given.

    "https://health-blog.example/magnesium-for-akathisia/#faq" ->
    "/magnesium-for-akathisia/"; "/?p=101" -> "/?p=101"; "#faq" -> "".
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        own_site = not parts.netloc or _same_host(parts, urlsplit(base_site_url))
    except ValueError:  # e.g. a malformed IPv6 host or port
        return url
    if parts.scheme.lower() not in ("", "http", "https"):
        return url
    if not own_site:
        return urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, "")
        )
    post_ids = parse_qs(parts.query).get("p", [])
    query = f"?p={post_ids[0]}" if post_ids and post_ids[0].isdigit() else ""
    path = unquote(parts.path)
    if not path and not query and not parts.netloc:
        return ""  # a link to a place on the same page
    return (path or "/") + query


def survey(path) -> Survey:
    """Pass 1: read the whole export, check it, and map posts; writes nothing.

    Raises WXRError when the file is not a readable WXR 1.1/1.2 export, including
    when an item has no numeric <wp:post_id> or two items share one.
    """
    stream = _ChannelStream(path)
    base_site_url = ""
    channel_link = ""
    authors: dict[str, WPAuthor] = {}
    counts: Counter[str] = Counter()
    first_item_with_id: dict[int, int] = {}
    posts: list[tuple[int, str, str]] = []  # (post_id, post_name, title)
    post_urls: list[tuple[int, str, str]] = []  # (post_id, link, guid)
    for element in stream:
        tag = element.tag
        if tag == "item":
            post_type = _text(element, stream.wp + "post_type").strip()
            counts[post_type] += 1
            post_id = _post_id(element, stream.item_number)
            if post_id in first_item_with_id:
                raise WXRError(
                    f"Items {first_item_with_id[post_id]} and {stream.item_number} "
                    f"have the same <wp:post_id> ({post_id})."
                )
            first_item_with_id[post_id] = stream.item_number
            if post_type == "post":
                title = _text(element, "title").strip()
                posts.append((post_id, _text(element, stream.wp + "post_name"), title))
                post_urls.append(
                    (post_id, _text(element, "link"), _text(element, "guid"))
                )
        elif tag == stream.wp + "author":
            author = _author(element, stream.wp)
            if author.login:
                authors[author.login] = author
        elif tag == stream.wp + "base_site_url":
            base_site_url = _text(element).strip()
        elif tag == "link":
            channel_link = _text(element).strip()
    base_site_url = base_site_url or channel_link
    return Survey(
        wxr_version=stream.version,
        base_site_url=base_site_url,
        authors=authors,
        post_slugs=_unique_slugs(posts),
        url_to_post=_url_keys(post_urls, base_site_url),
        item_count=stream.item_number,
        counts_by_type=dict(counts),
    )


def items(path) -> Iterator[WPItem]:
    """Pass 2: the items of the export, one at a time, in the file's order.

    Every post type is yielded (posts, pages, attachments, menu items...). The file
    is read again as it goes, so call survey() first: an error late in the file
    raises WXRError only after the items before it were yielded.
    """
    stream = _ChannelStream(path)
    for element in stream:
        if element.tag == "item":
            yield _item(element, stream)


# The stream ----------------------------------------------------------------------


class _ChannelStream:
    """The children of <rss><channel>, each yielded once it has ended.

    After the consumer is done with a child, it is cleared and removed from the
    channel, so memory stays flat whatever the number of items. Checks the root
    element and the WXR version on the way; raises WXRError.
    """

    def __init__(self, path):
        self.path = path
        self.version = ""
        self.wp = ""  # "{http://wordpress.org/export/1.2/}"
        self.excerpt = ""  # "{http://wordpress.org/export/1.2/excerpt/}"
        self.item_number = 0  # of the last item yielded, from 1
        self._started = False  # has the parser met an element yet?

    def __iter__(self) -> Iterator[Element]:
        try:
            source = open(self.path, "rb")  # closed by the with below
        except OSError as error:
            raise WXRError(f"Cannot read {self.path}: {error.strerror}.") from None
        with source:
            parser = DefusedXMLParser(target=TreeBuilder())
            try:
                events = defused_iterparse(source, ("start", "end"), parser)
                yield from self._children(events)
            except ParseError as error:
                raise WXRError(self._parse_error_message(error)) from None
            except DefusedXmlException:
                line = parser.parser.CurrentLineNumber
                raise WXRError(
                    f"Line {line}: the file uses XML entities, which WordPress "
                    "exports never do."
                ) from None
            except (LookupError, ValueError) as error:  # an unknown encoding
                raise WXRError(f"The file cannot be decoded: {error}.") from None
        if not self.version:
            raise WXRError(
                "This is XML but not a WordPress export (no <wp:wxr_version>)."
            )

    def _children(self, events) -> Iterator[Element]:
        self._started = False
        root = channel = None
        depth = 0
        in_channel = False
        for event, element in events:
            if event == "start":
                depth += 1
                self._started = True
                if depth == 1:
                    root = element
                    if element.tag != "rss":
                        raise WXRError(
                            "This is XML but not a WordPress export (its root element "
                            f"is <{_local_name(element.tag)}>, not <rss>)."
                        )
                elif depth == 2:
                    in_channel = channel is None and element.tag == "channel"
                    if in_channel:
                        channel = element
                continue
            depth -= 1
            if depth == 2 and in_channel:
                self._check_child(element)
                yield element
                element.clear()
                channel.remove(element)
            elif depth == 1:
                in_channel = False
                if element is not channel:
                    root.remove(element)

    def _check_child(self, element):
        tag = element.tag
        if tag == "item":
            if not self.version:
                raise WXRError(
                    "This is XML but not a WordPress export (no <wp:wxr_version> "
                    "before the first <item>)."
                )
            self.item_number += 1
        elif tag.startswith("{" + WP_NAMESPACE_PREFIX) and tag.endswith("}wxr_version"):
            self._set_version(tag, _text(element).strip())

    def _set_version(self, tag, version):
        if version not in SUPPORTED_VERSIONS:
            raise WXRError(
                f"WXR version {version or '(empty)'} is not supported "
                f"({' or '.join(SUPPORTED_VERSIONS)} needed)."
            )
        namespace = f"{WP_NAMESPACE_PREFIX}{version}/"
        if tag != f"{{{namespace}}}wxr_version":
            raise WXRError(
                f"The export says it is WXR {version} but its wp: elements are not "
                f"in the namespace of that version ({namespace})."
            )
        self.version = version
        self.wp = f"{{{namespace}}}"
        self.excerpt = f"{{{namespace}excerpt/}}"

    def _parse_error_message(self, error):
        line, column = error.position
        reason = expat_errors.messages.get(error.code, str(error))
        if not self._started:
            if error.code == expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]:
                return "The file is empty: there is no XML in it."
            return (
                f"This is not an XML file (line {line}, column {column + 1}: {reason})."
            )
        if error.code in _TRUNCATION_ERRORS:
            return f"Line {line}: the file ends before the export does (truncated?)."
        return (
            f"Line {line}, column {column + 1}: the XML is not well-formed ({reason})."
        )


# Reading one element -------------------------------------------------------------


def _local_name(tag):
    return tag.rsplit("}", 1)[-1]


def _text(element, tag=None):
    if tag is not None:
        element = element.find(tag)
        if element is None:
            return ""
    return element.text or ""


def _int(text, default=0):
    text = text.strip()
    return int(text) if text.isdigit() else default


def _post_id(element, item_number):
    for child in element:
        if _local_name(child.tag) == "post_id":
            text = (child.text or "").strip()
            if text.isdigit():
                return int(text)
            break
    title = _text(element, "title").strip()
    described = f" (“{title}”)" if title else ""
    raise WXRError(f"Item {item_number}{described} has no numeric <wp:post_id>.")


def _wp_date(text):
    """A "YYYY-MM-DD HH:MM:SS" WordPress date as aware UTC, or None."""
    text = text.strip()
    if not text or text == ZERO_DATE:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _rfc822_date(text):
    if not _RFC822_YEAR.search(text):
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:  # "-0000": UTC, says RFC 2822
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _author(element, wp):
    def field(name):
        return _text(element, wp + name).strip()

    return WPAuthor(
        login=field("author_login"),
        email=field("author_email"),
        display_name=field("author_display_name"),
        first_name=field("author_first_name"),
        last_name=field("author_last_name"),
    )


def _comment(element, wp):
    def field(name):
        return _text(element, wp + name)

    return WPComment(
        comment_id=_int(field("comment_id")),
        author=field("comment_author").strip(),
        email=field("comment_author_email").strip(),
        url=field("comment_author_url").strip(),
        ip=field("comment_author_IP").strip(),
        date_gmt=_wp_date(field("comment_date_gmt")),
        content=field("comment_content"),
        approved=field("comment_approved").strip(),
        parent_id=_int(field("comment_parent")),
        type=field("comment_type").strip(),
    )


def _item(element, stream):
    wp = stream.wp
    fields = {}
    terms = []
    meta = {}
    comments = []
    for child in element:
        tag = child.tag
        if tag == "category":
            terms.append(
                WPTerm(
                    domain=child.get("domain", ""),
                    slug=child.get("nicename", ""),
                    name=(child.text or "").strip(),
                )
            )
        elif tag == wp + "postmeta":
            meta[_text(child, wp + "meta_key")] = _text(child, wp + "meta_value")
        elif tag == wp + "comment":
            comments.append(_comment(child, wp))
        else:
            fields.setdefault(tag, child.text or "")

    def field(tag):
        return fields.get(tag, "").strip()

    date_gmt = (
        _wp_date(field(wp + "post_date_gmt"))
        or _wp_date(field(wp + "post_date"))
        or _rfc822_date(field("pubDate"))
    )
    return WPItem(
        post_id=_post_id(element, stream.item_number),
        guid=field("guid"),
        title=field("title"),
        slug=field(wp + "post_name"),
        link=field("link"),
        post_type=field(wp + "post_type"),
        status=field(wp + "status"),
        date_gmt=date_gmt,
        creator=field(DC_NS + "creator"),
        content=fields.get(CONTENT_NS + "encoded", ""),
        excerpt=fields.get(stream.excerpt + "encoded", ""),
        terms=tuple(terms),
        meta=meta,
        comment_status=field(wp + "comment_status"),
        comments=tuple(comments),
        attachment_url=field(wp + "attachment_url"),
        password=field(wp + "post_password"),
    )


# What the survey derives ---------------------------------------------------------


def _same_host(parts, base_parts):
    def host(split):
        name = split.hostname or ""
        return name.removeprefix("www."), split.port

    return bool(base_parts.hostname) and host(parts) == host(base_parts)


def _unique_slugs(posts):
    """post_id -> slug: the posts' own slugs first, then those made from titles."""
    slugs = {}
    taken = set()

    def claim(post_id, base):
        base = base[:SLUG_MAX_LENGTH] or f"post-{post_id}"
        slug, number = base, 1
        while slug in taken:
            number += 1
            suffix = f"-{number}"
            slug = base[: SLUG_MAX_LENGTH - len(suffix)] + suffix
        taken.add(slug)
        slugs[post_id] = slug

    for post_id, post_name, _title in posts:
        if post_name.strip():
            claim(post_id, slugify(unquote(post_name), allow_unicode=True))
    for post_id, post_name, title in posts:
        if not post_name.strip():
            claim(post_id, slugify(title, allow_unicode=True))
    return {post_id: slugs[post_id] for post_id, _name, _title in posts}


def _url_keys(post_urls, base_site_url):
    base_path = urlsplit(base_site_url).path.rstrip("/")
    keys = {}
    for post_id, link, guid in post_urls:
        for url in (link, guid, f"{base_path}/?p={post_id}"):
            key = normalise_url(url, base_site_url)
            if not key:
                continue
            keys.setdefault(key, post_id)
            if len(key) > 1 and key.endswith("/"):
                keys.setdefault(key.rstrip("/"), post_id)
    return keys
