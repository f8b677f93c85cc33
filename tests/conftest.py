"""Fixtures shared by every test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Serve static files without the collectstatic manifest production uses."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests make plain-HTTP requests; production's redirect to HTTPS is tested on its own.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def fresh_matcher():
    """Each test sees the gazetteer its own rows make: a rollback sends no signal to the cache."""
    from articles.matcher import forget_matcher

    forget_matcher()
    yield
    forget_matcher()
