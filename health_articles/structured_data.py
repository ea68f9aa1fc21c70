"""The article's JSON-LD graph: MedicalWebPage, FAQPage, BreadcrumbList, Organization.

Built from the same page methods as the template and the API (people, topics, FAQ
entries, references), so the three never disagree.
"""

from cms import jsonld
from cms.models import Topic

TOPIC_TYPES = {
    Topic.Kind.CONDITION: "MedicalCondition",
    Topic.Kind.TREATMENT: "MedicalTherapy",
    Topic.Kind.SUPPLEMENT: "DietarySupplement",
}


def citation(reference):
    node = {"@type": "CreativeWork", "name": reference["title"]}
    if reference["authors"]:
        node["author"] = reference["authors"]
    if reference["publication"]:
        node["isPartOf"] = reference["publication"]
    if reference["year"]:
        node["datePublished"] = str(reference["year"])
    links = [
        link
        for link in (reference["url"], reference.doi_url(), reference.pubmed_url())
        if link
    ]
    if links:
        node["url"] = links[0]
        node["sameAs"] = links[1:] or None
    return {key: value for key, value in node.items() if value}


def article_graph(
    page, crumbs, organisation_name, site_url, image_url=None, comment_count=None
):
    url = page.full_url
    organisation = jsonld.organisation(organisation_name, site_url)
    web_page = {
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": page.title,
        "headline": page.title,
        "description": page.summary,
        "datePublished": page.first_published.isoformat(),
        "dateModified": (page.last_published_at or page.latest_revision_created_at),
        "lastReviewed": page.last_reviewed.isoformat() if page.last_reviewed else None,
        "author": [jsonld.person(person) for person in page.author_people],
        "reviewedBy": [jsonld.person(person) for person in page.reviewer_people],
        "about": [
            {"@type": TOPIC_TYPES[topic.kind], "name": topic.name}
            for topic in page.topic_list
        ],
        "citation": [citation(child.value) for child in page.references],
        "image": image_url,
        "commentCount": (
            comment_count if page.comments_enabled or comment_count else None
        ),
        "publisher": {"@id": organisation["@id"]} if organisation else None,
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
    }
    entries = page.faq_items()
    faq = (
        {
            "@type": "FAQPage",
            "@id": f"{url}#faq",
            "isPartOf": {"@id": f"{url}#webpage"},
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": entry.question,
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": jsonld.plain_text(entry.answer),
                    },
                }
                for entry in entries
            ],
        }
        if entries
        else None
    )
    breadcrumb = {**jsonld.breadcrumb_list(crumbs), "@id": f"{url}#breadcrumb"}
    return jsonld.graph(
        {key: value for key, value in web_page.items() if value not in (None, [])},
        faq,
        breadcrumb,
        organisation,
    )
