"""App configuration for the project itself."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class NewsmapStaticFilesConfig(StaticFilesConfig):
    # The markercluster package's minified file names a source map the package does not ship,
    # which the hashed-names storage refuses; the page loads the unminified build instead.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "leaflet.markercluster.js"]
