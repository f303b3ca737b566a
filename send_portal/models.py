"""People, organisations and the shared base model."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council (local authority)"
    ICB = "icb", "NHS Integrated Care Board"
    HEALTH_PROVIDER = "health_provider", "NHS provider"
    PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum"
    SCHOOL = "school", "School or college"
    GOVERNMENT = "government", "DfE or NHS England"
    INDEPENDENT = "independent", "Independent"
    OTHER = "other", "Other"


class Organisation(TimeStampedModel):
    """A partner organisation, e.g. the county council or the Integrated Care Board."""

    code = models.SlugField(
        max_length=40, unique=True, help_text="Short code used in the plan file, e.g. LA."
    )
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind, default=OrganisationKind.OTHER)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who uses the portal. Roles are Django groups (see send_portal.roles)."""

    organisation = models.ForeignKey(
        "send_portal.Organisation", on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="%(app_label)s_%(class)s_username_ci_unique",
                violation_error_message="A user with that username already exists.",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The person's name, or their job title when no name is recorded (demo people are roles)."""
        return self.get_full_name() or self.job_title or self.username
