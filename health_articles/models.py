import logging
import math
from dataclasses import dataclass
from datetime import date
from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.functional import cached_property, classproperty
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.coreutils import resolve_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms.blocks import INLINE_FEATURES
from cms.breadcrumbs import breadcrumbs
from cms.fragment_cache import Fragment
from cms.models import IntroPage, OrganisationSettings, Topic
from cms.pagination import paginate
from cms.preload import PreloadingPageMixin, preload
from cms.preview import HeadlessPreviewable
from cms.publishing import PublishRefused
from cms.sharing import share_links
from cms.visibility import is_expired, visible_pages
from health_articles.api_filters import ARTICLE_API_FILTERS
from health_articles.blocks import (
    FAQ_ANCHOR,
    ArticleBodyBlock,
    ReferencesBlock,
    section_anchor,
)
from health_articles.permissions import (
    ArticleIndexPermissionTester,
    ArticlePermissionTester,
)
from health_articles.review import ReviewStatus, default_next_review, review_status
from health_articles.serializers import (
    ContentsField,
    DisclaimerField,
    HeroImageField,
    ReferenceListField,
    RepresentationListField,
)
from health_articles.structured_data import article_graph
from health_articles.wordpress.panels import WordPressOriginPanel

WORDS_PER_MINUTE = 200
SOCIAL_IMAGE_RENDITION = "fill-1200x630|format-jpeg"

logger = logging.getLogger(__name__)


def unique(objects):
    """``objects`` without repeats, in their first order (a topic chosen twice)."""
    return list(dict.fromkeys(objects))


class HealthArticleQuerySet(PageQuerySet):
    def about(self, topics):
        """Articles with any of ``topics`` (topics or a query of their ids), each
        once: a subquery rather than a join and DISTINCT, so a listing newest
        first reads its page of articles from the index, not every match."""
        return self.filter(
            pk__in=ArticleTopic.objects.filter(topic__in=topics).values("page")
        )

    def for_listing(self):
        """Live, public, unexpired articles, newest first, with what article cards
        show."""
        return (
            visible_pages(self)
            .defer_streamfields()
            .prefetch_related(Prefetch("topics", queryset=ArticleTopic.with_topic()))
            .order_by("-first_published", "-pk")
        )


class ChildRouteMixin:
    """Routes to a child of ``child_page_model`` (a model or "app.Model") in one
    query, where Wagtail's ``route`` reads the child's page row, then its specific
    row. A child of any other type is routed as Wagtail routes it. Mix in before
    ``Page`` (after ``RoutablePageMixin``, whose own routes come first)."""

    child_page_model = None

    def route(self, request, path_components):
        if path_components and self.child_page_model:
            model = resolve_model_string(self.child_page_model)
            children = model.objects.child_of(self)
            child = children.filter(slug=path_components[0]).first()
            if child is not None and child.specific_class is model:
                # As Wagtail's route does: the child's get_parent() is then free.
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


class HealthArticleIndexPage(RoutablePageMixin, ChildRouteMixin, IntroPage):
    parent_page_types = ["home.HomePage"]
    subpage_types = ["health_articles.HealthArticlePage"]
    child_page_model = "health_articles.HealthArticlePage"

    articles_per_page = 12

    class Meta:
        verbose_name = _("health article index")

    def articles(self):
        return HealthArticlePage.objects.child_of(self).for_listing()

    def paginated_context(self, request, articles, **extra):
        context = self.get_context(request)
        context["articles"], context["pagination_error"] = paginate(
            request, articles, self.articles_per_page
        )
        context.update(extra)
        return context

    @path("")
    def index(self, request):
        return self.render(
            request, context_overrides=self.paginated_context(request, self.articles())
        )

    @path("topics/<slug:slug>/")
    def topic(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        articles = self.articles().about([topic])
        topic_url = self.get_full_url(request) + self.reverse_subpage(
            "topic", args=[slug]
        )
        context = self.paginated_context(
            request, articles, topic=topic, topic_url=topic_url
        )
        page = context["articles"]
        if page is not None and page.paginator.count == 0:
            # A topic that no live, public article here uses has no public page.
            raise Http404(_("No articles about this topic."))
        return self.render(
            request,
            context_overrides=context,
            template="health_articles/topic_page.html",
        )

    def permissions_for_user(self, user):
        return ArticleIndexPermissionTester(user, self)

    def get_cached_paths(self):
        """The index and its topic pages, for the front-end cache purge
        (cms.frontend_cache): every topic page lists the index's articles."""
        return ["/"] + [
            self.reverse_subpage("topic", args=[topic.slug])
            for topic in self.topics_in_use()
        ]

    def topics_in_use(self):
        """The topics of the index's live, public articles: those with a page."""
        return Topic.objects.filter(
            pk__in=ArticleTopic.objects.filter(
                page__in=self.articles().values("pk")
            ).values("topic")
        ).order_by("slug")

    def get_sitemap_urls(self, request=None):
        """The index, then a page for each topic its live, public articles use."""
        topics = self.topics_in_use()
        base = self.get_full_url(request)
        return super().get_sitemap_urls(request) + [
            {"location": base + self.reverse_subpage("topic", args=[topic.slug])}
            for topic in topics
        ]

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        error = getattr(response, "context_data", {}).get("pagination_error")
        if error:
            response.status_code = error.status
        return response


@dataclass(frozen=True)
class ContentsEntry:
    anchor: str
    heading: str


class HealthArticlePage(PreloadingPageMixin, HeadlessPreviewable, Page):
    objects = PageManager.from_queryset(HealthArticleQuerySet)()

    summary = models.CharField(
        max_length=300,
        help_text=_(
            "One or two plain sentences (300 characters at most) saying what the "
            "reader will learn. Shown on article cards, to search engines and in "
            "the API."
        ),
    )
    first_published = models.DateField(
        default=date.today,
        help_text=_(
            "The date readers see on the article. It also orders articles and feeds."
        ),
    )
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text=_("When a qualified person last checked the article's facts."),
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text=_("When the article must be checked again. After the last review."),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional. Shown at the top of the article and in link previews."),
    )
    hero_image_alt = models.CharField(
        _("hero image alt text"),
        max_length=255,
        blank=True,
        help_text=_(
            "Describe the image for people who cannot see it. Leave blank to use the "
            "image's own description."
        ),
    )
    body = StreamField(
        ArticleBodyBlock(),
        help_text=_(
            "Add a section for each heading of the article, and an FAQ for "
            "questions and answers."
        ),
    )
    references = StreamField(
        ReferencesBlock(),
        blank=True,
        help_text=_("The sources the article cites, in the order it cites them."),
    )
    disclaimer = RichTextField(
        blank=True,
        features=INLINE_FEATURES,
        help_text=_(
            "Replaces the site's default medical disclaimer on this article only. "
            "Leave blank to show the default."
        ),
    )
    comments_enabled = models.BooleanField(
        default=True,
        help_text=_("Let readers leave comments (each is moderated before it shows)."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary", widget=forms.Textarea(attrs={"rows": 3})),
        FieldPanel("first_published"),
        InlinePanel(
            "authors",
            min_num=1,
            label=_("Author"),
            heading=_("Authors"),
            help_text=_("Who wrote the article, in the order readers should see."),
        ),
        InlinePanel(
            "topics",
            label=_("Topic"),
            heading=_("Topics"),
            help_text=_("The conditions, treatments and supplements it is about."),
        ),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt")],
            heading=_("Hero image"),
        ),
        FieldPanel("body"),
    ]
    review_panels = [
        InlinePanel(
            "reviewers",
            label=_("Medical reviewer"),
            heading=_("Medical reviewers"),
            help_text=_(
                "Qualified people who checked the facts. At least one is needed "
                "before the article can go live."
            ),
        ),
        FieldPanel("last_reviewed"),
        FieldPanel("next_review_due"),
        FieldPanel("disclaimer"),
    ]
    reference_panels = [FieldPanel("references")]
    settings_panels = Page.settings_panels + [
        FieldPanel("comments_enabled"),
        WordPressOriginPanel(),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(review_panels, heading=_("Review")),
            ObjectList(reference_panels, heading=_("References")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("first_published"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("authors", serializer=RepresentationListField(source="author_people")),
        APIField(
            "reviewers", serializer=RepresentationListField(source="reviewer_people")
        ),
        APIField("topics", serializer=RepresentationListField(source="topic_list")),
        APIField("first_published"),
        APIField("reading_time"),
        APIField("review_status"),
        APIField("last_reviewed"),
        APIField("next_review_due"),
        APIField("hero_image", serializer=HeroImageField()),
        APIField("body"),
        APIField("references", serializer=ReferenceListField()),
        APIField("table_of_contents", serializer=ContentsField()),
        APIField("disclaimer", serializer=DisclaimerField()),
    ]

    api_filters = ARTICLE_API_FILTERS
    api_listing_omits = ["body", "table_of_contents", "disclaimer"]
    # What the article's templates render: the hero, its link preview, and each
    # image in the body (blocks/image_block.html).
    preload_renditions = ["width-1200", SOCIAL_IMAGE_RENDITION, "width-800"]

    parent_page_types = ["health_articles.HealthArticleIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("health article")
        indexes = [
            # Listings: newest first, a page at a time, without sorting them all.
            models.Index(
                fields=["-first_published", "-page_ptr"], name="article_newest_first"
            ),
            # Search on PostgreSQL: Wagtail's database backend joins its index
            # entries to pages on the page id as text.
            models.Index(
                Cast("page_ptr", output_field=models.CharField(max_length=50)),
                name="article_id_as_text",
            ),
        ]

    @classproperty
    def related_prefetch(cls):
        """What the API loads for all items at once: each relation with what it
        links to, one query each."""
        return [
            Prefetch(
                "authors", queryset=ArticleAuthor.objects.select_related("person")
            ),
            Prefetch(
                "reviewers", queryset=ArticleReviewer.objects.select_related("person")
            ),
            Prefetch("topics", queryset=ArticleTopic.with_topic()),
        ]

    def clean(self):
        super().clean()
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = default_next_review(self.last_reviewed)
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            raise ValidationError(
                {
                    "next_review_due": _(
                        "The next review must be after the last review "
                        "(%(last_reviewed)s)."
                    )
                    % {"last_reviewed": date_format(self.last_reviewed, "j F Y")}
                }
            )
        if self.hero_image_id and not self.hero_alt_text:
            raise ValidationError(
                {"hero_image_alt": _("Describe the hero image for screen readers.")}
            )

    @property
    def hero_alt_text(self):
        """The article's own alt text, else the image's description (never its
        title, which is often a file name)."""
        if self.hero_image_alt:
            return self.hero_image_alt
        return getattr(self.hero_image, "description", "") if self.hero_image else ""

    def table_of_contents(self):
        """Every section, then the FAQ, in reading order, with their anchors."""
        contents = []
        for child in self.body:
            if child.block_type == "section" and child.id:
                contents.append(
                    ContentsEntry(section_anchor(child.id), child.value["heading"])
                )
            elif child.block_type == "faq":
                contents.append(ContentsEntry(FAQ_ANCHOR, child.value.display_title()))
        return contents

    def medical_disclaimer(self, organisation):
        """The article's own disclaimer, else the site's default (rich text)."""
        return self.disclaimer or organisation.default_disclaimer

    def faq(self):
        """The article's FAQ block value, or None."""
        return next(
            (child.value for child in self.body if child.block_type == "faq"), None
        )

    def faq_items(self):
        faq = self.faq()
        return faq.entries() if faq else []

    def get_context(self, request, *args, **kwargs):
        """What the template shows. The parts that follow only from this revision
        and the rest of the public content (body, byline, hero, topics, related
        articles, the empty comment form, link-preview tags, structured data)
        come from fragments (``cms.fragment_cache``) while they are kept: this
        builds the body's, and the template's ``{% fragment %}`` tags read the
        others through the lazy values passed here. Comments are read afresh."""
        context = super().get_context(request, *args, **kwargs)
        organisation = OrganisationSettings.for_request(request)
        site = Site.find_for_request(request)
        fragment = Fragment(request, "article", self.cache_key, site.pk)
        # The images and links of the disclaimer shown and, unless they come from
        # fragments, of the body and the hero, at once (a no-op outside
        # ``serve``'s preload scope).
        shown = {"disclaimer", "default_disclaimer"}
        preload(
            [self] if self.disclaimer else [self, organisation],
            shown if fragment.value else shown | {"body", "hero_image"},
            all_streams=not fragment.value,
        )
        ancestors = self.ancestors_below_root()
        crumbs = breadcrumbs(self, ancestors, request)
        comments = self.approved_comments()
        context.update(
            comments=comments,
            comment_count=self.count_comments(comments),
            disclaimer=self.medical_disclaimer(organisation),
            breadcrumbs=crumbs,
            # Called by the template only when its fragment is not kept.
            topic_links=partial(self.topic_links, ancestors[-1], request),
        )
        if fragment.value is None:
            social_image = self.social_image()
            fragment.store(
                {
                    "reading_time": self.reading_time,
                    "structured_data": article_graph(
                        self,
                        crumbs,
                        organisation.organisation_name,
                        site.root_url,
                        image_url=social_image.full_url if social_image else None,
                        comment_count=self.count_comments(comments),
                    ),
                    # Last: what it renders is loaded by now.
                    "body": render_to_string(
                        "health_articles/includes/article_body.html",
                        {"page": self},
                        request=request,
                    ),
                }
            )
        # The byline and the API read it as an attribute.
        self.reading_time = fragment.value["reading_time"]
        context.update(
            structured_data=fragment.value["structured_data"],
            # Rendered by the template (escaped there), kept as it came out.
            article_body=fragment.value["body"],
        )
        return context

    def serve_password_required_response(self, request, form, action_url):
        """Wagtail's password form, with only what its template shows. Wagtail
        builds the page's own context for it, which here is the whole article: its
        body and structured data would be worked out, and kept in the shared
        fragment cache, for a visitor who has not given the password."""
        template = self.password_required_template or getattr(
            settings,
            "WAGTAIL_PASSWORD_REQUIRED_TEMPLATE",
            "wagtailcore/password_required.html",
        )
        context = super().get_context(request)
        context.update(form=form, action_url=action_url)
        return TemplateResponse(request, template, context)

    def ancestors_below_root(self):
        """The page's ancestors below the tree's root, top first. Routing remembers
        each page's parent (``get_parent``), so a page served at its URL reads none
        of them again."""
        ancestors, page = [], self
        while page.depth > 2:
            page = page.get_parent()
            ancestors.insert(0, page)
        return ancestors

    def get_view_restrictions(self):
        """Wagtail's rule (the restrictions on this page and every ancestor, an
        alias's on its original) in one query instead of two: the ancestors'
        tree paths are the beginnings of the page's own."""
        paths = [
            self.path[:end]
            for end in range(self.steplen, len(self.path) + 1, self.steplen)
        ]
        originals = Page.objects.filter(path__in=paths).values(
            original=Coalesce("alias_of", "pk")
        )
        return PageViewRestriction.objects.filter(page__in=originals)

    def approved_comments(self):
        """Approved reader comments, oldest first, each with ``shown_replies``
        (its approved replies, oldest first); one query."""
        if not self.pk:
            return []
        top_level, replies = [], {}
        for comment in ReaderComment.objects.shown_on(self):
            comment.shown_replies = []
            if comment.parent_id is None:
                top_level.append(comment)
            else:
                replies.setdefault(comment.parent_id, []).append(comment)
        for comment in top_level:
            comment.shown_replies = replies.get(comment.pk, [])
        return top_level

    @staticmethod
    def count_comments(comments):
        """Comments and replies shown (a reply to a hidden comment is hidden)."""
        return sum(1 + len(comment.shown_replies) for comment in comments)

    def comment_form(self):
        """An empty form: the same for every visitor (tokens come from the
        token endpoint)."""
        if not self.comments_enabled:
            return None
        from health_articles.comments.forms import ReaderCommentForm

        return ReaderCommentForm(page=self)

    def social_image(self):
        """The hero image as a link-preview rendition, or None."""
        if not self.hero_image:
            return None
        try:
            return self.hero_image.get_rendition(SOCIAL_IMAGE_RENDITION)
        except (OSError, ValueError):
            return None

    def topic_links(self, index, request=None):
        """Each topic with the address of its page under the article's index (the
        parent), or no address while that index is not live."""
        if not index.live:
            return [(topic, "") for topic in self.topic_list]
        index_url = index.get_full_url(request)
        resolver = HealthArticleIndexPage.get_resolver()
        return [
            (topic, index_url + resolver.reverse("topic", topic.slug))
            for topic in self.topic_list
        ]

    # Cached: the template, the API and the structured data all read them.
    def linked(self, relation, field):
        """The objects linked through ``relation``, in order, each once; from the
        prefetched links when a listing loaded them (``related_prefetch``)."""
        manager = getattr(self, relation)
        if relation in getattr(self, "_prefetched_objects_cache", {}):
            links = manager.all()
        else:
            links = manager.select_related(field)
        return unique([getattr(link, field) for link in links])

    @cached_property
    def author_people(self):
        return self.linked("authors", "person")

    @cached_property
    def reviewer_people(self):
        return self.linked("reviewers", "person")

    @cached_property
    def topic_list(self):
        return self.linked("topics", "topic")

    @cached_property
    def reading_time(self):
        """Minutes to read the body at 200 words a minute, at least one."""
        words = sum(
            len(strip_tags(str(text)).split())
            for child in self.body
            for text in child.block.get_searchable_content(child.value)
        )
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    def related_articles(self, limit=3):
        """Other live, public articles that share a topic, newest first, with
        their topics (and the article's own, when not yet read) in one query."""
        related = list(
            HealthArticlePage.objects.for_listing()
            .prefetch_related(None)
            .about(self.topics.values("topic"))
            .exclude(pk=self.pk)[:limit]
        )
        prefetch_related_objects(
            [self, *related] if self.pk else related,
            Prefetch("topics", queryset=ArticleTopic.with_topic()),
        )
        return related

    def get_sitemap_urls(self, request=None):
        return [] if is_expired(self) else super().get_sitemap_urls(request)

    def share_links(self):
        return share_links(self.full_url, self.title)

    def reviewer_names(self):
        return ", ".join(str(link.person) for link in self.reviewers.all())

    @property
    def review_status(self):
        return review_status(self.next_review_due)

    @property
    def review_status_label(self):
        return ReviewStatus.LABELS[self.review_status]

    def permissions_for_user(self, user):
        return ArticlePermissionTester(user, self)

    def publishing_problems(self):
        """What the article lacks to go live, as sentences an editor can act on."""
        problems = []
        if not self.authors.exists():
            problems.append(_("Add at least one author (Content tab)."))
        if not self.reviewers.exists():
            problems.append(_("Add at least one medical reviewer (Review tab)."))
        if not self.last_reviewed:
            problems.append(_("Add the date it was last reviewed (Review tab)."))
        return problems

    def publish(self, revision, *args, **kwargs):
        page = revision.as_object()
        problems = page.publishing_problems()
        if problems and revision.approved_go_live_at is not None:
            # A scheduled publication that no longer meets the rules is taken off
            # the schedule (not raised, so the scheduler goes on with other pages).
            logger.warning(
                "Not publishing scheduled revision %s of “%s”: %s",
                revision.pk,
                page.title,
                " ".join(str(problem) for problem in problems),
            )
            type(revision).objects.filter(pk=revision.pk).update(
                approved_go_live_at=None
            )
            return None
        if problems:
            raise PublishRefused(page, problems)
        return super().publish(revision, *args, **kwargs)


class ArticlePerson(Orderable):
    person = models.ForeignKey("cms.Person", on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        abstract = True


class ArticleAuthor(ArticlePerson):
    page = ParentalKey(
        HealthArticlePage, on_delete=models.CASCADE, related_name="authors"
    )


class ArticleReviewer(ArticlePerson):
    page = ParentalKey(
        HealthArticlePage, on_delete=models.CASCADE, related_name="reviewers"
    )


class ArticleTopic(Orderable):
    page = ParentalKey(
        HealthArticlePage, on_delete=models.CASCADE, related_name="topics"
    )
    topic = models.ForeignKey("cms.Topic", on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("topic")]

    @classmethod
    def with_topic(cls):
        return cls.objects.select_related("topic")


# Reader comments live in their own module; imported here so Django finds them.
from health_articles.comments.models import (  # noqa: E402
    CommentSettings,
    ReaderComment,
)
from health_articles.wordpress.models import WordPressOrigin  # noqa: E402

__all__ = [
    "ArticleAuthor",
    "ArticleReviewer",
    "ArticleTopic",
    "CommentSettings",
    "HealthArticleIndexPage",
    "HealthArticlePage",
    "ReaderComment",
    "WordPressOrigin",
]
