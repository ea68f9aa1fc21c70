"""The WordPress export reader: health_articles.wordpress.wxr."""

import importlib.util
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from health_articles.wordpress.wxr import (
    WPAuthor,
    WPTerm,
    WXRError,
    items,
    normalise_url,
    survey,
)
from tests.wordpress_export import write_export

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "wordpress"
SAMPLE = DATA / "magnesium-for-akathisia.wordpress.xml"
SITE = "https://health-blog.example"


def items_by_id(path):
    return {item.post_id: item for item in items(path)}


def sample_with(tmp_path, old, new, count=1):
    """The sample export with ``old`` replaced by ``new``, as a new file."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(old) >= count
    path = tmp_path / "export.xml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


# The sample export (WXR 1.2, one classic-editor post) ----------------------------


class TestSample:
    def test_survey_reads_version_site_and_authors(self):
        result = survey(SAMPLE)

        assert result.wxr_version == "1.2"
        assert result.base_site_url == SITE
        assert result.authors == {
            "editor": WPAuthor(
                login="editor",
                email="editor@health-blog.example",
                display_name="Site Editor",
                first_name="",
                last_name="",
            )
        }
        assert result.item_count == 1
        assert result.counts_by_type == {"post": 1}

    def test_survey_maps_the_post_to_its_slug_and_addresses(self):
        result = survey(SAMPLE)

        assert result.post_slugs == {101: "magnesium-for-akathisia"}
        assert result.url_to_post == {
            "/magnesium-for-akathisia/": 101,
            "/magnesium-for-akathisia": 101,
            "/?p=101": 101,  # the guid, https://health-blog.example/?p=101
        }

    def test_a_link_in_an_article_finds_the_post_through_normalise_url(self):
        result = survey(SAMPLE)
        href = "https://health-blog.example/magnesium-for-akathisia/#faq"

        assert result.url_to_post[normalise_url(href, result.base_site_url)] == 101

    def test_items_yield_the_post_with_every_field(self):
        [post] = list(items(SAMPLE))

        assert post.post_id == 101
        assert post.title == "Magnesium for Akathisia: A Natural Treatment Option"
        assert post.slug == "magnesium-for-akathisia"
        assert post.link == f"{SITE}/magnesium-for-akathisia/"
        assert post.guid == f"{SITE}/?p=101"
        assert post.post_type == "post"
        assert post.status == "publish"
        assert post.date_gmt == datetime(2023, 9, 23, 9, 0, tzinfo=UTC)
        assert post.creator == "editor"
        assert post.content.startswith("<h2>About Akathisia</h2>\n\nAkathisia is a")
        assert "Q: Can magnesium completely cure akathisia?" in post.content
        assert post.content.endswith("Required fields are marked *")
        assert post.excerpt == ""
        assert post.terms == (
            WPTerm(domain="post_tag", slug="akathisia", name="Akathisia"),
            WPTerm(domain="post_tag", slug="magnesium", name="Magnesium"),
        )
        assert post.meta == {}
        assert post.comment_status == "open"
        assert post.comments == ()
        assert post.attachment_url == ""


# WXR 1.1 (WordPress 3.x: fewer CDATA sections, the 1.1 namespaces) -----------------


class TestWXR11:
    path = DATA / "wxr-1.1.xml"

    def test_survey_accepts_version_1_1(self):
        result = survey(self.path)

        assert result.wxr_version == "1.1"
        assert result.base_site_url == "http://www.health-blog.example"
        assert result.authors["admin"] == WPAuthor(
            login="admin",
            email="admin@health-blog.example",
            display_name="Dr Jane Smith",
            first_name="Jane",
            last_name="Smith",
        )
        assert result.counts_by_type == {"post": 2}
        assert result.post_slugs == {
            12: "vitamin-d-and-low-mood",
            15: "sunlight-and-sleep",
        }

    def test_date_based_permalinks_map_without_scheme_or_host(self):
        result = survey(self.path)

        assert result.url_to_post["/2012/03/vitamin-d-and-low-mood/"] == 12
        assert result.url_to_post["/?p=15"] == 15
        # The same site without "www." and over https is still the site.
        href = "https://health-blog.example/2012/04/sunlight-and-sleep/"
        assert result.url_to_post[normalise_url(href, result.base_site_url)] == 15

    def test_items_read_the_1_1_namespaces(self):
        post = items_by_id(self.path)[12]

        assert post.title == "Vitamin D and low mood: don\u2019t wait for winter"
        assert post.excerpt == "Why vitamin D matters in the darker months."
        assert post.content.startswith("Low vitamin D levels are common")
        assert post.date_gmt == datetime(2012, 3, 15, 14, 30, tzinfo=UTC)
        assert post.meta == {"_edit_last": "1"}
        [comment] = post.comments
        assert (comment.comment_id, comment.author, comment.type) == (3, "Tom", "")
        assert comment.url == "http://tom.example.net"
        assert comment.date_gmt == datetime(2012, 3, 16, 8, 5, 11, tzinfo=UTC)

    def test_comment_status_is_read_per_post(self):
        posts = items_by_id(self.path)

        assert posts[12].comment_status == "open"
        assert posts[15].comment_status == "closed"


# Pages, attachments, menu items and drafts ---------------------------------------


class TestPostTypes:
    path = DATA / "post-types.xml"

    def test_survey_counts_every_type(self):
        result = survey(self.path)

        assert result.item_count == 6
        assert result.counts_by_type == {
            "page": 1,
            "post": 3,
            "attachment": 1,
            "nav_menu_item": 1,
        }
        assert set(result.authors) == {"editor", "emarsh"}

    def test_only_posts_get_slugs_and_addresses(self):
        result = survey(self.path)

        assert set(result.post_slugs) == {180, 190, 205}
        assert set(result.url_to_post.values()) == {180, 190, 205}
        assert "/about-us/" not in result.url_to_post

    def test_a_post_keeps_its_own_slug_before_a_draft_with_the_same_title(self):
        # The draft (180) comes first in the file but has no slug of its own.
        assert survey(self.path).post_slugs[205] == "sleep-and-anxiety"
        assert survey(self.path).post_slugs[180] == "sleep-and-anxiety-2"

    def test_an_untitled_draft_gets_a_slug_from_its_id(self):
        assert survey(self.path).post_slugs[190] == "post-190"

    def test_a_draft_is_found_by_its_question_mark_p_address(self):
        result = survey(self.path)

        assert result.url_to_post["/?p=180"] == 180
        preview = normalise_url(f"{SITE}/?p=180&preview=true", result.base_site_url)
        assert result.url_to_post[preview] == 180

    def test_a_draft_without_gmt_date_takes_its_local_date_as_utc(self):
        draft = items_by_id(self.path)[180]

        assert draft.status == "draft"
        assert draft.slug == ""
        assert draft.date_gmt == datetime(2023, 10, 2, 8, 15, tzinfo=UTC)

    def test_a_draft_with_no_date_anywhere_has_none(self):
        # Its pubDate is WordPress's "Mon, 30 Nov -0001 00:00:00 +0000".
        assert items_by_id(self.path)[190].date_gmt is None

    def test_items_come_in_the_file_order_with_every_type(self):
        assert [(i.post_id, i.post_type) for i in items(self.path)] == [
            (150, "page"),
            (180, "post"),
            (190, "post"),
            (205, "post"),
            (206, "attachment"),
            (210, "nav_menu_item"),
        ]

    def test_attachment_has_its_url_and_file_meta(self):
        attachment = items_by_id(self.path)[206]

        assert attachment.status == "inherit"
        assert attachment.attachment_url == (
            f"{SITE}/wp-content/uploads/2023/10/bedroom.jpg"
        )
        assert attachment.meta["_wp_attached_file"] == "2023/10/bedroom.jpg"
        assert attachment.meta["_wp_attachment_image_alt"] == "A dark, tidy bedroom"
        assert attachment.excerpt == "Keep the bedroom dark and cool."

    def test_menu_item_keeps_its_meta_and_menu_term(self):
        menu_item = items_by_id(self.path)[210]

        assert menu_item.terms == (
            WPTerm(domain="nav_menu", slug="main-menu", name="Main menu"),
        )
        assert menu_item.meta["_menu_item_object_id"] == "150"
        assert menu_item.meta["_menu_item_url"] == ""

    def test_post_terms_and_meta(self):
        post = items_by_id(self.path)[205]

        assert post.terms == (
            WPTerm(domain="category", slug="mental-health", name="Mental health"),
            WPTerm(domain="post_tag", slug="sleep", name="Sleep"),
        )
        assert post.meta["_thumbnail_id"] == "206"
        # The key appears twice; the last value wins.
        assert post.meta["_yoast_wpseo_metadesc"] == (
            "How sleep and anxiety affect each other."
        )
        assert post.comment_status == "closed"
        assert '<!-- wp:image {"id":206' in post.content


# Comments in every state ---------------------------------------------------------


class TestComments:
    path = DATA / "comments.xml"

    def comments(self):
        [post] = list(items(self.path))
        return {comment.comment_id: comment for comment in post.comments}

    def test_every_state_is_kept_as_exported(self):
        assert {cid: c.approved for cid, c in self.comments().items()} == {
            11: "1",
            12: "1",
            13: "0",
            14: "spam",
            15: "trash",
            16: "1",
        }

    def test_a_reply_points_at_its_parent(self):
        assert {cid: c.parent_id for cid, c in self.comments().items()} == {
            11: 0,
            12: 11,
            13: 0,
            14: 0,
            15: 0,
            16: 0,
        }

    def test_comment_fields(self):
        comment = self.comments()[11]

        assert comment.author == "Sarah"
        assert comment.email == "sarah@example.com"
        assert comment.url == ""
        assert comment.ip == "203.0.113.7"
        assert comment.date_gmt == datetime(2023, 9, 24, 9, 12, tzinfo=UTC)
        assert comment.content == "I take 200 mg in the evening and it seems to help."
        assert comment.type == "comment"

    def test_a_staff_reply_keeps_its_ipv6_address_and_site(self):
        reply = self.comments()[12]

        assert reply.ip == "2001:db8::1"
        assert reply.url == SITE

    def test_markup_in_a_comment_is_kept_for_the_importer_to_strip(self):
        assert self.comments()[13].content == (
            "Is it safe with <strong>sertraline</strong>?"
        )

    def test_a_zero_gmt_date_is_none(self):
        assert self.comments()[15].date_gmt is None

    def test_a_pingback_keeps_its_type_and_text(self):
        pingback = self.comments()[16]

        assert pingback.type == "pingback"
        assert pingback.author == "Another Health Blog &#8211; Magnesium roundup"
        assert pingback.content.endswith("magnesium and sleep [&#8230;]")


# Addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{SITE}/magnesium-for-akathisia/#faq", "/magnesium-for-akathisia/"),
        (f"{SITE}/magnesium-for-akathisia", "/magnesium-for-akathisia"),
        ("http://www.health-blog.example/a/", "/a/"),
        ("//health-blog.example/a/", "/a/"),
        ("HTTPS://Health-Blog.Example/a/", "/a/"),
        (f"{SITE}", "/"),
        ("/?p=101", "/?p=101"),
        ("?p=101", "/?p=101"),
        (f"{SITE}/?p=101&preview=true", "/?p=101"),
        (f"{SITE}/a/?utm_source=newsletter", "/a/"),
        (f"{SITE}/caf%C3%A9-and-sleep/", "/café-and-sleep/"),
        ("#faq", ""),
        ("", ""),
        (
            "https://www.nhs.uk/conditions/?q=x#top",
            "https://www.nhs.uk/conditions/?q=x",
        ),
        ("https://health-blog.example.evil/a/", "https://health-blog.example.evil/a/"),
        ("mailto:editor@health-blog.example", "mailto:editor@health-blog.example"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_normalise_url(url, expected):
    assert normalise_url(url, SITE) == expected


def test_normalise_url_without_a_site_keeps_absolute_addresses():
    assert normalise_url(f"{SITE}/a/#x") == f"{SITE}/a/"
    assert normalise_url("/a/#x") == "/a/"


# Refusals ------------------------------------------------------------------------


def refusal(path):
    """The messages of survey() and items() for ``path``, which must be the same."""
    with pytest.raises(WXRError) as from_survey:
        survey(path)
    with pytest.raises(WXRError) as from_items:
        list(items(path))
    assert str(from_items.value) == str(from_survey.value)
    return str(from_survey.value)


class TestRefusals:
    def test_a_truncated_export_says_where_it_ends(self):
        assert refusal(DATA / "truncated.xml") == (
            "Line 79: the file ends before the export does (truncated?)."
        )

    def test_an_rss_feed_is_not_an_export(self):
        assert refusal(DATA / "not-wxr.xml") == (
            "This is XML but not a WordPress export (no <wp:wxr_version> before "
            "the first <item>)."
        )

    def test_a_channel_without_items_or_version_is_not_an_export(self, tmp_path):
        path = tmp_path / "empty-feed.xml"
        path.write_text('<rss version="2.0"><channel><title>x</title></channel></rss>')

        assert refusal(path) == (
            "This is XML but not a WordPress export (no <wp:wxr_version>)."
        )

    def test_an_atom_feed_is_not_an_export(self, tmp_path):
        path = tmp_path / "atom.xml"
        path.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title/></feed>')

        assert refusal(path) == (
            "This is XML but not a WordPress export (its root element is <feed>, "
            "not <rss>)."
        )

    def test_entity_declarations_are_refused_not_expanded(self):
        assert refusal(DATA / "entities.xml") == (
            "Line 3: the file uses XML entities, which WordPress exports never do."
        )

    def test_an_external_entity_is_refused(self, tmp_path):
        path = sample_with(
            tmp_path,
            "<rss ",
            '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<rss ',
        )

        assert "uses XML entities" in refusal(path)

    def test_a_text_file_is_not_xml(self):
        assert refusal(ROOT / "tests" / "data" / "magnesium-for-akathisia.txt") == (
            "This is not an XML file (line 1, column 1: syntax error)."
        )

    def test_an_empty_file(self, tmp_path):
        path = tmp_path / "empty.xml"
        path.write_bytes(b"")

        assert refusal(path) == "The file is empty: there is no XML in it."

    def test_a_missing_file(self, tmp_path):
        path = tmp_path / "missing.xml"

        assert refusal(path) == f"Cannot read {path}: No such file or directory."

    def test_a_folder(self, tmp_path):
        assert refusal(tmp_path) == f"Cannot read {tmp_path}: Is a directory."

    def test_wxr_1_0_is_not_supported(self, tmp_path):
        path = sample_with(tmp_path, "export/1.2/", "export/1.0/", count=2)
        path.write_text(
            path.read_text().replace("<wp:wxr_version>1.2<", "<wp:wxr_version>1.0<")
        )

        assert refusal(path) == "WXR version 1.0 is not supported (1.1 or 1.2 needed)."

    def test_a_version_in_the_wrong_namespace(self, tmp_path):
        path = sample_with(tmp_path, "<wp:wxr_version>1.2<", "<wp:wxr_version>1.1<")

        assert refusal(path) == (
            "The export says it is WXR 1.1 but its wp: elements are not in the "
            "namespace of that version (http://wordpress.org/export/1.1/)."
        )

    def test_an_html_entity_outside_cdata_is_not_well_formed(self, tmp_path):
        path = sample_with(
            tmp_path,
            "<title>Example Health Blog</title>",
            "<title>Example&nbsp;Health Blog</title>",
        )

        assert refusal(path) == (
            "Line 9, column 16: the XML is not well-formed (undefined entity)."
        )

    def test_two_exports_in_one_file(self, tmp_path):
        text = SAMPLE.read_text(encoding="utf-8")
        path = tmp_path / "twice.xml"
        path.write_text(text + text.split("\n", 1)[1], encoding="utf-8")

        second_export = len(text.splitlines()) + 1
        assert refusal(path) == (
            f"Line {second_export}, column 1: the XML is not well-formed (junk after "
            "document element)."
        )

    def test_an_item_without_post_id(self, tmp_path):
        path = sample_with(tmp_path, "<wp:post_id>101</wp:post_id>", "")

        assert refusal(path) == (
            "Item 1 (“Magnesium for Akathisia: A Natural Treatment Option”) has no "
            "numeric <wp:post_id>."
        )

    def test_two_items_with_the_same_post_id(self, tmp_path):
        text = SAMPLE.read_text(encoding="utf-8")
        item = text[text.index("\t<item>") : text.index("</channel>")]
        path = tmp_path / "duplicate.xml"
        path.write_text(text.replace(item, item + item), encoding="utf-8")

        with pytest.raises(WXRError) as refused:
            survey(path)

        assert str(refused.value) == ("Items 1 and 2 have the same <wp:post_id> (101).")

    def test_items_before_the_error_are_yielded_first(self, tmp_path):
        # Why the importer surveys first: items() meets the error only at the end.
        text = SAMPLE.read_text(encoding="utf-8")
        path = tmp_path / "cut.xml"
        path.write_text(text[: text.index("</channel>")], encoding="utf-8")

        read = []
        with pytest.raises(WXRError, match="truncated"):
            for item in items(path):
                read.append(item.post_id)

        assert read == [101]


# Memory: both passes stream --------------------------------------------------------


def peak_traced_memory(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def large_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("wordpress") / "large.xml"
    summary = write_export(path, posts=2000, comments_per_post=3)
    assert summary.items >= 3000
    assert path.stat().st_size > 20_000_000
    return path


class TestStreaming:
    def test_items_hold_one_item_at_a_time(self, large_export):
        counted = []

        peak = peak_traced_memory(
            lambda: counted.append(sum(1 for _item in items(large_export)))
        )

        assert counted == [3004]
        # A tree of the whole 22 MB file would take well over 100 MB.
        assert peak < 1_000_000

    def test_survey_holds_only_what_it_returns(self, large_export):
        surveys = []

        peak = peak_traced_memory(lambda: surveys.append(survey(large_export)))

        assert surveys[0].item_count == 3004
        assert len(surveys[0].post_slugs) == 2000
        # The slugs and addresses of 2,000 posts, not the 22 MB of XML.
        assert peak < 4_000_000


# The generated export (tests/wordpress_export.py) --------------------------------


class TestGeneratedExport:
    def test_the_same_seed_writes_the_same_bytes(self, tmp_path):
        write_export(tmp_path / "a.xml", posts=30, seed=7)
        write_export(tmp_path / "b.xml", posts=30, seed=7)
        write_export(tmp_path / "c.xml", posts=30, seed=8)

        a, b, c = (tmp_path / name for name in ("a.xml", "b.xml", "c.xml"))
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() != c.read_bytes()

    def test_the_reader_finds_what_the_generator_wrote(self, tmp_path):
        path = tmp_path / "export.xml"
        summary = write_export(path, posts=60, comments_per_post=3)

        result = survey(path)
        read = list(items(path))
        posts = [item for item in read if item.post_type == "post"]
        drafts = [post for post in posts if post.status == "draft"]

        assert result.counts_by_type == {
            "page": 2,
            "post": 60,
            "attachment": 30,
            "nav_menu_item": 2,
        }
        assert summary.items == result.item_count == len(read) == 94
        assert len(drafts) == summary.drafts == 2
        assert all(draft.slug == "" and draft.date_gmt for draft in drafts)
        assert sum(len(post.comments) for post in posts) == summary.comments == 174
        assert {c.approved for post in posts for c in post.comments} >= {"1", "0"}
        assert any(c.parent_id for post in posts for c in post.comments)
        assert len(set(result.post_slugs.values())) == 60

    def test_posts_mix_editors_faqs_images_and_links_between_posts(self, tmp_path):
        path = tmp_path / "export.xml"
        summary = write_export(path, posts=60)
        result = survey(path)
        posts = [item for item in items(path) if item.post_type == "post"]

        gutenberg = [p for p in posts if p.content.startswith("<!-- wp:")]
        classic = [p for p in posts if not p.content.startswith("<!-- wp:")]
        assert gutenberg and classic
        assert any("<!-- wp:yoast/faq-block" in p.content for p in gutenberg)
        assert any("\n\nQ: " in p.content for p in classic)
        assert sum("wp-image-" in p.content for p in posts) == len(summary.images)
        internal = [
            href.split('"')[0]
            for post in posts
            for href in post.content.split('href="')[1:]
            if href.startswith(SITE)
        ]
        assert len(internal) > 20
        assert all(
            normalise_url(href, result.base_site_url) in result.url_to_post
            for href in internal
        )


# The benchmark script (bench/import_wordpress.py) ---------------------------------


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_import_wordpress", ROOT / "bench" / "import_wordpress.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GNU_TIME_REPORT = """\
\tCommand being timed: "python manage.py import_wordpress export.xml"
\tUser time (seconds): 150.20
\tElapsed (wall clock) time (h:mm:ss or m:ss): 2:41.50
\tMaximum resident set size (kbytes): 215040
\tExit status: 0
"""


class TestBenchScript:
    def test_reads_wall_time_and_peak_memory_from_gnu_time(self, bench):
        assert bench.parse_gnu_time(GNU_TIME_REPORT) == (161.5, 215040)
        assert bench.parse_gnu_time(GNU_TIME_REPORT.replace("2:41.50", "1:02:03")) == (
            3723.0,
            215040,
        )

    def test_refuses_text_that_is_not_a_gnu_time_report(self, bench):
        with pytest.raises(ValueError, match="Not the output of /usr/bin/time -v"):
            bench.parse_gnu_time("0.01user 0.00system 0:00.01elapsed")

    def test_prints_a_markdown_table_with_posts_per_second(self, bench):
        table = bench.markdown_table(
            [
                bench.Measurement("baseline", None, 1.25, 102400, 0, ""),
                bench.Measurement("import", 2000, 160.0, 215040, 0, ""),
            ]
        )

        assert table.splitlines()[2:] == [
            "| baseline | – | 1.2 s | – | 100 MB |",
            "| import | 2,000 | 160.0 s | 12.5 | 210 MB |",
        ]

    def test_writes_a_distinct_jpeg_for_every_image(self, bench, tmp_path):
        bench.write_uploads(tmp_path, ["2023/09/a-10.jpg", "2023/10/b-12.jpg"])

        a = tmp_path / "2023" / "09" / "a-10.jpg"
        b = tmp_path / "2023" / "10" / "b-12.jpg"
        assert a.read_bytes()[:3] == b"\xff\xd8\xff"  # JPEG
        assert a.read_bytes() != b.read_bytes()
        assert (tmp_path / "2023" / "09" / "a-10-1024x683.jpg").is_file()

    def test_commands_get_a_fresh_database_and_production_settings(
        self, bench, monkeypatch, tmp_path
    ):
        monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1/healthcms")
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")

        env = bench.django_environment(tmp_path)

        assert env["DATABASE_URL"] == f"sqlite:///{tmp_path}/db.sqlite3"
        assert env["MEDIA_ROOT"] == str(tmp_path / "media")
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings"
        assert "REDIS_URL" not in env
        assert env["DJANGO_DEBUG"] == "false"
        assert len(env["DJANGO_SECRET_KEY"]) >= 50
        assert env["DJANGO_ALLOWED_HOSTS"] == "localhost"
        assert bench.django_environment(tmp_path, debug=True)["DJANGO_DEBUG"] == "true"

    def test_says_how_to_install_gnu_time_when_missing(
        self, bench, monkeypatch, tmp_path
    ):
        monkeypatch.setattr(bench, "GNU_TIME", tmp_path / "no-time")

        with pytest.raises(SystemExit) as stopped:
            bench.main([])

        assert "apt-get install -y time" in str(stopped.value)
