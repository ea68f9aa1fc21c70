"""An editor writes an article, a medical reviewer approves it, a reader sees it."""

import pytest
from django.core import mail

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # the browser fixture skips these tests and says why
    PlaywrightTimeoutError = TimeoutError

from health_articles.models import HealthArticlePage
from tests.factories import PersonFactory

pytestmark = pytest.mark.browser


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def insert_block(page, count_field, block_label):
    """Open the block menu of the stream whose count input is ``count_field``.

    The menu sometimes misses the first click while the editor is still settling,
    so open it again (at most three times) until the option shows.
    """
    stream = page.locator(f"input[name='{count_field}']").locator("xpath=..")
    option = page.get_by_role("option", name=block_label, exact=True)
    for _attempt in range(3):
        stream.locator("button[title='Insert a block']").last.click()
        try:
            option.first.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    option.first.click()


def type_rich_text(page, field_name, text):
    field = page.locator(f"[name='{field_name}']").locator("xpath=..")
    field.locator("[contenteditable=true]").first.click()
    page.keyboard.type(text)


def choose_person(page, panel_id, name):
    page.click(f"#{panel_id} button:has-text('Choose person')")
    page.click(f".modal a:has-text('{name}')")
    page.wait_for_selector(".modal", state="hidden")


def open_actions_menu(page):
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()


def test_editor_writes_reviewer_approves_reader_reads(
    browser,
    live_server,
    article_index,
    editor,
    reviewer,
    screenshots,
):
    editor.set_password("editor-password")
    editor.save()
    reviewer.set_password("reviewer-password")
    reviewer.save()
    PersonFactory(name="Dr Elena Marsh")
    PersonFactory(name="Dr Tomasz Keller")
    base = live_server.url

    # The editor writes the article in the StreamField editor and submits it.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, "editor", "editor-password")
    page.goto(
        f"{base}/admin/pages/add/health_articles/healtharticlepage/{article_index.pk}/"
    )
    page.fill("#id_title", "Iron and restless legs")
    page.fill("#id_summary", "How low iron is linked to restless legs.")
    choose_person(page, "panel-child-content-authors-section", "Dr Elena Marsh")
    insert_block(page, "body-count", "Section")
    page.fill("#body-0-value-heading", "What iron does")
    insert_block(page, "body-0-value-content-count", "Paragraph")
    type_rich_text(page, "body-0-value-content-count", "Iron helps make dopamine.")
    insert_block(page, "body-count", "FAQ")
    page.fill("[name='body-1-value-items-0-value-question']", "Should I take iron?")
    type_rich_text(
        page, "body-1-value-items-0-value-answer", "Only if a blood test shows it."
    )
    page.get_by_role("tab", name="Review").click()
    page.click("#id_reviewers-ADD")
    choose_person(
        page, "panel-child-review-medical_reviewers-section", "Dr Tomasz Keller"
    )
    page.fill("#id_last_reviewed", "2026-11-20")
    screenshots.take(page, "editor-filled-in")
    open_actions_menu(page)
    page.click("button[name='action-submit']")
    page.wait_for_url(f"{base}/admin/pages/{article_index.pk}/")
    screenshots.take(page, "editor-submitted")
    context.close()

    article = HealthArticlePage.objects.get(title="Iron and restless legs")
    assert not article.live
    assert article.workflow_in_progress
    assert [message.to for message in mail.outbox] == [[reviewer.email]]

    # The medical reviewer approves; approval publishes it.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, "reviewer", "reviewer-password")
    page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    open_actions_menu(page)
    screenshots.take(page, "reviewer-actions")
    page.click(
        "button[data-workflow-action-name='approve']"
        ":not([data-workflow-action-modal-url])"
    )
    page.wait_for_url(f"{base}/admin/pages/{article_index.pk}/")
    screenshots.take(page, "reviewer-approved")
    context.close()

    article.refresh_from_db()
    assert article.live

    # An anonymous reader opens the public page and sees the FAQ.
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{base}{article.url}")
    screenshots.take(page, "reader")
    assert page.locator("h1").inner_text() == "Iron and restless legs"
    question = page.locator("details.faq__item summary")
    assert question.inner_text() == "Should I take iron?"
    question.click()
    assert page.locator(".faq__answer").inner_text() == "Only if a blood test shows it."
    assert "Medically reviewed by Dr Tomasz Keller" in page.inner_text(".reviewed-by")
    context.close()
