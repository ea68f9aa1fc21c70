"""Which article drafts use a person or a topic.

The links' ``PROTECT`` guards what is saved on the page itself; a person added only
in an unpublished draft lives in the draft's revision, where the database cannot see
it. Deleting them would break that draft, so deletion checks drafts too.
"""

from cms.models import Person, Topic
from health_articles.models import HealthArticlePage

# model → (child relation, field) pairs on the article.
LINKS = {
    Person: [("authors", "person"), ("reviewers", "person")],
    Topic: [("topics", "topic")],
}


def drafts_using(obj):
    links = LINKS.get(type(obj), [])
    if not links:
        return []
    drafts = HealthArticlePage.objects.filter(
        has_unpublished_changes=True, latest_revision__isnull=False
    ).select_related("latest_revision")
    return [
        page
        for page in drafts
        if any(
            item.get(field) == obj.pk
            for relation, field in links
            for item in page.latest_revision.content.get(relation, [])
        )
    ]
