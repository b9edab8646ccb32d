"""What the browser tests do as the people at work: log in through the pages (an official
with the authenticator's code too) and take an action from a dossier's one action panel."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from motcua.accounts.models import User
from motcua.accounts.two_factor import needs_second_factor
from tests.second_factor import give_authenticator, pass_second_factor

PASSWORD = "mot-cua-dien-tu"
# The office's screen; a citizen's phone is narrower.
SCREEN = {"width": 1366, "height": 768}


def person(username: str, **fields) -> User:
    return User.objects.create_user(username, password=PASSWORD, **fields)


def logged_in(browser, live_server, username: str, **options):
    """A new browser context logged in through the page: the password, then an official's
    authenticator code. `options` are the context's (a viewport, say)."""
    user = User.objects.get(username=username)
    device = give_authenticator(user) if needs_second_factor(user) else None
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        pass_second_factor(page, device)
    return context, page


def act(page, code: str, button: str, **fields) -> None:
    """Choose the action in the dossier's one panel, give what it needs, take it."""
    page.goto(f"/mot-cua/ho-so/{code}/")
    choice = page.locator(f'[data-choose="{button}"]')
    if choice.count() and choice.get_attribute("aria-current") != "true":
        choice.click()
        # The panel is swapped in by htmx: fields filled before the swap would be lost.
        expect(page.locator(f'[data-choose="{button}"][aria-current="true"]')).to_be_visible()
    form = page.locator("form.action", has=page.locator(f'button[data-action="{button}"]'))
    for label, value in fields.items():
        # The whole label, with the star a required field's label ends in.
        control = form.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    form.locator(f'button[data-action="{button}"]').click()


def offered(page) -> set[str]:
    """The actions the dossier page's panel offers: its choices, or its one button."""
    choices = page.locator("[data-choose]")
    if choices.count():
        return {choices.nth(i).get_attribute("data-choose") for i in range(choices.count())}
    buttons = page.locator("#action-panel button[data-action]")
    return {buttons.nth(i).get_attribute("data-action") for i in range(buttons.count())}
