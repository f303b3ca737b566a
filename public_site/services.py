"""What the public site's views, feed, mail and demo share: the published words of an item, the signed
links of email updates, the chair's update drafted from a meeting, and the mail itself."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import get_urlconf, reverse, set_urlconf

from governance.models import GroupKind, Meeting
from public_site.models import PrioritySummary, PublicMeasure, Subscriber, YouSaidWeDid

CONFIRM_SALT = "public.subscribe.confirm"
UNSUBSCRIBE_SALT = "public.subscribe.unsubscribe"


def public_title(item):
    """The published title of an item, as the feed and mail show it."""
    if isinstance(item, PrioritySummary):
        return f"Priority {item.priority.number}: {item.published_title}"
    if isinstance(item, YouSaidWeDid):
        return "You said, we did"
    if isinstance(item, PublicMeasure):
        return item.published_name
    return item.published_title


def public_text(item):
    """The published words of an item, plain text, as the feed and mail show them."""
    if isinstance(item, PrioritySummary):
        parts = [("What we are doing", item.published_doing), ("What has changed", item.published_changed)]
    elif isinstance(item, YouSaidWeDid):
        parts = [
            ("You said", item.published_you_said),
            ("We did", item.published_we_did),
            ("What changed", item.published_what_changed),
        ]
    elif isinstance(item, PublicMeasure):
        parts = [("", item.published_sentence)]
    else:
        parts = [("", item.published_body)]
    return "\n\n".join(f"{label}: {text}" if label else text for label, text in parts if text)


def public_url(name, *args):
    """A full link to a public page, for mail: PUBLIC_SITE_URL + its path on the public site."""
    return settings.PUBLIC_SITE_URL + reverse(name, args=args, urlconf="public_site.host_urls")


def item_url(item):
    """A full link to an item's public page, for mail and the demo's links."""
    was = get_urlconf()
    set_urlconf("public_site.host_urls")
    try:
        return settings.PUBLIC_SITE_URL + item.get_absolute_url()
    finally:
        set_urlconf(was)


def confirmation_token(email, number):
    return signing.dumps({"e": email, "p": number or 0}, salt=CONFIRM_SALT, compress=True)


def read_confirmation_token(token, *, max_age):
    """(email, priority number or None) from a confirmation link; BadSignature if forged or too old."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    return data["e"], data["p"] or None


def unsubscribe_token(subscriber):
    # The address is signed too: a row id alone could be reused by a later sign-up.
    return signing.dumps({"i": subscriber.pk, "e": subscriber.email}, salt=UNSUBSCRIBE_SALT, compress=True)


def subscriber_from_token(token):
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=data.get("i"), email=data.get("e")).first()


def send_confirmation(email, number):
    """The double opt-in mail: a link that, followed, stores the address."""
    summary = PrioritySummary.objects.published().filter(priority__number=number).first() if number else None
    context = {
        "summary": summary,
        "confirm_url": public_url("public:subscribe_confirm", confirmation_token(email, number)),
        "home_url": public_url("public:home"),
    }
    EmailMessage(
        "Confirm you want email updates",
        render_to_string("public/email/confirm.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [email],
    ).send()


def subscribers_for(item):
    """Who hears about `item`: everyone who asked for all, and those who asked for its priority."""
    priority = item.subscribers_priority
    who = Q(priority__isnull=True)
    if priority is not None:
        who |= Q(priority=priority)
    return Subscriber.objects.filter(who).order_by("pk")


def send_update(item):
    """Mail a published item to its subscribers, one mail each with its own unsubscribe link. Returns the
    number sent. An item taken down before the worker ran is not sent."""
    if not item.is_published:
        return 0
    sent = 0
    for subscriber in subscribers_for(item):
        unsubscribe = public_url("public:unsubscribe", unsubscribe_token(subscriber))
        context = {
            "title": public_title(item),
            "text": public_text(item),
            "url": item_url(item),
            "unsubscribe_url": unsubscribe,
            "scope": subscriber.priority,
        }
        EmailMessage(
            f"Update: {public_title(item)}",
            render_to_string("public/email/update.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [subscriber.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ).send()
        sent += 1
    return sent


def draft_chairs_update(meeting):
    """A first draft of the chair's update for a Board meeting, for the editor to rewrite in plain words:
    the meeting's decisions, the "you said, we did" entries published since the Board before it, and what
    each priority's highlight report to this meeting says it achieved."""
    previous = (
        Meeting.objects.filter(group__kind=GroupKind.BOARD, date__lt=meeting.date).order_by("-date").first()
    )
    since = previous.date if previous else None
    entries = YouSaidWeDid.objects.published()
    if since:
        entries = entries.filter(first_published_at__date__gt=since)
    paragraphs = [f"The Board met on {meeting.date:%-d %B %Y}."]
    decisions = [d.text.strip() for d in meeting.decisions.all() if d.text.strip()]
    if decisions:
        paragraphs.append("The Board decided:\n" + "\n".join(f"- {text}" for text in decisions))
    for entry in entries:
        paragraphs.append(f"You said: {entry.published_you_said}\nWe did: {entry.published_we_did}")
    reports = meeting.highlight_reports.select_related("priority").order_by("priority__number")
    for report in reports:
        if report.achievements.strip():
            paragraphs.append(f"Priority {report.priority.number}: {report.achievements.strip()}")
    return {
        "meeting": meeting.pk,
        "title": f"What the Board did on {meeting.date:%-d %B %Y}",
        "body": "\n\n".join(paragraphs),
    }
