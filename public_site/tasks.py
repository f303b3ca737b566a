"""Mail for families (django.tasks): sent by the worker, never in a request."""

from django.apps import apps
from django.tasks import task

from public_site import services


@task()
def send_confirmation(email, priority_number):
    """The double opt-in mail to an address that asked for updates (nothing is stored until confirmed)."""
    services.send_confirmation(email, priority_number)


@task()
def send_public_update(model_name, pk):
    """Mail one published item to the confirmed subscribers of its priority (or of everything)."""
    item = apps.get_model("public_site", model_name).objects.filter(pk=pk).first()
    return services.send_update(item) if item is not None else 0
