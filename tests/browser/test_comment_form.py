"""Leave a Reply in a real browser: the script fetches the tokens, the reader
posts, and the comment waits for moderation."""

import pytest

from health_articles.comments.models import ReaderComment

pytestmark = pytest.mark.browser


def test_reader_posts_a_comment_with_the_script(
    browser, live_server, article, screenshots
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}{article.url}")

    form = page.locator("[data-comment-form]")
    assert form.locator("textarea").is_enabled()
    page.get_by_label("Comment *").fill("Which form of magnesium is gentlest?")
    page.get_by_label("Name *").fill("Sam Reader")
    page.get_by_label("Email *").fill("sam@example.org")
    # The signed timestamp refuses forms sent within three seconds of starting.
    page.wait_for_timeout(3500)
    assert form.locator("input[name=token]").input_value()
    screenshots.take(page, "filled")
    form.get_by_role("button", name="Post Comment").click()

    page.get_by_role("heading", name="awaiting moderation").wait_for()
    screenshots.take(page, "awaiting-moderation")
    comment = ReaderComment.objects.get()
    assert comment.text == "Which form of magnesium is gentlest?"
    assert comment.status == ReaderComment.Status.PENDING
    context.close()


def test_without_script_the_form_points_to_the_comment_page(
    browser, live_server, article
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{article.url}")

    assert page.locator("[data-comment-form] textarea").is_disabled()
    page.get_by_role("link", name="Leave your reply on the comment page").click()
    assert page.locator("input[name=token]").input_value()
    assert page.locator("textarea").is_enabled()
    context.close()
