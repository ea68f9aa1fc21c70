from cms.models.content_version import ContentVersion
from cms.models.pages import IntroPage
from cms.models.people import Person
from cms.models.settings import OrganisationSettings
from cms.models.topics import Topic
from cms.models.webhooks import WebhookDelivery, WebhookTarget

__all__ = [
    "ContentVersion",
    "IntroPage",
    "OrganisationSettings",
    "Person",
    "Topic",
    "WebhookDelivery",
    "WebhookTarget",
]
