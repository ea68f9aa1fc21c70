"""The Content Security Policy in Chromium: an editor edits, previews and publishes an
article in the Wagtail admin, and a reader reads it, searches and starts a comment,
with no violation reported anywhere (docs/csp.md)."""

import pytest

from health_articles.models import HealthArticlePage
from tests.browser.test_editorial_workflow import log_in, open_actions_menu
from tests.cms.test_csp import directives

pytestmark = pytest.mark.browser

# Every frame (the admin's preview iframe included) reports each violation to the
# test as it happens, so nothing is lost when the page navigates.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.recordCspViolation({
        page: location.href,
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: event.sourceFile,
        line: event.lineNumber,
        sample: event.sample,
    });
});
"""


class BrowserLog:
    """What the browser reported: policy violations, console messages about the
    policy, and uncaught script errors."""

    def __init__(self, context):
        self.violations = []
        self.console = []
        self.script_errors = []
        context.expose_binding(
            "recordCspViolation",
            lambda source, violation: self.violations.append(violation),
        )
        context.add_init_script(RECORD_VIOLATIONS)
        context.on("page", self.watch)

    def watch(self, page):
        page.on("console", self.console_message)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def console_message(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(f"{message.type}: {message.text}")

    def assert_clean(self):
        assert self.violations == []
        assert self.console == []
        assert self.script_errors == []


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="chief", email="chief@example.com", password="chief-password"
    )


def new_context(browser, **options):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, **options)
    context.set_default_timeout(15_000)
    return context


def test_editor_previews_and_publishes_under_the_admin_policy(
    browser, live_server, article, superuser, screenshots
):
    base = live_server.url
    context = new_context(browser)
    log = BrowserLog(context)
    page = context.new_page()
    log_in(page, base, "chief", "chief-password")
    # The dashboard asks releases.wagtail.org for the latest version (allowed).
    page.get_by_role("heading", name="Site summary").wait_for()

    response = page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    # django-csp writes the directives in no fixed order.
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    page.fill("#id_title", "Magnesium, reviewed again")

    # The preview panel frames the admin's preview of the unsaved draft.
    page.click("[data-side-panel-toggle='preview']")
    preview = page.frame_locator("#w-preview-iframe")
    preview.locator("h1", has_text="Magnesium, reviewed again").wait_for()
    assert preview.locator(".article__summary").inner_text() == article.summary
    screenshots.take(page, "preview")

    open_actions_menu(page)
    page.click("button[name='action-publish']")
    page.wait_for_url(f"{base}/admin/pages/{article.get_parent().pk}/")
    screenshots.take(page, "published")
    context.close()

    article = HealthArticlePage.objects.get(pk=article.pk)
    assert article.live
    assert article.title == "Magnesium, reviewed again"
    log.assert_clean()


def test_reader_pages_work_under_the_public_policy(
    browser, live_server, article, screenshots
):
    base = live_server.url
    context = new_context(browser)
    log = BrowserLog(context)
    page = context.new_page()

    response = page.goto(f"{base}{article.url}")
    header = response.headers["content-security-policy"]
    assert directives(header)["script-src"] == ["'self'"]
    assert "unsafe-inline" not in header
    assert page.locator("h1").inner_text() == article.title
    # The site's script ran: it enabled the comment form and the copy button.
    assert page.locator("[data-comment-form] textarea").is_enabled()
    assert page.get_by_role("button", name="Copy link").is_visible()
    page.get_by_label("Comment *").click()
    page.wait_for_function(
        "document.querySelector('[data-comment-form] input[name=token]').value"
    )
    screenshots.take(page, "article")

    page.goto(f"{base}{article.get_parent().url}")
    assert page.get_by_role("link", name=article.title).is_visible()
    page.goto(f"{base}/search/?q=Health")
    assert page.get_by_role("link", name=article.title).is_visible()
    screenshots.take(page, "search")
    context.close()

    log.assert_clean()
