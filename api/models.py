"""Personal access tokens for the read-only API. Each person makes and revokes their own."""

from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from knox.models import AbstractAuthToken, AuthTokenManager
from knox.settings import CONSTANTS

# How long a new token may last: the person chooses one (a token always has an expiry).
EXPIRY_CHOICES = [(30, "30 days"), (90, "90 days"), (180, "6 months"), (365, "1 year")]


class AccessTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees only their own tokens (so anyone else's answers 404)."""
        return self.filter(user=user) if user.is_authenticated else self.none()

    def for_page(self):
        """Newest first; expired ones are still listed (and refused) until revoked or next used."""
        return self.order_by("-created", "-pk")


class AccessToken(AbstractAuthToken):
    """A personal access token, e.g. "Power BI refresh". Only its SHA-512 digest and first 15 characters
    (`token_key`, to find the row) are stored: the token itself is shown once, when it is made.

    django-rest-knox authenticates it (KNOX_TOKEN_MODEL); the integer id is for the token page's URLs, so
    no part of the token appears in a URL."""

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=100, help_text='What the token is for, e.g. "Power BI refresh".')

    objects = AuthTokenManager.from_queryset(AccessTokenQuerySet)()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expiry__isnull=False),
                name="%(app_label)s_%(class)s_has_expiry",
                violation_error_message="A token needs an expiry date.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.user})"

    def get_absolute_url(self):
        return reverse("api:token_list")

    @classmethod
    def issue(cls, *, user, name, days):
        """Make a token for `user` lasting `days`: returns (AccessToken, the token text, shown once)."""
        return cls.objects.create(user=user, name=name.strip(), expiry=timedelta(days=days))

    @property
    def is_expired(self):
        return self.expiry is not None and self.expiry < timezone.now()  # as knox decides
