"""``manage.py import_wordpress``: a WordPress export becomes health articles."""

import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.contrib.redirects.models import Redirect

from health_articles.comments.models import ReaderComment
from health_articles.models import HealthArticlePage, WordPressOrigin
from tests.factories import PersonFactory

DATA = Path(__file__).resolve().parents[1] / "data" / "wordpress"
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples"
SAMPLE_FILE = "magnesium-for-akathisia.wordpress.xml"


@pytest.fixture
def sample(tmp_path):
    source = DATA / SAMPLE_FILE
    if not source.exists():
        source = SAMPLE / SAMPLE_FILE
    return Path(shutil.copy(source, tmp_path / SAMPLE_FILE))


@pytest.fixture
def reviewer(db):
    return PersonFactory(name="Dr Tomasz Keller", slug="tomasz-keller")


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def reviewed(reviewer):
    return ("--reviewer", reviewer.slug, "--reviewed-on", "2024-01-15")


def body_of(revision):
    body = revision.content["body"]
    return json.loads(body) if isinstance(body, str) else body


def imported_article():
    return HealthArticlePage.objects.get(slug="magnesium-for-akathisia")


class TestTheSample:
    def test_it_becomes_the_seed_articles_structure(
        self, article_index, sample, reviewer
    ):
        output = run_import(sample, *reviewed(reviewer))

        page = imported_article()
        sections = [b for b in page.body if b.block_type == "section"]
        assert [s.value["heading"] for s in sections] == [
            "About Akathisia",
            "Using Magnesium for Akathisia",
            "How Magnesium Works",
            "Supplementing with Magnesium",
        ]
        faq = page.faq_items()
        assert len(faq) == 5
        assert faq[0].question == "Can magnesium completely cure akathisia?"
        assert str(faq[0].answer).startswith("<p>While magnesium supplementation")
        assert {topic.slug for topic in page.topic_list} == {"akathisia", "magnesium"}
        text = " ".join(str(block.value) for block in page.body)
        for chrome in ("Share this", "Leave a Reply", "will not be published"):
            assert chrome not in text
        assert "Created: 1" in output

    def test_dates_summary_author_and_review(self, article_index, sample, reviewer):
        run_import(sample, *reviewed(reviewer))

        page = imported_article()
        assert page.live
        assert page.first_published == date(2023, 9, 23)
        assert page.first_published_at.isoformat().startswith("2023-09-23T09:00")
        assert page.summary.startswith("Akathisia is a movement disorder")
        assert len(page.summary) <= 300
        assert [p.name for p in page.author_people] == ["Site Editor"]
        assert page.reviewer_people == [reviewer]
        assert page.last_reviewed == date(2024, 1, 15)

    def test_without_a_medical_review_it_waits_as_a_draft(self, article_index, sample):
        output = run_import(sample)

        page = imported_article()
        assert not page.live
        assert "imported as a draft" in output
        assert "medical reviewer" in output

    def test_old_address_redirects_to_the_article(
        self, client, article_index, sample, reviewer
    ):
        run_import(sample, *reviewed(reviewer))

        response = client.get("/magnesium-for-akathisia/")

        assert response.status_code == 301
        assert response["Location"].endswith("/articles/magnesium-for-akathisia/")
        assert client.get(response["Location"]).status_code == 200
        assert Redirect.objects.count() == 1

    def test_admin_shows_where_it_came_from(
        self, admin_client, article_index, sample, reviewer
    ):
        run_import(sample, *reviewed(reviewer))
        page = imported_article()

        html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()

        assert "Imported from WordPress" in html
        assert "https://health-blog.example/magnesium-for-akathisia/" in html


class TestRunningAgain:
    def test_second_import_changes_nothing(self, article_index, sample, reviewer):
        run_import(sample, *reviewed(reviewer))
        page = imported_article()
        first = body_of(page.get_latest_revision())
        counts = (HealthArticlePage.objects.count(), ReaderComment.objects.count())

        output = run_import(sample, *reviewed(reviewer))

        assert "Updated: 1" in output and "Created: 0" in output
        assert counts == (
            HealthArticlePage.objects.count(),
            ReaderComment.objects.count(),
        )
        assert WordPressOrigin.objects.count() == 1
        again = body_of(imported_article().get_latest_revision())
        assert [b["value"] for b in again] == [b["value"] for b in first]

    def test_an_edited_article_is_left_alone_without_force(
        self, article_index, sample, reviewer
    ):
        run_import(sample, *reviewed(reviewer))
        page = imported_article()
        page.title = "Edited by our editor"
        page.save_revision().publish()

        output = run_import(sample, *reviewed(reviewer))

        assert imported_article().title == "Edited by our editor"
        assert "edited in Wagtail since it was imported" in output

        run_import(sample, *reviewed(reviewer), "--force")
        assert imported_article().title.startswith("Magnesium for Akathisia")


class TestSafety:
    def test_dry_run_writes_nothing(self, article_index, sample):
        output = run_import(sample, "--dry-run")

        assert "Dry run" in output
        assert not HealthArticlePage.objects.exists()
        assert not Redirect.objects.exists()

    def test_a_file_that_is_not_an_export_writes_nothing(self, article_index, tmp_path):
        bad = tmp_path / "not.xml"
        bad.write_text("<html><body>Not an export</body></html>")

        with pytest.raises(CommandError, match="Nothing was imported"):
            run_import(bad)
        assert not HealthArticlePage.objects.exists()

    def test_a_truncated_file_writes_nothing(self, article_index, sample):
        text = sample.read_text()
        sample.write_text(text[: len(text) // 2])

        with pytest.raises(CommandError, match="Nothing was imported"):
            run_import(sample)
        assert not HealthArticlePage.objects.exists()

    def test_a_missing_index_is_a_clear_error(self, db, sample):
        with pytest.raises(CommandError, match="No article index"):
            run_import(sample, "--index", "no-such-index")

    def test_reviewer_needs_a_date(self, article_index, sample, reviewer):
        with pytest.raises(CommandError, match="together"):
            run_import(sample, "--reviewer", reviewer.slug)


def export_of(tmp_path, *posts, name="export.xml"):
    """A small WXR 1.2 export of ``posts``: dicts with id, slug, title, content and
    optionally status, comment_status, excerpt, meta, tags."""
    items = []
    for post in posts:
        tags = "".join(
            f'<category domain="post_tag" nicename="{tag}"><![CDATA[{tag.title()}]]>'
            "</category>"
            for tag in post.get("tags", [])
        )
        meta = "".join(
            f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
            f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
            for key, value in post.get("meta", {}).items()
        )
        items.append(
            f"""<item>
<title><![CDATA[{post["title"]}]]></title>
<link>https://health-blog.example/{post["slug"]}/</link>
<pubDate>Sat, 23 Sep 2023 09:00:00 +0000</pubDate>
<dc:creator><![CDATA[editor]]></dc:creator>
<guid isPermaLink="false">https://health-blog.example/?p={post["id"]}</guid>
<description></description>
<content:encoded><![CDATA[{post["content"]}]]></content:encoded>
<excerpt:encoded><![CDATA[{post.get("excerpt", "")}]]></excerpt:encoded>
<wp:post_id>{post["id"]}</wp:post_id>
<wp:post_date><![CDATA[2023-09-23 09:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2023-09-23 09:00:00]]></wp:post_date_gmt>
<wp:comment_status><![CDATA[{post.get("comment_status", "open")}]]></wp:comment_status>
<wp:post_name><![CDATA[{post["slug"]}]]></wp:post_name>
<wp:status><![CDATA[{post.get("status", "publish")}]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
{tags}{meta}
</item>"""
        )
    path = tmp_path / name
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Example Health Blog</title><link>https://health-blog.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://health-blog.example</wp:base_site_url>
<wp:base_blog_url>https://health-blog.example</wp:base_blog_url>
<wp:author><wp:author_login><![CDATA[editor]]></wp:author_login>
<wp:author_display_name><![CDATA[Site Editor]]></wp:author_display_name></wp:author>
{"".join(items)}
</channel></rss>"""
    )
    return path


def post(post_id, slug, content, **extra):
    return {
        "id": post_id,
        "slug": slug,
        "title": slug.replace("-", " ").capitalize(),
        "content": content,
        **extra,
    }


def linked_page_ids(page):
    import re

    html = repr(list(page.get_latest_revision_as_object().body.raw_data))
    return [int(found) for found in re.findall(r'linktype="page" id="(\d+)"', html)]


class TestBetweenPosts:
    def test_links_to_later_posts_become_page_links(
        self, article_index, tmp_path, reviewer
    ):
        export = export_of(
            tmp_path,
            post(
                1,
                "first",
                '<h2>Intro</h2>\n\nSee <a href="https://health-blog.example/second/">'
                'the second post</a> and <a href="/?p=3">the third</a>.',
            ),
            post(2, "second", "<h2>Two</h2>\n\nText two."),
            post(3, "third", "<h2>Three</h2>\n\nText three."),
        )

        output = run_import(export, *reviewed(reviewer))

        first = HealthArticlePage.objects.get(slug="first")
        second = HealthArticlePage.objects.get(slug="second")
        third = HealthArticlePage.objects.get(slug="third")
        assert linked_page_ids(first) == [second.pk, third.pk]
        assert "Links between posts: 2" in output

    def test_a_failing_post_rolls_back_alone(
        self, article_index, tmp_path, reviewer, monkeypatch
    ):
        from health_articles.wordpress import importer

        real = importer.body_conversion.convert

        def convert(content, **kwargs):
            if "explode" in content:
                raise RuntimeError("converter crashed")
            return real(content, **kwargs)

        monkeypatch.setattr(importer.body_conversion, "convert", convert)
        export = export_of(
            tmp_path,
            post(1, "good-one", "<h2>A</h2>\n\nFine."),
            post(2, "bad-one", "<h2>B</h2>\n\nexplode"),
            post(3, "good-two", "<h2>C</h2>\n\nFine too."),
        )

        output = run_import(export, *reviewed(reviewer))

        slugs = set(HealthArticlePage.objects.values_list("slug", flat=True))
        assert slugs == {"good-one", "good-two"}
        assert "Bad one: failed and was rolled back: converter crashed" in output
        assert not WordPressOrigin.objects.filter(post_id=2).exists()

    def test_yoast_description_excerpt_and_closed_comments(
        self, article_index, tmp_path, reviewer
    ):
        export = export_of(
            tmp_path,
            post(
                7,
                "closed-post",
                "<h2>Heading</h2>\n\nBody text.",
                comment_status="closed",
                excerpt="A hand-written <b>excerpt</b>.",
                meta={"_yoast_wpseo_metadesc": "What Yoast said about it."},
                tags=["sleep"],
            ),
        )

        output = run_import(export, *reviewed(reviewer))

        page = HealthArticlePage.objects.get(slug="closed-post")
        assert page.comments_enabled is False
        assert page.summary == "A hand-written excerpt."
        assert page.search_description == "What Yoast said about it."
        assert [t.slug for t in page.topic_list] == ["sleep"]
        assert "new topic “Sleep” created as a Condition" in output


class TestFixtures:
    def test_comments_in_each_state(self, article_index, reviewer):
        output = run_import(DATA / "comments.xml", *reviewed(reviewer))

        statuses = sorted(ReaderComment.objects.values_list("status", flat=True))
        assert "approved" in statuses and "pending" in statuses
        assert "spam" not in output.lower() or "skipped (spam)" in output
        assert not ReaderComment.objects.filter(status="rejected").exists()
        for comment in ReaderComment.objects.all():
            assert comment.import_key.startswith("wordpress:")
            assert comment.parent is None or comment.parent.parent is None
        page = ReaderComment.objects.first().page
        assert "sarah@example.com" not in run_client_html(page)

        again = run_import(DATA / "comments.xml", *reviewed(reviewer))
        assert ReaderComment.objects.count() == len(statuses)
        assert "already imported" in again

    def test_drafts_and_other_types(self, article_index):
        output = run_import(DATA / "post-types.xml")

        assert not HealthArticlePage.objects.live().exists()
        assert HealthArticlePage.objects.filter(title="Sleep and anxiety").exists()
        for post_type in ("page", "attachment", "nav_menu_item"):
            assert f"not a post (its type is {post_type})" in output

    def test_skip_drafts(self, article_index):
        output = run_import(DATA / "post-types.xml", "--skip-drafts")

        assert "(--skip-drafts)" in output
        assert (
            not HealthArticlePage.objects.filter(live=False)
            .exclude(wordpress_origin__isnull=True)
            .filter(title="")
            .exists()
        )

    def test_wxr_1_1_imports(self, article_index):
        run_import(DATA / "wxr-1.1.xml")

        assert WordPressOrigin.objects.exists()

    @pytest.mark.parametrize("name", ["truncated.xml", "not-wxr.xml", "entities.xml"])
    def test_bad_files_write_nothing(self, article_index, name):
        with pytest.raises(CommandError, match="Nothing was imported"):
            run_import(DATA / name)
        assert not HealthArticlePage.objects.exists()
        assert not ReaderComment.objects.exists()


def run_client_html(page):
    from django.test import Client

    return Client().get(page.url).content.decode() if page.live else ""


class TestImages:
    CONTENT = (
        "<!-- wp:heading -->\n<h2>Forms of magnesium</h2>\n<!-- /wp:heading -->\n"
        "<!-- wp:paragraph -->\n<p>Two common forms.</p>\n<!-- /wp:paragraph -->\n"
        '<!-- wp:image {"id":42} -->\n<figure class="wp-block-image"><img src="'
        'https://health-blog.example/wp-content/uploads/2023/09/tablets-300x200.jpg"'
        ' alt="Magnesium tablets"/><figcaption>Citrate and glycinate</figcaption>'
        "</figure>\n<!-- /wp:image -->\n"
        '<!-- wp:image -->\n<figure class="wp-block-image"><img src="'
        'https://health-blog.example/wp-content/uploads/2023/09/missing.jpg"'
        ' alt="A missing chart"/></figure>\n<!-- /wp:image -->'
    )

    @pytest.fixture
    def media_dir(self, tmp_path):
        from wagtail.images.tests.utils import get_test_image_file

        folder = tmp_path / "uploads" / "2023" / "09"
        folder.mkdir(parents=True)
        (folder / "tablets.jpg").write_bytes(get_test_image_file().file.getvalue())
        return tmp_path / "uploads"

    def test_images_come_from_the_media_folder(
        self, article_index, tmp_path, media_dir, reviewer
    ):
        from wagtail.images import get_image_model

        export = export_of(tmp_path, post(9, "forms", self.CONTENT))

        output = run_import(export, "--media-dir", str(media_dir), *reviewed(reviewer))

        page = HealthArticlePage.objects.get(slug="forms")
        [image_block] = [
            block
            for section in page.body
            for block in section.value["content"]
            if block.block_type == "image"
        ]
        assert image_block.value["alt_text"] == "Magnesium tablets"
        assert image_block.value["caption"] == "Citrate and glycinate"
        assert image_block.value["image"].file.name.endswith(".jpg")
        assert "missing.jpg" in output and "A missing chart" in output

        run_import(export, "--media-dir", str(media_dir), *reviewed(reviewer))
        assert get_image_model().objects.count() == 1

    def test_without_a_media_folder_images_are_reported(
        self, article_index, tmp_path, reviewer
    ):
        export = export_of(tmp_path, post(9, "forms", self.CONTENT))

        output = run_import(export, *reviewed(reviewer))

        assert "no --media-dir" in output
        assert HealthArticlePage.objects.get(slug="forms").live


def test_drafts_get_no_redirect(client, article_index, tmp_path):
    export = export_of(
        tmp_path, post(5, "secret-plans", "<h2>Plans</h2>\n\nSoon.", status="draft")
    )

    run_import(export)

    assert HealthArticlePage.objects.get(slug="secret-plans").live is False
    assert not Redirect.objects.exists()
    assert client.get("/secret-plans/").status_code == 404


def test_an_excerpts_script_is_not_summary_text(article_index, tmp_path, reviewer):
    export = export_of(
        tmp_path,
        post(
            4,
            "scripted",
            "<h2>A</h2>\n\nBody.",
            excerpt="Plain words.<script>alert(1)</script>",
        ),
    )

    run_import(export, *reviewed(reviewer))

    assert HealthArticlePage.objects.get(slug="scripted").summary == "Plain words."


class TestReviewFixes:
    def test_a_post_made_private_is_taken_down(self, article_index, tmp_path, reviewer):
        run_import(
            export_of(tmp_path, post(1, "was-public", "<h2>A</h2>\n\nB.")),
            *reviewed(reviewer),
        )
        assert HealthArticlePage.objects.get(slug="was-public").live

        private = export_of(
            tmp_path,
            post(1, "was-public", "<h2>A</h2>\n\nB.", status="private"),
            name="again.xml",
        )
        output = run_import(private, *reviewed(reviewer))

        assert not HealthArticlePage.objects.get(slug="was-public").live
        assert "no longer published in WordPress" in output

    def test_an_article_an_editor_unpublished_stays_down(
        self, article_index, tmp_path, reviewer
    ):
        export = export_of(tmp_path, post(1, "taken-down", "<h2>A</h2>\n\nB."))
        run_import(export, *reviewed(reviewer))
        HealthArticlePage.objects.get(slug="taken-down").unpublish(log_action=True)

        output = run_import(export, *reviewed(reviewer))

        assert not HealthArticlePage.objects.get(slug="taken-down").live
        assert "edited in Wagtail since it was imported" in output

    def test_password_protected_posts_stay_drafts(
        self, article_index, tmp_path, reviewer
    ):
        export = export_of(tmp_path, post(2, "members", "<h2>A</h2>\n\nB."))
        text = export.read_text().replace(
            "<wp:post_type>",
            "<wp:post_password><![CDATA[s3cret]]></wp:post_password><wp:post_type>",
        )
        export.write_text(text)

        output = run_import(export, *reviewed(reviewer))

        assert not HealthArticlePage.objects.get(slug="members").live
        assert "password-protected" in output

    def test_odd_images_and_links_do_not_lose_the_post(
        self, article_index, tmp_path, reviewer
    ):
        media = tmp_path / "uploads"
        (media / "2023").mkdir(parents=True)
        (media / "2023" / "fake.jpg").write_text("not an image")
        content = (
            "<h2>A</h2>\n\nText.\n\n"
            '<img src="data:image/png;base64,iVBORw0KGgo=" alt="pasted">\n\n'
            '<img src="https://health-blog.example/wp-content/uploads/2023/fake.jpg"'
            ' alt="fake">'
        )
        export = export_of(tmp_path, post(3, "odd", content))
        export.write_text(
            export.read_text().replace(
                "<link>https://health-blog.example/odd/</link>",
                "<link>javascript:alert(1)</link>",
            )
        )

        output = run_import(export, "--media-dir", str(media), *reviewed(reviewer))

        page = HealthArticlePage.objects.get(slug="odd")
        assert page.live
        assert "could not be read" in output
        assert WordPressOrigin.objects.get(page=page).original_url == ""
        assert not Redirect.objects.exists()

    def test_summary_is_cut_at_a_word(self, article_index, tmp_path, reviewer):
        words = " ".join(["magnesium"] * 60)
        run_import(
            export_of(tmp_path, post(4, "long", "<h2>A</h2>\n\nB.", excerpt=words)),
            *reviewed(reviewer),
        )

        summary = HealthArticlePage.objects.get(slug="long").summary
        assert len(summary) <= 300
        assert summary.endswith("magnesium…")

    def test_an_unknown_encoding_is_refused(self, article_index, sample):
        sample.write_text(
            sample.read_text().replace('encoding="UTF-8"', 'encoding="x-nonsense"')
        )

        with pytest.raises(CommandError, match="Nothing was imported"):
            run_import(sample)


def test_an_address_that_is_not_an_ip_is_not_kept():
    from health_articles.wordpress.importer import valid_ip

    assert valid_ip("unknown") is None
    assert valid_ip(" 203.0.113.7 ") == "203.0.113.7"
    assert valid_ip("") is None


def test_a_comment_a_moderator_deleted_is_not_imported_again(article_index, reviewer):
    run_import(DATA / "comments.xml", *reviewed(reviewer))
    count = ReaderComment.objects.count()
    ReaderComment.objects.filter(parent__isnull=True).first().delete()
    left = ReaderComment.objects.count()
    assert left < count

    output = run_import(DATA / "comments.xml", *reviewed(reviewer))

    assert ReaderComment.objects.count() == left
    assert "deleted here since import" in output
