"""What happens when something is published: every public page is out of date at once (public_site/cache.py),
and the people who asked for email updates are sent it by the task worker (public_site/tasks.py)."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from indicators.models import Measurement
from public_site.cache import bump_public_version
from public_site.models import PUBLIC_MODELS, published, unpublished


@receiver(published)
def send_and_refresh(sender, item, **kwargs):
    from public_site.tasks import send_public_update

    transaction.on_commit(bump_public_version)
    transaction.on_commit(partial(send_public_update.enqueue, item._meta.model_name, item.pk))


@receiver(unpublished)
def refresh_after_taking_down(sender, item, **kwargs):
    transaction.on_commit(bump_public_version)


def _refresh(sender, instance, **kwargs):
    """A published item saved or deleted by any path (the admin included) refreshes the pages too; a new
    value of an indicator does, as its chart may be public."""
    transaction.on_commit(bump_public_version)


post_save.connect(_refresh, sender=Measurement, dispatch_uid="public_measurement_saved")
post_delete.connect(_refresh, sender=Measurement, dispatch_uid="public_measurement_deleted")
for model in PUBLIC_MODELS:
    post_delete.connect(_refresh, sender=model, dispatch_uid=f"public_{model._meta.model_name}_deleted")
