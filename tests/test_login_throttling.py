"""Login throttling on /admin/: axes locks a username at an address after repeated failures."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:
    """Hash quickly: these tests log in dozens of times; the throttle does not depend on it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)


@pytest.fixture
def other_editor():
    return get_user_model().objects.create_superuser("other", "other@example.org", PASSWORD)


def log_in(client, username: str, password: str, ip: str = HOME):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(client, username: str, times: int, ip: str = HOME) -> list[int]:
    return [log_in(client, username, "wrong", ip).status_code for _ in range(times)]


def test_the_failure_limit_comes_from_newsmap_login_failure_limit():
    env = {**os.environ, "NEWSMAP_LOGIN_FAILURE_LIMIT": "7", "DJANGO_SECRET_KEY": "x"}
    out = subprocess.run(
        [sys.executable, "-c", "import newsmap.settings as s; print(s.AXES_FAILURE_LIMIT)"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert out.stdout.strip() == "7"


def test_a_correct_password_logs_in_before_any_failure(client, editor):
    assert logged_in(log_in(client, "editor", PASSWORD))


def test_failures_below_the_limit_still_let_the_right_password_in(client, editor, settings):
    limit = settings.AXES_FAILURE_LIMIT

    assert fail(client, "editor", limit - 1) == [200] * (limit - 1)
    assert logged_in(log_in(client, "editor", PASSWORD))


def test_the_limit_th_failure_locks_the_login_out(client, editor, settings):
    limit = settings.AXES_FAILURE_LIMIT

    statuses = fail(client, "editor", limit)

    assert statuses[:-1] == [200] * (limit - 1)
    assert statuses[-1] == 429
    assert log_in(client, "editor", "wrong").status_code == 429


def test_a_correct_password_is_refused_while_locked(client, editor, settings):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)

    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 429
    assert "sessionid" not in response.cookies
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_a_smaller_configured_limit_locks_sooner(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2

    assert fail(client, "editor", 2) == [200, 429]
    assert log_in(client, "editor", PASSWORD).status_code == 429


def test_the_lock_holds_one_username_at_one_address_only(client, editor, other_editor, settings):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT, ip=HOME)

    assert log_in(client, "editor", PASSWORD, ip=HOME).status_code == 429
    assert logged_in(log_in(client, "other", PASSWORD, ip=HOME))
    client.logout()
    assert logged_in(log_in(client, "editor", PASSWORD, ip=ELSEWHERE))


def test_failures_spread_over_addresses_do_not_add_up(client, editor, settings):
    limit = settings.AXES_FAILURE_LIMIT

    fail(client, "editor", limit - 1, ip=HOME)
    fail(client, "editor", limit - 1, ip=ELSEWHERE)

    assert logged_in(log_in(client, "editor", PASSWORD, ip=HOME))


def test_a_successful_login_resets_the_count(client, editor, settings):
    limit = settings.AXES_FAILURE_LIMIT

    fail(client, "editor", limit - 1)
    assert logged_in(log_in(client, "editor", PASSWORD))
    client.logout()

    assert fail(client, "editor", limit - 1) == [200] * (limit - 1)
    assert logged_in(log_in(client, "editor", PASSWORD))
