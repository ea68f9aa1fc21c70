"""axe-core (WCAG 2.2 AA rules), narrow screens and the keyboard, in Chromium."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {
    "home": "/",
    "index": "/articles/",
    "topic": "/articles/topics/akathisia/",
    "article": "/articles/magnesium-for-akathisia/",
    "search": "/search/?q=magnesium",
    "not-found": "/no-such-page/",
}
WIDTHS = [375, 1280]


@pytest.fixture
def site(live_server, home_page):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def axe_violations(page, axe_script):
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    assert result["passes"], "axe checked nothing"
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_accessibility_violations_and_no_sideways_scroll(
    browser, axe_script, site, screenshots, name, width
):
    # axe is injected as an inline script, which the site's policy refuses (as it
    # should): the test's own script bypasses it. tests/browser/test_csp.py checks
    # the pages under the policy.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(site + PAGES[name])
    screenshots.take(page, f"{name}-{width}")

    violations = axe_violations(page, axe_script)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()

    assert violations == [], json.dumps(violations, indent=2)
    assert scroll_width <= width


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + PAGES["article"])

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    focused_after = page.evaluate("document.activeElement.id")
    page.close()

    assert focused == "Skip to main content"
    assert focused_after == "main"


def test_every_faq_item_is_reached_and_operated_with_the_keyboard(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + PAGES["article"])
    count = page.locator("details.faq__item").count()

    reached, opened, closed = [], [], []
    for _ in range(200):  # Tab through the whole page, once
        page.keyboard.press("Tab")
        tag = page.evaluate("document.activeElement.tagName")
        if tag == "BODY":
            break
        if tag == "SUMMARY":
            item_id = page.evaluate("document.activeElement.parentElement.id")
            if item_id in reached:
                break
            reached.append(item_id)
            page.keyboard.press("Enter")
            opened.append(page.evaluate(f"document.getElementById('{item_id}').open"))
            page.keyboard.press("Space")
            closed.append(
                not page.evaluate(f"document.getElementById('{item_id}').open")
            )
    page.close()

    assert count == 5
    assert len(reached) == count
    assert all(opened)
    assert all(closed)


def test_faq_link_opens_its_item(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + PAGES["article"])
    third = page.locator("details.faq__item").nth(2)
    anchor = third.get_attribute("id")

    page.goto(f"{site}{PAGES['article']}#{anchor}")
    page.wait_for_function(f"document.getElementById('{anchor}').open")
    others_open = page.evaluate(
        "[...document.querySelectorAll('details.faq__item')].filter(d => d.open).length"
    )
    page.close()

    assert others_open == 1
