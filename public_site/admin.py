from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from public_site.models import ChairsUpdate, PrioritySummary, PublicMeasure, YouSaidWeDid


class PublishableAdmin(SimpleHistoryAdmin):
    """Drafts are written on the editor pages (/public-content/); the admin shows them and their history."""

    list_display = ("__str__", "is_published", "published_at")
    readonly_fields = ("is_published", "published_at", "published_by", "first_published_at")


for model in (PrioritySummary, YouSaidWeDid, ChairsUpdate, PublicMeasure):
    admin.site.register(model, PublishableAdmin)

# Subscribers are not in the admin: a family's address is for sending their updates, not for browsing.
