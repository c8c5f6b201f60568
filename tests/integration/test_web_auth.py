"""Signing in by e-mailed link, sessions, links in notices, and what protects every form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.web_support import BASE, clock_of, csrf_of, first_link, last_mail, mails, sign_in
from tests.world import ILAU, OTHER, OWNER
from workflow.chasing.sweep import sweep
from workflow.directory.people import set_active

R1 = "botj-2003/R1"
R1_PAGE = "/recs/botj-2003/R1"


def test_the_login_page_asks_for_an_address_by_its_label(web: Any) -> None:
    _, client = web
    page = client.get("/login")
    assert page.status_code == 200
    assert '<label for="email">Email address</label>' in page.text
    assert '<button type="submit" class="button">Send sign-in link</button>' in page.text


def test_a_known_address_gets_a_single_use_link_that_signs_in(web: Any) -> None:
    app, client = web
    sign_in(client, app, OWNER)
    link = first_link(last_mail(app, "sign-in", OWNER)[0]).removeprefix(BASE)
    assert client.get("/").text.count("Owen Owner") >= 1
    other = type(client)(client.app, base_url=BASE)
    reused = other.get(link)
    assert reused.status_code == 400 and "cannot be used" in reused.text
    assert "Sign out" not in reused.text


def test_a_sign_in_link_expires_after_its_minutes(web: Any) -> None:
    app, client = web
    page = client.get("/login")
    client.post("/login", data={"email": OWNER, "csrf_token": csrf_of(page.text)})
    link = first_link(last_mail(app, "sign-in", OWNER)[0]).removeprefix(BASE)
    clock = clock_of(app)
    clock.move_to(clock.now() + timedelta(minutes=15, seconds=1))
    late = client.get(link)
    assert late.status_code == 400 and "Sign out" not in late.text


def test_a_tampered_link_signs_nobody_in(web: Any) -> None:
    app, client = web
    page = client.get("/login")
    client.post("/login", data={"email": OWNER, "csrf_token": csrf_of(page.text)})
    link = first_link(last_mail(app, "sign-in", OWNER)[0]).removeprefix(BASE)
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert client.get(tampered).status_code == 400
    assert client.get("/").url.path == "/login"


@pytest.mark.parametrize("who", ["nobody@example.org", "gone"])
def test_an_unknown_or_deactivated_address_gets_the_same_page_and_no_mail(
    web: Any, who: str
) -> None:
    app, client = web
    if who == "gone":
        with app.uow() as uow:
            set_active(uow, OTHER, active=False, actor=ILAU)
        who = OTHER
    page = client.get("/login")
    known = client.post("/login", data={"email": ILAU, "csrf_token": csrf_of(page.text)})
    answer = client.post("/login", data={"email": who, "csrf_token": csrf_of(page.text)})
    assert answer.status_code == known.status_code == 200
    assert answer.url.path == known.url.path == "/login/sent"
    assert answer.text == known.text.replace(
        known.headers["x-request-id"], answer.headers["x-request-id"]
    )
    assert [m.recipient for m in mails(app, "sign-in")] == [ILAU]


def test_sign_in_requests_are_limited_per_address_and_per_client(web: Any) -> None:
    app, client = web
    token = csrf_of(client.get("/login").text)
    for _ in range(7):
        assert client.post("/login", data={"email": OWNER, "csrf_token": token}).status_code == 200
    assert len(mails(app, "sign-in")) == 5  # 5 per 15 minutes for one address
    codes = [
        client.post("/login", data={"email": f"n{i}@example.org", "csrf_token": token}).status_code
        for i in range(14)
    ]
    assert codes.count(429) == 1 and codes[-1] == 429  # 20 per 15 minutes from one client


def test_signing_out_ends_the_session_for_good(web: Any) -> None:
    app, client = web
    sign_in(client, app, OWNER)
    cookie = client.cookies.get("rectrack_session")
    out = client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    assert out.url.path == "/login" and "You have signed out" in out.text
    thief = type(client)(client.app, base_url=BASE, cookies={"rectrack_session": cookie})
    assert thief.get(R1_PAGE).url.path == "/login"


def test_without_a_session_a_page_asks_for_sign_in_and_shows_nothing_of_it(web: Any) -> None:
    _, client = web
    answer = client.get(R1_PAGE, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Frecs%2Fbotj-2003%2FR1"
    followed = client.get(R1_PAGE)
    assert "Recommendation 1" not in followed.text and "Email address" in followed.text


def test_the_session_cookie_is_httponly_and_lax(web: Any) -> None:
    app, client = web
    page = client.get("/login")
    client.post("/login", data={"email": OWNER, "csrf_token": csrf_of(page.text)})
    link = first_link(last_mail(app, "sign-in", OWNER)[0]).removeprefix(BASE)
    answer = client.get(link, follow_redirects=False)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("rectrack_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_every_page_has_a_strict_policy_and_a_request_id(web: Any) -> None:
    _, client = web
    page = client.get("/login")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert len(page.headers["x-request-id"]) == 16
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in page.text and " style=" not in page.text


def test_a_reminder_links_to_the_page_and_signs_its_owner_in(web: Any) -> None:
    app, client = web
    clock = clock_of(app)
    clock.move_to(clock.now() + timedelta(days=50))  # the response is due within 7 days
    with app.uow() as uow:
        sweep(uow)
    text, html = last_mail(app, "reminder", OWNER)
    link = first_link(text, f"{BASE}{R1_PAGE}?t=")
    assert f'<a href="{link}">{R1}</a>'.replace("&", "&amp;") in html
    page = client.get(link.removeprefix(BASE))
    assert page.url.path == R1_PAGE and "?" not in str(page.url)
    assert "Owen Owner" in page.text and "Recommendation 1" in page.text
    clock.move_to(clock.now() + timedelta(days=14, seconds=1))
    stranger = type(client)(client.app, base_url=BASE)
    late = stranger.get(link.removeprefix(BASE))
    assert late.url.path == "/login" and "expired" in late.text
    forged = stranger.get(R1_PAGE + "?t=" + link.rsplit("=", 1)[1][:-2] + "xx")
    assert forged.url.path == "/login"


def test_another_persons_link_does_not_change_who_is_signed_in(web: Any) -> None:
    app, client = web
    clock = clock_of(app)
    clock.move_to(clock.now() + timedelta(days=50))
    with app.uow() as uow:
        sweep(uow)
    link = first_link(last_mail(app, "reminder", OWNER)[0], f"{BASE}{R1_PAGE}?t=")
    sign_in(client, app, ILAU)
    page = client.get(link.removeprefix(BASE))
    assert page.status_code == 200 and "Signed in as Ivy Lau" in page.text
    assert f"sent to {OWNER}" in page.text


def test_a_post_without_its_token_or_from_elsewhere_changes_nothing(web: Any) -> None:
    app, client = web
    sign_in(client, app, ILAU)
    token = csrf_of(client.get(R1_PAGE).text)
    form = {"reason": "Late", "version": "1"}
    bare = client.post(f"{R1_PAGE}/escalate", data=form)
    forged = client.post(f"{R1_PAGE}/escalate", data={**form, "csrf_token": "0" * 64})
    foreign = client.post(
        f"{R1_PAGE}/escalate",
        data={**form, "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert bare.status_code == forged.status_code == foreign.status_code == 403
    assert "This form has expired" in bare.text
    assert mails(app, "escalation") == []
    ok = client.post(f"{R1_PAGE}/escalate", data={**form, "csrf_token": token})
    assert ok.status_code == 200 and "It has been escalated" in ok.text
    assert len(mails(app, "escalation")) == 1


def test_an_unexpected_failure_is_a_page_in_words_never_a_traceback(
    web: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = web
    sign_in(client, app, OWNER)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr("workflow.lifecycle.service.show_recommendation", broken)
    answer = client.get(R1_PAGE)
    assert answer.status_code == 500 and "Something went wrong" in answer.text
    assert answer.headers["x-request-id"] in answer.text  # the reference to quote
    assert "Traceback" not in answer.text and "caught fire" not in answer.text
    assert client.get("/no/such/page").status_code == 404


def test_a_rate_limit_store_that_cannot_be_used_stops_the_start(web: Any) -> None:
    from dataclasses import replace

    from config import ConfigError
    from workflow.bootstrap import App
    from workflow.web.context import Web

    app, _ = web
    settings = replace(
        app.settings, web=replace(app.settings.web, rate_limit_storage="nonsense://x")
    )
    with pytest.raises(ConfigError, match=r"\[web\] rate_limit_storage 'nonsense://x'"):
        Web(App(settings))
