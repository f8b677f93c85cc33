"""Security headers: a strict CSP everywhere, HSTS and secure cookies under production settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from tests.factories import make_article, make_mention, make_place

pytestmark = pytest.mark.django_db

PAGES = ["/", "/articles/", "/admin/login/"]
APIS = [
    "/api/places.geojson",
    "/api/reports.geojson",
    "/api/reports.csv",
    "/api/timeline.json",
    "/api/openapi.json",
    "/oembed?url=http://testserver/&format=json",
]
PRODUCTION_NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
]


@pytest.fixture
def article():
    place = make_place("al-Zahour")
    report = make_article("Troops enter al-Zahour")
    make_mention(report, place)
    return report


def production_values() -> dict:
    """The hardening settings newsmap/settings.py computes with DJANGO_DEBUG off."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-like-key-for-this-test-only",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    for name in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_HSTS_SECONDS"):
        env.pop(name, None)
    code = (
        "import json, newsmap.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {PRODUCTION_NAMES!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture
def production(settings) -> dict:
    """Settings as production has them, including the HTTPS redirect tests/conftest.py turns off."""
    values = production_values()
    for name, value in values.items():
        setattr(settings, name, value)
    return values


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        names = {name for name, _ in attrs}
        is_data = dict(attrs).get("type") == "application/json"
        if tag == "script" and "src" not in names and not is_data:
            self.found.append(f"<script> without src at {self.getpos()}")
        if tag == "style":
            self.found.append(f"<style> at {self.getpos()}")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}> at {self.getpos()}")
        self.found += [f"{n} on <{tag}>" for n in names if n.startswith("on")]


def test_production_settings_turn_on_hsts_secure_cookies_and_the_https_redirect():
    values = production_values()

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"


@pytest.mark.parametrize("url", [*PAGES, "/embed/", *APIS])
def test_every_response_carries_a_csp_without_unsafe_sources(client, article, url):
    response = client.get(url)

    assert response.status_code == 200, url
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/", "/articles/", "/embed/", "/articles/{pk}/"])
def test_pages_need_no_inline_script_or_style_that_the_policy_would_block(client, article, url):
    response = client.get(url.format(pk=article.pk))

    finder = InlineFinder()
    finder.feed(response.content.decode())
    assert finder.found == []


@pytest.mark.parametrize("url", [*PAGES, "/articles/{pk}/", *APIS])
def test_only_the_embed_may_be_framed(client, article, url):
    response = client.get(url.format(pk=article.pk))

    assert response["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]


def test_the_embed_may_be_framed_by_the_configured_sites(client, article):
    response = client.get("/embed/")

    assert "X-Frame-Options" not in response
    expected = django_settings.NEWSMAP_EMBED_FRAME_ANCESTORS
    assert csp_directives(response)["frame-ancestors"] == expected


def test_plain_http_is_redirected_to_https_in_production(client, production, article):
    for url in ["/", "/api/places.geojson", "/admin/login/", f"/articles/{article.pk}/"]:
        response = client.get(url)
        assert response.status_code == 301, url
        assert response["Location"] == f"https://testserver{url}"


def test_https_responses_carry_hsts_in_production(client, production, article):
    for url in ["/", "/api/timeline.json", "/embed/"]:
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        hsts = response["Strict-Transport-Security"]
        assert f"max-age={production['SECURE_HSTS_SECONDS']}" in hsts
        assert "includeSubDomains" in hsts


def test_session_and_csrf_cookies_are_secure_in_production(client, production):
    get_user_model().objects.create_superuser("editor", "e@example.org", "a-long-passphrase-1")

    login_form = client.get("/admin/login/", secure=True)
    assert login_form.cookies["csrftoken"]["secure"] is True
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "a-long-passphrase-1"},
        secure=True,
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True


def test_only_history_pages_let_through_the_paginators_one_inline_style(admin_client):
    place = make_place("Zahour")
    change = admin_client.get(f"/admin/articles/place/{place.pk}/change/")
    history = admin_client.get(f"/admin/articles/place/{place.pk}/history/")

    assert history.status_code == change.status_code == 200
    assert csp_directives(change)["style-src"] == ["'self'"]
    styles = csp_directives(history)["style-src"]
    assert styles[:2] == ["'self'", "'unsafe-hashes'"] and len(styles) == 3
    assert styles[2].startswith("'sha256-")
    assert "'unsafe-inline'" not in history["Content-Security-Policy"]
