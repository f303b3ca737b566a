from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SendPortalConfig(AppConfig):
    name = "send_portal"
    verbose_name = "People and organisations"

    def ready(self):
        from send_portal.roles import ensure_roles_after_migrate

        # New models in later migrations get their permissions added to the roles too.
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="send_portal_ensure_roles")
