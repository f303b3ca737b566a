from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self):
        from notifications import receivers  # noqa: F401  (connects the signals of the apps it watches)
