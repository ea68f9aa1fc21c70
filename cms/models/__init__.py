from cms.models.pages import IntroPage
from cms.models.people import Person
from cms.models.settings import OrganisationSettings
from cms.models.topics import Topic

__all__ = ["IntroPage", "OrganisationSettings", "Person", "Topic"]
