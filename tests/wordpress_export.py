"""Large, realistic WordPress exports (WXR 1.2) for the reader's tests and the bench.

``write_export(path, posts=2000, comments_per_post=3, seed=0)`` writes, item by item
as WordPress 6 does (CDATA sections, ``<wp:postmeta>`` pairs, ``<category
domain="post_tag" nicename="...">``, ``<wp:comment>`` with ``<wp:comment_approved>``):

- two pages and, at the end, a menu item for each (``nav_menu_item``);
- ``posts`` posts, three in five in the block editor (paragraph, heading, list,
  image, quote and, in one in four, a Yoast FAQ block) and the rest in the classic
  editor (bare paragraphs separated by blank lines, ``<h2>``, images, and "Q:" /
  "A:" paragraphs in one in four); every 25th post is a draft as WordPress exports
  it (no slug, ``post_date_gmt`` 0000-00-00 00:00:00, pubDate in year -0001);
- a featured image for every other post, as an ``attachment`` item after its post,
  also shown in the post's text;
- links between posts (by address, by ``?p=<id>`` and with a fragment), before and
  after the linking post, and links to other sites;
- ``comments_per_post`` comments on every published post: approved, pending, spam,
  trash, replies (with ``comment_parent``) and pingbacks.

The same arguments always give the same bytes. The file is written as it goes, so
its size is not limited by memory.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.utils.text import slugify

SITE = "https://health-blog.example"
UPLOADS = f"{SITE}/wp-content/uploads"
ZERO_DATE = "0000-00-00 00:00:00"
DRAFT_PUB_DATE = "Mon, 30 Nov -0001 00:00:00 +0000"

AUTHORS = (
    ("editor", "Site Editor", "", ""),
    ("emarsh", "Dr Elena Marsh", "Elena", "Marsh"),
    ("tobrien", "Tom O'Brien", "Tom", "O'Brien"),
)
SUBJECTS = (
    "Magnesium",
    "Vitamin D",
    "Omega-3",
    "Melatonin",
    "Iron",
    "Zinc",
    "Exercise",
    "Mindfulness",
    "Caffeine",
    "Probiotics",
    "Vitamin B12",
    "Cold water swimming",
)
CONDITIONS = (
    ("akathisia", "Mental health"),
    ("anxiety", "Mental health"),
    ("low mood", "Mental health"),
    ("insomnia", "Sleep"),
    ("restless legs", "Sleep"),
    ("migraine", "Pain"),
    ("back pain", "Pain"),
    ("high blood pressure", "Heart and circulation"),
    ("fatigue", "General health"),
    ("IBS", "Gut health"),
)
TITLE_FORMS = (
    "{subject} for {condition}: what the evidence says",
    "Can {subject} help with {condition}?",
    "{subject} and {condition}",
    "Does {subject} make {condition} better or worse?",
    "{subject} for {condition}: a natural treatment option",
)
HEADINGS = (
    "What is {condition}?",
    "How {subject} works",
    "What the research says",
    "Side effects and interactions",
    "How much to take",
    "When to see a doctor",
    "Other things that help",
)
SENTENCES = (
    "{subject} plays a part in many of the body's processes, including those "
    "involved in {condition}.",
    "Small trials suggest that {subject} may ease the symptoms of {condition}, but "
    "the evidence is not yet strong.",
    "People with {condition} often notice that their symptoms change from week to "
    "week, which makes treatments hard to judge.",
    "Talk to your GP or pharmacist before you start {subject}, especially if you "
    "take other medicines.",
    "Most people tolerate {subject} well, although a few report stomach upsets or "
    "headaches.",
    "Researchers measured symptoms of {condition} before and after eight weeks, "
    "comparing {subject} with a placebo.",
    "A balanced diet, regular sleep and daily activity help with {condition} "
    "whatever else you try.",
    "The NHS does not currently recommend {subject} as a routine treatment for "
    "{condition}.",
)
QUESTIONS = (
    ("Can {subject} cure {condition}?", "No. It may ease symptoms for some people."),
    (
        "Is {subject} safe with my medicines?",
        "Ask your pharmacist: some medicines <strong>interact</strong> with it.",
    ),
    (
        "How long until {subject} works?",
        "Most studies measured the effect after <em>four to eight weeks</em>.",
    ),
)
EXTERNAL_LINKS = (
    ("https://www.nhs.uk/conditions/", "the NHS website"),
    ("https://pubmed.ncbi.nlm.nih.gov/?term=magnesium", "PubMed"),
    ("https://www.nice.org.uk/guidance", "NICE guidance"),
)
COMMENT_TEXTS = (
    "This helped me a lot, thank you.",
    "I tried this for a month and noticed a small difference.",
    "Does this apply if I am pregnant?",
    "My doctor said the same thing. Good to see the evidence laid out.",
)


@dataclass
class ExportSummary:
    """What ``write_export`` wrote."""

    path: Path
    posts: int = 0
    drafts: int = 0
    items: int = 0
    comments: int = 0
    faqs: int = 0
    images: list[str] = field(default_factory=list)  # under wp-content/uploads/


@dataclass
class _Post:
    post_id: int
    title: str
    slug: str
    subject: str
    condition: str
    category: str
    author: str
    date: datetime
    draft: bool
    gutenberg: bool
    faq: bool
    image_id: int | None

    @property
    def link(self):
        return f"{SITE}/?p={self.post_id}" if self.draft else f"{SITE}/{self.slug}/"


def write_export(path, posts=2000, comments_per_post=3, seed=0) -> ExportSummary:
    """Write a WXR 1.2 export of ``posts`` posts to ``path``; see the module doc."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    path = Path(path)
    summary = ExportSummary(path=path)
    pages = [(2, "About us", "about-us"), (3, "Privacy policy", "privacy-policy")]
    plan = _plan_posts(rng, posts, first_id=10)
    next_id = (plan[-1].image_id or plan[-1].post_id) + 1 if plan else 10
    with path.open("w", encoding="utf-8") as out:
        out.write(_header(plan))
        for post_id, title, slug in pages:
            out.write(_page(post_id, title, slug))
            summary.items += 1
        for post in plan:
            out.write(_post(rng, post, plan, comments_per_post, summary))
            summary.items += 1
            summary.posts += 1
            summary.drafts += post.draft
            summary.faqs += post.faq
            if post.image_id:
                out.write(_attachment(post, summary))
                summary.items += 1
        for order, (page_id, title, _slug) in enumerate(pages, start=1):
            out.write(_menu_item(next_id, order, page_id, title))
            next_id += 1
            summary.items += 1
        out.write("</channel>\n</rss>\n")
    return summary


def _plan_posts(rng, count, first_id):
    plan = []
    slugs = set()
    post_id = first_id
    start = datetime(2018, 1, 8, 9, 0, tzinfo=UTC)
    for number in range(count):
        subject = rng.choice(SUBJECTS)
        condition, category = rng.choice(CONDITIONS)
        title = rng.choice(TITLE_FORMS).format(subject=subject, condition=condition)
        slug = base = slugify(title)
        suffix = 1
        while slug in slugs:  # as WordPress does
            suffix += 1
            slug = f"{base}-{suffix}"
        slugs.add(slug)
        has_image = number % 2 == 0
        plan.append(
            _Post(
                post_id=post_id,
                title=title,
                slug=slug,
                subject=subject,
                condition=condition,
                category=category,
                author=rng.choice(AUTHORS)[0],
                date=start + timedelta(hours=17 * number, minutes=rng.randrange(60)),
                draft=number % 25 == 24,
                gutenberg=rng.random() < 0.6,
                faq=rng.random() < 0.25,
                image_id=post_id + 1 if has_image else None,
            )
        )
        post_id += 2 if has_image else 1
    return plan


# XML pieces ----------------------------------------------------------------------


def _cdata(text):
    # WordPress's wxr_cdata(): a "]]>" inside the text splits the section.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _wp_date(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _local(moment):
    """The site's clock (Europe/London, roughly: an hour ahead in summer)."""
    return moment + timedelta(hours=1 if 4 <= moment.month <= 10 else 0)


def _rfc822(moment):
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _postmeta(key, value):
    return (
        "\t\t<wp:postmeta>\n"
        f"\t\t\t<wp:meta_key>{_cdata(key)}</wp:meta_key>\n"
        f"\t\t\t<wp:meta_value>{_cdata(value)}</wp:meta_value>\n"
        "\t\t</wp:postmeta>\n"
    )


def _header(plan):
    categories = sorted({post.category for post in plan})
    tags = sorted({post.subject for post in plan} | {post.condition for post in plan})
    parts = [
        '<?xml version="1.0" encoding="UTF-8" ?>\n',
        "<!-- This is a WordPress eXtended RSS file generated by WordPress as an "
        "export of your site. -->\n",
        '<!-- generator="WordPress/6.3.1" created="2024-01-15 12:00" -->\n',
        '<rss version="2.0"\n'
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:wp="http://wordpress.org/export/1.2/"\n'
        ">\n\n<channel>\n",
        "\t<title>Example Health Blog</title>\n",
        f"\t<link>{SITE}</link>\n",
        "\t<description>Evidence-based articles about health</description>\n",
        "\t<pubDate>Mon, 15 Jan 2024 12:00:00 +0000</pubDate>\n",
        "\t<language>en-GB</language>\n",
        "\t<wp:wxr_version>1.2</wp:wxr_version>\n",
        f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n",
        f"\t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n\n",
    ]
    for number, (login, display, first, last) in enumerate(AUTHORS, start=1):
        parts.append(
            f"\t<wp:author><wp:author_id>{number}</wp:author_id>"
            f"<wp:author_login>{_cdata(login)}</wp:author_login>"
            f"<wp:author_email>{_cdata(login + '@health-blog.example')}"
            "</wp:author_email>"
            f"<wp:author_display_name>{_cdata(display)}</wp:author_display_name>"
            f"<wp:author_first_name>{_cdata(first)}</wp:author_first_name>"
            f"<wp:author_last_name>{_cdata(last)}</wp:author_last_name></wp:author>\n"
        )
    for number, name in enumerate(categories, start=1):
        parts.append(
            f"\t<wp:category><wp:term_id>{number}</wp:term_id>"
            f"<wp:category_nicename>{_cdata(slugify(name))}</wp:category_nicename>"
            f"<wp:category_parent>{_cdata('')}</wp:category_parent>"
            f"<wp:cat_name>{_cdata(name)}</wp:cat_name></wp:category>\n"
        )
    for number, name in enumerate(tags, start=len(categories) + 1):
        parts.append(
            f"\t<wp:tag><wp:term_id>{number}</wp:term_id>"
            f"<wp:tag_slug>{_cdata(slugify(name))}</wp:tag_slug>"
            f"<wp:tag_name>{_cdata(name)}</wp:tag_name></wp:tag>\n"
        )
    parts.append("\n\t<generator>https://wordpress.org/?v=6.3.1</generator>\n\n")
    return "".join(parts)


def _item(
    *,
    post_id,
    title,
    link,
    guid,
    creator,
    content,
    excerpt,
    date,
    slug,
    status,
    post_type,
    draft=False,
    parent=0,
    menu_order=0,
    comment_status="open",
    extra="",
):
    post_date = _wp_date(_local(date))
    if draft:  # never published: WordPress leaves the GMT date and pubDate empty
        pub_date, post_date_gmt = DRAFT_PUB_DATE, ZERO_DATE
    else:
        pub_date, post_date_gmt = _rfc822(date), _wp_date(date)
    return (
        "\t<item>\n"
        f"\t\t<title>{_cdata(title)}</title>\n"
        f"\t\t<link>{escape(link)}</link>\n"
        f"\t\t<pubDate>{pub_date}</pubDate>\n"
        f"\t\t<dc:creator>{_cdata(creator)}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{escape(guid)}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{_cdata(content)}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{_cdata(excerpt)}</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{post_id}</wp:post_id>\n"
        f"\t\t<wp:post_date>{_cdata(post_date)}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{_cdata(post_date_gmt)}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_modified>{_cdata(post_date)}</wp:post_modified>\n"
        f"\t\t<wp:post_modified_gmt>{_cdata(post_date_gmt)}</wp:post_modified_gmt>\n"
        f"\t\t<wp:comment_status>{_cdata(comment_status)}</wp:comment_status>\n"
        f"\t\t<wp:ping_status>{_cdata('open')}</wp:ping_status>\n"
        f"\t\t<wp:post_name>{_cdata(slug)}</wp:post_name>\n"
        f"\t\t<wp:status>{_cdata(status)}</wp:status>\n"
        f"\t\t<wp:post_parent>{parent}</wp:post_parent>\n"
        f"\t\t<wp:menu_order>{menu_order}</wp:menu_order>\n"
        f"\t\t<wp:post_type>{_cdata(post_type)}</wp:post_type>\n"
        f"\t\t<wp:post_password>{_cdata('')}</wp:post_password>\n"
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
        f"{extra}"
        "\t</item>\n"
    )


def _page(post_id, title, slug):
    content = (
        "<!-- wp:paragraph -->\n"
        f"<p>{escape(title)}: how we write and review our articles.</p>\n"
        "<!-- /wp:paragraph -->"
    )
    return _item(
        post_id=post_id,
        title=title,
        link=f"{SITE}/{slug}/",
        guid=f"{SITE}/?page_id={post_id}",
        creator="editor",
        content=content,
        excerpt="",
        date=datetime(2018, 1, 1, 10, 0, tzinfo=UTC),
        slug=slug,
        status="publish",
        post_type="page",
        comment_status="closed",
    )


def _menu_item(post_id, order, page_id, title):
    extra = (
        '\t\t<category domain="nav_menu" nicename="main-menu">'
        f"{_cdata('Main menu')}</category>\n"
        + _postmeta("_menu_item_type", "post_type")
        + _postmeta("_menu_item_menu_item_parent", "0")
        + _postmeta("_menu_item_object_id", str(page_id))
        + _postmeta("_menu_item_object", "page")
        + _postmeta("_menu_item_url", "")
    )
    return _item(
        post_id=post_id,
        title="",
        link=f"{SITE}/{post_id}/",
        guid=f"{SITE}/?p={post_id}",
        creator="editor",
        content=" ",
        excerpt="",
        date=datetime(2024, 1, 15, 11, order, tzinfo=UTC),
        slug=str(post_id),
        status="publish",
        post_type="nav_menu_item",
        menu_order=order,
        comment_status="closed",
        extra=extra,
    )


def _image_path(post):
    return f"{post.date:%Y/%m}/{slugify(post.subject)}-{post.post_id}.jpg"


def _attachment(post, summary):
    relative = _image_path(post)
    summary.images.append(relative)
    alt = f"{post.subject} tablets on a kitchen table"
    extra = (
        f"\t\t<wp:attachment_url>{_cdata(f'{UPLOADS}/{relative}')}"
        "</wp:attachment_url>\n"
        + _postmeta("_wp_attached_file", relative)
        + _postmeta(
            "_wp_attachment_metadata",
            f'a:4:{{s:5:"width";i:1600;s:6:"height";i:1067;s:4:"file";'
            f's:{len(relative)}:"{relative}";s:5:"sizes";a:0:{{}}}}',
        )
        + _postmeta("_wp_attachment_image_alt", alt)
    )
    name = relative.rsplit("/", 1)[-1].removesuffix(".jpg")
    return _item(
        post_id=post.image_id,
        title=name,
        link=f"{SITE}/?attachment_id={post.image_id}"
        if post.draft
        else f"{post.link}{name}/",
        guid=f"{UPLOADS}/{relative}",
        creator=post.author,
        content="",
        excerpt=f"{post.subject}: one of the forms you can buy.",
        date=post.date - timedelta(minutes=10),
        slug=name,
        status="inherit",
        post_type="attachment",
        parent=post.post_id,
        extra=extra,
    )


def _post(rng, post, plan, comments_per_post, summary):
    content = (
        _gutenberg(rng, post, plan) if post.gutenberg else _classic(rng, post, plan)
    )
    terms = (
        f'\t\t<category domain="category" nicename={quoteattr(slugify(post.category))}>'
        f"{_cdata(post.category)}</category>\n"
    )
    for tag in (post.subject, post.condition):
        terms += (
            f'\t\t<category domain="post_tag" nicename={quoteattr(slugify(tag))}>'
            f"{_cdata(tag)}</category>\n"
        )
    meta = _postmeta("_edit_last", "1")
    if post.image_id:
        meta += _postmeta("_thumbnail_id", str(post.image_id))
    meta += _postmeta(
        "_yoast_wpseo_metadesc",
        f"What the evidence says about {post.subject} for {post.condition}.",
    )
    comments = "".join(
        _comment(rng, post, number, summary)
        for number in range(0 if post.draft else comments_per_post)
    )
    return _item(
        post_id=post.post_id,
        title=post.title,
        link=post.link,
        guid=f"{SITE}/?p={post.post_id}",
        creator=post.author,
        content=content,
        excerpt="" if rng.random() < 0.7 else f"A short guide to {post.subject}.",
        date=post.date,
        draft=post.draft,
        slug="" if post.draft else post.slug,
        status="draft" if post.draft else "publish",
        post_type="post",
        extra=terms + meta + comments,
    )


def _words(post):
    return {"subject": post.subject, "condition": post.condition}


def _paragraph_text(rng, post, plan):
    sentences = [
        rng.choice(SENTENCES).format(**_words(post)) for _ in range(rng.randint(3, 5))
    ]
    roll = rng.random()
    if roll < 0.3:
        other = rng.choice(plan)
        href = rng.choice(
            (other.link, f"{SITE}/?p={other.post_id}", f"{other.link}#faq")
        )
        sentences.append(
            f'See also <a href="{escape(href)}">{escape(other.title.lower())}</a>.'
        )
    elif roll < 0.45:
        href, label = rng.choice(EXTERNAL_LINKS)
        sentences.append(f'More on <a href="{escape(href)}">{label}</a>.')
    text = " ".join(sentences)
    return text.replace(post.subject, f"<strong>{post.subject}</strong>", 1)


def _headings(rng, post):
    chosen = rng.sample(HEADINGS, rng.randint(3, 5))
    return [heading.format(**_words(post)) for heading in chosen]


def _image_html(post, gutenberg):
    src = f"{UPLOADS}/{_image_path(post).removesuffix('.jpg')}-1024x683.jpg"
    alt = f"{post.subject} tablets on a kitchen table"
    if not gutenberg:
        return (
            f'<img class="aligncenter size-large wp-image-{post.image_id}" '
            f'src="{src}" alt="{alt}" width="1024" height="683" />'
        )
    return (
        f'<!-- wp:image {{"id":{post.image_id},"sizeSlug":"large",'
        '"linkDestination":"none"} -->\n'
        f'<figure class="wp-block-image size-large"><img src="{src}" alt="{alt}" '
        f'class="wp-image-{post.image_id}"/><figcaption class="wp-element-caption">'
        f"{escape(post.subject)} comes as tablets, capsules and powders."
        "</figcaption></figure>\n<!-- /wp:image -->"
    )


def _gutenberg(rng, post, plan):
    blocks = [
        "<!-- wp:paragraph -->\n"
        f"<p>{_paragraph_text(rng, post, plan)}</p>\n<!-- /wp:paragraph -->"
    ]
    for number, heading in enumerate(_headings(rng, post)):
        blocks.append(
            '<!-- wp:heading -->\n<h2 class="wp-block-heading">'
            f"{escape(heading)}</h2>\n<!-- /wp:heading -->"
        )
        for _ in range(rng.randint(1, 3)):
            blocks.append(
                "<!-- wp:paragraph -->\n"
                f"<p>{_paragraph_text(rng, post, plan)}</p>\n<!-- /wp:paragraph -->"
            )
        if number == 0 and post.image_id:
            blocks.append(_image_html(post, gutenberg=True))
        if number == 1:
            items = "".join(
                f"<li>{rng.choice(SENTENCES).format(**_words(post))}</li>"
                for _ in range(3)
            )
            blocks.append(f"<!-- wp:list -->\n<ul>{items}</ul>\n<!-- /wp:list -->")
        if number == 2 and rng.random() < 0.5:
            blocks.append(
                '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>'
                f"{rng.choice(SENTENCES).format(**_words(post))}</p>"
                "<cite>A patient on our forum</cite></blockquote>\n<!-- /wp:quote -->"
            )
    if post.faq:
        blocks.append(_yoast_faq(post))
    return "\n\n".join(blocks)


def _yoast_faq(post):
    stamp = int(post.date.timestamp() * 1000)
    sections = []
    attributes = []
    for number, (question, answer) in enumerate(QUESTIONS):
        question = question.format(**_words(post))
        answer = answer.format(**_words(post))
        section_id = f"faq-question-{stamp + number}"
        attributes.append(
            f'{{"id":"{section_id}","question":[{_json_text(question)}],'
            f'"answer":[{_json_text(answer)}],"jsonQuestion":{_json_text(question)},'
            f'"jsonAnswer":{_json_text(answer)}}}'
        )
        sections.append(
            f'<div class="schema-faq-section" id="{section_id}">'
            f'<strong class="schema-faq-question">{escape(question)}</strong> '
            f'<p class="schema-faq-answer">{answer}</p> </div>'
        )
    return (
        f'<!-- wp:yoast/faq-block {{"questions":[{",".join(attributes)}]}} -->\n'
        '<div class="schema-faq wp-block-yoast-faq-block">'
        + "".join(sections)
        + "</div>\n<!-- /wp:yoast/faq-block -->"
    )


def _json_text(text):
    # Gutenberg escapes <, > and " in block comments as \u003c, \u003e, \u0022.
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', "\\u0022")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
    )
    return f'"{escaped}"'


def _classic(rng, post, plan):
    paragraphs = [_paragraph_text(rng, post, plan)]
    for number, heading in enumerate(_headings(rng, post)):
        paragraphs.append(f"<h2>{escape(heading)}</h2>")
        for _ in range(rng.randint(1, 3)):
            paragraphs.append(_paragraph_text(rng, post, plan))
        if number == 0 and post.image_id:
            paragraphs.append(_image_html(post, gutenberg=False))
    if post.faq:
        for question, answer in QUESTIONS:
            paragraphs.append("Q: " + question.format(**_words(post)))
            paragraphs.append("A: " + answer.format(**_words(post)))
    paragraphs += ["Share this:", "Leave a Reply"]
    return "\n\n".join(paragraphs)


def _comment(rng, post, number, summary):
    comment_id = post.post_id * 100 + number
    moment = post.date + timedelta(days=number + 1, minutes=rng.randrange(600))
    kind = rng.random()
    approved, comment_type, parent, user_id = "1", "comment", 0, 0
    author, email = f"Reader {comment_id}", f"reader{comment_id}@example.com"
    text = rng.choice(COMMENT_TEXTS)
    meta = ("akismet_result", "false")
    if number and number % 3 == 2:  # a staff reply to the comment before
        parent, user_id = comment_id - 1, 1
        author, email = "Site Editor", "editor@health-blog.example"
        text = f"Thanks for asking. Please speak to your GP about {post.condition}."
    elif kind < 0.1:
        approved, meta = "spam", ("akismet_result", "true")
        author, text = "cheap pills", "Great post! Visit my site."
    elif kind < 0.15:
        approved, meta = "trash", ("_wp_trash_meta_status", "0")
    elif kind < 0.3:
        approved = "0"
    elif kind < 0.35:
        comment_type, email = "pingback", ""
        author = "Another Health Blog &#8211; Weekly roundup"
        text = f"[&#8230;] a useful summary of {post.subject} [&#8230;]"
    summary.comments += 1
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{comment_id}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{_cdata(author)}</wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email>{_cdata(email)}</wp:comment_author_email>\n"
        "\t\t\t<wp:comment_author_url></wp:comment_author_url>\n"
        f"\t\t\t<wp:comment_author_IP>{_cdata(f'203.0.113.{number % 250 + 1}')}"
        "</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date>{_cdata(_wp_date(_local(moment)))}</wp:comment_date>\n"
        f"\t\t\t<wp:comment_date_gmt>{_cdata(_wp_date(moment))}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{_cdata(text)}</wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{_cdata(approved)}</wp:comment_approved>\n"
        f"\t\t\t<wp:comment_type>{_cdata(comment_type)}</wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
        f"\t\t\t<wp:comment_user_id>{user_id}</wp:comment_user_id>\n"
        "\t\t\t<wp:commentmeta>\n"
        f"\t\t\t\t<wp:meta_key>{_cdata(meta[0])}</wp:meta_key>\n"
        f"\t\t\t\t<wp:meta_value>{_cdata(meta[1])}</wp:meta_value>\n"
        "\t\t\t</wp:commentmeta>\n"
        "\t\t</wp:comment>\n"
    )
