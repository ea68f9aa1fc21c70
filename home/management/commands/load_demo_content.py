import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import OrganisationSettings, Person, Topic
from health_articles import stream_data
from health_articles.models import (
    ArticleAuthor,
    ArticleReviewer,
    ArticleTopic,
    HealthArticleIndexPage,
    HealthArticlePage,
)
from home.models import HomePage

DATA_FILE = Path(__file__).resolve().parents[2] / "demo" / "demo_content.json"


class Command(BaseCommand):
    help = (
        "Load the demo site: the home page, the 'Articles' index and the seed article. "
        "Pages that already exist are left as they are, so running it again changes "
        "nothing."
    )

    def handle(self, **options):
        try:
            data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {DATA_FILE}: {error}") from error

        with transaction.atomic():
            home = self.ensure_home(data["home"])
            self.ensure_site_address()
            self.ensure_organisation(data["organisation"])
            for person in data["people"]:
                self.ensure_snippet(Person, person)
            for topic in data["topics"]:
                self.ensure_snippet(Topic, topic)
            index = self.ensure_index(home, data["index"])
            for article in data["articles"]:
                self.ensure_article(index, article)

    def report(self, verb, obj):
        style = self.style.NOTICE if verb == "Found" else self.style.SUCCESS
        name = getattr(obj, "title", None) or getattr(obj, "name", "")
        self.stdout.write(style(f"{verb} {obj._meta.verbose_name} “{name}”"))

    def ensure_organisation(self, data):
        site = Site.objects.get(is_default_site=True)
        organisation = OrganisationSettings.for_site(site)
        if organisation.organisation_name:
            self.stdout.write(f"Found organisation “{organisation.organisation_name}”")
            return
        organisation.organisation_name = data["organisation_name"]
        organisation.default_disclaimer = stream_data.paragraph_html(
            data["default_disclaimer"]
        )
        organisation.save()
        self.stdout.write(
            self.style.SUCCESS(f"Set organisation “{organisation.organisation_name}”")
        )

    def ensure_snippet(self, model, data):
        obj, created = model.objects.get_or_create(slug=data["slug"], defaults=data)
        self.report("Created" if created else "Found", obj)
        return obj

    def ensure_home(self, data):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            if root is None:
                raise CommandError("The page tree has no root. Run migrate first.")
            home = root.add_child(instance=HomePage(title="Home", slug="home-page"))
            site = Site.objects.filter(is_default_site=True).first() or Site(
                hostname="localhost", port=80, is_default_site=True
            )
            site.root_page = home
            site.save()
            verb = "Created"
        else:
            verb = "Found"
        if not home.intro:
            home.intro = stream_data.paragraph_html(data["intro"])
            home.save_revision().publish()
            verb = "Created" if verb == "Created" else "Filled in"
        self.report(verb, home)
        return home

    def ensure_site_address(self):
        """Point Wagtail's untouched default site at WAGTAILADMIN_BASE_URL.

        Canonical URLs and the API's html_url then match the address being served.
        A site whose host an administrator has changed is left alone.
        """
        site = Site.objects.filter(is_default_site=True).first()
        if site is None or (site.hostname, site.port) != ("localhost", 80):
            return
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        if not address.hostname:
            return
        default_port = 443 if address.scheme == "https" else 80
        site.hostname = address.hostname
        site.port = address.port or default_port
        site.save()
        self.stdout.write(f"Set the default site's address to {site.root_url}")

    def ensure_index(self, home, data):
        index = (
            HealthArticleIndexPage.objects.child_of(home)
            .filter(slug=data["slug"])
            .first()
        )
        if index:
            self.report("Found", index)
            return index
        index = home.add_child(
            instance=HealthArticleIndexPage(
                title=data["title"],
                slug=data["slug"],
                intro=stream_data.paragraph_html(data["intro"]),
            )
        )
        index.save_revision().publish()
        self.report("Created", index)
        return index

    def ensure_article(self, index, data):
        article = (
            HealthArticlePage.objects.child_of(index).filter(slug=data["slug"]).first()
        )
        if article:
            self.report("Found", article)
            return article
        body = [
            stream_data.section(
                section["heading"],
                [stream_data.paragraph_html(text) for text in section["paragraphs"]],
            )
            for section in data["sections"]
        ]
        faq_items = [
            (item["question"], stream_data.paragraph_html(item["answer"]))
            for item in data["faq"]["items"]
        ]
        body.append(stream_data.faq(faq_items, title=data["faq"]["title"]))
        first_published = date.fromisoformat(data["first_published"])
        article = index.add_child(
            instance=HealthArticlePage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                first_published=first_published,
                last_reviewed=date.fromisoformat(data["last_reviewed"]),
                next_review_due=date.fromisoformat(data["next_review_due"]),
                body=body,
                authors=[
                    ArticleAuthor(person=Person.objects.get(slug=slug))
                    for slug in data["authors"]
                ],
                reviewers=[
                    ArticleReviewer(person=Person.objects.get(slug=slug))
                    for slug in data["reviewers"]
                ],
                topics=[
                    ArticleTopic(topic=Topic.objects.get(slug=slug))
                    for slug in data["topics"]
                ],
            )
        )
        article.save_revision().publish()
        # Wagtail's own publication date follows the article's date.
        published_at = datetime.combine(first_published, time(9, 0), tzinfo=UTC)
        Page.objects.filter(pk=article.pk).update(
            first_published_at=published_at, last_published_at=published_at
        )
        self.report("Created", article)
        return article
