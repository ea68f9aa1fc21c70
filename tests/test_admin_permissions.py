"""Every admin view the project adds refuses staff without its permission.

For each view (reports, reader comment moderation and its bulk actions and staff
replies, people and topics with their choosers, the health article listing,
webhook targets and the delivery log, site settings, sign-in lockouts), a member
of staff who can open the admin (``wagtailadmin.access_admin``) and holds every
neighbouring permission but the one the view needs is refused exactly as Wagtail 8
refuses: sent to the dashboard with "Sorry, you do not have permission to access
this area.", or a 403 when the admin's scripts ask; nothing protected is in either
answer, and posting to the view changes nothing. A member of staff with that one
permission opens it (200).

The views are reached by reversing their URL names. The last tests list every
admin URL the project's own hooks register (its admin URLs, viewsets, snippets,
bulk actions and settings) and fail if one has no entry here: a new view needs a
test.
"""

from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.viewsets import viewsets
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import GroupPagePermission, Site

from cms.models import (
    OrganisationSettings,
    Person,
    Topic,
    WebhookDelivery,
    WebhookTarget,
)
from health_articles.comments.models import CommentSettings, ReaderComment
from health_articles.roles import permission
from tests.conftest import build_site_tree
from tests.factories import (
    HealthArticleIndexPageFactory,
    HealthArticlePageFactory,
    PersonFactory,
    TopicFactory,
)

PROJECT_APPS = {"cms", "health_articles", "home"}
DASHBOARD = "/admin/"
REFUSAL = "Sorry, you do not have permission to access this area."
# In every protected object; never in a refusal.
PROTECTED = "Protected"
SUPERUSER = "superuser"
NOBODY = "nobody"
# Views that show no existing object: empty forms, and history's results (asked
# for by the history page's script).
SHOW_NOTHING = (":add", ":create", ":history_results")
# The unlock page names the record by the time of the attempt.
SHOW_NOTHING_PROTECTED = {"lockouts:delete"}


@dataclass(frozen=True)
class AdminView:
    """One admin view: its URL name (and which object its URL names), what the
    permitted member of staff is given, and what the refused one has instead."""

    url_name: str
    permitted: tuple | str
    refused_with: tuple = ()
    object: str = ""
    query: str = ""
    page_permissions: tuple = ()
    refused_page_permissions: tuple = ()
    key: str = ""  # what the guard matches, when not the URL name

    def __str__(self):
        return self.key or self.url_name

    def url(self, objects):
        args = list(self.url_args)
        if self.object:
            args.append(objects[self.object].pk)
        query = self.query.format(**{name: obj.pk for name, obj in objects.items()})
        return reverse(self.url_name, args=args) + query

    @property
    def url_args(self):
        """A bulk action's app, model and action; a setting's app and model."""
        return self.key.rsplit(":", 1)[1].split(".") if self.key else []


def model_permissions(app_model, *actions):
    app, model = app_model.split(".")
    return tuple(f"{app}.{action}_{model}" for action in actions)


def snippet_views(namespace, app_model, chooser_namespace, obj):
    """A snippet's views: Wagtail's rules for each, and the chooser's (ours)."""

    def perms(*actions):
        return model_permissions(app_model, *actions)

    view = perms("view")
    all_but = {
        action: perms(*[a for a in ("view", "add", "change", "delete") if a != action])
        for action in ("add", "change", "delete")
    }
    return [
        AdminView(f"{namespace}:list", view),
        AdminView(f"{namespace}:list_results", view),
        AdminView(f"{namespace}:add", perms("add"), all_but["add"]),
        AdminView(f"{namespace}:edit", perms("change"), all_but["change"], obj),
        AdminView(f"{namespace}:delete", perms("delete"), all_but["delete"], obj),
        AdminView(f"{namespace}:usage", perms("change"), all_but["change"], obj),
        AdminView(f"{namespace}:history", perms("change"), view, obj),
        AdminView(f"{namespace}:history_results", perms("change"), view, obj),
        # A copy starts from the original: it needs "add" and a right to read it.
        AdminView(f"{namespace}:copy", perms("add", "view"), all_but["add"], obj),
        AdminView(f"{chooser_namespace}:choose", view),
        AdminView(f"{chooser_namespace}:choose_results", view),
        AdminView(f"{chooser_namespace}:chosen", view, (), obj),
        AdminView(f"{chooser_namespace}:chosen_multiple", view, query=f"?id={{{obj}}}"),
        AdminView(f"{chooser_namespace}:create", perms("add"), all_but["add"]),
    ]


def reader_comment(*actions):
    return model_permissions("health_articles.readercomment", *actions)


# Reader comments: "view" lists and reads them, "change" approves and rejects,
# "delete" deletes, and Django's "add" is the right to reply as staff.
READER_COMMENT_VIEWS = [
    AdminView("reader_comments:list", reader_comment("view"), reader_comment("add")),
    AdminView(
        "reader_comments:list_results", reader_comment("view"), reader_comment("add")
    ),
    AdminView(
        "reader_comments:edit",
        reader_comment("change"),
        reader_comment("view", "add", "delete"),
        "comment",
    ),
    AdminView(
        "reader_comments:delete",
        reader_comment("delete"),
        reader_comment("view", "add", "change"),
        "comment",
    ),
    AdminView(
        "reader_comments:usage",
        reader_comment("change"),
        reader_comment("view", "add", "delete"),
        "comment",
    ),
    AdminView(
        "reader_comments:history",
        reader_comment("change"),
        reader_comment("view", "add"),
        "comment",
    ),
    AdminView(
        "reader_comments:history_results",
        reader_comment("change"),
        reader_comment("view", "add"),
        "comment",
    ),
    AdminView(
        "reader_comments:inspect",
        reader_comment("view"),
        reader_comment("add"),
        "comment",
    ),
    AdminView(
        "reader_comments:reply",
        reader_comment("add"),
        reader_comment("view", "change", "delete"),
        "comment",
    ),
    # Readers write reader comments: nobody adds one in the admin.
    AdminView(
        "reader_comments:add",
        NOBODY,
        reader_comment("view", "add", "change", "delete"),
    ),
]
for action, needs in [
    ("approve", "change"),
    ("reject", "change"),
    ("delete", "delete"),
]:
    READER_COMMENT_VIEWS.append(
        AdminView(
            "wagtail_bulk_action",
            reader_comment(needs),
            reader_comment(
                *[a for a in ("view", "add", "change", "delete") if a != needs]
            ),
            query="?id={comment}&next=/admin/reader-comments/",
            key=f"wagtail_bulk_action:health_articles.readercomment.{action}",
        )
    )

# Superusers only, whatever permissions a member of staff is given.
WEBHOOK_PERMISSIONS = model_permissions(
    "cms.webhooktarget", "view", "add", "change", "delete"
) + model_permissions("cms.webhookdelivery", "view", "add", "change", "delete")
WEBHOOK_VIEWS = [
    AdminView(f"webhook_targets:{name}", SUPERUSER, WEBHOOK_PERMISSIONS, obj)
    for name, obj in [
        ("index", ""),
        ("index_results", ""),
        ("add", ""),
        ("edit", "target"),
        ("delete", "target"),
        ("history", "target"),
        ("history_results", "target"),
        ("usage", "target"),
    ]
] + [
    AdminView(f"webhook_deliveries:{name}", SUPERUSER, WEBHOOK_PERMISSIONS, obj)
    for name, obj in [("index", ""), ("index_results", ""), ("inspect", "delivery")]
]

# Pages: the listing takes any page permission; the report, change or publish on
# some page (locking pages is not enough).
CHANGE_PAGES = ("wagtailcore.change_page",)
LOCK_PAGES = ("wagtailcore.lock_page", "wagtailcore.unlock_page")
PAGE_VIEWS = [
    AdminView(name, (), page_permissions=CHANGE_PAGES, refused_page_permissions=other)
    for name, other in [
        ("health_articles:index", ()),
        ("health_articles:index_results", ()),
        ("health_articles_reviews_due", LOCK_PAGES),
        ("health_articles_reviews_due_results", LOCK_PAGES),
    ]
]

SETTINGS_VIEWS = [
    AdminView(
        "wagtailsettings:edit",
        model_permissions(label, "change"),
        model_permissions(label, "view", "add", "delete"),
        "site",
        key=f"wagtailsettings:edit:{label}",
    )
    for label in ["cms.organisationsettings", "health_articles.commentsettings"]
]

VIEWS = [
    *READER_COMMENT_VIEWS,
    *snippet_views(
        "wagtailsnippets_cms_person",
        "cms.person",
        "wagtailsnippetchoosers_cms_person",
        "person",
    ),
    *snippet_views(
        "wagtailsnippets_cms_topic",
        "cms.topic",
        "wagtailsnippetchoosers_cms_topic",
        "topic",
    ),
    *WEBHOOK_VIEWS,
    *PAGE_VIEWS,
    *SETTINGS_VIEWS,
]


def project_viewsets():
    reverse("wagtailadmin_home")  # the admin's URLs, and so its viewsets, are built
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        app_label = getattr(getattr(model, "_meta", None), "app_label", "")
        if app_label in PROJECT_APPS or is_project_code(type(viewset)):
            yield viewset


def is_project_code(obj):
    return obj.__module__.split(".")[0] in PROJECT_APPS


# Sign-in lockouts (cms.lockouts, django-axes' records): listed by those with
# "view" on them, unlocked by those with "delete".
VIEWS += [
    AdminView("lockouts:index", ("axes.view_accessattempt",)),
    AdminView("lockouts:index_results", ("axes.view_accessattempt",)),
    AdminView(
        "lockouts:delete",
        ("axes.delete_accessattempt",),
        ("axes.view_accessattempt", "axes.add_accessattempt"),
        "lockout",
    ),
]

# Wagtail's "choose where to add a health article" asks for no permission: it lists
# only the sections the user may add to (tested below), and the form it leads to
# checks. Nothing protected is shown.
OPEN_TO_ALL_STAFF = {"health_articles:choose_parent"}


def make_objects():
    """An object of each kind the views show, each named as protected."""
    article_index = HealthArticleIndexPageFactory(parent=build_site_tree())
    site = Site.objects.get()
    article = HealthArticlePageFactory(
        parent=article_index,
        title=f"{PROTECTED} article",
        next_review_due=timezone.localdate(),  # in the reviews due report
    )
    target = WebhookTarget.objects.create(
        name=f"{PROTECTED} target", url="https://hooks.example/protected"
    )
    organisation = OrganisationSettings.for_site(site)
    organisation.organisation_name = f"{PROTECTED} organisation"
    organisation.save()
    comment_settings = CommentSettings.for_site(site)
    comment_settings.blocklist = f"{PROTECTED} word"
    comment_settings.save()
    made = {
        "site": site,
        "index": article_index,
        "article": article,
        "comment": ReaderComment.objects.create(
            page=article,
            name=f"{PROTECTED} reader",
            email="protected.reader@example.org",
            text=f"{PROTECTED} words of a reader.",
            ip_address="198.51.100.23",
        ),
        "person": PersonFactory(name=f"Dr {PROTECTED} Person"),
        "topic": TopicFactory(name=f"{PROTECTED} topic"),
        "target": target,
        "delivery": WebhookDelivery.objects.create(
            target=target,
            event="page.published",
            page_id=article.pk,
            payload=f'{{"note": "{PROTECTED} payload"}}',
        ),
    }
    made["lockout"] = AccessAttempt.objects.create(
        username=f"{PROTECTED}-user",
        ip_address="203.0.113.99",
        user_agent="Browser",
        http_accept="*/*",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    return made


@pytest.fixture(scope="module")
def shared_objects(django_db_setup, django_db_blocker):
    """The objects, made once: each test runs in a transaction inside this one,
    as with Django's ``setUpTestData``, and this one is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_objects()
        transaction.set_rollback(True)


@pytest.fixture
def objects(shared_objects, db):
    return shared_objects


@pytest.fixture
def staff_member(django_user_model, objects):
    """A member of staff who may open the admin, with ``permissions`` and, on the
    articles index, ``page_permissions``."""

    def make(permissions=(), page_permissions=(), superuser=False):
        if superuser:
            return django_user_model.objects.create_superuser(
                username="root", email="root@example.com", password="pw"
            )
        user = django_user_model.objects.create_user(
            username="staff", email="staff@example.com", password="pw"
        )
        user.user_permissions.add(
            permission("wagtailadmin.access_admin"),
            *[permission(dotted) for dotted in permissions],
        )
        if page_permissions:
            group = Group.objects.create(name="Staff pages")
            for dotted in page_permissions:
                GroupPagePermission.objects.create(
                    group=group, page=objects["index"], permission=permission(dotted)
                )
            user.groups.add(group)
        return user

    return make


def everything_protected():
    """What the refused must not change."""
    settings = (
        OrganisationSettings.objects.values_list("organisation_name", flat=True),
        CommentSettings.objects.values_list("blocklist", flat=True),
    )
    rows = [
        ReaderComment.objects.values_list("pk", "status", "name", "text"),
        Person.objects.values_list("pk", "name"),
        Topic.objects.values_list("pk", "name"),
        WebhookTarget.objects.values_list("pk", "name", "url", "secret", "is_active"),
        WebhookDelivery.objects.values_list("pk", "status", "payload"),
        *settings,
    ]
    return [sorted(query) for query in rows]


FORGED = {
    "name": "Forged",
    "text": "Forged",
    "status": "approved",
    "kind": "condition",
    "url": "https://forged.example/",
    "secret": "forged",
    "is_active": "on",
    "organisation_name": "Forged",
    "blocklist": "Forged",
}


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_staff_without_the_permission_are_sent_to_the_dashboard(
    client, objects, staff_member, view
):
    client.force_login(staff_member(view.refused_with, view.refused_page_permissions))
    url = view.url(objects)

    response = client.get(url, follow=True)

    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert [str(message).strip() for message in response.context["messages"]] == [
        REFUSAL
    ]
    assert PROTECTED not in response.content.decode()


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_staff_without_the_permission_get_403_when_the_admin_script_asks(
    client, objects, staff_member, view
):
    client.force_login(staff_member(view.refused_with, view.refused_page_permissions))

    response = client.get(
        view.url(objects), headers={"x-requested-with": "XMLHttpRequest"}
    )

    assert response.status_code == 403
    assert PROTECTED not in response.content.decode()


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_staff_without_the_permission_change_nothing_by_posting(
    client, objects, staff_member, view
):
    client.force_login(staff_member(view.refused_with, view.refused_page_permissions))
    before = everything_protected()

    response = client.post(view.url(objects), FORGED)

    assert (response.status_code, response["Location"]) == (302, DASHBOARD)
    assert everything_protected() == before


@pytest.mark.parametrize(
    "view", [view for view in VIEWS if view.permitted != NOBODY], ids=str
)
def test_staff_with_the_permission_open_it(client, objects, staff_member, view):
    user = staff_member(
        () if view.permitted == SUPERUSER else view.permitted,
        view.page_permissions,
        superuser=view.permitted == SUPERUSER,
    )
    client.force_login(user)

    response = client.get(view.url(objects))

    assert response.status_code == 200
    if not str(view).endswith(SHOW_NOTHING) and str(view) not in SHOW_NOTHING_PROTECTED:
        assert PROTECTED in response.content.decode()  # what the refused never see


def test_even_a_superuser_adds_no_reader_comment_in_the_admin(
    client, objects, staff_member
):
    client.force_login(staff_member(superuser=True))

    response = client.get(reverse("reader_comments:add"), follow=True)

    assert response.redirect_chain == [(DASHBOARD, 302)]


class TestChoosingWhereToAddAnArticle:
    """Wagtail's view asks for no permission; choosing a section does."""

    URL = "/admin/health_articles/choose_parent/"

    def test_staff_without_page_permissions_cannot_choose_a_section(
        self, client, objects, staff_member
    ):
        client.force_login(staff_member())

        form = client.get(self.URL)
        chosen = client.post(self.URL, {"parent_page": objects["index"].pk})

        assert form.status_code == 200
        assert PROTECTED not in form.content.decode()
        assert chosen.status_code == 200  # the form again, not the new article
        assert chosen.context["form"].errors["parent_page"] == [
            'You do not have permission to create a page under "Articles".'
        ]

    def test_staff_who_may_add_articles_go_to_the_new_article_form(
        self, client, objects, staff_member
    ):
        client.force_login(staff_member(page_permissions=["wagtailcore.add_page"]))

        response = client.get(self.URL)

        assert response.status_code == 302
        assert response["Location"] == reverse(
            "wagtailadmin_pages:add",
            args=["health_articles", "healtharticlepage", objects["index"].pk],
        )


def registered_admin_views():
    """Every admin URL the project's own hooks register, as ``AdminView.key``
    names them."""
    found = set()
    for register in hooks.get_hooks("register_admin_urls"):
        if is_project_code(register):
            found |= {pattern.name for pattern in register()}
    for viewset in project_viewsets():
        found |= {
            f"{viewset.url_namespace}:{pattern.name}"
            for pattern in viewset.get_urlpatterns()
        }
    for action in hooks.get_hooks("register_bulk_action"):
        if is_project_code(action):
            found |= {
                f"wagtail_bulk_action:{model._meta.label_lower}.{action.action_type}"
                for model in action.models
            }
    found |= {
        f"wagtailsettings:edit:{model._meta.label_lower}"
        for model in settings_registry
        if model._meta.app_label in PROJECT_APPS
    }
    return found


def test_every_admin_view_the_project_registers_has_a_permission_test(db):
    covered = {str(view) for view in VIEWS} | OPEN_TO_ALL_STAFF

    untested = registered_admin_views() - covered

    assert untested == set(), (
        "Admin views without a permission test: add them to VIEWS in "
        f"tests/test_admin_permissions.py: {sorted(untested)}"
    )


def test_every_view_tested_here_is_still_registered(db):
    covered = {str(view) for view in VIEWS} | OPEN_TO_ALL_STAFF

    assert covered - registered_admin_views() == set()
