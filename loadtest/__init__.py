"""A load test: wrk against gunicorn while import_articles writes reports (`python -m loadtest`)."""
