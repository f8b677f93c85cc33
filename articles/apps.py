from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Reports and places"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from articles import signals

        signals.connect()
