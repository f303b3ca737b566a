"""People, organisations and the shared base models."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import DeletedObject


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """Someone else changed the record after this form was loaded."""

    def __init__(self, current):
        super().__init__(f"{current} was changed by someone else after you opened it.")
        self.current = current


class VersionedModel(models.Model):
    """Abstract base for a record people edit in forms: a `version` that every change adds one to, so a
    save from a form loaded at an older version is refused (StaleEdit) instead of overwriting the other
    person's change, and that change can be named from the history.

    The concrete model needs `history = HistoricalRecords()` (django-simple-history).
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    # Fields beyond `version` and `updated` that a person did not change themselves (e.g. a sort key),
    # left out of what changes_since() reports.
    unreported_fields = ()

    class Meta:
        abstract = True

    def save_details(self, changes, *, expected_version):
        """Set `changes` ({field name: value}; a many-to-many field is given its list of records) if
        nobody else has changed the record since `expected_version`; raise StaleEdit otherwise.
        One transaction, history recorded."""
        with transaction.atomic():
            current = type(self)._default_manager.select_for_update().get(pk=self.pk)
            if current.version != expected_version:
                raise StaleEdit(current)
            many = {}
            for name, value in changes.items():
                if self._meta.get_field(name).many_to_many:
                    many[name] = value
                else:
                    setattr(self, name, value)
            self.version = current.version + 1
            self.full_clean()
            self.save()
            for name, value in many.items():
                getattr(self, name).set(value)

    def changes_since(self, version, labels=None):
        """What others changed after the form at `version` was loaded, from the recorded history:
        {"who": [names], "when": datetime, "fields": [(label, old, new), ...]}, or None if unknown.
        `labels` ({field name: label}, e.g. the form's) name the fields as the person saw them; others
        take the model's verbose name. Queries: the history rows, plus one per related record named."""
        labels = labels or {}
        baseline = self.history.filter(version=version).order_by("-history_date").first()
        latest = self.history.order_by("-history_date").first()
        if baseline is None or latest is None or latest.pk == baseline.pk:
            return None
        later = self.history.filter(history_date__gt=baseline.history_date).select_related("history_user")
        excluded = ["version", "updated", *self.unreported_fields]
        fields = []
        for change in latest.diff_against(
            baseline, excluded_fields=excluded, foreign_keys_are_objs=True
        ).changes:
            field = self._meta.get_field(change.field)
            label = labels.get(change.field, field.verbose_name)
            fields.append((label, self.shown(field, change.old), self.shown(field, change.new)))
        names = sorted({record.history_user.display_name for record in later if record.history_user_id})
        return {"who": names, "when": latest.history_date, "fields": fields}

    def shown(self, field, value):
        """A value from a history diff as a person reads it (changes_since); a model may say it its way."""
        return _shown(field, value)


def _shown(field, value):
    """A value from a history diff as a person reads it: a choice's label, the names of related records."""
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.many_to_many:  # rows of the through table, each {source: record, target: record}
        return ", ".join(str(row[field.m2m_reverse_field_name()]) for row in value)
    if isinstance(value, DeletedObject) and value.pk is None:  # how the diff gives an empty foreign key
        return None
    return value


class Review(models.TextChoices):
    """Where a lead's submission (a progress update, an indicator value, a highlight report) stands with the
    Operations Group. Where the partnership needs no sign-off, a submission is approved as it is made."""

    SUBMITTED = "submitted", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned to the lead"


REVIEW_TAG_COLOURS = {Review.SUBMITTED: "yellow", Review.APPROVED: "green", Review.RETURNED: "red"}


class ReviewQuerySet(models.QuerySet):
    """Mixed into the querysets of reviewed models: what the Board's pages, packs and snapshots read."""

    def approved(self):
        return self.filter(review=Review.APPROVED)

    def awaiting_sign_off(self):
        return self.filter(review=Review.SUBMITTED)

    def returned(self):
        return self.filter(review=Review.RETURNED)


class SignOffRefused(Exception):
    """A sign-off that cannot be done: the submission was already approved or returned (by someone else, a
    moment ago), it is the person's own, or it changed after the page was loaded. `message` says which."""

    def __init__(self, message, current=None):
        super().__init__(message)
        self.message = message
        self.current = current


OWN_SUBMISSION_MESSAGE = (
    "You submitted this yourself: another member of the Operations Group must sign it off."
)


def review_on_submission():
    """The one rule for where a new or changed submission starts: awaiting sign-off when the partnership
    needs sign-off (Partnership.updates_need_sign_off), else approved at once. No query (the partnership
    is cached)."""
    return Review.SUBMITTED if Partnership.current().updates_need_sign_off else Review.APPROVED


class ReviewedModel(models.Model):
    """Abstract base for a submission the Operations Group approves or returns with a reason. Rows made
    before sign-off existed are approved (the migration's default).

    A concrete model may override `reviewed()` (what follows an approval or a return, inside its
    transaction) and sets `submission_kind` (the word the sign-off pages and mail use)."""

    review = models.CharField("sign-off", max_length=20, choices=Review, default=Review.APPROVED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who submitted it last: they may not sign it off themselves.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField("why it was returned", blank=True)

    submission_kind = "submission"

    class Meta:
        abstract = True

    @property
    def is_approved(self):
        return self.review == Review.APPROVED

    @property
    def is_awaiting_sign_off(self):
        return self.review == Review.SUBMITTED

    @property
    def is_returned(self):
        return self.review == Review.RETURNED

    @property
    def review_tag_colour(self):
        return REVIEW_TAG_COLOURS[Review(self.review)]

    @staticmethod
    def submission_changes(by):
        """{field: value} of a (re)submission by `by`: awaiting sign-off or approved at once, by the one
        rule (review_on_submission). A resubmission clears the last review; the history keeps it."""
        review, now = review_on_submission(), timezone.now()
        approved_at_once = review == Review.APPROVED
        return {
            "review": review,
            "submitted_by": by,
            "submitted_at": now,
            "reviewed_by": by if approved_at_once else None,
            "reviewed_at": now if approved_at_once else None,
            "return_reason": "",
        }

    def mark_submitted(self, by):
        """Set the fields of a (re)submission by `by` (not saved): see submission_changes."""
        for name, value in self.submission_changes(by).items():
            setattr(self, name, value)

    def approve(self, *, by, expected_version=None):
        """The Operations Group approves the submission: the Board's pages now read it."""
        return self._sign_off(Review.APPROVED, by=by, expected_version=expected_version)

    def return_to_lead(self, *, by, reason, expected_version=None):
        """Return the submission to whoever submitted it, with the `reason` (required); they are told."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Say why it is returned, so the lead knows what to change"})
        return self._sign_off(Review.RETURNED, by=by, reason=reason, expected_version=expected_version)

    def _sign_off(self, review, *, by, reason="", expected_version=None):
        from send_portal.signals import submission_returned

        with transaction.atomic():
            current = type(self)._default_manager.select_for_update().get(pk=self.pk)
            if current.review != Review.SUBMITTED:
                raise SignOffRefused(current.not_awaiting_message(), current)
            if current.submitted_by_id is not None and current.submitted_by_id == by.pk:
                raise SignOffRefused(OWN_SUBMISSION_MESSAGE, current)
            version = getattr(current, "version", None)
            if expected_version is not None and version is not None and version != expected_version:
                raise SignOffRefused(
                    f"This {self.submission_kind} was changed after you opened the page: read it again "
                    "before you sign it off.",
                    current,
                )
            self.review, self.reviewed_by, self.reviewed_at = review, by, timezone.now()
            self.return_reason = reason
            if hasattr(self, "history"):
                self._history_user = by
            fields = ["review", "reviewed_by", "reviewed_at", "return_reason"]
            if any(field.name == "updated" for field in self._meta.fields):
                fields.append("updated")  # the digests' cache keys on the latest change
            self.save(update_fields=fields)
            self.reviewed()
            if review == Review.RETURNED:
                submission_returned.send(sender=type(self), submission=self)
        return self

    def not_awaiting_message(self):
        """What to say to someone signing off a submission no longer awaiting it (one query for the
        reviewer's name): the same whether it was signed off long ago or a moment ago."""
        when = f" on {timezone.localtime(self.reviewed_at):%-d %B %Y at %H:%M}" if self.reviewed_at else ""
        who = f" by {self.reviewed_by.display_name}" if self.reviewed_by_id else ""
        return (
            f"This {self.submission_kind} is not awaiting sign-off: it was already "
            f"{Review(self.review).label.lower()}{who}{when}."
        )

    def reviewed(self):
        """What follows an approval or a return, inside its transaction (e.g. the action's status)."""


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
    # When the person's record last changed (their name shows on pages kept in the cache, which key on it);
    # signing in saves last_login alone and leaves it.
    updated = models.DateTimeField(auto_now=True)

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


class ImportColumn(models.Model):
    """A plan column's header and the field it was mapped to when a plan was last imported, so the next
    import of a file with that header starts from the same choice. An empty field keeps it as notes."""

    header = models.CharField(max_length=200, unique=True)
    field = models.CharField(max_length=40, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["header"]

    def __str__(self):
        return f"{self.header} -> {self.field or 'notes'}"

    @classmethod
    def remembered(cls):
        """{header: field key or None} of every remembered choice (one query)."""
        return {column.header: column.field or None for column in cls.objects.all()}

    @classmethod
    def remember(cls, choices):
        """Keep {header: field key or None} for the next import."""
        for header, key in choices.items():
            cls.objects.update_or_create(header=header[:200], defaults={"field": key or ""})


PARTNERSHIP_CACHE_KEY = "send_portal.partnership"
PARTNERSHIP_CACHE_SECONDS = 3600


class Partnership(models.Model):
    """The local area partnership that runs the plan, and the words its plan uses: set in the admin or by
    the plan import, read by every page and the board pack. Until one is saved, its name is the
    PARTNERSHIP_NAME setting (a first-start default)."""

    name = models.CharField(max_length=200, help_text="e.g. 'Devon SEND Partnership'.")
    partners = models.ManyToManyField("send_portal.Organisation", blank=True, related_name="partnerships")
    plan_called = models.CharField(
        "what the plan is called", max_length=100, default="Priority Action Plan", blank=True
    )
    priority_called = models.CharField(
        "what a priority is called",
        max_length=100,
        default="priority",
        blank=True,
        help_text="In the plan's own words, e.g. 'area of significant weakness', 'theme', 'workstream'.",
    )
    priority_kinds = models.TextField(
        "kinds of priority",
        blank=True,
        default="Area for priority action\nArea for improvement",
        help_text="One a line.",
    )
    board_name = models.CharField("the Board's name", max_length=100, default="Improvement Board", blank=True)
    delivery_group_name = models.CharField(
        "the delivery group's name", max_length=100, default="Operations Group", blank=True
    )
    updates_need_sign_off = models.BooleanField(
        "updates need sign-off",
        default=True,
        help_text="When on, the Operations Group approves each progress update, indicator value and highlight "
        "report before the Board's pages show it as approved. Small partnerships may turn it off.",
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        type(self)._cache_current()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        type(self)._cache_current()
        return result

    @classmethod
    def _cache_current(cls):
        """Keep the current partnership (or the default before one is saved) in the cache: one query, here
        rather than on the next page."""
        partnership = cls.objects.order_by("pk").first() or cls(name=settings.PARTNERSHIP_NAME)
        cache.set(PARTNERSHIP_CACHE_KEY, partnership, PARTNERSHIP_CACHE_SECONDS)
        return partnership

    @classmethod
    def cached(cls):
        """The partnership as the cache holds it, else an unsaved one named from PARTNERSHIP_NAME: never a
        query (the error pages, which must render when the database is the trouble)."""
        return cache.get(PARTNERSHIP_CACHE_KEY) or cls(name=settings.PARTNERSHIP_NAME)

    @classmethod
    def current(cls):
        """The portal's partnership (kept in the cache until one is saved: no query on most requests), or
        an unsaved one named from PARTNERSHIP_NAME before any is set."""
        partnership = cache.get(PARTNERSHIP_CACHE_KEY)
        if partnership is None:
            partnership = cls._cache_current()
        return partnership

    @property
    def kinds(self):
        return [line.strip() for line in self.priority_kinds.splitlines() if line.strip()]

    @property
    def priority_word(self):
        """What the plan calls a priority, with a capital: 'Priority', 'Area of significant weakness'."""
        word = (self.priority_called or "").strip() or "priority"
        return word[:1].upper() + word[1:]


class ImportRunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Under way"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PlanImportRun(models.Model):
    """A large plan import (its preview, or its confirm) run as a background task, with its progress for
    the page that follows it. Holds the file's rows (the same signed payload the pages pass on) only
    until the task has run; the preview writes nothing, the confirm writes in one transaction."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_import_runs"
    )
    filename = models.CharField(max_length=255)
    confirm = models.BooleanField(default=False, help_text="Write the import (else: preview it).")
    replace = models.BooleanField(default=False)
    payload = models.TextField(blank=True, help_text="The file's rows, signed; emptied once the task ran.")
    form_data = models.JSONField(default=dict, blank=True, help_text="The column choices, as posted.")
    status = models.CharField(max_length=10, choices=ImportRunStatus, default=ImportRunStatus.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{'Import' if self.confirm else 'Preview'} of {self.filename}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("plan_import:run_detail", args=[self.pk])

    @property
    def is_under_way(self):
        return self.status in (ImportRunStatus.QUEUED, ImportRunStatus.RUNNING)

    def report(self, progress):
        """Say how far the task has got (saved at once, outside the import's transaction)."""
        self.status, self.progress = ImportRunStatus.RUNNING, progress
        self.save(update_fields=["status", "progress"])
