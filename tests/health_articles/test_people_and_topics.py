from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Site

from cms.models import OrganisationSettings, Person, Topic
from health_articles.models import ArticleReviewer
from tests.factories import HealthArticlePageFactory, PersonFactory, TopicFactory


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def squash(text):
    return " ".join(text.split())


def test_article_shows_authors_and_reviewers_with_credentials(client, article_index):
    author = PersonFactory(name="Dr Ada Lane", credentials="MB ChB")
    second = PersonFactory(name="Sam Roe", profile_url="https://example.org/sam")
    reviewer = PersonFactory(name="Dr Ivo Park", credentials="MD, FRCPsych")
    article = HealthArticlePageFactory(
        parent=article_index, authors=[author, second], reviewers=[reviewer]
    )

    soup = soup_of(client.get(article.url))

    assert squash(soup.select_one(".byline").get_text()) == "By Dr Ada Lane and Sam Roe"
    assert soup.select_one(".byline a")["href"] == "https://example.org/sam"
    assert squash(soup.select_one(".reviewed-by").get_text()) == (
        "Medically reviewed by Dr Ivo Park, MD, FRCPsych on 23 September 2023"
    )


def test_people_and_topics_in_the_api(client, article_index):
    reviewer = PersonFactory(
        name="Dr Ivo Park",
        slug="ivo-park",
        credentials="MD",
        role="Psychiatrist",
        profile_url="https://example.org/ivo",
    )
    topic = TopicFactory(name="Akathisia", kind=Topic.Kind.CONDITION)
    article = HealthArticlePageFactory(
        parent=article_index, reviewers=[reviewer], topics=[topic]
    )

    data = client.get(f"/api/v2/pages/{article.pk}/").json()

    assert data["reviewers"] == [
        {
            "name": "Dr Ivo Park",
            "slug": "ivo-park",
            "credentials": "MD",
            "role": "Psychiatrist",
            "url": "https://example.org/ivo",
        }
    ]
    assert [person["name"] for person in data["authors"]] == [
        article.author_people[0].name
    ]
    assert data["topics"] == [
        {"name": "Akathisia", "slug": "akathisia", "kind": "condition"}
    ]


def test_slugs_are_made_from_names_and_kept_unique(db):
    first = PersonFactory(name="Dr Ada Lane")
    second = PersonFactory(name="Dr Ada Lane")

    assert (first.slug, second.slug) == ("dr-ada-lane", "dr-ada-lane-2")


def test_linked_person_cannot_be_deleted(admin_client, article):
    person = article.reviewer_people[0]
    url = reverse("wagtailsnippets_cms_person:delete", args=[person.pk])

    confirm = admin_client.get(url)
    admin_client.post(url)

    assert (
        "One or more references to this person prevent it from being deleted."
        in squash(confirm.content.decode())
    )
    assert Person.objects.filter(pk=person.pk).exists()


def test_linked_topic_cannot_be_deleted_until_unlinked(admin_client, article_index):
    topic = TopicFactory()
    article = HealthArticlePageFactory(parent=article_index, topics=[topic])
    url = reverse("wagtailsnippets_cms_topic:delete", args=[topic.pk])

    admin_client.post(url)
    assert Topic.objects.filter(pk=topic.pk).exists()

    article.topics.all().delete()
    article.save()
    response = admin_client.post(url)

    assert response.status_code == 302
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_default_disclaimer_shows_unless_the_article_has_its_own(client, article):
    settings = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_disclaimer = "<p>Not medical advice.</p>"
    settings.save()

    default = soup_of(client.get(article.url)).select_one(".article__disclaimer")
    article.disclaimer = "<p>Talk to your <b>GP</b> first.</p>"
    article.save()
    own = soup_of(client.get(article.url)).select_one(".article__disclaimer")

    assert default.get_text(strip=True) == "Not medical advice."
    assert squash(own.get_text()) == "Talk to your GP first."


def test_person_in_an_unpublished_draft_cannot_be_deleted(admin_client, article):
    newcomer = PersonFactory(name="Dr New Reviewer")
    article.title = "Draft with a new reviewer"
    article.reviewers.add(ArticleReviewer(person=newcomer))
    article.save_revision()  # a draft: the live page does not link them yet
    url = reverse("wagtailsnippets_cms_person:delete", args=[newcomer.pk])

    response = admin_client.post(url, follow=True)

    assert Person.objects.filter(pk=newcomer.pk).exists()
    assert "the draft of “Draft with a new reviewer” uses it" in " ".join(
        str(m) for m in response.context["messages"]
    )


def test_unused_person_can_be_deleted(admin_client, db):
    person = PersonFactory()
    url = reverse("wagtailsnippets_cms_person:delete", args=[person.pk])

    admin_client.post(url)

    assert not Person.objects.filter(pk=person.pk).exists()
