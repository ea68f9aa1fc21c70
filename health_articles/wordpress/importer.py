"""WordPress export → health articles (``manage.py import_wordpress``).

Two streaming passes over the file: ``wxr.survey`` checks the whole export and
maps post ids, slugs and addresses without writing anything; then each post is
imported in its own transaction (a bad item rolls back alone), and once every post
exists, links between posts are resolved. A re-import updates pages in place
(matched by WordPress GUID), unless an editor changed the page since.
"""

import hashlib
import html
import ipaddress
import logging
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from willow.image import UnrecognisedImageFormatError

from cms.models import Person, Topic
from cms.publishing import PublishRefused
from health_articles.comments.models import ReaderComment
from health_articles.review import default_next_review
from health_articles.wordpress import body as body_conversion
from health_articles.wordpress import wxr
from health_articles.wordpress.models import WordPressOrigin

logger = logging.getLogger(__name__)

DRAFT_STATUSES = {"draft", "pending", "private", "future", "auto-draft"}
SKIPPED_CATEGORIES = {"uncategorized"}
SUMMARY_LENGTH = 300
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
COMMENT_STATUSES = {
    "1": ReaderComment.Status.APPROVED,
    "approve": ReaderComment.Status.APPROVED,
    "0": ReaderComment.Status.PENDING,
    "hold": ReaderComment.Status.PENDING,
}


@dataclass
class Report:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (title, reason)
    warnings: list = field(default_factory=list)  # (title, message)
    comments: Counter = field(default_factory=Counter)
    links_resolved: int = 0

    def warn(self, title, message):
        self.warnings.append((title, str(message)))


@dataclass
class Options:
    index: object
    media_dir: Path | None = None
    dry_run: bool = False
    skip_drafts: bool = False
    force: bool = False
    reviewer: Person | None = None
    reviewed_on: date | None = None
    topic_kind: str = Topic.Kind.CONDITION


def stable_ids(raw, seed, path="body"):
    """The same block ids on every import of a post (uuid5 of its GUID and the
    block's place), so a re-import writes the same content and anchors such as
    ``#faq-<id>`` keep working."""
    if isinstance(raw, list):
        return [stable_ids(item, seed, f"{path}/{n}") for n, item in enumerate(raw)]
    if isinstance(raw, dict):
        copied = {
            key: stable_ids(value, seed, f"{path}/{key}") for key, value in raw.items()
        }
        if "id" in copied and "type" in copied:
            copied["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}#{path}"))
        return copied
    return raw


def valid_ip(value):
    """The address if it is one (PostgreSQL refuses anything else), else None."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def is_web_address(url):
    return bool(url) and urlsplit(url).scheme in ("http", "https")


class ItemFailed(Exception):
    pass


class DryRunRollback(Exception):
    pass


class WordPressImporter:
    def __init__(self, path, options, progress=None):
        self.path = path
        self.options = options
        self.progress = progress or (lambda message: None)
        self.report = Report()
        self.images = {}
        self.pending_links = []  # page ids whose body holds placeholders
        self.published_now = set()  # page ids this run published

    # The two passes -------------------------------------------------------------

    def run(self):
        self.survey = wxr.survey(self.path)  # raises WXRError; nothing written yet
        total = self.survey.counts_by_type.get("post", 0)
        done = 0
        for item in wxr.items(self.path):
            if item.post_type != "post":
                self.report.skipped.append(
                    (
                        item.title or f"#{item.post_id}",
                        f"not a post (its type is {item.post_type})",
                    )
                )
                continue
            done += 1
            self.progress(f"{done}/{total} {item.title}")
            self.import_one(item)
        self.resolve_links()
        return self.report

    def import_one(self, item):
        title = item.title or f"#{item.post_id}"
        if item.status == "trash":
            self.report.skipped.append((title, "in the WordPress trash"))
            return
        if item.status in DRAFT_STATUSES and self.options.skip_drafts:
            self.report.skipped.append((title, f"a {item.status} post (--skip-drafts)"))
            return
        known_images = dict(self.images)
        try:
            with transaction.atomic():
                outcome = self.write_post(item, title)
                if self.options.dry_run:
                    raise DryRunRollback(outcome)
        except DryRunRollback as rolled_back:
            outcome = rolled_back.args[0]
        except ItemFailed as error:
            self.report.skipped.append((title, str(error)))
            return
        except Exception as error:  # one bad item never stops the others
            logger.debug("WordPress post %s failed", item.post_id, exc_info=True)
            self.images = known_images  # what this post stored was rolled back
            reason = str(error)[:200]
            self.report.skipped.append((title, f"failed and was rolled back: {reason}"))
            return
        if outcome:
            getattr(self.report, outcome).append(title)

    # One post ---------------------------------------------------------------------

    def write_post(self, item, title):
        from health_articles.models import HealthArticlePage

        origin = (
            WordPressOrigin.objects.select_related("page")
            .filter(guid=self.guid_of(item))
            .first()
        )
        if origin and origin.edited_since_import() and not self.options.force:
            raise ItemFailed(
                "edited in Wagtail since it was imported (use --force to overwrite)"
            )
        converted = body_conversion.convert(
            item.content,
            post_for_url=self.post_for_url,
            image_for=lambda ref: self.image_for(ref, title),
        )
        for message in converted.warnings:
            self.report.warn(title, message)
        if not converted.body:
            raise ItemFailed("has no content to import")

        page = origin.page.specific if origin else HealthArticlePage()
        page.title = (item.title or self.survey.post_slugs[item.post_id])[:255]
        page.slug = self.slug_for(item, page)
        page.summary = self.summary_of(item, converted)
        page.search_description = item.meta.get("_yoast_wpseo_metadesc", "")[:255]
        if item.date_gmt:
            page.first_published = timezone.localdate(item.date_gmt)
        page.body = stable_ids(converted.body, self.guid_of(item))
        page.comments_enabled = item.comment_status != "closed"
        if self.options.reviewer and self.options.reviewed_on:
            page.last_reviewed = self.options.reviewed_on
            page.next_review_due = default_next_review(self.options.reviewed_on)

        wants_live = item.status == "publish" and not item.password
        if item.status == "publish" and item.password:
            self.report.warn(
                title, "password-protected in WordPress: imported as a draft."
            )
        self.set_people_and_topics(page, item)
        if origin is None:
            page.live = False
            self.options.index.add_child(instance=page)
        revision = page.save_revision(log_action=True)
        if converted.internal_links:
            self.pending_links.append(page.pk)

        problems = page.publishing_problems() if wants_live else []
        if not wants_live and page.live:
            # A post taken out of public view in WordPress leaves it here too.
            page.unpublish()
            self.report.warn(title, "no longer published in WordPress: unpublished.")
        if wants_live and not problems:
            revision.publish()
            self.published_now.add(page.pk)
            if item.date_gmt:
                type(page).objects.filter(pk=page.pk).update(
                    first_published_at=item.date_gmt
                )
        elif wants_live:
            self.report.warn(
                title,
                "imported as a draft: "
                + " ".join(str(problem) for problem in problems),
            )

        record, _created = WordPressOrigin.objects.update_or_create(
            guid=self.guid_of(item),
            defaults={
                "page": page,
                "post_id": item.post_id,
                "original_url": item.link[:500] if is_web_address(item.link) else "",
                "imported_revision": page.get_latest_revision(),
            },
        )
        if wants_live and not problems:
            # A redirect to a draft would tell anyone its new address.
            self.add_redirect(item, page, title)
        self.import_comments(item, page, record)
        return "updated" if origin else "created"

    def guid_of(self, item):
        return item.guid or f"{self.survey.base_site_url}/?p={item.post_id}"

    def slug_for(self, item, page):
        from health_articles.models import HealthArticlePage

        base = slugify(
            self.survey.post_slugs.get(item.post_id) or item.title, allow_unicode=True
        )[:200]
        base = base or f"post-{item.post_id}"
        siblings = HealthArticlePage.objects.child_of(self.options.index)
        if page.pk:
            siblings = siblings.exclude(pk=page.pk)
        slug, n = base, 1
        while siblings.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    @staticmethod
    def summary_of(item, converted):
        excerpt = SCRIPT_OR_STYLE.sub(" ", item.excerpt)
        text = " ".join(html.unescape(strip_tags(excerpt)).split())
        text = text or converted.first_paragraph or item.title
        if len(text) <= SUMMARY_LENGTH:
            return text
        # Cut at a word: at most 300 characters with the ellipsis.
        return text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"

    def set_people_and_topics(self, page, item):
        from health_articles.models import ArticleAuthor, ArticleReviewer, ArticleTopic

        author = self.person_for(item.creator)
        page.authors = [ArticleAuthor(person=author)] if author else []
        if self.options.reviewer:
            page.reviewers = [ArticleReviewer(person=self.options.reviewer)]
        topics = []
        for term in item.terms:
            if term.domain not in ("category", "post_tag"):
                continue
            if term.slug in SKIPPED_CATEGORIES:
                continue
            topic = self.topic_for(term, page.title)
            if topic and topic not in topics:
                topics.append(topic)
        page.topics = [ArticleTopic(topic=topic) for topic in topics]

    def person_for(self, login):
        if not login:
            return None
        author = self.survey.authors.get(login)
        name = (author.display_name if author else "") or login
        slug = slugify(name) or slugify(login)
        person = Person.objects.filter(slug=slug).first()
        return person or Person.objects.create(name=name, slug=slug)

    def topic_for(self, term, title):
        slug = slugify(term.slug or term.name)
        if not slug:
            return None
        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            topic = Topic.objects.create(
                name=html.unescape(term.name or term.slug)[:255],
                slug=slug,
                kind=self.options.topic_kind,
            )
            self.report.warn(
                title,
                f"new topic “{topic.name}” created as a {topic.get_kind_display()}: "
                "check its kind.",
            )
        return topic

    # Links, images, redirects, comments ------------------------------------------

    def post_for_url(self, url):
        key = wxr.normalise_url(url, self.survey.base_site_url)
        return self.survey.url_to_post.get(key)

    def image_for(self, ref, title):
        if not ref.src or ref.src.startswith("data:") or "\x00" in unquote(ref.src):
            self.report.warn(title, "an image embedded in the post itself was skipped")
            return None
        if self.options.media_dir is None:
            self.report.warn(title, f"no --media-dir, so image {ref.src} was skipped")
            return None
        path = self.media_file(ref.src)
        if path is None:
            return None  # the converter reports it, with the alt text
        if self.options.dry_run:
            return None
        try:
            return self.stored_image(path, ref)
        except (OSError, ValueError, UnrecognisedImageFormatError) as error:
            self.report.warn(title, f"image {path.name} could not be read: {error}")
            return None

    def media_file(self, src):
        """The file under --media-dir for an uploads URL, trying the original when
        WordPress linked a resized copy (``name-300x200.jpg``)."""
        path = unquote(urlsplit(src).path)
        marker = "/wp-content/uploads/"
        relative = path.split(marker, 1)[1] if marker in path else path.lstrip("/")
        root = self.options.media_dir.resolve()
        candidates = [relative]
        stem, dot, extension = relative.rpartition(".")
        base, dash, size = stem.rpartition("-")
        if dot and dash and "x" in size and size.replace("x", "").isdigit():
            candidates.append(f"{base}.{extension}")
        for candidate in candidates:
            found = (root / candidate).resolve()
            if found.is_relative_to(root) and found.is_file():
                return found
        return None

    def stored_image(self, path, ref):
        """The id of the Wagtail image for ``path``, stored once (by content)."""
        Image = get_image_model()
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha1").hexdigest()
        if digest not in self.images:
            existing = Image.objects.filter(file_hash=digest).first()
            if existing is None:
                with path.open("rb") as handle:
                    existing = Image(
                        title=ref.alt or path.stem,
                        description=ref.alt,
                        file=ImageFile(handle, name=path.name),
                        file_hash=digest,
                    )
                    existing.save()
            self.images[digest] = existing.pk
        return self.images[digest]

    def add_redirect(self, item, page, title):
        if not is_web_address(item.link):
            return
        old_path = Redirect.normalise_path(urlsplit(item.link).path or "/")
        if old_path in ("", "/"):
            return
        if page.url and Redirect.normalise_path(page.url) == old_path:
            return  # the article is at its old address already
        Redirect.objects.update_or_create(
            old_path=old_path,
            site=None,
            defaults={"redirect_page": page, "is_permanent": True},
        )

    def import_comments(self, item, page, origin):
        self.imported_before = set(origin.imported_comments)
        parents = {}
        replies = []
        for comment in item.comments:
            if comment.type not in ("", "comment"):
                self.report.comments[f"skipped ({comment.type})"] += 1
                continue
            status = COMMENT_STATUSES.get(comment.approved)
            if status is None:
                self.report.comments[f"skipped ({comment.approved})"] += 1
                continue
            if comment.parent_id:
                replies.append((comment, status))
                continue
            parents[comment.comment_id] = self.save_comment(page, comment, status)
        by_id = {c.comment_id: c for c in item.comments}
        for comment, status in replies:
            parent = parents.get(comment.parent_id)
            if parent is None:  # a reply to a reply, or to a skipped comment
                parent = self.top_level(parents, by_id, comment)
            self.save_comment(page, comment, status, parent)
        origin.imported_comments = sorted(self.imported_before)
        origin.save(update_fields=["imported_comments"])

    @staticmethod
    def top_level(parents, by_id, comment):
        current = by_id.get(comment.parent_id)
        while current is not None and current.parent_id:
            current = by_id.get(current.parent_id)
        return parents.get(current.comment_id) if current else None

    def save_comment(self, page, comment, status, parent=None):
        key = f"wordpress:{comment.comment_id}"
        text = strip_tags(comment.content).strip()[:5000]
        existing = ReaderComment.objects.filter(page=page, import_key=key).first()
        if existing is not None:
            self.report.comments["already imported"] += 1
            return existing
        if comment.comment_id in self.imported_before:
            self.report.comments["deleted here since import, not imported again"] += 1
            return None
        self.imported_before.add(comment.comment_id)
        saved = ReaderComment.objects.create(
            page=page,
            parent=parent,
            name=(comment.author or "Anonymous")[:100],
            email=comment.email or "unknown@invalid",
            website=comment.url
            if comment.url.startswith(("http://", "https://"))
            else "",
            text=text or "…",
            status=status,
            ip_address=valid_ip(comment.ip),
            import_key=key,
        )
        if comment.date_gmt:
            ReaderComment.objects.filter(pk=saved.pk).update(
                created_at=comment.date_gmt
            )
        self.report.comments[f"imported ({status})"] += 1
        return saved

    def resolve_links(self):
        """Replace the placeholders of links between posts by the pages now that
        every post exists (whatever order they came in)."""
        from health_articles.models import HealthArticlePage

        if self.options.dry_run or not self.pending_links:
            return
        page_for_post = dict(WordPressOrigin.objects.values_list("post_id", "page_id"))
        for page_id in self.pending_links:  # one page in memory at a time
            page = HealthArticlePage.objects.filter(pk=page_id).first()
            if page is None:
                continue
            with transaction.atomic():
                latest = page.get_latest_revision_as_object()
                body, replaced = body_conversion.resolve_placeholders(
                    list(latest.body.raw_data), page_for_post
                )
                latest.body = body
                revision = latest.save_revision()
                if page.pk in self.published_now:
                    try:
                        revision.publish()
                    except PublishRefused as refused:
                        self.report.warn(page.title, refused)
                WordPressOrigin.objects.filter(page=page).update(
                    imported_revision=revision
                )
                self.report.links_resolved += replaced
