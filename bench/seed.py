"""Seed realistic health articles in bulk, for the HTTP benchmark
(bench/http_load.py).

    python -m bench.seed --first 1 --last 10000 --workdir DIR --result RESULT.json

Run from the repository root (``-m``: ``bench`` is a package there), with the
environment of the database to fill:
DATABASE_URL, MEDIA_ROOT and production settings. The database must have been through
``migrate`` and ``load_demo_content`` (site, home page, the /articles/ index, people
and topics). Articles numbered ``--first`` to ``--last`` are added under the index, so
a second call can grow the same database from 100 to 10,000 articles.

Every article has the shape of the seed article (``magnesium-for-akathisia``): four
sections, an FAQ of five questions, five references, two topics, an author and a
medical reviewer, a last-reviewed date, a summary and a hero image from a pool of 20
generated JPEGs. Its text varies with its number: RARE_TERM is in one article in a
hundred and COMMON_TERM in one in two, so that searches for them match about 1 % and
about 50 % of the articles.

Wagtail's ``add_child`` and ``publish`` take tens of milliseconds a page, so the pages
are written the way they would look once published, in bulk: the treebeard paths are
computed here, the ``wagtailcore_page`` rows are bulk-created, then the article rows
(Django cannot bulk-create a child of multi-table inheritance, so they are inserted
with their parent pointers set), then the authors, reviewers and topics. No revision
is made: nothing public reads one. The search index is built with the backend's bulk
``add_items`` and the content version is bumped, as a publish would.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import django

RARE_TERM = "ashwagandha"  # in articles whose number is a multiple of 100
COMMON_TERM = "insomnia"  # in articles whose number is even
IMAGE_POOL_SIZE = 20
BATCH_SIZE = 500
# The article every benchmark run measures: the first one seeded.
MEASURED_ARTICLE = 1

CONDITIONS = [
    ("Anxiety", "anxiety"),
    ("Depression", "depression"),
    ("Migraine", "migraine"),
    ("Restless legs syndrome", "restless legs syndrome"),
    ("Fibromyalgia", "fibromyalgia"),
    ("High blood pressure", "high blood pressure"),
    ("Type 2 diabetes", "type 2 diabetes"),
    ("Osteoarthritis", "osteoarthritis"),
    ("Tinnitus", "tinnitus"),
    ("Eczema", "eczema"),
]
REMEDIES = [
    ("Vitamin D", "vitamin D", "supplement"),
    ("Omega-3 fatty acids", "omega-3 fatty acids", "supplement"),
    ("Melatonin", "melatonin", "supplement"),
    ("Iron", "iron", "supplement"),
    ("Zinc", "zinc", "supplement"),
    ("Probiotics", "probiotics", "supplement"),
    ("Curcumin", "curcumin", "supplement"),
    ("Cognitive behavioural therapy", "cognitive behavioural therapy", "treatment"),
    ("Physiotherapy", "physiotherapy", "treatment"),
    ("Acupuncture", "acupuncture", "treatment"),
]
ANGLES = [
    "what the evidence says",
    "a practical guide",
    "benefits, risks and dosage",
    "does it help?",
    "what patients should know",
    "a natural treatment option",
    "questions to ask your doctor",
    "how it may help",
    "the research explained",
    "separating fact from hype",
]
PEOPLE = [
    ("Dr Amara Okafor", "MB BS, MRCGP", "General practitioner"),
    ("Dr Lukas Brenner", "MD, PhD", "Clinical pharmacologist"),
    ("Dr Priya Raman", "MB ChB, FRCP", "Consultant neurologist"),
    ("Sofia Lindqvist", "MPharm", "Pharmacist"),
    ("Dr Hugo Delacroix", "MD, FRCPsych", "Consultant psychiatrist"),
    ("Dr Mei Tanaka", "PhD, RD", "Registered dietitian"),
    ("Dr Samuel Adeyemi", "MB BS, FRCS", "Consultant rheumatologist"),
    ("Dr Clara Vogel", "MD, MSc", "Consultant endocrinologist"),
]
SURNAMES = [
    "Smith",
    "Patel",
    "Nguyen",
    "Garcia",
    "Müller",
    "Rossi",
    "Kowalski",
    "Andersson",
    "Okonkwo",
    "Haddad",
    "Ivanova",
    "Kim",
]
JOURNALS = [
    "The BMJ",
    "The Lancet",
    "Journal of Clinical Medicine",
    "Cochrane Database of Systematic Reviews",
    "Nutrients",
    "JAMA Internal Medicine",
    "British Journal of General Practice",
    "Clinical Pharmacology & Therapeutics",
]

ABOUT = [
    "{C} is a common condition that affects people of every age and background.",
    "Its symptoms can come and go, and they often change over months or years.",
    "Many people with {c} find that it interferes with work, family life and rest.",
    "Doctors diagnose {c} from the history of symptoms and, sometimes, from tests.",
    "Stress, other illnesses and some medicines can make {c} worse.",
    "There is no single cause, and several factors usually play a part.",
    "Early advice from a healthcare professional can prevent complications.",
    "Treatment usually combines lifestyle changes with medical care.",
    "Keeping a diary of symptoms helps to spot triggers and patterns.",
    "Support groups can help people feel less alone with {c}.",
]
USING = [
    "{R} has been studied as a way to ease the symptoms of {c}.",
    "Small trials suggest that {r} may help some people, but not everyone.",
    "Larger and longer studies are needed before firm conclusions can be drawn.",
    "Results vary from person to person, and benefits may take weeks to appear.",
    "Guidelines mention {r} as an option alongside standard treatment.",
    "It should not replace treatment that a doctor has prescribed.",
    "Some people notice improvements within a few weeks of starting {r}.",
    "Researchers are still working out who is most likely to benefit.",
    "Combining {r} with other approaches may work better than using it alone.",
    "Talk to your doctor before you use {r} for {c}.",
]
WORKS = [
    "{R} acts on several processes in the body at once.",
    "It may reduce inflammation, which plays a part in many chronic conditions.",
    "Some effects are thought to involve the nervous system and hormones.",
    "Laboratory studies show effects that are not always seen in people.",
    "The dose and the form used can change how well it works.",
    "How quickly it works depends on how much the body absorbs.",
    "Scientists do not yet fully understand every mechanism involved.",
    "Its effects may build up slowly over weeks of regular use.",
    "Levels in the blood can be measured when there is doubt.",
    "Genetics and diet may explain why responses differ between people.",
]
SAFETY = [
    "Ask a pharmacist or doctor which form and dose of {r} suit you.",
    "High doses can cause side effects such as nausea or stomach upset.",
    "Tell your doctor about every medicine and supplement you take.",
    "Some products contain more or less than the label says.",
    "Choose products from reputable manufacturers with independent testing.",
    "Pregnant and breastfeeding women need specific advice.",
    "Stop and seek advice if you notice new or worsening symptoms.",
    "Children should only use {r} on medical advice.",
    "Interactions with prescribed medicines are possible.",
    "A balanced diet and regular exercise support any treatment.",
]
RARE_SENTENCE = (
    "Some people also ask whether ashwagandha, a herb used in Ayurvedic medicine, "
    "helps with {c}; the evidence for it is limited."
)
COMMON_SENTENCE = (
    "{C} often comes with insomnia, and nights without rest can make the symptoms "
    "feel worse."
)
FAQ = [
    (
        "Can {r} cure {c}?",
        "It may ease symptoms for some people, but it is not a cure. Discuss "
        "treatment options with a medical professional.",
    ),
    (
        "Are there side effects of {r}?",
        "Most people tolerate it well at usual doses. Higher doses can cause side "
        "effects, so start low and follow medical advice.",
    ),
    (
        "Can I take {r} with my prescribed medicines?",
        "Check with your doctor or pharmacist first: some combinations interact.",
    ),
    (
        "How long does {r} take to work?",
        "Some people notice a difference within days, others only after several "
        "weeks. Be patient and consistent.",
    ),
    (
        "Should I change my diet if I have {c}?",
        "A balanced diet helps. A registered dietitian can give advice that fits "
        "your needs.",
    ),
    (
        "When should I see a doctor about {c}?",
        "See a doctor if symptoms are new, severe or getting worse, or if they "
        "stop you from doing everyday things.",
    ),
    (
        "Is {r} safe in pregnancy?",
        "Ask your midwife or doctor before taking anything new while pregnant.",
    ),
    (
        "Where can I find support for {c}?",
        "Your GP, patient charities and local support groups can all help.",
    ),
]
REFERENCE_TITLES = [
    "Effects of {r} on {c}: a randomised controlled trial",
    "{R} for {c}: a systematic review and meta-analysis",
    "Safety of {r} in adults: an observational cohort study",
    "Mechanisms of {r} in chronic disease",
    "Patient experiences of {c}: a qualitative study",
    "Guideline: diagnosis and management of {c}",
    "Dietary intake and {c} in a population cohort",
]


def configure_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def fill(template, condition, remedy):
    return template.format(c=condition[1], C=condition[0], r=remedy[1], R=remedy[0])


def article_text(number):
    """Everything that varies between articles, from its number alone."""
    rng = random.Random(number)  # noqa: S311 - repeatable text, not a secret
    condition = CONDITIONS[number % len(CONDITIONS)]
    remedy = REMEDIES[(number // len(CONDITIONS)) % len(REMEDIES)]
    angle = ANGLES[(number // 100) % len(ANGLES)]

    def paragraphs(pool, extra=()):
        sentences = [rng.sample(pool, 4), rng.sample(pool, 4)]
        for sentence in extra:
            sentences[1].insert(rng.randrange(5), sentence)
        return [" ".join(fill(s, condition, remedy) for s in p) for p in sentences]

    extra = []
    if number % 100 == 0:
        extra.append(RARE_SENTENCE)
    if number % 2 == 0:
        extra.append(COMMON_SENTENCE)
    sections = [
        (f"About {condition[1]}", paragraphs(ABOUT, extra)),
        (f"Using {remedy[1]} for {condition[1]}", paragraphs(USING)),
        (f"How {remedy[1]} works", paragraphs(WORKS)),
        (f"Taking {remedy[1]} safely", paragraphs(SAFETY)),
    ]
    faq = [
        (fill(q, condition, remedy), fill(a, condition, remedy))
        for q, a in rng.sample(FAQ, 5)
    ]
    references = [
        {
            "title": fill(title, condition, remedy),
            "authors": ", ".join(
                f"{name} {rng.choice('ABCDEFGHJKLMNPRST')}"
                for name in rng.sample(SURNAMES, 3)
            ),
            "publication": rng.choice(JOURNALS),
            "year": rng.randint(2000, 2025),
            "url": "",
            "doi": f"10.{rng.randint(1000, 9999)}/bench.{number}.{n}",
            "pmid": str(rng.randint(10_000_000, 39_999_999)),
        }
        for n, title in enumerate(rng.sample(REFERENCE_TITLES, 5))
    ]
    return {
        "condition": condition,
        "remedy": remedy,
        "title": f"{remedy[0]} for {condition[1]}: {angle}",
        "slug": f"{slug_part(remedy[0])}-for-{slug_part(condition[0])}-{number}",
        "summary": (
            f"What {condition[1]} is, how {remedy[1]} may help, how it works in the "
            "body, and what to consider before you start."
        ),
        "sections": sections,
        "faq": faq,
        "references": references,
    }


def slug_part(text):
    from django.utils.text import slugify

    return slugify(text)


def progress(label, done, total, started):
    percent = 100 * done / total if total else 100
    elapsed = time.monotonic() - started
    print(
        f"  {label}: {done:,}/{total:,} ({percent:.0f} %, {elapsed:.1f} s)", flush=True
    )


def ensure_people_and_topics():
    from cms.models import Person, Topic

    people = [
        Person.objects.get_or_create(
            name=name, defaults={"credentials": credentials, "role": role}
        )[0]
        for name, credentials, role in PEOPLE
    ]
    topics = {}
    for name, _lower in CONDITIONS:
        topics[name] = Topic.objects.get_or_create(
            name=name, defaults={"kind": Topic.Kind.CONDITION}
        )[0]
    for name, _lower, kind in REMEDIES:
        topics[name] = Topic.objects.get_or_create(name=name, defaults={"kind": kind})[
            0
        ]
    return people, topics


def make_jpeg(path, number):
    """A 1600x900 JPEG: a two-colour gradient with shapes, different per number."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(f"image-{number}")  # noqa: S311 - repeatable pictures
    size = (1600, 900)

    def colour():
        return tuple(rng.randrange(256) for _ in range(3))

    mask = Image.linear_gradient("L").rotate(rng.randrange(360)).resize(size)
    picture = Image.composite(
        Image.new("RGB", size, colour()), Image.new("RGB", size, colour()), mask
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        radius = rng.randrange(40, 300)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour())
    picture = picture.filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise(size, 24).convert("RGB")
    Image.blend(picture, noise, 0.08).save(path, "JPEG", quality=85)


def ensure_images(workdir):
    """The pool of hero images, with the renditions pages and the API ask for made
    up front (so that no measured request pays for resizing)."""
    from django.core.files import File
    from wagtail.images import get_image_model

    from cms.images import API_RENDITIONS

    image_model = get_image_model()
    images = []
    for number in range(1, IMAGE_POOL_SIZE + 1):
        title = f"Benchmark hero image {number}"
        image = image_model.objects.filter(title=title).first()
        if image is None:
            path = workdir / f"bench-hero-{number:02d}.jpg"
            make_jpeg(path, number)
            with path.open("rb") as handle:
                image = image_model(
                    title=title,
                    description=f"Abstract coloured shapes, picture {number}",
                )
                image.file = File(handle, name=path.name)
                image.save()
            path.unlink()
        images.append(image)
    specs = ["width-1200", "fill-1200x630|format-jpeg", *API_RENDITIONS.values()]
    for image in images:
        image.get_renditions(*specs)
    return images


def build_article(number, parent, page_type_id, people, topics, images, path):
    """The ``Page`` row and the article fields of article ``number``."""
    from health_articles import stream_data
    from health_articles.models import HealthArticlePage

    text = article_text(number)
    first_published = date(2016, 1, 1) + timedelta(days=(number * 37) % 3650)
    published_at = datetime.combine(first_published, datetime.min.time(), UTC)
    published_at += timedelta(hours=9, seconds=number % 3600)
    last_reviewed = first_published + timedelta(days=30 + number % 300)
    body = [
        stream_data.section(
            heading, [stream_data.paragraph_html(text) for text in paragraphs]
        )
        for heading, paragraphs in text["sections"]
    ]
    body.append(
        stream_data.faq(
            [(q, stream_data.paragraph_html(a)) for q, a in text["faq"]],
        )
    )
    references = [stream_data.block("reference", ref) for ref in text["references"]]
    page = HealthArticlePage(
        content_type_id=page_type_id,
        title=text["title"],
        draft_title=text["title"],
        slug=text["slug"],
        path=path,
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{text['slug']}/",
        locale_id=parent.locale_id,
        translation_key=uuid.uuid4(),
        live=True,
        has_unpublished_changes=False,
        first_published_at=published_at,
        last_published_at=published_at,
        latest_revision_created_at=published_at,
        summary=text["summary"],
        first_published=first_published,
        last_reviewed=last_reviewed,
        next_review_due=last_reviewed + timedelta(days=365),
        hero_image=images[number % len(images)],
        hero_image_alt=(
            f"Illustration for an article about {text['remedy'][1]} and "
            f"{text['condition'][1]}"
        ),
        body=body,
        references=references,
    )
    author = people[number % len(people)]
    reviewer = people[(number + 3) % len(people)]
    return (
        page,
        author,
        reviewer,
        [topics[text["condition"][0]], topics[text["remedy"][0]]],
    )


def insert_articles(articles):
    """Insert ``articles`` (unsaved HealthArticlePage instances with their tree
    fields set): the ``wagtailcore_page`` rows in bulk, then the article rows."""
    from wagtail.models import Page

    from health_articles.models import HealthArticlePage

    page_fields = [
        field for field in Page._meta.concrete_fields if not field.primary_key
    ]
    rows = [
        Page(
            **{field.attname: getattr(article, field.attname) for field in page_fields}
        )
        for article in articles
    ]
    Page.objects.bulk_create(rows)
    for article, row in zip(articles, rows, strict=True):
        article.id = article.page_ptr_id = row.id
    # What Model.save does for a child table, for many rows at once.
    HealthArticlePage._base_manager._insert(
        articles, fields=HealthArticlePage._meta.local_concrete_fields
    )


def seed(first, last, workdir):
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from wagtail.models import Page

    from cms.models import ContentVersion
    from health_articles.models import (
        ArticleAuthor,
        ArticleReviewer,
        ArticleTopic,
        HealthArticleIndexPage,
        HealthArticlePage,
    )

    started = time.monotonic()
    people, topics = ensure_people_and_topics()
    images = ensure_images(workdir)
    print(
        f"  {len(people)} people, {len(topics)} topics, {len(images)} images "
        f"({time.monotonic() - started:.1f} s)",
        flush=True,
    )
    index = HealthArticleIndexPage.objects.get(slug="articles")
    page_type_id = ContentType.objects.get_for_model(HealthArticlePage).pk
    total = last - first + 1
    started = time.monotonic()
    ids = []
    with transaction.atomic():
        index = Page.objects.select_for_update().get(pk=index.pk)
        last_child = index.get_last_child()
        step = last_child._get_lastpos_in_path() if last_child else 0
        for batch_start in range(first, last + 1, BATCH_SIZE):
            numbers = range(batch_start, min(batch_start + BATCH_SIZE, last + 1))
            built = []
            for number in numbers:
                step += 1
                path = Page._get_path(index.path, index.depth + 1, step)
                built.append(
                    build_article(
                        number, index, page_type_id, people, topics, images, path
                    )
                )
            articles = [article for article, *_ in built]
            insert_articles(articles)
            ids.extend(article.pk for article in articles)
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(page_id=article.pk, person=author, sort_order=0)
                for article, author, _, _ in built
            )
            ArticleReviewer.objects.bulk_create(
                ArticleReviewer(page_id=article.pk, person=reviewer, sort_order=0)
                for article, _, reviewer, _ in built
            )
            ArticleTopic.objects.bulk_create(
                ArticleTopic(page_id=article.pk, topic=topic, sort_order=order)
                for article, _, _, article_topics in built
                for order, topic in enumerate(article_topics)
            )
            progress("articles", numbers[-1] - first + 1, total, started)
        Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
        ContentVersion.bump()
    seconds_pages = time.monotonic() - started

    started = time.monotonic()
    build_search_index(ids, started)
    seconds_index = time.monotonic() - started
    return index, seconds_pages, seconds_index


def build_search_index(ids, started):
    """Index the articles ``ids`` with the search backend's bulk call."""
    from wagtail.search.backends import get_search_backend

    from health_articles.models import HealthArticlePage

    index = get_search_backend().get_index_for_model(HealthArticlePage)
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = list(
            HealthArticlePage.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
        )
        index.add_items(HealthArticlePage, chunk)
        progress("search index", start + len(chunk), len(ids), started)


def describe(index):
    """What the benchmark needs to know about the seeded content."""
    from health_articles.models import HealthArticlePage

    articles = HealthArticlePage.objects.live()
    measured = articles.get(slug=article_text(MEASURED_ARTICLE)["slug"])
    text = article_text(MEASURED_ARTICLE)
    topic = measured.topics.select_related("topic").first().topic
    count = articles.count()
    matches = {term: articles.search(term).count() for term in (RARE_TERM, COMMON_TERM)}
    return {
        "articles": count,
        "article": {
            "id": measured.pk,
            "path": measured.get_url(),
            "title": measured.title,
            "section_headings": [heading for heading, _ in text["sections"]],
            "faq_questions": [question for question, _ in text["faq"]],
            "author": str(measured.author_people[0].name),
            "reviewer": str(measured.reviewer_people[0].name),
        },
        "topic": {"slug": topic.slug, "name": topic.name},
        "terms": {
            term: {"matches": n, "percent": round(100 * n / count, 2)}
            for term, n in matches.items()
        },
        "rare_term": RARE_TERM,
        "common_term": COMMON_TERM,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--last", type=int, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()
    configure_django()
    index, seconds_pages, seconds_index = seed(args.first, args.last, args.workdir)
    result = describe(index)
    result.update(
        seeded=args.last - args.first + 1,
        seconds_pages=round(seconds_pages, 1),
        seconds_search_index=round(seconds_index, 1),
    )
    args.result.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
