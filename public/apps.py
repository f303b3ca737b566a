from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public site for families"

    def ready(self):
        from public import signals  # noqa: F401  (bumps the public version on every publish)
