"""The families' site: what the Operations Group has published, and who asked for email updates.

Every public item has a draft (what editors write) and a published copy (what the public site shows).
Editing the draft never changes the public page; publishing copies the draft over the published copy, with
who and when, and django-simple-history keeps each published copy, so what was public on any date can be
read back. Nothing about officers, internal narratives or evidence is ever copied here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from send_portal.models import TimeStampedModel, VersionedModel

# Pictures an Easy Read line may show (static/public/pictures/<name>.svg): shipped with the portal, so no
# uploaded file ever reaches the public site.
PICTURES = {
    "talk": "Two people talking",
    "family": "A family",
    "school": "A school",
    "clock": "A clock",
    "tick": "A tick",
    "letter": "A letter",
}


def parse_easy_read(text):
    """Easy Read lines from the editor's text: one line each, `words | picture | alt text` with the
    picture optional. Raises ValidationError naming the line that is wrong."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part.strip() for part in raw.split("|")]
        words, picture, alt = (parts + ["", ""])[:3] if len(parts) <= 3 else (None, None, None)
        if words is None:
            raise ValidationError(f"Line {number} has more than two | marks.")
        if not words:
            raise ValidationError(f"Line {number} has no words.")
        if picture and picture not in PICTURES:
            raise ValidationError(
                f"Line {number}: there is no picture called “{picture}”. Use one of: {', '.join(PICTURES)}."
            )
        if picture and not alt:
            raise ValidationError(f"Line {number}: say what the picture shows after a second |.")
        lines.append({"text": words, "picture": picture, "alt": alt if picture else ""})
    return lines


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Items on the public site: published and not taken down."""
        return self.filter(is_published=True)


class Publishable(TimeStampedModel, VersionedModel):
    """Abstract base of a public item: the draft fields named in `text_fields` each have a
    `published_<name>` copy, plus an Easy Read draft and copy, who published it and when."""

    text_fields = ()
    # Publishing is not an edit of the draft: an edit form open meanwhile still saves.
    unreported_fields = (
        "published_easy_read",
        "is_published",
        "first_published_at",
        "published_at",
        "published_by",
    )

    easy_read = models.TextField(
        "Easy Read version",
        blank=True,
        help_text="Optional. One short sentence a line. To add a picture: words | picture | what it shows. "
        f"Pictures: {', '.join(PICTURES)}.",
    )
    published_easy_read = models.JSONField(default=list, blank=True, editable=False)
    is_published = models.BooleanField(default=False, editable=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def draft_values(self):
        return {name: getattr(self, name) for name in self.text_fields}

    def published_values(self):
        return {name: getattr(self, f"published_{name}") for name in self.text_fields}

    @property
    def has_unpublished_changes(self):
        """Whether the draft differs from what is public (always, for an item never published)."""
        if not self.is_published:
            return True
        return self.draft_values() != self.published_values() or (
            parse_easy_read(self.easy_read) != self.published_easy_read
        )

    @property
    def draft_text(self):
        """All the draft's words, for the readability check."""
        return "\n\n".join(value for value in self.draft_values().values() if value)

    def clean(self):
        try:
            parse_easy_read(self.easy_read)
        except ValidationError as error:
            raise ValidationError({"easy_read": error.messages}) from error

    def publish(self, *, by, now=None):
        """Copy the draft to the public site, recording who and when; subscribers are sent it (signals)."""
        self.full_clean()
        for name, value in self.draft_values().items():
            setattr(self, f"published_{name}", value)
        self.published_easy_read = parse_easy_read(self.easy_read)
        self.published_at = now or timezone.now()
        self.first_published_at = self.first_published_at or self.published_at
        self.published_by = by
        self.is_published = True
        with transaction.atomic():
            self.save()
        published.send(sender=type(self), item=self)

    def unpublish(self, *, by):
        """Take the item off the public site; its draft and its history stay."""
        self.is_published = False
        self.published_by = by
        self.published_at = timezone.now()
        self.save()
        unpublished.send(sender=type(self), item=self)

    @property
    def subscribers_priority(self):
        """The priority whose subscribers hear about this item (None: only those who asked for all)."""
        return getattr(self, "priority", None)


# Sent after an item is published or taken down (public_site/signals.py bumps the public version on both).
published = Signal()
unpublished = Signal()


class PrioritySummary(Publishable):
    """A priority in plain English for families: what is being done and what has changed."""

    text_fields = ("title", "doing", "changed")

    priority = models.OneToOneField(
        "actions.Priority", on_delete=models.PROTECT, related_name="public_summary"
    )
    title = models.CharField("plain title", max_length=200, help_text="e.g. Getting EHC plans done on time")
    doing = models.TextField("what we are doing")
    changed = models.TextField("what has changed so far", blank=True)
    published_title = models.CharField(max_length=200, blank=True, editable=False)
    published_doing = models.TextField(blank=True, editable=False)
    published_changed = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__number"]
        verbose_name = "priority summary"
        verbose_name_plural = "priority summaries"

    def __str__(self):
        return f"Priority {self.priority.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("public:priority", args=[self.priority.number])


class YouSaidWeDid(Publishable):
    """'You said, we did, what changed': families' words and the partnership's answer, for the public."""

    text_fields = ("you_said", "we_did", "what_changed")

    feedback_item = models.ForeignKey(
        "governance.FeedbackItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_entries",
        help_text="The feedback recorded at a meeting that this entry tells the public about.",
    )
    priority = models.ForeignKey(
        "actions.Priority", on_delete=models.PROTECT, null=True, blank=True, related_name="public_entries"
    )
    you_said = models.TextField("you said")
    we_did = models.TextField("we did")
    what_changed = models.TextField("what changed", blank=True)
    published_you_said = models.TextField(blank=True, editable=False)
    published_we_did = models.TextField(blank=True, editable=False)
    published_what_changed = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-first_published_at", "-pk"]
        verbose_name = "you said, we did entry"
        verbose_name_plural = "you said, we did entries"

    def __str__(self):
        return self.you_said[:80]

    def get_absolute_url(self):
        return reverse("public:yousaidwedid_list") + f"#entry-{self.pk}"


class ChairsUpdate(Publishable):
    """The chair's update after a Board meeting, for families."""

    text_fields = ("title", "body")

    meeting = models.OneToOneField(
        "governance.Meeting", on_delete=models.PROTECT, related_name="chairs_update", null=True, blank=True
    )
    title = models.CharField(max_length=200, help_text="e.g. What the Board did in March")
    body = models.TextField(help_text="Leave a blank line between paragraphs.")
    published_title = models.CharField(max_length=200, blank=True, editable=False)
    published_body = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-first_published_at", "-pk"]
        verbose_name = "chair's update"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:chairsupdate_detail", args=[self.pk])

    @property
    def paragraphs(self):
        return [p.strip() for p in self.published_body.split("\n\n") if p.strip()]


class PublicMeasure(Publishable):
    """An indicator chosen for the public, with a plain name and a sentence saying what it shows."""

    text_fields = ("name", "sentence")

    indicator = models.OneToOneField(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="public_measure"
    )
    name = models.CharField("plain name", max_length=200)
    sentence = models.TextField(help_text="One plain sentence: what the chart shows and what it means.")
    published_name = models.CharField(max_length=200, blank=True, editable=False)
    published_sentence = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__priority__number", "indicator__code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:priority", args=[self.indicator.priority.number])

    @property
    def priority(self):
        return self.indicator.priority


PUBLIC_MODELS = (PrioritySummary, YouSaidWeDid, ChairsUpdate, PublicMeasure)


class Subscriber(models.Model):
    """Someone who confirmed they want email updates: their address and which priority (none: all).

    Nothing else is kept; an address is only stored once its owner has followed the confirmation link
    (the link itself carries the address, signed), and unsubscribing deletes the row."""

    email = models.EmailField()
    priority = models.ForeignKey(
        "actions.Priority", on_delete=models.CASCADE, null=True, blank=True, related_name="subscribers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "priority"],
                condition=Q(priority__isnull=False),
                name="%(app_label)s_%(class)s_one_per_priority",
                violation_error_message="This address already gets updates on this priority.",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(priority__isnull=True),
                name="%(app_label)s_%(class)s_one_for_all",
                violation_error_message="This address already gets every update.",
            ),
        ]

    def __str__(self):
        return self.email
