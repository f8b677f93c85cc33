"""WSGI entry point: `gunicorn newsmap.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsmap.settings")
application = get_wsgi_application()
