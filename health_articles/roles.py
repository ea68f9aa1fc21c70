"""The editorial roles, their permissions and the medical review workflow.

Applied by ``manage.py setup_roles``; running it again puts every group back to
exactly the permissions listed here.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

HEALTH_EDITORS = "Health editors"
MEDICAL_REVIEWERS = "Medical reviewers"
MODERATORS = "Moderators"
WORKFLOW_NAME = "Medical review"
TASK_NAME = "Approval by a medical reviewer"

# app_label.codename, as Django names permissions. On reader comments (see
# health_articles.comments.admin): "view" lists them, "change" approves and rejects
# them, "delete" deletes them, and "add" is the right to reply as staff (nobody adds
# a reader's comment in the admin).
GROUP_PERMISSIONS = {
    HEALTH_EDITORS: [
        "wagtailadmin.access_admin",
        "cms.view_person",
        "cms.view_topic",
        "health_articles.view_readercomment",
        "health_articles.add_readercomment",
    ],
    MEDICAL_REVIEWERS: [
        "wagtailadmin.access_admin",
        "cms.view_person",
        "cms.view_topic",
    ],
    MODERATORS: [
        "wagtailadmin.access_admin",
        "health_articles.view_readercomment",
        "health_articles.change_readercomment",
        "health_articles.delete_readercomment",
    ],
}
# Page permissions on the articles index (and so on every article under it).
PAGE_PERMISSIONS = {
    HEALTH_EDITORS: ["add_page", "change_page"],
    MEDICAL_REVIEWERS: ["add_page", "change_page", "publish_page", "unlock_page"],
    MODERATORS: [],
}
# Permissions in the root collection (and so in every collection).
COLLECTION_PERMISSIONS = {
    HEALTH_EDITORS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    MEDICAL_REVIEWERS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    MODERATORS: [],
}


def permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def setup_roles(articles_indexes=()):
    """Create or reset the groups; attach the workflow to each articles index."""
    groups = {}
    for name, permissions in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([permission(dotted) for dotted in permissions])
        GroupCollectionPermission.objects.filter(group=group).delete()
        root_collection = Collection.get_first_root_node()
        for dotted in COLLECTION_PERMISSIONS[name]:
            GroupCollectionPermission.objects.create(
                group=group, collection=root_collection, permission=permission(dotted)
            )
        GroupPagePermission.objects.filter(group=group).delete()
        for index in articles_indexes:
            for codename in PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.create(
                    group=group,
                    page=index,
                    permission=permission(f"wagtailcore.{codename}"),
                )
        groups[name] = group

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([groups[MEDICAL_REVIEWERS]])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    for index in articles_indexes:
        WorkflowPage.objects.update_or_create(
            page=index, defaults={"workflow": workflow}
        )
    return groups, workflow


ROLE_DESCRIPTIONS = {
    HEALTH_EDITORS: _(
        "write and edit articles, submit them for medical review, reply to reader "
        "comments as staff"
    ),
    MEDICAL_REVIEWERS: _("edit, approve and publish articles"),
    MODERATORS: _("moderate reader comments"),
}
