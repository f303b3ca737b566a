from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public_site"
    verbose_name = "Public site for families"

    def ready(self):
        from public_site import signals  # noqa: F401  (bumps the public version on every publish)
