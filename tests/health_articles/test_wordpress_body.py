import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - a fixture from this repository
from pathlib import Path

import pytest
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail_factories import ImageFactory

from cms.blocks import INLINE_FEATURES, PARAGRAPH_FEATURES
from health_articles.models import HealthArticlePage
from health_articles.wordpress.body import ImageRef, convert, resolve_placeholders

DATA = Path(__file__).resolve().parents[1] / "data" / "wordpress"
DEMO = Path(__file__).resolve().parents[2] / "home" / "demo" / "demo_content.json"
WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"

MAGNESIUM_URL = "https://health-blog.example/magnesium-for-akathisia/"
DIET_URL = "https://health-blog.example/?p=205"
POSTS = {MAGNESIUM_URL: 101, DIET_URL: 205}
TABLETS = "https://health-blog.example/wp-content/uploads/2023/09/tablets-1024x683.jpg"
CHART = "https://health-blog.example/wp-content/uploads/2023/09/missing-chart.png"


def no_images(ref):
    return None


def run(content, *, posts=None, images=None):
    return convert(
        content,
        post_for_url=(posts or {}).get,
        image_for=images or no_images,
    )


def sample_content():
    tree = ET.parse(DATA / "magnesium-for-akathisia.wordpress.xml")  # noqa: S314
    for item in tree.getroot().iter("item"):
        if item.findtext(f"{WP}post_id") == "101":
            return item.findtext(CONTENT)
    raise AssertionError("the sample export has no post 101")


def fixture(name):
    return (DATA / name).read_text(encoding="utf-8")


def sections(converted):
    return [child["value"] for child in converted.body if child["type"] == "section"]


def faq(converted):
    faqs = [child["value"] for child in converted.body if child["type"] == "faq"]
    assert len(faqs) <= 1
    return faqs[0] if faqs else None


def questions_and_answers(converted):
    return [
        (item["value"]["question"], item["value"]["answer"])
        for item in faq(converted)["items"]
    ]


def blocks_of(converted, block_type):
    return [
        block["value"]
        for section in sections(converted)
        for block in section["content"]
        if block["type"] == block_type
    ]


def paragraphs(converted):
    return blocks_of(converted, "paragraph")


def rich_texts(body):
    """Every rich text of raw body data, with the features of its block."""
    for child in body:
        if child["type"] == "section":
            for block in child["value"]["content"]:
                if block["type"] == "paragraph":
                    yield block["value"], PARAGRAPH_FEATURES
                elif block["type"] == "callout":
                    yield block["value"]["text"], INLINE_FEATURES
        else:
            for item in child["value"]["items"]:
                yield item["value"]["answer"], INLINE_FEATURES


def convert_gutenberg(image_id=7):
    calls = []

    def image_for(ref):
        calls.append(ref)
        return image_id if ref.src == TABLETS else None

    return run(
        fixture("gutenberg-yoast-faq.html"), posts=POSTS, images=image_for
    ), calls


class TestClassicSample:
    """The seed article, as the classic editor stored it, becomes the seed article."""

    @pytest.fixture
    def converted(self):
        return run(sample_content())

    @pytest.fixture
    def seed(self):
        return json.loads(DEMO.read_text(encoding="utf-8"))["articles"][0]

    def test_headings_start_the_four_sections_of_the_seed(self, converted):
        assert [section["heading"] for section in sections(converted)] == [
            "About Akathisia",
            "Using Magnesium for Akathisia",
            "How Magnesium Works",
            "Supplementing with Magnesium",
        ]

    def test_each_bare_paragraph_is_a_paragraph_block_as_in_the_seed(
        self, converted, seed
    ):
        converted_paragraphs = [
            [block["value"] for block in section["content"]]
            for section in sections(converted)
        ]
        assert converted_paragraphs == [
            [f"<p>{text}</p>" for text in section["paragraphs"]]
            for section in seed["sections"]
        ]

    def test_q_and_a_lines_become_the_five_faq_items_without_their_labels(
        self, converted, seed
    ):
        assert converted.faq_count == 5
        assert questions_and_answers(converted) == [
            (item["question"], f"<p>{item['answer']}</p>")
            for item in seed["faq"]["items"]
        ]
        assert converted.body[-1]["type"] == "faq"
        assert faq(converted)["title"] == ""

    def test_page_chrome_is_dropped(self, converted):
        text = json.dumps(converted.body)
        for chrome in ("Share this", "Leave a Reply", "Your email address"):
            assert chrome not in text
        assert converted.warnings == []

    def test_first_paragraph_is_plain_text_for_the_summary(self, converted):
        assert converted.first_paragraph.startswith(
            "Akathisia is a movement disorder characterized by a feeling"
        )
        assert "<" not in converted.first_paragraph

    def test_every_block_has_an_id(self, converted):
        assert all(child["id"] for child in converted.body)
        assert all(
            block["id"]
            for section in sections(converted)
            for block in section["content"]
        )


class TestGutenbergPost:
    @pytest.fixture
    def result(self):
        return convert_gutenberg()

    @pytest.fixture
    def converted(self, result):
        return result[0]

    def test_text_before_the_first_heading_is_the_introduction(self, converted):
        intro = sections(converted)[0]
        assert intro["heading"] == "Introduction"
        assert [block["value"] for block in intro["content"]] == [
            "<p>Akathisia is a feeling of <i>inner restlessness</i> that some "
            "medicines cause.</p>"
        ]

    def test_h2_and_h3_start_sections_and_the_faq_comes_last(self, converted):
        assert [section["heading"] for section in sections(converted)] == [
            "Introduction",
            "What causes akathisia?",
            "Who is at risk?",
        ]
        assert [child["type"] for child in converted.body][-1] == "faq"
        # The heading right above the FAQ block titles the FAQ.
        assert faq(converted)["title"] == "Frequently asked questions"

    def test_link_to_another_post_becomes_a_page_link_placeholder(self, converted):
        assert (
            '<a linktype="page" id="wp-post-101">our article on magnesium</a>'
            in paragraphs(converted)[1]
        )
        assert converted.internal_links == {101}

    def test_external_link_keeps_only_its_address(self, converted):
        assert (
            '<a href="https://www.nhs.uk/medicines/">NHS medicines guide</a>'
            in paragraphs(converted)[1]
        )
        assert "target=" not in json.dumps(converted.body)

    def test_emphasis_is_kept_as_b_and_i(self, converted):
        assert "of <b>antipsychotics</b>." in paragraphs(converted)[1]

    def test_list_keeps_its_items_and_their_emphasis(self, converted):
        assert (
            "<ul><li>Antipsychotics such as <i>haloperidol</i></li>"
            in (paragraphs(converted)[2])
        )
        assert paragraphs(converted)[2].endswith("<li>Some antidepressants</li></ul>")

    def test_image_block_has_the_image_alt_text_and_caption(self, result):
        converted, calls = result
        assert blocks_of(converted, "image") == [
            {
                "image": 7,
                "alt_text": "Magnesium tablets in a blister pack",
                "caption": "Magnesium comes as citrate, glycinate and oxide.",
            }
        ]
        assert calls[0] == ImageRef(
            src=TABLETS,
            alt="Magnesium tablets in a blister pack",
            caption="Magnesium comes as citrate, glycinate and oxide.",
        )

    def test_missing_image_is_left_out_with_its_alt_text_in_a_warning(self, converted):
        assert (
            f"Image {CHART} was not imported (file not found); its alt text was: "
            "'Chart of symptom scores'." in converted.warnings
        )
        assert CHART not in json.dumps(converted.body)
        assert [ref.src for ref in converted.images] == [TABLETS, CHART]

    def test_group_content_is_flattened_into_the_section(self, converted):
        risk = sections(converted)[2]
        assert risk["content"][0]["value"] == (
            "<p>People who start a new medicine or raise its dose.</p>"
        )

    def test_quote_keeps_its_citation_as_attribution(self, converted):
        assert blocks_of(converted, "quote") == [
            {
                "quote": "Start low and go slow.",
                "attribution": "A common rule for new supplements",
            }
        ]

    def test_script_iframe_and_event_handler_are_dropped_with_warnings(self, converted):
        text = json.dumps(converted.body)
        assert "tracking" not in text
        assert "evil.example" not in text
        assert "track()" not in text
        assert "<p>Ask your <b>pharmacist</b> about interactions.</p>" in (
            paragraphs(converted)
        )
        assert "Dropped a <script> element." in converted.warnings
        assert (
            "Dropped an <iframe> from evil.example: embedded frames are not "
            "supported." in converted.warnings
        )
        assert "Dropped an inline event handler (onclick)." in converted.warnings

    def test_yoast_faq_block_becomes_the_faq_with_bold_kept(self, converted):
        assert converted.faq_count == 2
        assert questions_and_answers(converted) == [
            (
                "Can magnesium cure akathisia?",
                "<p>It may ease symptoms, but <b>results vary</b> from person to "
                "person.</p>",
            ),
            ("Are there side effects?", "<p>High doses can cause diarrhoea.</p>"),
        ]

    def test_warnings_name_what_was_dropped_and_nothing_else(self, converted):
        assert converted.warnings == [
            "Dropped an inline event handler (onclick).",
            "Dropped a <script> element.",
            "Dropped an <iframe> from evil.example: embedded frames are not supported.",
            "Image https://health-blog.example/wp-content/uploads/2023/09/"
            "missing-chart.png was not imported (file not found); its alt text "
            "was: 'Chart of symptom scores'.",
        ]


class TestClassicPostWithH3AndQA:
    @pytest.fixture
    def converted(self):
        return run(fixture("classic-h3-qa.html"), posts=POSTS)

    def test_single_newline_is_a_line_break_in_the_introduction(self, converted):
        intro = sections(converted)[0]
        assert intro["heading"] == "Introduction"
        assert intro["content"][0]["value"] == (
            "<p>Magnesium is a mineral the body needs for muscle and nerve function."
            "<br/>Most people get enough from food.</p>"
        )

    def test_h3_headings_start_sections(self, converted):
        assert [section["heading"] for section in sections(converted)] == [
            "Introduction",
            "Sources of magnesium",
        ]
        assert faq(converted)["title"] == "Questions readers ask"

    def test_link_by_post_id_becomes_a_placeholder(self, converted):
        assert (
            '<a linktype="page" id="wp-post-205">what a balanced diet looks like</a>'
            in paragraphs(converted)[1]
        )
        assert converted.internal_links == {205}

    def test_javascript_link_loses_its_address_and_keeps_its_text(self, converted):
        assert "<p>Click here for a free sample</p>" in paragraphs(converted)
        assert "javascript" not in json.dumps(converted.body)
        assert converted.warnings == [
            "Removed the unsafe javascript: address of the link 'Click here for a "
            "free sample'; its text was kept."
        ]

    def test_answer_runs_over_two_paragraphs_until_the_next_question(self, converted):
        assert questions_and_answers(converted) == [
            (
                "Should I take magnesium with food?",
                "<p>Yes, taking it with a meal can ease <i>stomach upset</i>.</p>"
                "<p>Most tablets are best swallowed whole with water.</p>",
            ),
            (
                "Can children take magnesium supplements?",
                "<p>Only on the advice of a doctor or pharmacist.</p>",
            ),
        ]

    def test_chrome_after_the_last_answer_is_dropped(self, converted):
        assert "Share this" not in json.dumps(converted.body)
        assert "Required fields" not in json.dumps(converted.body)


class TestLinks:
    @pytest.mark.parametrize(
        "href",
        [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \tjava\nscript:alert(1)",
            "jav&#x09;ascript:alert(1)",
            "&#106;avascript:alert(1)",
            "&amp;#106;avascript:alert(1)",
            "javascript&colon;alert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "vbscript:msgbox(1)",
        ],
    )
    def test_script_addresses_are_removed_and_the_text_kept(self, href):
        converted = run(f'<p>Read <a href="{href}">this</a> now.</p>')

        assert paragraphs(converted) == ["<p>Read this now.</p>"]
        assert len(converted.warnings) == 1
        assert converted.warnings[0].startswith("Removed the unsafe ")

    @pytest.mark.parametrize(
        "href",
        [
            "mailto:editor@health-blog.example",
            "tel:+441234567890",
            "/wp-content/uploads/leaflet.pdf",
            "#dosage",
            "https://pubmed.ncbi.nlm.nih.gov/31452104/?a=1&amp;b=2",
        ],
    )
    def test_web_email_phone_and_relative_links_are_kept(self, href):
        converted = run(f'<p>Read <a href="{href}">this</a> now.</p>')

        assert paragraphs(converted) == [f'<p>Read <a href="{href}">this</a> now.</p>']
        assert converted.warnings == []

    def test_other_schemes_lose_their_address_with_a_warning(self):
        converted = run('<p><a href="ftp://files.example/x">Files</a></p>')

        assert paragraphs(converted) == ["<p>Files</p>"]
        assert converted.warnings == [
            "Removed the ftp: address of the link 'Files' (only web, e-mail and "
            "phone links are kept); its text was kept."
        ]

    def test_links_to_posts_work_whatever_form_the_address_takes(self):
        seen = []

        def post_for_url(url):
            seen.append(url)
            return 101 if "magnesium" in url or url == "/?p=101" else None

        converted = convert(
            '<p><a href="/magnesium-for-akathisia/#faq">one</a> '
            '<a href="/?p=101">two</a> <a href="mailto:a@b.example">three</a></p>',
            post_for_url=post_for_url,
            image_for=no_images,
        )

        assert paragraphs(converted) == [
            '<p><a linktype="page" id="wp-post-101">one</a> '
            '<a linktype="page" id="wp-post-101">two</a> '
            '<a href="mailto:a@b.example">three</a></p>'
        ]
        assert seen == ["/magnesium-for-akathisia/#faq", "/?p=101"]

    def test_text_is_escaped(self):
        converted = run(
            "<p>Doses &lt; 350 mg &amp; &quot;slow release&quot; "
            "&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        )

        assert paragraphs(converted) == [
            '<p>Doses &lt; 350 mg &amp; "slow release" '
            "&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        ]


class TestSanitising:
    def test_lower_headings_stay_inside_the_paragraph(self):
        converted = run(
            "<h2>Dosage</h2><h4>For adults</h4><p>200 mg a day.</p>"
            "<h5>For children</h5><p>Ask a doctor.</p>"
        )

        assert paragraphs(converted) == [
            "<h3>For adults</h3><p>200 mg a day.</p>",
            "<h4>For children</h4><p>Ask a doctor.</p>",
        ]

    def test_empty_paragraphs_vanish(self):
        converted = run("<h2>Dosage</h2><p>&nbsp;</p><p> </p><p>200 mg.</p><p></p>")

        assert paragraphs(converted) == ["<p>200 mg.</p>"]

    def test_formatting_the_editor_lacks_is_unwrapped_with_one_warning_per_kind(
        self,
    ):
        converted = run(
            '<p><span style="color:red">Mg<sup>2+</sup></span> and '
            "<u>this</u> and <u>that</u> <blink>now</blink></p>"
        )

        assert paragraphs(converted) == ["<p>Mg2+ and this and that now</p>"]
        assert converted.warnings == [
            "Removed <sup> formatting, which the editor does not support; the text "
            "was kept.",
            "Removed <u> formatting, which the editor does not support; the text "
            "was kept.",
            "Removed unknown <blink> tags; the text inside was kept.",
        ]

    def test_nested_lists_are_kept(self):
        converted = run(
            "<ol><li>Citrate<ul><li>well absorbed</li></ul></li><li>Oxide</li></ol>"
        )

        assert paragraphs(converted) == [
            "<ol><li>Citrate<ul><li>well absorbed</li></ul></li><li>Oxide</li></ol>"
        ]

    def test_style_object_and_form_are_dropped(self):
        converted = run(
            "<style>p{}</style><p>Kept.</p><object data='x.swf'>fallback</object>"
            "<form action='/subscribe'><input name='email'>Subscribe</form>"
        )

        assert paragraphs(converted) == ["<p>Kept.</p>"]
        assert converted.warnings == [
            "Dropped a <style> element.",
            "Dropped an <object> element.",
            "Dropped a <form> element.",
        ]

    def test_markup_nested_too_deep_keeps_only_its_text(self):
        converted = run("<p>" + "<span><b>" * 500 + "Deep text." + "</b></span>" * 500)

        assert paragraphs(converted) == ["<p><b>Deep text.</b></p>"]
        assert converted.warnings == [
            "Kept only the text of markup nested more than 40 levels deep."
        ]

    def test_a_table_becomes_one_paragraph_per_row(self):
        converted = run(
            "<table><tr><th>Form</th><th>Dose</th></tr>"
            "<tr><td>Citrate</td><td><b>200 mg</b></td></tr></table>"
        )

        assert paragraphs(converted) == [
            "<p>Form | Dose</p>",
            "<p>Citrate | <b>200 mg</b></p>",
        ]
        assert converted.warnings == [
            "Turned a table into paragraphs, one for each row: tables are not "
            "supported."
        ]


class TestGutenbergBlocks:
    def test_unknown_block_is_read_as_plain_content_with_a_warning(self):
        converted = run(
            '<!-- wp:acme/notice {"type":"tip"} -->\n'
            '<div class="wp-block-acme-notice"><p>Drink water.</p></div>\n'
            "<!-- /wp:acme/notice -->"
        )

        assert paragraphs(converted) == ["<p>Drink water.</p>"]
        assert converted.warnings == [
            "Converted the unsupported block wp:acme/notice as plain content."
        ]

    def test_embed_is_dropped_with_a_warning_naming_it(self):
        converted = run(
            '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc",'
            '"type":"video","providerNameSlug":"youtube","responsive":true} -->\n'
            '<figure class="wp-block-embed is-type-video is-provider-youtube">'
            '<div class="wp-block-embed__wrapper">\n'
            "https://www.youtube.com/watch?v=abc\n</div></figure>\n"
            "<!-- /wp:embed -->\n"
            "<!-- wp:paragraph -->\n<p>After the video.</p>\n<!-- /wp:paragraph -->"
        )

        assert paragraphs(converted) == ["<p>After the video.</p>"]
        assert converted.warnings == [
            "Dropped an embed from www.youtube.com "
            "(https://www.youtube.com/watch?v=abc): embeds are not supported."
        ]

    def test_columns_are_flattened_in_reading_order(self):
        converted = run(
            '<!-- wp:columns -->\n<div class="wp-block-columns">'
            '<!-- wp:column -->\n<div class="wp-block-column">'
            "<!-- wp:paragraph -->\n<p>Left.</p>\n<!-- /wp:paragraph --></div>\n"
            '<!-- /wp:column -->\n<!-- wp:column -->\n<div class="wp-block-column">'
            "<!-- wp:paragraph -->\n<p>Right.</p>\n<!-- /wp:paragraph --></div>\n"
            "<!-- /wp:column --></div>\n<!-- /wp:columns -->"
        )

        assert paragraphs(converted) == ["<p>Left.</p>", "<p>Right.</p>"]
        assert converted.warnings == []

    def test_gutenberg_newlines_inside_a_paragraph_are_spaces(self):
        converted = run(
            "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->"
        )

        assert paragraphs(converted) == ["<p>One two</p>"]

    def test_several_faq_blocks_merge_into_one_faq(self):
        block = (
            "<!-- wp:yoast/faq-block -->\n"
            '<div class="schema-faq wp-block-yoast-faq-block">'
            '<div class="schema-faq-section" id="faq-question-{n}">'
            '<strong class="schema-faq-question">Question {n}?</strong> '
            '<p class="schema-faq-answer">Answer {n}.</p> </div> </div>\n'
            "<!-- /wp:yoast/faq-block -->\n"
        )
        converted = run(
            block.format(n=1)
            + "<!-- wp:paragraph -->\n<p>Between.</p>\n<!-- /wp:paragraph -->\n"
            + block.format(n=2)
        )

        assert [child["type"] for child in converted.body] == ["section", "faq"]
        assert questions_and_answers(converted) == [
            ("Question 1?", "<p>Answer 1.</p>"),
            ("Question 2?", "<p>Answer 2.</p>"),
        ]


class TestClassicImages:
    def test_caption_shortcode_becomes_an_image_with_its_caption(self):
        seen = []

        def image_for(ref):
            seen.append(ref)
            return 3

        converted = run(
            '[caption id="attachment_42" align="aligncenter" width="300"]'
            '<a href="/wp-content/uploads/tablets.jpg"><img class="size-medium '
            'wp-image-42" src="/wp-content/uploads/tablets-300x200.jpg" '
            'alt="Tablets" width="300" height="200" /></a> Magnesium tablets'
            "[/caption]\n\nText after.",
            images=image_for,
        )

        assert seen == [
            ImageRef(
                src="/wp-content/uploads/tablets-300x200.jpg",
                alt="Tablets",
                caption="Magnesium tablets",
            )
        ]
        assert [block["type"] for block in sections(converted)[0]["content"]] == [
            "image",
            "paragraph",
        ]

    def test_image_without_alt_text_falls_back_to_its_caption_with_a_warning(self):
        converted = run(
            '<figure><img src="/u/chart.png"><figcaption>Scores by week'
            "</figcaption></figure>",
            images=lambda ref: 9,
        )

        assert blocks_of(converted, "image") == [
            {"image": 9, "alt_text": "Scores by week", "caption": "Scores by week"}
        ]
        assert converted.warnings == [
            "Image /u/chart.png had no alt text, so 'Scores by week' stands in for "
            "it: please describe the image."
        ]

    def test_image_inside_a_paragraph_splits_it_in_reading_order(self):
        converted = run(
            'Before.\n<img src="/u/a.png" alt="A" />\nAfter.', images=lambda ref: 1
        )

        assert [
            (block["type"], block["value"])
            for block in sections(converted)[0]["content"]
        ] == [
            ("paragraph", "<p>Before.</p>"),
            ("image", {"image": 1, "alt_text": "A", "caption": ""}),
            ("paragraph", "<p>After.</p>"),
        ]


class TestQuestionsAndAnswers:
    def test_q_and_a_on_one_paragraph_split_at_the_line_break(self):
        converted = run("Q: Is it safe?\nA: Usually, <b>yes</b>.")

        assert questions_and_answers(converted) == [
            ("Is it safe?", "<p>Usually, <b>yes</b>.</p>")
        ]

    def test_bold_labels_are_removed_too(self):
        converted = run("<p><b>Q:</b> Is it safe?</p><p><b>A:</b> Usually.</p>")

        assert questions_and_answers(converted) == [("Is it safe?", "<p>Usually.</p>")]

    def test_a_question_without_an_answer_stays_a_paragraph(self):
        converted = run("<h2>Notes</h2><p>Q: Is it safe?</p><p>Nobody knows.</p>")

        assert faq(converted) is None
        assert paragraphs(converted) == [
            "<p>Q: Is it safe?</p>",
            "<p>Nobody knows.</p>",
        ]

    def test_a_question_in_a_heading_takes_what_follows_as_its_answer(self):
        converted = run(
            "<h2>Dosage</h2><p>200 mg.</p>"
            "<h3>Q: Is it safe?</h3><p>Usually.</p><p>Ask first.</p>"
            "<h2>Sources</h2><p>Nuts.</p>"
        )

        assert [section["heading"] for section in sections(converted)] == [
            "Dosage",
            "Sources",
        ]
        assert questions_and_answers(converted) == [
            ("Is it safe?", "<p>Usually.</p><p>Ask first.</p>")
        ]

    def test_a_label_alone_is_not_a_question(self):
        converted = run("<p>Q:</p><p>A: Something.</p>")

        assert faq(converted) is None
        assert paragraphs(converted) == ["<p>Q:</p>", "<p>A: Something.</p>"]

    def test_answers_keep_lists_but_never_subheadings(self):
        converted = run(
            "<p>Q: Which forms?</p><p>A: Several:</p><ul><li>citrate</li></ul>"
            "<h4>More</h4><p>Text.</p>"
        )

        assert questions_and_answers(converted) == [
            ("Which forms?", "<p>Several:</p><ul><li>citrate</li></ul>")
        ]
        assert paragraphs(converted) == ["<h3>More</h3><p>Text.</p>"]


class TestResolvePlaceholders:
    @pytest.fixture
    def body(self):
        converted = run(
            '<h2>Read more</h2><p><a href="/a/">A</a> and <a href="/b/">B</a></p>'
            '<p>Q: Where?</p><p>A: See <a href="/b/">B</a>.</p>',
            posts={"/a/": 1, "/b/": 2},
        )
        return converted.body

    def test_known_posts_link_to_their_pages_and_unknown_ones_are_unlinked(self, body):
        original = json.dumps(body)

        resolved, replaced = resolve_placeholders(body, {1: 501})

        assert replaced == 1
        assert resolved[0]["value"]["content"][0]["value"] == (
            '<p><a linktype="page" id="501">A</a> and B</p>'
        )
        assert resolved[1]["value"]["items"][0]["value"]["answer"] == "<p>See B.</p>"
        assert json.dumps(body) == original  # the argument is left alone

    def test_faq_answers_are_resolved(self, body):
        resolved, replaced = resolve_placeholders(body, {1: 501, 2: 502})

        assert replaced == 3
        assert resolved[1]["value"]["items"][0]["value"]["answer"] == (
            '<p>See <a linktype="page" id="502">B</a>.</p>'
        )

    def test_block_ids_are_kept(self, body):
        resolved, _ = resolve_placeholders(body, {})

        assert [child["id"] for child in resolved] == [child["id"] for child in body]


@pytest.mark.django_db
class TestWagtailAcceptsTheOutput:
    """What the converter writes is what Wagtail's own editor would have saved."""

    @pytest.fixture
    def page_for_post(self, article):
        return {101: article.pk, 205: article.pk}

    @pytest.fixture(params=["gutenberg-yoast-faq.html", "classic-h3-qa.html", "sample"])
    def body(self, request, page_for_post):
        image = ImageFactory()
        content = (
            sample_content() if request.param == "sample" else fixture(request.param)
        )
        converted = convert(
            content, post_for_url=POSTS.get, image_for=lambda ref: image.pk
        )
        resolved, _ = resolve_placeholders(converted.body, page_for_post)
        return resolved

    def test_body_passes_the_stream_fields_validation(self, body):
        stream_block = HealthArticlePage.body.field.stream_block

        value = stream_block.to_python(body)
        stream_block.clean(value)

        assert len(value) == len(body)

    def test_rich_text_survives_the_editor_unchanged(self, body):
        for rich_text, features in rich_texts(body):
            converter = ContentstateConverter(features)
            saved = converter.to_database_format(
                converter.from_database_format(rich_text)
            )
            assert re.sub(r' data-block-key="[^"]*"', "", saved) == rich_text
