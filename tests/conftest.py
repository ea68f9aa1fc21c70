import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from wagtail.models import Collection, Locale, Page, Site

from health_articles.roles import HEALTH_EDITORS, MEDICAL_REVIEWERS
from home.models import HomePage
from tests.factories import (
    HealthArticleIndexPageFactory,
    HealthArticlePageFactory,
    PersonFactory,
)


@pytest.fixture(autouse=True)
def _clear_caches():
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build_site_tree():
    """The site's home page, rebuilding what a flushed database lost.

    The migrations create the root page and collection, the default locale, the
    home page and the default site; transactional and live_server tests empty every
    table, so this puts them back.
    """
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    home = HomePage.objects.first()
    if home is not None:
        return home
    Locale.objects.get_or_create(language_code="en-gb")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def home_page(db):
    return build_site_tree()


@pytest.fixture
def article_index(home_page):
    return HealthArticleIndexPageFactory(parent=home_page)


@pytest.fixture
def article(article_index):
    return HealthArticlePageFactory(parent=article_index)


@pytest.fixture
def people(db):
    """An author and a reviewer, as the article editor's inline panels take them."""
    return {"authors": [PersonFactory()], "reviewers": [PersonFactory()]}


@pytest.fixture
def roles(article_index):
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115


def member_of(django_user_model, group_name, username):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.com", password="pw"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(roles, django_user_model):
    return member_of(django_user_model, HEALTH_EDITORS, "editor")


@pytest.fixture
def reviewer(roles, django_user_model):
    return member_of(django_user_model, MEDICAL_REVIEWERS, "reviewer")


@pytest.fixture
def moderator(roles, django_user_model):
    return member_of(django_user_model, "Moderators", "moderator")
